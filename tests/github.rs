//! `scopecheck github review` against a local server standing in for api.github.com. The
//! server keeps state like GitHub (review comments, issue comments, reviews), and checks every
//! request's method, path and body against GitHub's OpenAPI description
//! (`../shared/corpus/github/openapi-subset.json`). Runs are driven by GitHub's own example
//! payloads (`../shared/corpus/github/payloads/`), pointed at real local repositories.

mod common;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{stderr, stdout, TestRepo};

const TOKEN: &str = "ghs_SECRETtoken0123456789abcdef";

// ---- a JSON-schema check, enough for GitHub's request bodies --------------------------

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .map(|s| resolve(spec, s))
            .unwrap_or(schema),
        None => schema,
    }
}

fn check(spec: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(spec, schema);
    if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let ok = options.iter().any(|o| {
                let mut e = Vec::new();
                check(spec, o, value, at, &mut e);
                e.is_empty()
            });
            if !ok {
                errors.push(format!("{at}: matches none of {key}"));
            }
        }
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(spec, part, value, at, errors);
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: expected {t}, got {value}"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            errors.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(required) {
                errors.push(format!("{at}: missing required `{required}`"));
            }
        }
        for (k, v) in obj {
            match props.get(k) {
                Some(s) => check(spec, s, v, &format!("{at}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}: unknown property `{k}`"))
                }
                None => errors.push(format!("{at}: `{k}` is not in GitHub's description")),
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            check(spec, items, v, &format!("{at}[{i}]"), errors);
        }
    }
}

/// The operation of the OpenAPI description that `method path` is, and what is wrong with it.
fn validate(spec: &Value, method: &str, path: &str, body: Option<&Value>) -> Vec<String> {
    let paths = spec["paths"].as_object().unwrap();
    let found = paths.iter().find(|(template, _)| {
        let t: Vec<&str> = template.split('/').collect();
        let p: Vec<&str> = path.split('/').collect();
        t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| a.starts_with('{') || a == b)
    });
    let Some((template, ops)) = found else {
        return vec![format!("{method} {path}: no such path in GitHub's API")];
    };
    let Some(op) = ops.get(method.to_lowercase()) else {
        return vec![format!("{method} {template}: no such operation")];
    };
    let mut errors = Vec::new();
    match (
        op.pointer("/requestBody/content/application~1json/schema"),
        body,
    ) {
        (Some(schema), Some(body)) => check(
            spec,
            schema,
            body,
            &format!("{method} {template} body"),
            &mut errors,
        ),
        (Some(_), None) if op.pointer("/requestBody/required") == Some(&Value::Bool(true)) => {
            errors.push(format!("{method} {template}: body required"))
        }
        (None, Some(b)) if !b.is_null() => {
            errors.push(format!("{method} {template}: takes no body"))
        }
        _ => {}
    }
    errors
}

// ---- a fake GitHub with state ------------------------------------------------------------

