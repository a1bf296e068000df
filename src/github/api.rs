//! The GitHub REST calls scopecheck makes, over octocrab: each retried with back-off on 5xx,
//! 429 and secondary-rate-limit 403 answers (honouring `retry-after` and
//! `x-ratelimit-reset`), each error said without the token.

use std::time::Duration;

use http::StatusCode;
use octocrab::Octocrab;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a call failed, after any retries.
#[derive(Debug)]
pub enum ApiError {
    /// GitHub answered with this status (and message).
    Status(StatusCode, String),
    /// GitHub could not be reached, or answered with something unreadable.
    Transport(String),
}

impl ApiError {
    /// A refusal to write: a read-only token (a pull request from a fork) or no access.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, ApiError::Status(s, _) if *s == StatusCode::FORBIDDEN || *s == StatusCode::NOT_FOUND)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Status(s, m) => write!(f, "GitHub answered {s}: {m}"),
            ApiError::Transport(m) => write!(f, "could not reach GitHub: {m}"),
        }
    }
}

pub struct Api {
    client: Octocrab,
    token: String,
    /// `owner/repo`.
    pub repo: String,
    /// First back-off; doubled on each retry.
    backoff: Duration,
    attempts: u32,
    /// How many requests were sent (retries included).
    pub requests: std::cell::Cell<usize>,
}

#[derive(Clone, Copy, Debug)]
enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Api {
    pub fn new(api_url: &str, token: &str, repo: &str) -> Result<Api, String> {
        let client = Octocrab::builder()
            .base_uri(api_url)
            .map_err(|_| format!("GITHUB_API_URL `{api_url}` is not a URL"))?
            .personal_token(token.to_string())
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|e| format!("cannot set up the GitHub client: {e}"))?;
        let backoff_ms = std::env::var("SCOPECHECK_GITHUB_BACKOFF_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        Ok(Api {
            client,
            token: token.to_string(),
            repo: repo.to_string(),
            backoff: Duration::from_millis(backoff_ms),
            attempts: 4,
            requests: std::cell::Cell::new(0),
        })
    }

    /// Anything GitHub or the transport said, with the token cut out.
    fn redact(&self, text: &str) -> String {
        if self.token.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.token, "***")
        }
    }

    async fn send(
        &self,
        method: Method,
        route: &str,
        body: Option<&Value>,
    ) -> Result<String, ApiError> {
        let mut wait = self.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.requests.set(self.requests.get() + 1);
            let response = match method {
                Method::Get => self.client._get(route).await,
                Method::Post => self.client._post(route, body).await,
                Method::Patch => self.client._patch(route, body).await,
                Method::Put => self.client._put(route, body).await,
                Method::Delete => self.client._delete(route, body).await,
            };
            let response = match response {
                Ok(r) => r,
                Err(e) if attempt < self.attempts => {
                    let _ = e;
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    continue;
                }
                Err(e) => return Err(ApiError::Transport(self.redact(&e.to_string()))),
            };
            let status = response.status();
            let headers = response.headers().clone();
            let text = self
                .client
                .body_to_string(response)
                .await
                .map_err(|e| ApiError::Transport(self.redact(&e.to_string())))?;
            if status.is_success() {
                return Ok(text);
            }
            let header_secs = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
            };
            let secondary_limit = status == StatusCode::FORBIDDEN
                && (headers.contains_key("retry-after")
                    || text.to_lowercase().contains("rate limit"));
            let retryable = status.is_server_error()
                || status == StatusCode::TOO_MANY_REQUESTS
                || secondary_limit;
            if retryable && attempt < self.attempts {
                let delay = if let Some(s) = header_secs("retry-after") {
                    Duration::from_secs(s)
                } else if let Some(reset) = header_secs("x-ratelimit-reset") {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs())
                        .unwrap_or(0);
                    Duration::from_secs(reset.saturating_sub(now))
                } else {
                    wait
                };
                // Never wait so long that the job times out instead of failing clearly.
                tokio::time::sleep(delay.min(Duration::from_secs(120))).await;
                wait *= 2;
                continue;
            }
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_else(|| text.chars().take(200).collect());
            return Err(ApiError::Status(status, self.redact(&message)));
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &str,
        body: Option<&Value>,
    ) -> Result<T, ApiError> {
        let text = self.send(method, route, body).await?;
        let text = if text.trim().is_empty() {
            "null".to_string()
        } else {
            text
        };
        serde_json::from_str(&text).map_err(|e| {
            ApiError::Transport(format!("unreadable answer from GitHub for {route}: {e}"))
        })
    }

    /// Every page of a list (`per_page=100`, up to 20 pages: a bot's own comments are few).
    pub async fn list(&self, route: &str) -> Result<Vec<Value>, ApiError> {
        let mut all = Vec::new();
        for page in 1..=20 {
            let sep = if route.contains('?') { '&' } else { '?' };
            let items: Vec<Value> = self
                .json(
                    Method::Get,
                    &format!("{route}{sep}per_page=100&page={page}"),
                    None,
                )
                .await?;
            let done = items.len() < 100;
            all.extend(items);
            if done {
                break;
            }
        }
        Ok(all)
    }

    fn route(&self, tail: &str) -> String {
        format!("/repos/{}/{tail}", self.repo)
    }

    pub async fn review_comments(&self, pr: u64) -> Result<Vec<Value>, ApiError> {
        self.list(&self.route(&format!("pulls/{pr}/comments")))
            .await
    }
    pub async fn issue_comments(&self, pr: u64) -> Result<Vec<Value>, ApiError> {
        self.list(&self.route(&format!("issues/{pr}/comments")))
            .await
    }
    pub async fn reviews(&self, pr: u64) -> Result<Vec<Value>, ApiError> {
        self.list(&self.route(&format!("pulls/{pr}/reviews"))).await
    }
    pub async fn create_review(&self, pr: u64, body: &Value) -> Result<Value, ApiError> {
        self.json(
            Method::Post,
            &self.route(&format!("pulls/{pr}/reviews")),
            Some(body),
        )
        .await
    }
    pub async fn create_review_comment(&self, pr: u64, body: &Value) -> Result<Value, ApiError> {
        self.json(
            Method::Post,
            &self.route(&format!("pulls/{pr}/comments")),
            Some(body),
        )
        .await
    }
    pub async fn delete_review_comment(&self, id: u64) -> Result<(), ApiError> {
        self.send(
            Method::Delete,
            &self.route(&format!("pulls/comments/{id}")),
            None,
        )
        .await
        .map(|_| ())
    }
    pub async fn create_issue_comment(&self, pr: u64, body: &str) -> Result<Value, ApiError> {
        self.json(
            Method::Post,
            &self.route(&format!("issues/{pr}/comments")),
            Some(&serde_json::json!({ "body": body })),
        )
        .await
    }
    pub async fn update_issue_comment(&self, id: u64, body: &str) -> Result<Value, ApiError> {
        self.json(
            Method::Patch,
            &self.route(&format!("issues/comments/{id}")),
            Some(&serde_json::json!({ "body": body })),
        )
        .await
    }
    pub async fn dismiss_review(&self, pr: u64, id: u64, message: &str) -> Result<Value, ApiError> {
        self.json(
            Method::Put,
            &self.route(&format!("pulls/{pr}/reviews/{id}/dismissals")),
            Some(&serde_json::json!({ "message": message, "event": "DISMISS" })),
        )
        .await
    }
}
