//! `scopecheck github review`: the GitHub Action's work. A reporter with a network, not a
//! second engine: it judges with the same policy, engine and work-log code as the command
//! line, then posts what `plan` decided. Async (tokio) lives here and nowhere else.
//!
//! For a pull request it judges the net change of `base...head` with the policy of the base
//! commit, each file against the agents whose commits touched it; posts one review with
//! inline comments (never the same one twice) and keeps one summary comment up to date;
//! dismisses its earlier change requests once the denials are gone. A read-only token
//! (a fork) or any 403/404 on a write falls back to workflow annotations and the job summary.
//! For a push it judges the pushed commits and reports through annotations only.

pub mod api;
pub mod plan;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::change::Change;
use crate::check::{judge_change, judge_file, ChangeFindings, Report};
use crate::commit_msg::{Linter, MessageReport};
use crate::error::{Error, Result};
use crate::git::{DiffSettings, Range, Repo};
use crate::identity::{self, AgentSource};
use crate::patterns::MatchScratch;
use crate::policy::Policy;
use crate::report;
use api::{Api, ApiError};
use plan::PlannedComment;

/// When the check fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Deny,
    Warn,
    Never,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub event: Option<PathBuf>,
    pub dry_run: bool,
    pub fail_on: FailOn,
    pub comment: bool,
    pub summary: bool,
    pub report: Option<PathBuf>,
    pub config: Option<PathBuf>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Runs a review; the exit code is as for `diff`, subject to `fail_on`.
