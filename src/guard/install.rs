//! Installing `scopecheck guard` where agents run tools: Claude Code's `.claude/settings.json`
//! (merged, never clobbered), each Claude Code subagent's front matter (`--per-agent`, with
//! `--agent NAME` filled in), and an opencode plugin. Uninstalling removes exactly what was
//! added: the settings file comes back byte for byte when nothing else changed in it.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::error::{Error, Result};

pub const GUARD_COMMAND: &str = "scopecheck guard";
const BLOCK_START: &str = "# scopecheck guard: added by `scopecheck install --claude --per-agent`; `scopecheck uninstall --claude --per-agent` removes it";
const BLOCK_END: &str = "# end of scopecheck guard";
const OPENCODE_MARKER: &str = "// scopecheck-managed opencode plugin";

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

fn is_guard(hook: &Value) -> bool {
    hook.get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| c.trim_start().starts_with(GUARD_COMMAND))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// Adds the guard to `.claude/settings.json` under `root`; keeps the original bytes in
/// `state_dir` so uninstall can give them back.
pub fn install_claude_settings(root: &Path, state_dir: &Path) -> Result<String> {
    let path = root.join(".claude/settings.json");
    let original = std::fs::read_to_string(&path).ok();
    let mut settings: Value = match &original {
        Some(text) => serde_json::from_str(text).map_err(|e| {
            Error::from(crate::error::FileError::new(
                ".claude/settings.json",
                e.line(),
                e.column(),
                format!("not valid JSON ({e}); scopecheck will not rewrite it"),
            ))
        })?,
        None => json!({}),
    };
    if !settings.is_object() {
        return Err(Error::Usage(
            ".claude/settings.json is not a JSON object; scopecheck will not rewrite it".into(),
        ));
    }
    let pre = settings
        .pointer("/hooks/PreToolUse")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if pre
        .iter()
        .flat_map(|e| {
            e.get("hooks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .any(is_guard)
    {
        return Ok(format!("{} already runs `{GUARD_COMMAND}`", path.display()));
    }
    std::fs::create_dir_all(state_dir).map_err(io(state_dir))?;
    let backup = state_dir.join("claude-settings.json.orig");
    std::fs::write(
        &backup,
        original
            .as_deref()
            .map(|t| format!("present\n{t}"))
            .unwrap_or_else(|| "absent\n".into()),
    )
    .map_err(io(&backup))?;
    let entry = json!({ "matcher": super::CLAUDE_MATCHER, "hooks": [{ "type": "command", "command": GUARD_COMMAND }] });
    let obj = settings.as_object_mut().expect("checked above");
    let hooks = obj.entry("hooks").or_insert_with(|| json!({}));
    if !hooks.is_object() {
        return Err(Error::Usage(".claude/settings.json has a `hooks` that is not an object; scopecheck will not rewrite it".into()));
    }
    let list = hooks
        .as_object_mut()
        .expect("checked")
        .entry("PreToolUse")
        .or_insert_with(|| json!([]));
    match list.as_array_mut() {
        Some(list) => list.push(entry),
        None => return Err(Error::Usage(".claude/settings.json has a `hooks.PreToolUse` that is not a list; scopecheck will not rewrite it".into())),
    }
    std::fs::create_dir_all(root.join(".claude")).map_err(io(&path))?;
    std::fs::write(&path, pretty(&settings)).map_err(io(&path))?;
    Ok(format!(
        "added `{GUARD_COMMAND}` as a PreToolUse hook ({}) to {}",
        super::CLAUDE_MATCHER,
        path.display()
    ))
}

/// Removes what [`install_claude_settings`] added.
pub fn uninstall_claude_settings(root: &Path, state_dir: &Path) -> Result<String> {
    let path = root.join(".claude/settings.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(format!(
            "{} does not exist; nothing to remove",
            path.display()
        ));
    };
    let mut settings: Value = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            ".claude/settings.json:{}: not valid JSON ({e}); scopecheck will not rewrite it",
            e.line()
        ))
    })?;
    let mut removed = false;
    if let Some(list) = settings
        .pointer_mut("/hooks/PreToolUse")
        .and_then(Value::as_array_mut)
    {
        for entry in list.iter_mut() {
            if let Some(hooks) = entry.get_mut("hooks").and_then(Value::as_array_mut) {
                let before = hooks.len();
                hooks.retain(|h| !is_guard(h));
                removed |= hooks.len() != before;
            }
        }
        list.retain(|e| {
            e.get("hooks")
                .and_then(Value::as_array)
                .is_none_or(|h| !h.is_empty())
        });
    }
    if !removed {
        return Ok(format!(
            "{} runs no `{GUARD_COMMAND}`; left alone",
            path.display()
        ));
    }
    // Drop the containers scopecheck created, once empty.
    if settings
        .pointer("/hooks/PreToolUse")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        settings["hooks"]
            .as_object_mut()
            .map(|h| h.remove("PreToolUse"));
    }
    if settings
        .get("hooks")
        .and_then(Value::as_object)
        .is_some_and(|h| h.is_empty())
    {
        settings.as_object_mut().map(|s| s.remove("hooks"));
    }
    let backup = state_dir.join("claude-settings.json.orig");
    let saved = std::fs::read_to_string(&backup).ok();
    let _ = std::fs::remove_file(&backup);
    match saved.as_deref().and_then(|s| s.split_once('\n')) {
        // Nothing else changed since install: give back the very bytes.
        Some(("present", original))
            if serde_json::from_str::<Value>(original).ok().as_ref() == Some(&settings) =>
        {
            std::fs::write(&path, original).map_err(io(&path))?;
        }
        Some(("absent", _)) if settings.as_object().is_some_and(|s| s.is_empty()) => {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
        _ => std::fs::write(&path, pretty(&settings)).map_err(io(&path))?,
    }
    Ok(format!("removed `{GUARD_COMMAND}` from {}", path.display()))
}

