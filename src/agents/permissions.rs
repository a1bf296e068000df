//! Permission-based formats: Claude Code `settings.json` (`permissions.allow/ask/deny` with
//! `Edit(path)` entries) and opencode (`permission.edit` / `write` glob maps with
//! allow / ask / deny, in `opencode.json` or an agent's front matter).

use serde_json::Value;

use super::{ImportError, ImportedAgent, Kind};

/// The 1-based line of the first occurrence of `needle` at or after `from`, else anywhere
/// (an inherited rule is written before the agent that inherits it), else `from`.
pub(crate) fn line_of(text: &str, needle: &str, from: usize) -> usize {
    let find = |skip: usize| {
        text.lines()
            .enumerate()
            .skip(skip)
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
    };
    find(from.saturating_sub(1))
        .or_else(|| find(0))
        .unwrap_or(from.max(1))
}

/// JSON with comments and trailing commas (opencode.jsonc, settings files people edit).
pub(crate) fn parse_jsonc(text: &str) -> Result<Value, ImportError> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                // keep the newline so line numbers stay right
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                    }
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    // trailing commas before } or ]
    let cleaned = regex::Regex::new(r",(\s*[}\]])")
        .expect("valid regex")
        .replace_all(&out, "$1")
        .into_owned();
    serde_json::from_str(&cleaned).map_err(|e| ImportError {
        line: e.line(),
        message: format!("not valid JSON: {e}"),
    })
}

/// Claude Code tools that write files; `Edit` rules cover all of them.
const WRITE_TOOLS: &[&str] = &["Edit", "Write", "MultiEdit", "NotebookEdit"];

/// `.claude/settings.json`: `Edit(...)`-style write permissions become rules.
pub(crate) fn claude_settings(file: &str, value: &Value, text: &str) -> ImportedAgent {
    let mut agent = ImportedAgent::new("settings", file, "claude-settings");
    let Some(perms) = value.get("permissions") else {
        return agent;
    };
    let mut other_tools = 0;
    for (key, kind) in [
        ("allow", Kind::Owns),
        ("ask", Kind::Shared),
        ("deny", Kind::Forbids),
    ] {
        let Some(entries) = perms.get(key).and_then(Value::as_array) else {
            continue;
        };
        for entry in entries.iter().filter_map(Value::as_str) {
            let line = line_of(text, &format!("\"{entry}\""), 1);
            let (tool, spec) = match entry.split_once('(') {
                Some((tool, rest)) => (tool.trim(), Some(rest.trim_end_matches(')'))),
                None => (entry.trim(), None),
            };
            if tool == "Read" {
                agent.note(line, format!("`{entry}`: a Read rule is not write scope"));
                continue;
            }
            if !WRITE_TOOLS.contains(&tool) {
                other_tools += 1;
                continue;
            }
            match spec {
                None | Some("") | Some("*") | Some("**") => agent.add(kind, "*", line),
                Some(spec) => {
                    // Claude Code's anchors: `//` absolute and `~/` home are outside the
                    // repository; `/x` is relative to the project the settings file is in.
                    if spec.starts_with("//") || spec.starts_with('~') {
                        agent.note(line, format!("`{entry}`: points outside the repository"));
                    } else {
                        agent.add(kind, spec, line);
                    }
                }
            }
        }
    }
    if other_tools > 0 {
        agent.note(1, format!("{other_tools} permission rules for other tools (Bash, WebFetch, …) are commands, not paths, and were not read"));
    }
    agent
}

/// One `permission.edit` / `write` value (a string or a glob map) into rules.
pub(crate) fn opencode_permission(
    agent: &mut ImportedAgent,
    permission: &Value,
    text: &str,
    from_line: usize,
) {
    if let Some(bash) = permission.get("bash") {
        if !bash.is_null() {
            agent.note(
                line_of(text, "bash", from_line),
                "`permission.bash` holds commands, not paths, and was not read",
            );
        }
    }
    for tool in ["edit", "write"] {
        let Some(setting) = permission.get(tool) else {
            continue;
        };
        let tool_line = line_of(text, tool, from_line);
        match setting {
            Value::String(s) => match s.as_str() {
                "allow" => agent.add(Kind::Owns, "*", tool_line),
                "ask" => agent.add(Kind::Shared, "*", tool_line),
                "deny" => {
                    agent.outside = Some("deny");
                    agent.note(tool_line, format!("`{tool}: deny`: the agent may change nothing, read as `outside: deny` with no owned paths"));
                }
                other => agent.note(
                    tool_line,
                    format!("`{tool}: {other}` is not allow, ask or deny"),
                ),
            },
            Value::Object(map) => {
                let entries: Vec<(&String, &str)> = map
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k, v)))
                    .collect();
                for (i, (pattern, action)) in entries.iter().enumerate() {
                    let line = line_of(text, &format!("\"{pattern}\""), tool_line);
                    let catch_all = matches!(pattern.as_str(), "*" | "**" | "**/*");
                    let later_allows = entries[i + 1..].iter().any(|(_, a)| *a != "deny");
                    match *action {
                        "deny" if catch_all => {
                            // scopecheck's default: what is not owned is denied. As a forbids
                            // rule it would beat the owns rules opencode lets override it.
                            agent.outside = Some("deny");
                            agent.note(line, format!("`\"{pattern}\": deny` is read as `outside: deny`: in opencode later allow rules win over it, and they would lose to a forbids rule"));
                        }
                        "deny" => {
                            if later_allows {
                                agent.note(line, format!("`\"{pattern}\": deny` comes before allow rules that opencode lets override it; in scopecheck a forbids rule always wins"));
                            }
                            agent.add(Kind::Forbids, pattern, line);
                        }
                        "ask" if catch_all => {
                            agent.outside = Some("warn");
                            agent.note(
                                line,
                                format!("`\"{pattern}\": ask` is read as `outside: warn`"),
                            );
                        }
                        "ask" => agent.add(Kind::Shared, pattern, line),
                        "allow" => agent.add(Kind::Owns, pattern, line),
                        other => agent.note(
                            line,
                            format!("`{pattern}: {other}` is not allow, ask or deny"),
                        ),
                    }
                }
            }
            _ => agent.note(
                tool_line,
                format!("`permission.{tool}` is neither a string nor a map"),
            ),
        }
    }
}

/// `opencode.json`: each `agent.<name>`, with the top-level `permission` as its default.
pub(crate) fn opencode_config(file: &str, value: &Value, text: &str) -> Vec<ImportedAgent> {
    let top = value.get("permission").cloned().unwrap_or(Value::Null);
    let mut agents = Vec::new();
    if let Some(map) = value.get("agent").and_then(Value::as_object) {
        for (name, config) in map {
            let mut agent = ImportedAgent::new(name, file, "opencode-config");
            let at = line_of(text, &format!("\"{name}\""), 1);
            // the agent's own permission keys replace the top-level ones
            let mut merged = top.clone();
            if let (Some(own), Value::Object(m)) = (
                config.get("permission").and_then(Value::as_object),
                &mut merged,
            ) {
                for (k, v) in own {
                    m.insert(k.clone(), v.clone());
                }
            } else if let Some(own) = config.get("permission") {
                merged = own.clone();
            }
            if !merged.is_null() {
                opencode_permission(&mut agent, &merged, text, at);
            }
            agents.push(agent);
        }
    }
    if agents.is_empty() {
        let mut agent = ImportedAgent::new("opencode", file, "opencode-config");
        opencode_permission(&mut agent, &top, text, 1);
        agents.push(agent);
    }
    agents
}