pub fn review(options: &Options) -> Result<u8> {
    let event_path = options
        .event
        .clone()
        .or_else(|| env("GITHUB_EVENT_PATH").map(PathBuf::from))
        .ok_or_else(|| {
            Error::Usage(
                "no event: pass --event FILE or set GITHUB_EVENT_PATH (GitHub Actions sets it)"
                    .into(),
            )
        })?;
    let event_text = std::fs::read_to_string(&event_path).map_err(|source| Error::Io {
        path: event_path.display().to_string(),
        source,
    })?;
    let event: Value = serde_json::from_str(&event_text).map_err(|e| {
        Error::Usage(format!(
            "{} is not a GitHub event payload: {e}",
            event_path.display()
        ))
    })?;
    let mut repo = Repo::discover(&std::env::current_dir().map_err(|source| Error::Io {
        path: ".".into(),
        source,
    })?)?;
    if event.get("pull_request").is_some_and(Value::is_object) {
        pull_request(options, &mut repo, &event)
    } else if event.get("after").is_some() && event.get("ref").is_some() {
        push(options, &mut repo, &event)
    } else {
        Err(Error::Usage(format!(
            "{}: scopecheck reviews pull_request, pull_request_target and push events; this payload is none of them",
            event_path.display()
        )))
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// Makes sure the commits are here; a shallow checkout is deepened, once, or the error says
/// which `fetch-depth` to set. After a fetch the repository is opened again: libgit2 reads a
/// shallow clone's boundary only when it opens one.
fn ensure_history(repo: &mut Repo, shas: &[&str]) -> Result<()> {
    let missing = |repo: &Repo| shas.iter().any(|s| !repo.has_commit(s));
    let merge_base_missing =
        |repo: &Repo| shas.len() == 2 && repo.merge_base(shas[0], shas[1]).is_err();
    if !missing(repo) && !merge_base_missing(repo) {
        return Ok(());
    }
    let mut args: Vec<&str> = vec!["origin"];
    if repo.is_shallow() {
        args.insert(0, "--unshallow");
    }
    args.extend(shas.iter().copied());
    let fetched = repo.fetch(&args);
    *repo = Repo::discover(&repo.root()?)?;
    if missing(repo) || merge_base_missing(repo) {
        let why = fetched
            .err()
            .map(|e| format!(" (fetching them failed: {e})"))
            .unwrap_or_default();
        return Err(Error::Git(format!(
            "the checkout lacks the history between {} and {}{why}; set `fetch-depth: 0` in actions/checkout",
            &shas[0][..shas[0].len().min(10)],
            shas.last().map(|s| &s[..s.len().min(10)]).unwrap_or("")
        )));
    }
    Ok(())
}

/// Judges each commit as its own agent; returns the per-commit findings, the agents (or a
/// human, `None`) that touched each path, and what each agent changed.
struct CommitView {
    commits: Vec<ChangeFindings>,
    messages: Vec<MessageReport>,
    touched: BTreeMap<String, BTreeSet<Option<usize>>>,
    changed_by: BTreeMap<usize, BTreeSet<String>>,
}

fn judge_commits(
    repo: &Repo,
    policy: &Policy,
    oids: Vec<git2::Oid>,
    branch: Option<&str>,
) -> Result<CommitView> {
    let linter = Linter::from_style(&policy.commit_style)?;
    let env_agent = env("SCOPECHECK_AGENT");
    let mut view = CommitView {
        commits: Vec::new(),
        messages: Vec::new(),
        touched: BTreeMap::new(),
        changed_by: BTreeMap::new(),
    };
    for oid in oids {
        let change = repo.commit_change(oid, DiffSettings::default())?;
        let id = oid.to_string();
        let identity =
            identity::resolve_change(policy, &change, None, env_agent.as_deref(), branch)?;
        for file in &change.files {
            for path in std::iter::once(&file.path).chain(file.old_path.as_ref()) {
                view.touched
                    .entry(path.clone())
                    .or_default()
                    .insert(identity.agent);
                if let Some(agent) = identity.agent {
                    view.changed_by
                        .entry(agent)
                        .or_default()
                        .insert(path.clone());
                }
            }
        }
        let mut lint = linter.lint(
            change.message.as_deref().unwrap_or(""),
            identity.agent.map(|i| &policy.agents[i]),
        );
        lint.id = Some(id);
        view.messages.push(lint);
        view.commits.push(judge_change(policy, &change, identity));
    }
    Ok(view)
}

/// The net change judged per file against every agent whose commits touched it (the worst
/// verdict stands); a file only humans touched follows `humans`. Grouped by deciding agent.
fn judge_net(
    policy: &Policy,
    net: &Change,
    touched: &BTreeMap<String, BTreeSet<Option<usize>>>,
) -> Vec<ChangeFindings> {
    let mut groups: BTreeMap<Option<usize>, Vec<crate::check::FileFinding>> = BTreeMap::new();
    let mut scratch = MatchScratch::default();
    for file in &net.files {
        let mut by: BTreeSet<Option<usize>> = touched.get(&file.path).cloned().unwrap_or_default();
        if let Some(old) = &file.old_path {
            by.extend(touched.get(old).cloned().unwrap_or_default());
        }
        let agents: Vec<usize> = by.iter().flatten().copied().collect();
        let (agent, finding) = if agents.is_empty() {
            (None, judge_file(policy, None, file, &mut scratch))
        } else {
            agents
                .iter()
                .map(|&a| (Some(a), judge_file(policy, Some(a), file, &mut scratch)))
                .max_by_key(|(_, f)| f.verdict)
                .expect("at least one agent")
        };
        groups.entry(agent).or_default().push(finding);
    }
    groups
        .into_iter()
        .map(|(agent, files)| ChangeFindings {
            id: net.id.as_report_id().to_string(),
            agent: agent.map(|i| policy.agents[i].name.clone()),
            agent_source: if agent.is_some() {
                AgentSource::Commits
            } else {
                AgentSource::None
            },
            subject: Some("net change".into()),
            outside: agent.map(|i| policy.agents[i].outside),
            files,
        })
        .collect()
}

fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    let s = &report.summary;
    let failed = match fail_on {
        FailOn::Deny => s.deny > 0,
        FailOn::Warn => s.deny > 0 || s.warn > 0,
        FailOn::Never => false,
    };
    u8::from(failed)
}

/// Appends to a file GitHub Actions reads (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`).
fn append_to(var: &str, text: &str) -> Result<()> {
    let Some(path) = env(var) else { return Ok(()) };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    file.write_all(text.as_bytes())
        .map_err(|source| Error::Io { path, source })
}

fn write_outputs(options: &Options, report: &Report) -> Result<()> {
    if let Some(path) = &options.report {
        std::fs::write(path, report::json::render(report)).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    let report_path = options
        .report
        .as_deref()
        .map(Path::to_string_lossy)
        .unwrap_or_default();
    append_to(
        "GITHUB_OUTPUT",
        &format!(
            "denied={}\nwarned={}\nreport={report_path}\n",
            report.summary.deny, report.summary.warn
        ),
    )
}

fn pull_request(options: &Options, repo: &mut Repo, event: &Value) -> Result<u8> {
    let base_sha = str_at(event, "/pull_request/base/sha")
        .ok_or_else(|| Error::Usage("the event has no pull_request.base.sha".into()))?;
    let head_sha = str_at(event, "/pull_request/head/sha")
        .ok_or_else(|| Error::Usage("the event has no pull_request.head.sha".into()))?;
    let number = event
        .pointer("/pull_request/number")
        .or_else(|| event.get("number"))
        .and_then(Value::as_u64)
        .ok_or_else(|| Error::Usage("the event has no pull request number".into()))?;
    let head_ref = str_at(event, "/pull_request/head/ref");
    ensure_history(repo, &[base_sha, head_sha])?;
    let repo: &Repo = repo;
    let merge_base = repo.merge_base(base_sha, head_sha)?;

    // The base's policy: a pull request cannot loosen its own rules.
    let policy = crate::workspace::load_policy(repo, Some(base_sha), options.config.as_deref())?;
    let oids = repo.commits(
        &Range::FromMergeBase(base_sha.into(), head_sha.into()),
        false,
    )?;
    let view = judge_commits(repo, &policy, oids, head_ref)?;
    let net_change = repo.net_change(&merge_base, head_sha, DiffSettings::default())?;
    let strict = options.fail_on == FailOn::Warn;
    let net = Report::new(judge_net(&policy, &net_change, &view.touched), strict);
    let commits = Report::new(view.commits, strict);

    let mut notices = Vec::new();
    let policy_files: BTreeSet<&str> = std::iter::once(policy.file.as_str())
        .chain(policy.agents.iter().filter_map(|a| a.from.as_deref()))
        .collect();
    let changed_policy: Vec<&str> = net_change
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| policy_files.contains(p))
        .collect();
    if !changed_policy.is_empty() {
        notices.push(format!(
            "This pull request changes {}; the rules of the base branch were applied. The change takes effect once it is merged.",
            changed_policy.iter().map(|p| report::escape::code_span(p)).collect::<Vec<_>>().join(", ")
        ));
    }
    let worklogs = worklog_markdown(repo, &policy, &merge_base, head_sha, &view.changed_by)?;

    let planned = if options.comment {
        plan::comments(&net)
    } else {
        Vec::new()
    };
    let code = exit_code(&net, options.fail_on);
    write_outputs(options, &net)?;

    if options.dry_run {
        let (inline, left_over) = split_inline(planned);
        let summary = plan::fit(
            &plan::summary(&plan::SummaryParts {
                net: &net,
                commits: &commits,
                messages: &view.messages,
                worklogs,
                left_over: &left_over,
                notices,
            }),
            plan::MAX_BODY,
        );
        let has_deny = net.summary.deny > 0;
        let review = (!inline.is_empty()).then(|| review_body(head_sha, has_deny, &inline, &net));
        let out = json!({ "pull_request": number, "review": review, "summary": summary });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(code);
    }

    let token = env("GITHUB_TOKEN").ok_or_else(|| {
        Error::Usage(
            "GITHUB_TOKEN is not set; the action passes its `github-token` input as GITHUB_TOKEN"
                .into(),
        )
    })?;
    let repo_name = env("GITHUB_REPOSITORY")
        .or_else(|| str_at(event, "/repository/full_name").map(str::to_string))
        .ok_or_else(|| {
            Error::Usage("GITHUB_REPOSITORY is not set and the event names no repository".into())
        })?;
    let api_url = env("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    // octocrab's client spawns its request buffer, so it is built inside the runtime
    let _inside = runtime.enter();
    let api = Api::new(&api_url, &token, &repo_name).map_err(Error::Usage)?;
    let post = Posting {
        api: &api,
        number,
        head_sha,
        net: &net,
        commits: &commits,
        messages: &view.messages,
        worklogs: worklogs.clone(),
        notices: notices.clone(),
        options,
    };
    let full_summary = plan::summary(&plan::SummaryParts {
        net: &net,
        commits: &commits,
        messages: &view.messages,
        worklogs,
        left_over: &[],
        notices,
    });
    append_to("GITHUB_STEP_SUMMARY", &full_summary)?;
    match runtime.block_on(post.run(planned)) {
        Ok(()) => {
            eprintln!(
                "scopecheck: {} GitHub API request{}",
                api.requests.get(),
                if api.requests.get() == 1 { "" } else { "s" }
            );
            Ok(code)
        }
        Err(e) if e.is_forbidden() => {
            // A fork's read-only token: say it once, and report where Actions shows it.
            println!("::warning title=scopecheck::scopecheck could not write to the pull request ({e}); this happens with a read-only token, as for pull requests from forks. The findings are in the annotations below and in the job summary.");
            print!("{}", report::github::render(&net));
            Ok(code)
        }
        Err(e) => Err(Error::Git(format!("GitHub: {e}"))),
    }
}

/// Two commits' versions of a log.
struct TreeVersions<'r> {
    repo: &'r Repo,
    base: git2::Tree<'r>,
    head: git2::Tree<'r>,
}

impl crate::worklog::LogVersions for TreeVersions<'_> {
    fn before(&self, path: &str) -> Result<String> {
        Ok(self.repo.read_text(&self.base, path)?.unwrap_or_default())
    }
    fn after(&self, path: &str) -> Result<String> {
        Ok(self.repo.read_text(&self.head, path)?.unwrap_or_default())
    }
    fn exists_after(&self, path: &str) -> bool {
        self.head
            .get_path(Path::new(path.trim_end_matches('/')))
            .is_ok()
    }
}