/// The front-matter block for one agent.
fn agent_block(agent: &str) -> String {
    format!(
        "{BLOCK_START}\nhooks:\n  PreToolUse:\n    - matcher: \"{}\"\n      hooks:\n        - type: command\n          command: \"{GUARD_COMMAND} --agent {agent}\"\n{BLOCK_END}\n",
        super::CLAUDE_MATCHER
    )
}

/// Adds the guard, with `--agent NAME`, to each subagent file's front matter. Checks every
/// file first: one it cannot change safely stops the whole install, and nothing is written.
pub fn install_per_agent(files: &[(PathBuf, String)]) -> Result<Vec<String>> {
    let mut plans = Vec::new();
    for (path, agent) in files {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        if text.contains(BLOCK_START) {
            continue;
        }
        let Some(rest) = text.strip_prefix("---\n") else {
            return Err(Error::Usage(format!(
                "{} has no front matter; nothing was installed",
                path.display()
            )));
        };
        let Some(close) = rest.find("\n---") else {
            return Err(Error::Usage(format!(
                "{}: its front matter is not closed by `---`; nothing was installed",
                path.display()
            )));
        };
        let front = &rest[..close];
        if front.lines().any(|l| l.starts_with("hooks:")) {
            return Err(Error::Usage(format!(
                "{} already has a `hooks:` block; add `{GUARD_COMMAND} --agent {agent}` to it by hand (nothing was installed)",
                path.display()
            )));
        }
        let at = 4 + close + 1; // after "---\n" and the front matter's last newline
        plans.push((
            path.clone(),
            format!("{}{}{}", &text[..at], agent_block(agent), &text[at..]),
        ));
    }
    let mut said = Vec::new();
    for (path, new) in plans {
        std::fs::write(&path, new).map_err(io(&path))?;
        said.push(format!(
            "added `{GUARD_COMMAND}` to the front matter of {}",
            path.display()
        ));
    }
    Ok(said)
}

/// Removes the block [`install_per_agent`] added, leaving the file as it was.
pub fn uninstall_per_agent(files: &[PathBuf]) -> Result<Vec<String>> {
    let mut said = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let (Some(start), Some(end)) = (text.find(BLOCK_START), text.find(BLOCK_END)) else {
            continue;
        };
        let end =
            end + BLOCK_END.len() + usize::from(text[end + BLOCK_END.len()..].starts_with('\n'));
        std::fs::write(path, format!("{}{}", &text[..start], &text[end..])).map_err(io(path))?;
        said.push(format!("removed `{GUARD_COMMAND}` from {}", path.display()));
    }
    Ok(said)
}

/// The opencode plugin: asks `scopecheck guard` before edit and write tools, and refuses the
/// call with scopecheck's message when it denies.
pub const OPENCODE_PLUGIN: &str = r#"// scopecheck-managed opencode plugin: written by `scopecheck install --opencode`;
// `scopecheck uninstall --opencode` removes it. Before every edit or write, it asks
// `scopecheck guard` and refuses the call with its message when the path is out of scope.
import { spawnSync } from "node:child_process";

const WRITE_TOOLS = ["edit", "write", "patch", "multiedit"];

export const ScopecheckGuard = async ({ directory }) => ({
  "tool.execute.before": async (input, output) => {
    if (!WRITE_TOOLS.includes(input.tool)) return;
    const event = JSON.stringify({
      hook_event_name: "PreToolUse",
      tool_name: input.tool,
      tool_input: output.args ?? {},
      cwd: directory,
      agent_type: input.agent ?? process.env.OPENCODE_AGENT,
    });
    const run = spawnSync(process.env.SCOPECHECK ?? "scopecheck", ["guard", "--output", "json"], {
      input: event,
      cwd: directory,
      encoding: "utf8",
    });
    if (run.error || run.status !== 0) return; // a guard problem never blocks work
    if (!run.stdout.trim()) return;
    const answer = JSON.parse(run.stdout).hookSpecificOutput ?? {};
    if (answer.permissionDecision === "deny") throw new Error(answer.permissionDecisionReason);
  },
});
"#;

pub fn install_opencode(root: &Path) -> Result<String> {
    let path = root.join(".opencode/plugin/scopecheck.js");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.starts_with(OPENCODE_MARKER) {
            return Err(Error::Usage(format!(
                "{} exists and is not scopecheck's; nothing was installed",
                path.display()
            )));
        }
    }
    std::fs::create_dir_all(root.join(".opencode/plugin")).map_err(io(&path))?;
    std::fs::write(&path, OPENCODE_PLUGIN).map_err(io(&path))?;
    Ok(format!("wrote the opencode plugin {}", path.display()))
}

pub fn uninstall_opencode(root: &Path) -> Result<String> {
    let path = root.join(".opencode/plugin/scopecheck.js");
    match std::fs::read_to_string(&path) {
        Ok(text) if text.starts_with(OPENCODE_MARKER) => {
            std::fs::remove_file(&path).map_err(io(&path))?;
            Ok(format!("removed {}", path.display()))
        }
        Ok(_) => Ok(format!(
            "left {} alone: it is not scopecheck's",
            path.display()
        )),
        Err(_) => Ok(format!("{} does not exist", path.display())),
    }
}