#[derive(Default)]
struct State {
    review_comments: Vec<Value>,
    issue_comments: Vec<Value>,
    reviews: Vec<Value>,
    next_id: u64,
    requests: Vec<(String, String)>,
    violations: Vec<String>,
    /// Answers to give before serving normally: a status, and a `retry-after` if any.
    fail_first: VecDeque<(u16, Option<&'static str>)>,
    /// Answer every write with 403, as for a fork's read-only token.
    read_only: bool,
    /// Every text GitHub was asked to show (bodies of comments and reviews).
    bodies: Vec<String>,
    authorized: bool,
}

#[derive(Clone)]
struct FakeGitHub {
    state: Arc<Mutex<State>>,
    spec: Arc<Value>,
}

impl Respond for FakeGitHub {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut st = self.state.lock().unwrap();
        let method = req.method.to_string();
        let path = req.url.path().to_string();
        st.requests.push((method.clone(), path.clone()));
        st.authorized = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {TOKEN}"));
        let body: Option<Value> = serde_json::from_slice(&req.body).ok();
        let violations = validate(&self.spec, &method, &path, body.as_ref());
        st.violations.extend(violations);
        if let Some(b) = &body {
            let texts = std::iter::once(&b["body"]).chain(
                b["comments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| &c["body"]),
            );
            st.bodies
                .extend(texts.filter_map(Value::as_str).map(str::to_string));
        }
        if let Some((status, retry_after)) = st.fail_first.pop_front() {
            let message = if status == 403 {
                "You have exceeded a secondary rate limit."
            } else {
                "Server Error"
            };
            let mut answer =
                ResponseTemplate::new(status).set_body_json(json!({ "message": message }));
            if let Some(secs) = retry_after {
                answer = answer.insert_header("retry-after", secs);
            }
            return answer;
        }
        if st.read_only && method != "GET" {
            return ResponseTemplate::new(403)
                .set_body_json(json!({"message": "Resource not accessible by integration"}));
        }
        st.next_id += 1;
        let id = st.next_id;
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // /repos/{o}/{r}/...
        let tail: Vec<&str> = segs[3..].to_vec();
        let page = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.parse::<usize>().unwrap_or(1))
            .unwrap_or(1);
        let list = |items: &Vec<Value>| -> ResponseTemplate {
            let start = (page - 1) * 100;
            ResponseTemplate::new(200).set_body_json(Value::Array(
                items.iter().skip(start).take(100).cloned().collect(),
            ))
        };
        match (method.as_str(), tail.as_slice()) {
            ("GET", ["pulls", _, "comments"]) => list(&st.review_comments),
            ("POST", ["pulls", _, "comments"]) => {
                let mut c = body.unwrap_or_default();
                c["id"] = json!(id);
                st.review_comments.push(c.clone());
                ResponseTemplate::new(201).set_body_json(c)
            }
            ("DELETE", ["pulls", "comments", cid]) => {
                let cid: u64 = cid.parse().unwrap();
                st.review_comments.retain(|c| c["id"] != json!(cid));
                ResponseTemplate::new(204)
            }
            ("GET", ["issues", _, "comments"]) => list(&st.issue_comments),
            ("POST", ["issues", _, "comments"]) => {
                let c = json!({"id": id, "body": body.unwrap_or_default()["body"]});
                st.issue_comments.push(c.clone());
                ResponseTemplate::new(201).set_body_json(c)
            }
            ("PATCH", ["issues", "comments", cid]) => {
                let cid: u64 = cid.parse().unwrap();
                let new_body = body.unwrap_or_default()["body"].clone();
                for c in st
                    .issue_comments
                    .iter_mut()
                    .filter(|c| c["id"] == json!(cid))
                {
                    c["body"] = new_body.clone();
                }
                ResponseTemplate::new(200).set_body_json(json!({"id": cid, "body": new_body}))
            }
            ("GET", ["pulls", _, "reviews"]) => list(&st.reviews),
            ("POST", ["pulls", _, "reviews"]) => {
                let b = body.unwrap_or_default();
                let state = match b["event"].as_str() {
                    Some("REQUEST_CHANGES") => "CHANGES_REQUESTED",
                    Some("APPROVE") => "APPROVED",
                    _ => "COMMENTED",
                };
                for c in b["comments"].as_array().into_iter().flatten() {
                    let mut c = c.clone();
                    st.next_id += 1;
                    c["id"] = json!(st.next_id);
                    st.review_comments.push(c);
                }
                let r = json!({"id": id, "state": state, "body": b["body"]});
                st.reviews.push(r.clone());
                ResponseTemplate::new(200).set_body_json(r)
            }
            ("PUT", ["pulls", _, "reviews", rid, "dismissals"]) => {
                let rid: u64 = rid.parse().unwrap();
                for r in st.reviews.iter_mut().filter(|r| r["id"] == json!(rid)) {
                    r["state"] = json!("DISMISSED");
                }
                ResponseTemplate::new(200).set_body_json(json!({"id": rid, "state": "DISMISSED"}))
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

struct Fixture {
    server: MockServer,
    github: FakeGitHub,
    /// Held so the server keeps answering while a test runs the binary.
    _runtime: tokio::runtime::Runtime,
}

fn spec() -> Option<Value> {
    let path = common::shared_dir()?.join("corpus/github/openapi-subset.json");
    Some(serde_json::from_str(&std::fs::read_to_string(path).ok()?).unwrap())
}

impl Fixture {
    fn start(spec: Value) -> Fixture {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let github = FakeGitHub {
            state: Arc::new(Mutex::new(State::default())),
            spec: Arc::new(spec),
        };
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(github.clone())
                .mount(&server)
                .await;
            server
        });
        Fixture {
            server,
            github,
            _runtime: runtime,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.github.state.lock().unwrap()
    }
}

// ---- repositories and events -----------------------------------------------------------------

const POLICY: &str = "version: 1\nagents:\n  backend:\n    owns: [src/server/, BACKEND_LOG.md]\n    forbids: [src/components/]\n    shared: [src/types/]\n    emails: [backend-bot@example.com]\n    worklog: BACKEND_LOG.md\n  frontend:\n    owns: [src/components/]\nprotected: [scopecheck.yml]\n";

/// A repository with `main` and a pull-request branch of backend commits; (repo, base, head).
fn pr_repo() -> (TestRepo, String, String) {
    let repo = TestRepo::with_policy_text(POLICY);
    repo.write(
        "src/components/Button.tsx",
        "export const Button = 1;\nline 2\nline 3\n",
    );
    repo.write("BACKEND_LOG.md", "# Backend log\n");
    let base = repo.commit_all("chore: start");
    repo.git(&["checkout", "-q", "-b", "agents/backend/users"]);
    repo.write("src/server/users.rs", "pub fn users() {}\n");
    repo.write("src/types/user.ts", "export type User = {};\n");
    repo.write("BACKEND_LOG.md", "# Backend log\n\n## 2026-11-21 10:00 — Users endpoint\n**Summary**: ping @org/team <script>alert(1)</script>\n**Files**:\n- `src/server/users.rs` - handler\n- `src/types/user.ts`\n");
    repo.commit_as("backend-bot@example.com", "feat(api): users endpoint");
    repo.write(
        "src/components/Button.tsx",
        "export const Button = 2;\nline 2\nline 3\n",
    );
    let head = repo.commit_as(
        "backend-bot@example.com",
        "fix(api): Touch the button <script>x</script> @org/team",
    );
    (repo, base, head)
}

/// GitHub's example `pull_request.opened` payload, pointed at this repository's commits.
fn pr_event(
    dir: &Path,
    payload: &str,
    base: &str,
    head: &str,
    edit: impl Fn(&mut Value),
) -> PathBuf {
    let shared = common::shared_dir().unwrap();
    let text =
        std::fs::read_to_string(shared.join("corpus/github/payloads").join(payload)).unwrap();
    let mut event: Value = serde_json::from_str(&text).unwrap();
    event["pull_request"]["base"]["sha"] = json!(base);
    event["pull_request"]["head"]["sha"] = json!(head);
    event["pull_request"]["head"]["ref"] = json!("agents/backend/users");
    edit(&mut event);
    let path = dir.join(".git").join(format!("event-{}.json", &head[..7]));
    std::fs::write(&path, serde_json::to_string_pretty(&event).unwrap()).unwrap();
    path
}

fn review(
    repo: &TestRepo,
    fx: &Fixture,
    event: &Path,
    extra: &[&str],
) -> (std::process::Output, String) {
    // the runner's files live outside the work tree (as on GitHub), never committed by a test
    let summary = repo.path().join(".git/step-summary.md");
    let out = repo
        .scopecheck()
        .args(["github", "review", "--event", event.to_str().unwrap()])
        .args(extra)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "Codertocat/Hello-World")
        .env("GITHUB_API_URL", fx.server.uri())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", repo.path().join(".git/outputs.txt"))
        .env("SCOPECHECK_GITHUB_BACKOFF_MS", "5")
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !text.contains(TOKEN),
        "the token must never be printed:\n{text}"
    );
    (out, text)
}

macro_rules! needs_corpus {
    () => {
        match spec() {
            Some(spec) => spec,
            None => {
                eprintln!(
                    "SKIPPED: ../shared/corpus/github is absent, so the GitHub tests did not run"
                );
                return;
            }
        }
    };
}

// ---- the scenarios ---------------------------------------------------------------------------

#[test]
fn first_run_reviews_and_summarises_a_second_run_adds_nothing() {
    let fx = Fixture::start(needs_corpus!());
    let (repo, base, head) = pr_repo();
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a denial fails the check\n{text}"
    );
    let first_requests;
    {
        let st = fx.state();
        assert!(
            st.violations.is_empty(),
            "requests GitHub would refuse: {:?}",
            st.violations
        );
        assert!(st.authorized, "the token is sent as a bearer token");
        assert_eq!(st.reviews.len(), 1);
        assert_eq!(st.reviews[0]["state"], "CHANGES_REQUESTED");
        // the net change: Button.tsx denied (forbidden), user.ts warned (shared)
        let paths: Vec<&str> = st
            .review_comments
            .iter()
            .map(|c| c["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            vec!["src/components/Button.tsx", "src/types/user.ts"]
        );
        let button = &st.review_comments[0];
        assert_eq!(
            (button["line"].as_u64(), button["side"].as_str()),
            (Some(1), Some("RIGHT"))
        );
        assert!(button["body"]
            .as_str()
            .unwrap()
            .contains("forbidden to backend by `src/components/`"));
        assert_eq!(st.issue_comments.len(), 1);
        let summary = st.issue_comments[0]["body"].as_str().unwrap();
        assert!(summary.starts_with("<!-- scopecheck:summary -->"));
        assert!(
            summary.contains("Users endpoint"),
            "the work-log entry the PR adds: {summary}"
        );
        assert!(
            summary.contains("@\u{2060}org/team") && summary.contains("&lt;script&gt;"),
            "escaped, not dropped: {summary}"
        );
        assert!(
            !summary.contains("<script>") && !summary.contains("@org/team"),
            "{summary}"
        );
        first_requests = st.requests.len();
    }
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let st = fx.state();
    assert!(st.violations.is_empty(), "{:?}", st.violations);
    assert_eq!(st.reviews.len(), 1, "nothing new to say: no second review");
    assert_eq!(st.review_comments.len(), 2, "no comment twice");
    assert_eq!(st.issue_comments.len(), 1, "the summary is edited in place");
    let patches = st
        .requests
        .iter()
        .filter(|(m, p)| m == "PATCH" && p.contains("/issues/comments/"))
        .count();
    assert_eq!(patches, 1);
    eprintln!(
        "API requests: first run {first_requests}, second run {}",
        st.requests.len() - first_requests
    );
}

#[test]
fn a_fixing_push_clears_the_check_and_dismisses_the_review() {
    let fx = Fixture::start(needs_corpus!());
    let (repo, base, head) = pr_repo();
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    review(&repo, &fx, &event, &[]);
    // undo the forbidden change
    repo.write(
        "src/components/Button.tsx",
        "export const Button = 1;\nline 2\nline 3\n",
    );
    let fixed = repo.commit_as(
        "backend-bot@example.com",
        "revert(api): leave the button alone",
    );
    let event = pr_event(
        repo.path(),
        "pull_request.synchronize.json",
        &base,
        &fixed,
        |_| {},
    );
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the denial is gone from the net change\n{text}"
    );
    let st = fx.state();
    assert!(st.violations.is_empty(), "{:?}", st.violations);
    assert_eq!(st.reviews[0]["state"], "DISMISSED");
    let paths: Vec<&str> = st
        .review_comments
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec!["src/types/user.ts"],
        "the comment whose finding is gone was deleted"
    );
    let summary = st.issue_comments[0]["body"].as_str().unwrap();
    assert!(summary.contains("Every denial is cleared"), "{summary}");
    assert!(
        summary.contains("✅ **every file is inside its agent's scope** — the pull request's net change, 3 files: 2 ok, 1 warn, 0 deny"),
        "{summary}"
    );
}

