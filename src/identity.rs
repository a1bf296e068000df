//! Who made a change: the agent a change resolves to, and how that was decided.
//!
//! First that answers wins: `--agent`, `SCOPECHECK_AGENT`, the commit's trailer (`Agent:` by
//! default), the author email, the branch name. A name that is not in the policy is an error,
//! never a silent pass; so is an email or branch that identifies two agents at once.
//!
//! Not for: reading git (the caller gathers the [`Clues`]).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::policy::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentSource {
    Flag,
    Env,
    Trailer,
    Email,
    Branch,
    /// In a pull request's net change: the agents whose commits touched the file.
    Commits,
    None,
}

impl AgentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentSource::Flag => "flag",
            AgentSource::Env => "env",
            AgentSource::Trailer => "trailer",
            AgentSource::Email => "email",
            AgentSource::Branch => "branch",
            AgentSource::Commits => "commits",
            AgentSource::None => "none",
        }
    }
}

/// What is known about a change's author.
#[derive(Debug, Default, Clone)]
pub struct Clues<'a> {
    /// `--agent NAME`.
    pub flag: Option<&'a str>,
    /// `SCOPECHECK_AGENT`.
    pub env: Option<&'a str>,
    /// The commit message, for its trailers.
    pub message: Option<&'a str>,
    pub email: Option<&'a str>,
    pub branch: Option<&'a str>,
    /// What is being judged, for error messages (e.g. "commit 9fceb02").
    pub context: &'a str,
}

/// The agent a change resolved to (an index into `policy.agents`), and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub agent: Option<usize>,
    pub source: AgentSource,
}

/// The value of the last trailer named `key` (case-insensitive, as git compares trailer keys).
pub fn trailer_value(message: &str, key: &str) -> Option<String> {
    let trailers = git2::message_trailers_strs(message).ok()?;
    trailers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.trim().to_string())
        .next_back()
}

/// Who made `change`: `flag` and `env` first, then its message's trailer, its author (or, for
/// uncommitted changes, `user.email`) and `branch`.
pub fn resolve_change(
    policy: &Policy,
    change: &crate::change::Change,
    flag: Option<&str>,
    env: Option<&str>,
    branch: Option<&str>,
) -> Result<Identity> {
    let context = match &change.id {
        crate::change::ChangeId::Commit(id) => format!("commit {}", &id[..id.len().min(10)]),
        other => other.as_report_id().to_lowercase() + " changes",
    };
    resolve(
        policy,
        &Clues {
            flag,
            env,
            message: change.message.as_deref(),
            email: change.author_email.as_deref(),
            branch,
            context: &context,
        },
    )
}

pub fn resolve(policy: &Policy, clues: &Clues<'_>) -> Result<Identity> {
    let named = |name: &str, how: &str, source: AgentSource| -> Result<Identity> {
        match policy.agent_index(name.trim()) {
            Some(i) => Ok(Identity {
                agent: Some(i),
                source,
            }),
            None => Err(Error::Usage(format!(
                "unknown agent `{}` ({how}, for {}): {} defines {}",
                name.trim(),
                clues.context,
                policy.file,
                agent_list(policy)
            ))),
        }
    };
    if let Some(name) = clues.flag {
        return named(name, "given with --agent", AgentSource::Flag);
    }
    if let Some(name) = clues.env.filter(|n| !n.trim().is_empty()) {
        return named(name, "from SCOPECHECK_AGENT", AgentSource::Env);
    }
    if let Some(name) = clues
        .message
        .and_then(|m| trailer_value(m, &policy.trailer))
    {
        return named(
            &name,
            &format!("from the `{}:` trailer", policy.trailer),
            AgentSource::Trailer,
        );
    }
    if let Some(email) = clues.email {
        if let Some(i) = unique(policy, clues, "author email", email, |a| a.has_email(email))? {
            return Ok(Identity {
                agent: Some(i),
                source: AgentSource::Email,
            });
        }
    }
    if let Some(branch) = clues.branch {
        if let Some(i) = unique(policy, clues, "branch", branch, |a| a.has_branch(branch))? {
            return Ok(Identity {
                agent: Some(i),
                source: AgentSource::Branch,
            });
        }
    }
    Ok(Identity {
        agent: None,
        source: AgentSource::None,
    })
}

fn unique(
    policy: &Policy,
    clues: &Clues<'_>,
    what: &str,
    value: &str,
    is_match: impl Fn(&crate::policy::Agent) -> bool,
) -> Result<Option<usize>> {
    let hits: Vec<usize> = (0..policy.agents.len())
        .filter(|&i| is_match(&policy.agents[i]))
        .collect();
    match hits.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        [a, b, ..] => Err(Error::Usage(format!(
            "the {what} `{value}` identifies both `{}` and `{}` (for {}); make the agents' `{}` in {} distinct",
            policy.agents[*a].name,
            policy.agents[*b].name,
            clues.context,
            if what == "branch" { "branches" } else { "emails" },
            policy.file
        ))),
    }
}

fn agent_list(policy: &Policy) -> String {
    if policy.agents.is_empty() {
        return "no agents".to_string();
    }
    let names: Vec<String> = policy
        .agents
        .iter()
        .map(|a| format!("`{}`", a.name))
        .collect();
    names.join(", ")
}