/// The work-log section: entries the pull request adds, verified against each agent's
/// commits; agents whose log and files the pull request leaves alone are not mentioned.
fn worklog_markdown(
    repo: &Repo,
    policy: &Policy,
    base: &str,
    head: &str,
    changed_by: &BTreeMap<usize, BTreeSet<String>>,
) -> Result<Option<String>> {
    let versions = TreeVersions {
        repo,
        base: repo.tree_at(base)?,
        head: repo.tree_at(head)?,
    };
    let logs: Vec<_> = crate::worklog::review_logs(policy, &versions, changed_by, true)?
        .into_iter()
        .filter(|log| {
            let agent = policy.agent_index(&log.agent);
            !log.entries.is_empty()
                || !log.mismatches.is_empty()
                || agent.is_some_and(|i| changed_by.contains_key(&i))
        })
        .collect();
    if logs.is_empty() {
        return Ok(None);
    }
    Ok(Some(report::worklog::markdown(
        &crate::worklog::WorklogReport::new(logs, true),
    )))
}

/// Line comments go in the review, at most [`plan::MAX_INLINE`]; file-level ones are posted
/// on their own (a review cannot hold them). What does not fit is listed in the summary.
fn split_inline(planned: Vec<PlannedComment>) -> (Vec<PlannedComment>, Vec<PlannedComment>) {
    let mut inline = Vec::new();
    let mut left_over = Vec::new();
    for c in planned {
        if inline.len() < plan::MAX_INLINE {
            inline.push(c);
        } else {
            left_over.push(c);
        }
    }
    (inline, left_over)
}