#[test]
fn a_read_only_token_falls_back_to_annotations_and_the_step_summary() {
    let fx = Fixture::start(needs_corpus!());
    fx.state().read_only = true;
    let (repo, base, head) = pr_repo();
    // GitHub's payloads have no fork: make this one a fork's, as its README says to
    let event = pr_event(
        repo.path(),
        "pull_request.opened.installation.json",
        &base,
        &head,
        |e| {
            e["pull_request"]["head"]["repo"]["fork"] = json!(true);
            e["pull_request"]["head"]["repo"]["full_name"] = json!("someone/Hello-World");
        },
    );
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let warnings = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("::warning title=scopecheck::"))
        .count();
    assert_eq!(warnings, 1, "one clear warning\n{text}");
    assert!(
        stdout(&out).contains("::error file=src/components/Button.tsx,line=1,"),
        "{text}"
    );
    let printed = stdout(&out);
    let lines: Vec<&str> = printed
        .lines()
        .filter(|l| l.starts_with("::error") || l.starts_with("::warning file"))
        .collect();
    assert!(lines[0].starts_with("::error"), "denials first: {lines:?}");
    let summary = std::fs::read_to_string(repo.path().join(".git/step-summary.md")).unwrap();
    assert!(summary.contains("src/components/Button.tsx"), "{summary}");
    assert!(fx.state().violations.is_empty());
}

