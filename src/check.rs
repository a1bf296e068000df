//! The check engine: changes × policy → findings.
//!
//! For a path changed by agent A, the first match wins: `protected` (deny), A's `forbids`
//! (deny), A's `owns` (ok), A's `shared` (warn), else A's `outside` setting (reason
//! `outside-scope`). A change by no agent is `ok` / `no-agent`, or with
//! `humans: check-protected` is held to `protected`. Renames and copies are judged on both
//! paths and take the worse verdict.
//!
//! Findings are plain data (serialisable as the JSON report); how they are shown is `report`'s.

use serde::Serialize;

use crate::change::{Change, FileChange, FileStatus, Hunk};
use crate::identity::{AgentSource, Identity};
use crate::patterns::MatchScratch;
use crate::policy::{Humans, Outside, PathMatch, Policy, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Warn,
    Deny,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warn => "warn",
            Verdict::Deny => "deny",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Protected,
    Forbidden,
    Owned,
    Shared,
    OutsideScope,
    NoAgent,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Protected => "protected",
            Reason::Forbidden => "forbidden",
            Reason::Owned => "owned",
            Reason::Shared => "shared",
            Reason::OutsideScope => "outside-scope",
            Reason::NoAgent => "no-agent",
        }
    }
}

/// The rule that decided a verdict: its pattern and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub pattern: String,
    pub source: String,
}

impl From<&Rule> for RuleRef {
    fn from(rule: &Rule) -> Self {
        RuleRef {
            pattern: rule.pattern.clone(),
            source: rule.source.to_string(),
        }
    }
}

/// The verdict on one path for one agent (or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgment {
    pub verdict: Verdict,
    pub reason: Reason,
    pub rule: Option<RuleRef>,
}

/// Judges `path` as changed by `agent` (an index into `policy.agents`, or `None` for a human).
pub fn judge_path(policy: &Policy, agent: Option<usize>, path: &str) -> Judgment {
    judge_match(policy, agent, &policy.match_path(path))
}

/// As [`judge_path`], for a path already matched against the policy.
pub fn judge_match(policy: &Policy, agent: Option<usize>, m: &PathMatch<'_>) -> Judgment {
    let decided = |verdict, reason, rule: Option<&Rule>| Judgment {
        verdict,
        reason,
        rule: rule.map(RuleRef::from),
    };
    let Some(agent) = agent else {
        if policy.humans == Humans::CheckProtected {
            if let Some(rule) = m.protected() {
                return decided(Verdict::Deny, Reason::Protected, Some(rule));
            }
        }
        return decided(Verdict::Ok, Reason::NoAgent, None);
    };
    if let Some(rule) = m.protected() {
        return decided(Verdict::Deny, Reason::Protected, Some(rule));
    }
    if let Some(rule) = m.forbids(agent) {
        return decided(Verdict::Deny, Reason::Forbidden, Some(rule));
    }
    if let Some(rule) = m.owns(agent) {
        return decided(Verdict::Ok, Reason::Owned, Some(rule));
    }
    if let Some(rule) = m.shared(agent) {
        return decided(Verdict::Warn, Reason::Shared, Some(rule));
    }
    let verdict = match policy.agents[agent].outside {
        Outside::Deny => Verdict::Deny,
        Outside::Warn => Verdict::Warn,
        Outside::Allow => Verdict::Ok,
    };
    decided(verdict, Reason::OutsideScope, None)
}

/// One file of one change, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFinding {
    pub path: String,
    pub old_path: Option<String>,
    pub status: FileStatus,
    pub binary: bool,
    pub verdict: Verdict,
    pub reason: Reason,
    pub rule: Option<RuleRef>,
    /// The agents whose `owns` match the path.
    pub owners: Vec<String>,
    pub hunks: Vec<Hunk>,
    /// Set when a rename's or copy's verdict was decided by its old path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// One change (a commit, or the staged or uncommitted state), judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeFindings {
    pub id: String,
    pub agent: Option<String>,
    pub agent_source: AgentSource,
    /// The first line of the commit message; `null` for `STAGED` and `WORKTREE`.
    pub subject: Option<String>,
    /// What the agent's `outside` is, for explaining `outside-scope`; `null` without an agent.
    #[serde(skip)]
    pub outside: Option<Outside>,
    pub files: Vec<FileFinding>,
}

/// Judges one file: both paths of a rename or copy, the worse verdict standing.
pub fn judge_file(
    policy: &Policy,
    agent: Option<usize>,
    file: &FileChange,
    scratch: &mut MatchScratch,
) -> FileFinding {
    let matched = policy.match_path_with(&file.path, scratch);
    let mut judgment = judge_match(policy, agent, &matched);
    let owners = matched.owners();
    let mut decided_by = None;
    if let (Some(old), FileStatus::Renamed | FileStatus::Copied) = (&file.old_path, file.status) {
        let old_judgment = judge_path(policy, agent, old);
        if old_judgment.verdict > judgment.verdict {
            judgment = old_judgment;
            decided_by = Some(old.clone());
        }
    }
    FileFinding {
        path: file.path.clone(),
        old_path: file.old_path.clone(),
        status: file.status,
        binary: file.binary,
        verdict: judgment.verdict,
        reason: judgment.reason,
        rule: judgment.rule,
        owners,
        hunks: file.hunks.clone(),
        decided_by,
    }
}

/// Judges every file of `change` as made by `identity`. (Judging is a small part of a large
/// diff's time; spreading it over threads measured no faster.)
pub fn judge_change(policy: &Policy, change: &Change, identity: Identity) -> ChangeFindings {
    let agent = identity.agent;
    let mut scratch = MatchScratch::default();
    let files = change
        .files
        .iter()
        .map(|f| judge_file(policy, agent, f, &mut scratch))
        .collect();
    ChangeFindings {
        id: change.id.as_report_id().to_string(),
        agent: agent.map(|i| policy.agents[i].name.clone()),
        agent_source: identity.source,
        subject: change.subject().map(str::to_string),
        outside: agent.map(|i| policy.agents[i].outside),
        files,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub commits: usize,
    pub files: usize,
    pub ok: usize,
    pub warn: usize,
    pub deny: usize,
}

/// The whole result of a check: what `--format json` prints (version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub version: u32,
    /// True exactly when the exit code is 0.
    pub ok: bool,
    pub commits: Vec<ChangeFindings>,
    pub summary: Summary,
}

impl Report {
    /// `strict` makes warnings fail as denials do.
    pub fn new(commits: Vec<ChangeFindings>, strict: bool) -> Report {
        let mut summary = Summary {
            commits: commits.len(),
            ..Summary::default()
        };
        for file in commits.iter().flat_map(|c| &c.files) {
            summary.files += 1;
            match file.verdict {
                Verdict::Ok => summary.ok += 1,
                Verdict::Warn => summary.warn += 1,
                Verdict::Deny => summary.deny += 1,
            }
        }
        let ok = summary.deny == 0 && !(strict && summary.warn > 0);
        Report {
            version: 1,
            ok,
            commits,
            summary,
        }
    }
}