fn review_body(head_sha: &str, has_deny: bool, comments: &[PlannedComment], net: &Report) -> Value {
    let line_comments: Vec<&PlannedComment> = comments
        .iter()
        .filter(|c| c.subject_type.is_none())
        .collect();
    let s = &net.summary;
    json!({
        "commit_id": head_sha,
        "event": if has_deny { "REQUEST_CHANGES" } else { "COMMENT" },
        "body": format!("scopecheck: {} denied, {} warned; the summary comment has the details.\n{}", s.deny, s.warn, plan::REVIEW_MARKER),
        "comments": line_comments,
        "file_comments": comments.iter().filter(|c| c.subject_type.is_some()).collect::<Vec<_>>(),
    })
}

struct Posting<'a> {
    api: &'a Api,
    number: u64,
    head_sha: &'a str,
    net: &'a Report,
    commits: &'a Report,
    messages: &'a [MessageReport],
    worklogs: Option<String>,
    notices: Vec<String>,
    options: &'a Options,
}

impl Posting<'_> {
    async fn run(&self, planned: Vec<PlannedComment>) -> std::result::Result<(), ApiError> {
        let has_deny = self.net.summary.deny > 0;
        let mut notices = self.notices.clone();
        let mut left_over = Vec::new();
        if self.options.comment {
            // Ours, by fingerprint; a finding that is gone takes its comment with it.
            let existing = self.api.review_comments(self.number).await?;
            let mut ours: BTreeMap<String, u64> = BTreeMap::new();
            for c in &existing {
                if let (Some(fp), Some(id)) = (
                    c.get("body")
                        .and_then(Value::as_str)
                        .and_then(plan::fingerprint_of),
                    c.get("id").and_then(Value::as_u64),
                ) {
                    ours.insert(fp.to_string(), id);
                }
            }
            let wanted: BTreeSet<&str> = planned.iter().map(|c| c.fingerprint.as_str()).collect();
            for (fp, id) in &ours {
                if !wanted.contains(fp.as_str()) {
                    self.api.delete_review_comment(*id).await?;
                }
            }
            let new: Vec<PlannedComment> = planned
                .into_iter()
                .filter(|c| !ours.contains_key(&c.fingerprint))
                .collect();
            let (inline, rest) = split_inline(new);
            left_over = rest;
            let (line_comments, file_comments): (Vec<PlannedComment>, Vec<PlannedComment>) =
                inline.into_iter().partition(|c| c.subject_type.is_none());
            if !line_comments.is_empty() {
                let mut body = review_body(self.head_sha, has_deny, &line_comments, self.net);
                if let Some(obj) = body.as_object_mut() {
                    obj.remove("file_comments");
                }
                match self.api.create_review(self.number, &body).await {
                    Ok(_) => {}
                    // A line GitHub does not take rejects the whole review: post it without
                    // inline comments and list them in the summary instead.
                    Err(ApiError::Status(status, _))
                        if status == http::StatusCode::UNPROCESSABLE_ENTITY =>
                    {
                        if let Some(obj) = body.as_object_mut() {
                            obj.insert("comments".into(), json!([]));
                        }
                        self.api.create_review(self.number, &body).await?;
                        left_over.extend(line_comments);
                    }
                    Err(e) => return Err(e),
                }
            }
            for c in file_comments {
                let body = json!({ "body": c.body, "commit_id": self.head_sha, "path": c.path, "subject_type": "file" });
                self.api.create_review_comment(self.number, &body).await?;
            }
        }
        if !has_deny {
            // Denials are cleared: withdraw scopecheck's earlier change requests.
            let mut dismissed = 0;
            for r in self.api.reviews(self.number).await? {
                let ours = r
                    .get("body")
                    .and_then(Value::as_str)
                    .is_some_and(|b| b.contains(plan::REVIEW_MARKER));
                let requested = r.get("state").and_then(Value::as_str) == Some("CHANGES_REQUESTED");
                if let (true, true, Some(id)) =
                    (ours, requested, r.get("id").and_then(Value::as_u64))
                {
                    self.api
                        .dismiss_review(self.number, id, "scopecheck: every denial is cleared")
                        .await?;
                    dismissed += 1;
                }
            }
            if dismissed > 0 {
                notices.push("Every denial is cleared; scopecheck's earlier request for changes was dismissed.".into());
            }
        }
        if self.options.summary {
            let body = plan::fit(
                &plan::summary(&plan::SummaryParts {
                    net: self.net,
                    commits: self.commits,
                    messages: self.messages,
                    worklogs: self.worklogs.clone(),
                    left_over: &left_over,
                    notices,
                }),
                plan::MAX_BODY,
            );
            let comments = self.api.issue_comments(self.number).await?;
            let existing = comments
                .iter()
                .find(|c| {
                    c.get("body")
                        .and_then(Value::as_str)
                        .is_some_and(|b| b.starts_with(plan::SUMMARY_MARKER))
                })
                .and_then(|c| c.get("id").and_then(Value::as_u64));
            match existing {
                Some(id) => self.api.update_issue_comment(id, &body).await?,
                None => self.api.create_issue_comment(self.number, &body).await?,
            };
        }
        Ok(())
    }
}