#[test]
fn a_502_is_retried() {
    let fx = Fixture::start(needs_corpus!());
    fx.state().fail_first.push_back((502, None));
    let (repo, base, head) = pr_repo();
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let st = fx.state();
    assert_eq!(
        st.requests[0], st.requests[1],
        "the failed request was sent again"
    );
    assert_eq!(st.issue_comments.len(), 1);
}

#[test]
fn repository_text_is_escaped_and_bodies_stay_under_the_limit() {
    let fx = Fixture::start(needs_corpus!());
    let (repo, base, _) = pr_repo();
    // hundreds of forbidden files with long names overflow one comment
    for i in 0..700 {
        repo.write(
            &format!(
                "src/components/generated/a-rather-long-component-file-name-number-{i:04}.tsx"
            ),
            "x\n",
        );
    }
    let head = repo.commit_as("backend-bot@example.com", "feat(api): many");
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let st = fx.state();
    assert!(st.violations.is_empty(), "{:?}", st.violations);
    for body in &st.bodies {
        assert!(
            body.chars().count() <= 65_536,
            "a body over GitHub's limit: {}",
            body.chars().count()
        );
        assert!(
            !body.contains("<script>"),
            "raw HTML from the repository: {}",
            &body[..body.len().min(300)]
        );
        assert!(!body.contains("@org/team"), "an @mention that would ping");
    }
    let summary = st.issue_comments[0]["body"].as_str().unwrap();
    assert!(
        summary.chars().count() <= 65_536,
        "{}",
        summary.chars().count()
    );
    assert!(
        summary.contains("more characters left out"),
        "truncated with a count"
    );
    let inline = st.reviews.len();
    assert_eq!(inline, 1);
    let in_review = st.review_comments.len();
    assert!(
        in_review <= 30,
        "at most 30 inline comments per review, got {in_review}"
    );
}

