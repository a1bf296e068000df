//! `scopecheck guard`: the policy applied at the moment an agent tries to write, as a Claude
//! Code PreToolUse hook (or from opencode's plugin), so the agent hears "out of scope" before
//! it writes rather than at commit.
//!
//! One event in, one answer out: allowed writes pass silently (Claude Code's own permission
//! flow carries on), shared paths ask with the reason, denied paths are blocked with a message
//! written for the model: which path, why, who owns it, what to do instead. Tools that do not
//! write files (Bash included: its writes are caught at commit, push and CI) pass with nothing
//! said.
//!
//! Not for: git history (it judges one path at a time with `check::judge_path`).

pub mod install;

use std::path::{Component, Path, PathBuf};

use serde_json::{json, Value};

use crate::check::{judge_path, Reason, Verdict};
use crate::policy::Policy;

/// Tools whose calls write files, and where in `tool_input` they name them.
pub const WRITE_TOOLS: &[&str] = &[
    "Edit",
    "Write",
    "MultiEdit",
    "NotebookEdit",
    "edit",
    "write",
    "patch",
    "multiedit",
    "create",
];

/// How the answer is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputStyle {
    /// Exit 2 with the message on stderr blocks; exit 0 allows.
    ExitCode,
    /// A JSON `hookSpecificOutput` with `permissionDecision` on stdout, exit 0.
    Json,
}

/// The paths a tool call writes, as it names them.
pub fn target_paths(tool_input: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    let mut push = |v: Option<&Value>| {
        if let Some(p) = v.and_then(Value::as_str).filter(|p| !p.is_empty()) {
            if !paths.iter().any(|x| x == p) {
                paths.push(p.to_string());
            }
        }
    };
    for key in ["file_path", "notebook_path", "filePath", "path"] {
        push(tool_input.get(key));
    }
    // multi-file tools: `edits: [{file_path, …}]`, `files: [path | {path}]`
    for list in ["edits", "files", "changes"] {
        for item in tool_input
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if item.is_string() {
                push(Some(item));
            }
            for key in ["file_path", "filePath", "path", "notebook_path"] {
                push(item.get(key));
            }
        }
    }
    paths
}

/// `path` as seen from the repository root `root`: absolute or relative to `cwd`, with `..`
/// and symlinks resolved (of the part that exists: a file about to be created does not).
/// `Err` holds the resolved path when it lies outside the repository.
pub fn repo_relative(root: &Path, cwd: &Path, path: &str) -> Result<String, PathBuf> {
    let joined = if Path::new(path).is_absolute() {
        PathBuf::from(path)
    } else {
        cwd.join(path)
    };
    // Lexically first (`a/../b`), then resolve the longest part that exists on disk.
    let mut lexical = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    let resolved = loop {
        if let Ok(real) = existing.canonicalize() {
            let mut full = real;
            for part in rest.iter().rev() {
                full.push(part);
            }
            break full;
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break lexical.clone(),
        }
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match resolved.strip_prefix(&root) {
        Ok(rel) if !rel.as_os_str().is_empty() => Ok(rel.to_string_lossy().replace('\\', "/")),
        _ => Err(resolved),
    }
}

/// The agent the event names (`agent_type`, `agent_id`, `subagent_type`, `agent`), matched to
/// a policy agent by name, ignoring case and punctuation.
pub fn event_agent(policy: &Policy, event: &Value) -> Option<usize> {
    [
        "agent_type",
        "subagent_type",
        "agent_id",
        "agent",
        "agent_name",
    ]
    .iter()
    .filter_map(|k| event.get(*k).and_then(Value::as_str))
    .find_map(|name| {
        policy
            .agents
            .iter()
            .position(|a| crate::agents::same_name(&a.name, name))
    })
}

/// The decision on one tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// `allow`, `ask` or `deny`.
    pub decision: &'static str,
    /// For the model (deny) or the person asked (ask); empty for allow.
    pub reason: String,
}

