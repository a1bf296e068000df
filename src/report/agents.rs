//! What `import`, `init`, `agents` and `validate` print: imported agents as policy YAML,
//! the resolved policy, and the policy's lint.

use std::fmt::Write;

use serde::Serialize;

use crate::agents::{ImportedAgent, ImportedRule};
use crate::policy::{Outside, Policy, Rule};

/// A policy key for an agent name: `Backend Agent` -> `backend-agent`.
pub fn agent_key(name: &str) -> String {
    let mut key = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            key.extend(c.to_lowercase());
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    let key = key.trim_end_matches('-').to_string();
    if key.is_empty() {
        "agent".into()
    } else {
        key
    }
}

/// A YAML scalar, always double-quoted (a JSON string is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// `import`: the `agents:` YAML the files imply, a comment per rule naming its source line.
pub fn import_yaml(agents: &[ImportedAgent]) -> String {
    let mut out = String::from("agents:\n");
    for agent in agents {
        let _ = writeln!(out, "  # from {} ({})", agent.file, agent.format);
        let _ = writeln!(out, "  {}:", agent_key(&agent.name));
        let list = |out: &mut String, key: &str, rules: &[ImportedRule]| {
            if rules.is_empty() {
                return;
            }
            let _ = writeln!(out, "    {key}:");
            for r in rules {
                let _ = writeln!(
                    out,
                    "      - {:<30} # {}:{}  {}",
                    quoted(&r.pattern),
                    agent.file,
                    r.line,
                    r.as_written.replace('\n', " ")
                );
            }
        };
        list(&mut out, "owns", &agent.owns);
        list(&mut out, "forbids", &agent.forbids);
        list(&mut out, "shared", &agent.shared);
        if let Some(outside) = agent.outside {
            let _ = writeln!(out, "    outside: {outside}");
        }
        if let Some(w) = &agent.worklog {
            let _ = writeln!(out, "    worklog: {}", quoted(w));
        }
        if let Some(c) = &agent.commit_style {
            let _ = writeln!(out, "    # commit style: {}", c.replace('\n', " "));
        }
        if !agent.has_rules() {
            let _ = writeln!(
                out,
                "    # no rule could be read with confidence; add owns / forbids / shared here"
            );
        }
        if !agent.notes.is_empty() {
            let _ = writeln!(out, "    # notes (read, but not turned into rules):");
            for n in &agent.notes {
                let _ = writeln!(
                    out,
                    "    #   {}:{}: {}",
                    agent.file,
                    n.line,
                    n.text.replace('\n', " ")
                );
            }
        }
    }
    out
}

#[derive(Serialize)]
struct ImportJson<'a> {
    agents: &'a [ImportedAgent],
}

pub fn import_json(agents: &[ImportedAgent]) -> String {
    let mut out = serde_json::to_string_pretty(&ImportJson { agents }).unwrap_or_default();
    out.push('\n');
    out
}

/// `agents`: the resolved policy, each rule with where it was written.
pub fn policy_human(policy: &Policy) -> String {
    let mut out = format!("policy: {}\n", policy.file);
    let rules = |out: &mut String, key: &str, rules: &[Rule]| {
        if rules.is_empty() {
            return;
        }
        let _ = writeln!(out, "  {key}:");
        for r in rules {
            let _ = writeln!(out, "    {:<32} {}", r.pattern, r.source);
        }
    };
    for agent in &policy.agents {
        let from = agent
            .from
            .as_deref()
            .map(|f| format!(", from {f}"))
            .unwrap_or_default();
        let _ = writeln!(out, "\n{} (defined at {}{from})", agent.name, agent.source);
        rules(&mut out, "owns", &agent.owns);
        rules(&mut out, "forbids", &agent.forbids);
        rules(&mut out, "shared", &agent.shared);
        let outside = match agent.outside {
            Outside::Deny => "deny",
            Outside::Warn => "warn",
            Outside::Allow => "allow",
        };
        let _ = writeln!(out, "  outside: {outside}");
        if !agent.emails.is_empty() {
            let _ = writeln!(out, "  emails: {}", agent.emails.join(", "));
        }
        rules(&mut out, "branches", &agent.branches);
        if let Some(w) = &agent.worklog {
            let _ = writeln!(out, "  worklog: {w}");
        }
        if !agent.commit.scopes.is_empty() {
            let _ = writeln!(out, "  commit scopes: {}", agent.commit.scopes.join(", "));
        }
        if !agent.commit.types.is_empty() {
            let _ = writeln!(out, "  commit types: {}", agent.commit.types.join(", "));
        }
    }
    if !policy.protected.is_empty() {
        out.push('\n');
        rules(&mut out, "protected", &policy.protected);
    }
    let humans = match policy.humans {
        crate::policy::Humans::Allow => "allow",
        crate::policy::Humans::CheckProtected => "check-protected",
    };
    let _ = writeln!(
        out,
        "\nhumans: {humans}; agent trailer: {}:",
        policy.trailer
    );
    out
}