#[test]
fn a_push_is_annotated_without_calling_the_api() {
    let fx = Fixture::start(needs_corpus!());
    let (repo, base, head) = pr_repo();
    let shared = common::shared_dir().unwrap();
    let mut event: Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join("corpus/github/payloads/push.branch.json")).unwrap(),
    )
    .unwrap();
    event["before"] = json!(base);
    event["after"] = json!(head);
    event["ref"] = json!("refs/heads/agents/backend/users");
    let path = repo.path().join(".git/push.json");
    std::fs::write(&path, event.to_string()).unwrap();
    let (out, text) = review(&repo, &fx, &path, &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        stdout(&out).contains("::error file=src/components/Button.tsx"),
        "{text}"
    );
    assert!(
        fx.state().requests.is_empty(),
        "a push is reported through annotations only"
    );
    // and a created tag with no commits judges nothing
    let mut tag: Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join("corpus/github/payloads/push.tag-created.json"))
            .unwrap(),
    )
    .unwrap();
    tag["after"] = json!(head);
    tag["before"] = json!(head);
    std::fs::write(&path, tag.to_string()).unwrap();
    let (out, _) = review(&repo, &fx, &path, &[]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn dry_run_prints_the_exact_review_and_summary() {
    let fx = Fixture::start(needs_corpus!());
    let (repo, base, head) = pr_repo();
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let (out, text) = review(&repo, &fx, &event, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(fx.state().requests.is_empty(), "--dry-run posts nothing");
    let snapshot =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/github_dry_run.json");
    let got = stdout(&out);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !snapshot.exists() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &got).unwrap();
    }
    assert_eq!(got, std::fs::read_to_string(&snapshot).unwrap(), "the dry run differs from tests/snapshots/github_dry_run.json (UPDATE_SNAPSHOTS=1 to accept)");
    let plan: Value = serde_json::from_str(&got).unwrap();
    assert_eq!(plan["review"]["event"], "REQUEST_CHANGES");
    assert_eq!(plan["review"]["commit_id"], head);
}

#[test]
fn api_calls_do_not_grow_with_the_pull_request() {
    let spec = needs_corpus!();
    let count = |files: usize| {
        let fx = Fixture::start(spec.clone());
        let (repo, base, _) = pr_repo();
        for i in 0..files {
            repo.write(&format!("src/server/f{i}.rs"), "x\n");
        }
        let head = repo.commit_as("backend-bot@example.com", "feat(api): files");
        let event = pr_event(
            repo.path(),
            "pull_request.opened.json",
            &base,
            &head,
            |_| {},
        );
        review(&repo, &fx, &event, &[]);
        let n = fx.state().requests.len();
        n
    };
    let (small, large) = (count(1), count(200));
    eprintln!("API requests per run: {small} for a 1-file addition, {large} for a 200-file one");
    assert_eq!(small, large);
}