/// Judges every path of the call as `agent`; the worst answer stands.
pub fn decide(
    policy: &Policy,
    agent: Option<usize>,
    root: &Path,
    cwd: &Path,
    paths: &[String],
) -> Decision {
    let who = agent
        .map(|i| policy.agents[i].name.as_str())
        .unwrap_or("an unnamed author");
    let mut denials = Vec::new();
    let mut asks = Vec::new();
    for path in paths {
        match repo_relative(root, cwd, path) {
            Err(resolved) => asks.push(format!(
                "{} is outside the repository, where scopecheck's policy does not reach; allow it only if you expect {who} to write there",
                resolved.display()
            )),
            Ok(rel) => {
                let j = judge_path(policy, agent, &rel);
                let rule = j.rule.as_ref().map(|r| format!(" by `{}` ({})", r.pattern, r.source)).unwrap_or_default();
                let owners: Vec<String> = policy.match_path(&rel).owners().into_iter().filter(|o| o != who).collect();
                let owned_by = if owners.is_empty() { "no agent owns it".to_string() } else { format!("it belongs to {}", owners.join(", ")) };
                match (j.verdict, j.reason) {
                    (Verdict::Deny, Reason::Protected) => denials.push(format!(
                        "{rel} is protected{rule}: no agent may change it. Do not edit it; tell the user what change you need."
                    )),
                    (Verdict::Deny, Reason::Forbidden) => denials.push(format!(
                        "{who} may not change {rel}: it is forbidden to {who}{rule}, and {owned_by}. Do not edit it; if the change is needed, hand it to {} and carry on with the files you own.",
                        if owners.is_empty() { "the user".to_string() } else { owners.join(" or ") }
                    )),
                    (Verdict::Deny, _) => denials.push(format!(
                        "{rel} is outside {who}'s scope, and {owned_by}. Do not edit it; if the change is needed, hand it to {} and stay within the paths {who} owns.",
                        if owners.is_empty() { "the user".to_string() } else { owners.join(" or ") }
                    )),
                    (Verdict::Warn, Reason::Shared) => asks.push(format!("{rel} is shared{rule}: coordinate with its other users before {who} changes it")),
                    (Verdict::Warn, _) => asks.push(format!("{rel} is outside {who}'s scope ({owned_by}); its policy asks before such changes")),
                    (Verdict::Ok, _) => {}
                }
            }
        }
    }
    if !denials.is_empty() {
        Decision {
            decision: "deny",
            reason: format!("scopecheck: {}", denials.join(" ")),
        }
    } else if !asks.is_empty() {
        Decision {
            decision: "ask",
            reason: format!("scopecheck: {}", asks.join("; ")),
        }
    } else {
        Decision {
            decision: "allow",
            reason: String::new(),
        }
    }
}

/// What to print and the exit code, in the answer style asked for.
pub fn answer(decision: &Decision, style: OutputStyle) -> (String, String, u8) {
    match (decision.decision, style) {
        ("allow", _) => (String::new(), String::new(), 0),
        ("deny", OutputStyle::ExitCode) => (String::new(), format!("{}\n", decision.reason), 2),
        // exit codes have no "ask": say it where the person sees it, and let the call through
        ("ask", OutputStyle::ExitCode) => (format!("{}\n", decision.reason), String::new(), 0),
        (d, OutputStyle::Json) => {
            let out = json!({
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": d,
                    "permissionDecisionReason": decision.reason,
                }
            });
            (format!("{out}\n"), String::new(), 0)
        }
        _ => (String::new(), String::new(), 0),
    }
}

/// The matcher that covers every tool scopecheck judges, for the hook entry.
pub const CLAUDE_MATCHER: &str = "Edit|Write|MultiEdit|NotebookEdit";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_of_each_tool_kind() {
        assert_eq!(
            target_paths(&json!({"file_path": "/r/a.rs", "old_string": "x"})),
            vec!["/r/a.rs"]
        );
        assert_eq!(
            target_paths(&json!({"notebook_path": "n.ipynb"})),
            vec!["n.ipynb"]
        );
        assert_eq!(target_paths(&json!({"filePath": "b.rs"})), vec!["b.rs"]);
        assert_eq!(
            target_paths(
                &json!({"edits": [{"file_path": "a"}, {"file_path": "b"}, {"old_string": "x"}]})
            ),
            vec!["a", "b"]
        );
        assert!(target_paths(&json!({"command": "rm -rf /"})).is_empty());
    }

    #[test]
    fn paths_resolve_dot_dot_and_stay_in_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/server")).unwrap();
        assert_eq!(
            repo_relative(root, &root.join("src"), "server/../web/x.ts").unwrap(),
            "src/web/x.ts"
        );
        assert_eq!(
            repo_relative(
                root,
                root,
                &root.join("src/server/new.rs").to_string_lossy()
            )
            .unwrap(),
            "src/server/new.rs"
        );
        assert!(repo_relative(root, root, "../outside.txt").is_err());
        assert!(repo_relative(root, root, "/etc/hosts").is_err());
    }
}