#[derive(Serialize)]
struct RuleJson<'a> {
    pattern: &'a str,
    source: String,
}

#[derive(Serialize)]
struct AgentJson<'a> {
    name: &'a str,
    source: String,
    from: Option<&'a str>,
    owns: Vec<RuleJson<'a>>,
    forbids: Vec<RuleJson<'a>>,
    shared: Vec<RuleJson<'a>>,
    outside: &'static str,
    emails: &'a [String],
    branches: Vec<RuleJson<'a>>,
    worklog: Option<&'a str>,
}

#[derive(Serialize)]
struct PolicyJson<'a> {
    file: &'a str,
    agents: Vec<AgentJson<'a>>,
    protected: Vec<RuleJson<'a>>,
    humans: &'static str,
    trailer: &'a str,
}

pub fn policy_json(policy: &Policy) -> String {
    fn rules(rules: &[Rule]) -> Vec<RuleJson<'_>> {
        rules
            .iter()
            .map(|r| RuleJson {
                pattern: &r.pattern,
                source: r.source.to_string(),
            })
            .collect()
    }
    let json = PolicyJson {
        file: &policy.file,
        agents: policy
            .agents
            .iter()
            .map(|a| AgentJson {
                name: &a.name,
                source: a.source.to_string(),
                from: a.from.as_deref(),
                owns: rules(&a.owns),
                forbids: rules(&a.forbids),
                shared: rules(&a.shared),
                outside: match a.outside {
                    Outside::Deny => "deny",
                    Outside::Warn => "warn",
                    Outside::Allow => "allow",
                },
                emails: &a.emails,
                branches: rules(&a.branches),
                worklog: a.worklog.as_deref(),
            })
            .collect(),
        protected: rules(&policy.protected),
        humans: match policy.humans {
            crate::policy::Humans::Allow => "allow",
            crate::policy::Humans::CheckProtected => "check-protected",
        },
        trailer: &policy.trailer,
    };
    let mut out = serde_json::to_string_pretty(&json).unwrap_or_default();
    out.push('\n');
    out
}

/// Two agents owning one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlap {
    pub agents: [String; 2],
    pub example: String,
    pub paths: usize,
}

/// A rule that decided nothing for any tracked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadPattern {
    /// `backend owns`, `protected`, …
    pub list: String,
    pub pattern: String,
    pub source: String,
}

/// What `validate` found beyond errors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub version: u32,
    pub ok: bool,
    pub tracked_files: usize,
    pub owned_files: usize,
    /// Percent of tracked files that some agent owns.
    pub coverage: f64,
    pub overlaps: Vec<Overlap>,
    pub dead_patterns: Vec<DeadPattern>,
    /// Up to ten tracked files that no agent owns.
    pub unowned_examples: Vec<String>,
}

pub fn validation_human(v: &Validation, policy_file: &str) -> String {
    let mut out = format!("{policy_file}: no errors\n");
    for o in &v.overlaps {
        let _ = writeln!(
            out,
            "warning: `{}` and `{}` both own {} tracked file{}, e.g. {}",
            o.agents[0],
            o.agents[1],
            o.paths,
            if o.paths == 1 { "" } else { "s" },
            crate::report::display_path(&o.example)
        );
    }
    for d in &v.dead_patterns {
        let _ = writeln!(
            out,
            "warning: {} pattern `{}` ({}) matches no tracked file (or only files a later pattern of the same list decides)",
            d.list, d.pattern, d.source
        );
    }
    let _ = writeln!(
        out,
        "coverage: {} of {} tracked files ({:.1}%) are owned by some agent",
        v.owned_files, v.tracked_files, v.coverage
    );
    if !v.unowned_examples.is_empty() {
        let shown: Vec<String> = v
            .unowned_examples
            .iter()
            .map(|p| crate::report::display_path(p))
            .collect();
        let _ = writeln!(out, "  owned by no agent, e.g.: {}", shown.join(", "));
    }
    out
}