#[test]
fn the_policy_comes_from_the_base_even_when_the_pull_request_changes_it() {
    let fx = Fixture::start(needs_corpus!());
    let (repo, base, _) = pr_repo();
    // the pull request tries to allow itself the forbidden directory
    repo.write(
        "scopecheck.yml",
        &POLICY.replace(
            "    forbids: [src/components/]\n",
            "    owns: [src/components/]\n",
        ),
    );
    let head = repo.commit_as("backend-bot@example.com", "chore(api): loosen the policy");
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let (out, text) = review(&repo, &fx, &event, &["--dry-run"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "still denied by the base's policy\n{text}"
    );
    let plan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let summary = plan["summary"].as_str().unwrap();
    assert!(
        summary.contains(
            "This pull request changes `scopecheck.yml`; the rules of the base branch were applied"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("| deny | `scopecheck.yml` |"),
        "the policy is protected: {summary}"
    );
    // --config is read from the base commit too, not from the pull request's files
    let out = repo
        .scopecheck()
        .args([
            "--config",
            "scopecheck.yml",
            "github",
            "review",
            "--dry-run",
            "--event",
            event.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_shallow_checkout_fetches_the_history_it_needs() {
    let _spec = needs_corpus!();
    let (repo, base, head) = pr_repo();
    let clone_dir = tempfile::tempdir().unwrap();
    let clone = clone_dir.path().join("clone");
    let url = format!("file://{}", repo.path().display());
    let ok = std::process::Command::new("git")
        .args([
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "agents/backend/users",
            &url,
            clone.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(ok.success());
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let out = assert_cmd::Command::cargo_bin("scopecheck")
        .unwrap()
        .current_dir(&clone)
        .args([
            "github",
            "review",
            "--dry-run",
            "--event",
            event.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "fetched and judged: {}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("src/components/Button.tsx"));

    // with no way to fetch, it says which fetch-depth to set
    let lonely = clone_dir.path().join("lonely");
    std::process::Command::new("git")
        .args([
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "agents/backend/users",
            &url,
            lonely.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    std::process::Command::new("git")
        .args(["remote", "remove", "origin"])
        .current_dir(&lonely)
        .status()
        .unwrap();
    let out = assert_cmd::Command::cargo_bin("scopecheck")
        .unwrap()
        .current_dir(&lonely)
        .args([
            "github",
            "review",
            "--dry-run",
            "--event",
            event.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("set `fetch-depth: 0` in actions/checkout"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_secondary_rate_limit_is_waited_out() {
    let fx = Fixture::start(needs_corpus!());
    fx.state().fail_first.push_back((403, Some("1")));
    fx.state().fail_first.push_back((429, Some("0")));
    let (repo, base, head) = pr_repo();
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let started = std::time::Instant::now();
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "retry-after was honoured"
    );
    let st = fx.state();
    assert_eq!(
        st.requests[0], st.requests[2],
        "the same request, sent a third time"
    );
    assert_eq!(st.issue_comments.len(), 1, "and the run completed");
}

#[test]
fn a_binary_gets_a_file_level_comment() {
    let fx = Fixture::start(needs_corpus!());
    let (repo, base, _) = pr_repo();
    repo.write_bytes(
        "src/components/logo.png",
        &[0x89, b'P', b'N', b'G', 0, 1, 2, 3],
    );
    let head = repo.commit_as("backend-bot@example.com", "feat(api): a logo");
    let event = pr_event(
        repo.path(),
        "pull_request.opened.json",
        &base,
        &head,
        |_| {},
    );
    let (out, text) = review(&repo, &fx, &event, &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let st = fx.state();
    assert!(st.violations.is_empty(), "{:?}", st.violations);
    let logo = st
        .review_comments
        .iter()
        .find(|c| c["path"] == "src/components/logo.png")
        .expect("a comment on the binary");
    assert_eq!(logo["subject_type"], "file");
    assert_eq!(logo["commit_id"], head);
    assert!(logo.get("line").is_none());
}