/// A push: each pushed commit judged as its own agent, reported as annotations only.
fn push(options: &Options, repo: &mut Repo, event: &Value) -> Result<u8> {
    let after = str_at(event, "/after").unwrap_or("");
    let before = str_at(event, "/before").unwrap_or("");
    let zero = |s: &str| s.is_empty() || s.bytes().all(|b| b == b'0');
    if zero(after) || event.get("deleted").and_then(Value::as_bool) == Some(true) {
        println!("scopecheck: the push deletes a ref; nothing to judge");
        return Ok(0);
    }
    ensure_history(repo, &[after])?;
    let repo: &Repo = repo;
    let policy = crate::workspace::load_policy(repo, Some(after), options.config.as_deref())?;
    let branch = str_at(event, "/ref").and_then(|r| r.strip_prefix("refs/heads/"));
    // a new branch: what no remote-tracking ref has; else what the push moved over
    let oids = if zero(before) || !repo.has_commit(before) {
        repo.commits_to_push(after, None)?
    } else {
        repo.commits(
            &Range::Between(before.to_string(), after.to_string()),
            false,
        )?
    };
    let view = judge_commits(repo, &policy, oids, branch)?;
    let report = Report::new(view.commits, options.fail_on == FailOn::Warn);
    finish_push(options, &report)
}

fn finish_push(options: &Options, report: &Report) -> Result<u8> {
    write_outputs(options, report)?;
    append_to("GITHUB_STEP_SUMMARY", &report::markdown::render(report))?;
    print!("{}", report::github::render(report));
    Ok(exit_code(report, options.fail_on))
}
