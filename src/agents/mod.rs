//! Agent definition files read into scopes: what an agent owns, must not touch and shares,
//! its work log and commit style, each rule with the line it came from.
//!
//! Formats: Claude Code subagents (`.claude/agents/*.md`: front matter, with an optional
//! `scope:` block, then markdown), GitHub Copilot (`.github/agents/*.agent.md`) and Gemini
//! (`.gemini/agents/*.md`) agents read the same way, opencode agents (`.opencode/agent/*.md`
//! front matter and `opencode.json` `agent.<name>`: `permission.edit` / `write` globs), Claude
//! Code `settings.json` permissions (`Edit(src/**)`), and multi-agent `AGENTS.md` files
//! (ownership tables, one agent per row).
//!
//! What cannot be read with confidence (a path in a sentence that says neither own nor
//! forbid, a placeholder, a path outside the repository, a code block) becomes a note with
//! its line, never a guessed rule.
//!
//! Not for: policies (this is text in, scopes out) or git.

mod markdown;
mod normalize;
mod permissions;

use serde::Serialize;

pub use normalize::normalize_path;

/// One rule read from an agent file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedRule {
    /// The rule in the policy's pattern language.
    pub pattern: String,
    /// The text it came from.
    pub as_written: String,
    pub line: usize,
}

/// Something the reader saw but did not turn into a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub line: usize,
    pub text: String,
}

/// What an agent file says about one agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedAgent {
    pub name: String,
    pub file: String,
    pub format: &'static str,
    pub owns: Vec<ImportedRule>,
    pub forbids: Vec<ImportedRule>,
    pub shared: Vec<ImportedRule>,
    pub worklog: Option<String>,
    pub commit_style: Option<String>,
    /// `deny`, `warn` or `allow` for paths in none of the lists, when the file says so
    /// (opencode's catch-all `"*"` permission).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside: Option<&'static str>,
    pub notes: Vec<Note>,
}

impl ImportedAgent {
    fn new(name: &str, file: &str, format: &'static str) -> Self {
        ImportedAgent {
            name: name.to_string(),
            file: file.to_string(),
            format,
            owns: Vec::new(),
            forbids: Vec::new(),
            shared: Vec::new(),
            worklog: None,
            commit_style: None,
            outside: None,
            notes: Vec::new(),
        }
    }

    pub fn has_rules(&self) -> bool {
        !self.owns.is_empty()
            || !self.forbids.is_empty()
            || !self.shared.is_empty()
            || self.outside.is_some()
    }

    fn note(&mut self, line: usize, text: impl Into<String>) {
        let text = text.into();
        if !self.notes.iter().any(|n| n.line == line && n.text == text) {
            self.notes.push(Note { line, text });
        }
    }

    /// Adds `as_written` (found at `line`) to a list, or a note when it is not a repository path.
    fn add(&mut self, kind: Kind, as_written: &str, line: usize) {
        match normalize_path(as_written) {
            Ok(pattern) => {
                let list = match kind {
                    Kind::Owns => &mut self.owns,
                    Kind::Forbids => &mut self.forbids,
                    Kind::Shared => &mut self.shared,
                };
                if !list.iter().any(|r| r.pattern == pattern) {
                    list.push(ImportedRule {
                        pattern,
                        as_written: as_written.to_string(),
                        line,
                    });
                }
            }
            Err(why) => self.note(line, format!("`{as_written}`: {why}")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Owns,
    Forbids,
    Shared,
}

/// Whether two agent names are the same agent: `Backend Agent`, `backend-agent` and
/// `backend_agent` are one name (case and punctuation ignored).
pub fn same_name(a: &str, b: &str) -> bool {
    let key = |n: &str| {
        n.to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    key(a) == key(b)
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub message: String,
}

/// The agent-file locations `init` looks in, as globs over tracked and untracked files.
pub const AGENT_FILE_GLOBS: &[&str] = &[
    ".claude/agents/*.md",
    ".claude/settings.json",
    ".opencode/agent/*.md",
    ".opencode/agents/*.md",
    "opencode.json",
    "opencode.jsonc",
    ".github/agents/*.agent.md",
    ".gemini/agents/*.md",
    "AGENTS.md",
];

/// Reads one agent definition file; `file` is its repository-relative path, which also
/// decides the format where the content does not.
pub fn import(file: &str, text: &str) -> Result<Vec<ImportedAgent>, ImportError> {
    let lower = file.to_ascii_lowercase();
    let stem = std::path::Path::new(file)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem
        .trim_end_matches(".md")
        .trim_end_matches(".agent")
        .to_string();
    if lower.ends_with(".json") || lower.ends_with(".jsonc") {
        let value = permissions::parse_jsonc(text)?;
        if value.get("permissions").is_some() {
            return Ok(vec![permissions::claude_settings(file, &value, text)]);
        }
        if value.get("agent").is_some() || value.get("permission").is_some() {
            return Ok(permissions::opencode_config(file, &value, text));
        }
        return Err(ImportError {
            line: 1,
            message: "a JSON file with neither Claude Code `permissions` nor opencode `agent` / `permission`".into(),
        });
    }
    Ok(markdown::read(file, &stem, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(rules: &[ImportedRule]) -> Vec<&str> {
        rules.iter().map(|r| r.pattern.as_str()).collect()
    }

    #[test]
    fn claude_subagent_sections_bullets_and_prose() {
        let text = "---\nname: backend\ndescription: Server work\ntools: Read, Edit\n---\n\
# Backend\n\nYou work exclusively within the /services/api directory.\n\n\
## Files you own\n- `src/server/` (handlers)\n- `prisma/schema.prisma`\n\n\
## Never touch\n- `src/components/` belongs to frontend\n- Dockerfile\n\n\
## Shared (coordinate first)\n- `src/types/`\n\n\
## Notes\nSee `docs/guide.md` for style. Tasks live in `tasks/{task_id}/plan.md`.\n\n\
```\nsrc/\n  server/\n```\n\nKeep a log in `BACKEND_WORK_LOG.md`. Use conventional commits.\n";
        let agents = import(".claude/agents/backend.md", text).unwrap();
        let a = &agents[0];
        assert_eq!(a.name, "backend");
        assert_eq!(a.format, "claude-subagent");
        assert_eq!(
            patterns(&a.owns),
            vec!["/services/api/", "src/server/", "prisma/schema.prisma"]
        );
        assert_eq!(a.owns[1].line, 11);
        assert_eq!(a.owns[1].as_written, "src/server/");
        assert_eq!(patterns(&a.forbids), vec!["src/components/"]);
        assert_eq!(patterns(&a.shared), vec!["src/types/"]);
        assert_eq!(a.worklog.as_deref(), Some("BACKEND_WORK_LOG.md"));
        assert_eq!(a.commit_style.as_deref(), Some("conventional"));
        let notes: Vec<&str> = a.notes.iter().map(|n| n.text.as_str()).collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("docs/guide.md") && n.contains("no ownership word")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("{task_id}") && n.contains("placeholder")),
            "{notes:?}"
        );
        assert!(notes.iter().any(|n| n.contains("code block")), "{notes:?}");
    }

    #[test]
    fn scope_block_in_front_matter_is_the_unambiguous_way() {
        let text = "---\nname: web\nscope:\n  owns: [src/ui/, \"*.css\"]\n  forbids: [src/api/]\n  shared:\n    - src/types/\nworklog: WEB_LOG.md\n---\nBody text.\n";
        let a = &import(".claude/agents/web.md", text).unwrap()[0];
        assert_eq!(patterns(&a.owns), vec!["src/ui/", "*.css"]);
        assert_eq!(a.owns[0].line, 4);
        assert_eq!(patterns(&a.forbids), vec!["src/api/"]);
        assert_eq!(a.shared[0].line, 7);
        assert_eq!(a.worklog.as_deref(), Some("WEB_LOG.md"));
    }

    #[test]
    fn opencode_permissions_map_to_lists_and_catch_all_to_outside() {
        let text = "---\ndescription: docs\nmode: subagent\npermission:\n  edit:\n    \"*\": deny\n    \"docs/**\": allow\n    \"docs/private/**\": deny\n    \"CHANGELOG.md\": ask\n  bash:\n    \"*\": ask\n---\nWrite docs.\n";
        let a = &import(".opencode/agent/docs.md", text).unwrap()[0];
        assert_eq!(a.format, "opencode-agent");
        assert_eq!(patterns(&a.owns), vec!["docs/**"]);
        assert_eq!(patterns(&a.forbids), vec!["docs/private/**"]);
        assert_eq!(patterns(&a.shared), vec!["CHANGELOG.md"]);
        assert_eq!(a.outside, Some("deny"));
        assert!(a.notes.iter().any(|n| n.text.contains("bash")));
    }

    #[test]
    fn claude_settings_anchors_and_tools() {
        let text = r#"{ "permissions": { "allow": ["Edit(src/**)", "Write(/docs/**)"], "ask": ["MultiEdit(./config/*.yml)"],
            "deny": ["Edit(//etc/hosts)", "Edit(~/.ssh/**)", "Read(./.env)", "Bash(rm:*)", "NotebookEdit(notebooks/**)"] } }"#;
        let a = &import(".claude/settings.json", text).unwrap()[0];
        assert_eq!(a.format, "claude-settings");
        assert_eq!(patterns(&a.owns), vec!["src/**", "/docs/**"]);
        assert_eq!(patterns(&a.shared), vec!["/config/*.yml"]);
        assert_eq!(patterns(&a.forbids), vec!["notebooks/**"]);
        let notes: Vec<&str> = a.notes.iter().map(|n| n.text.as_str()).collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("//etc/hosts") && n.contains("outside the repository")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("Read(./.env)") && n.contains("not write scope")),
            "{notes:?}"
        );
    }

    #[test]
    fn copilot_and_gemini_agents_read_as_markdown() {
        let text = "---\nname: docs-writer\ndescription: Docs\n---\n## Scope\n- `docs/`\n\n## Do not touch\n- `src/`\n";
        for (path, format) in [
            (".github/agents/docs-writer.agent.md", "copilot-agent"),
            (".gemini/agents/docs-writer.md", "gemini-agent"),
        ] {
            let a = &import(path, text).unwrap()[0];
            assert_eq!((a.name.as_str(), a.format), ("docs-writer", format));
            assert_eq!(patterns(&a.owns), vec!["docs/"]);
            assert_eq!(patterns(&a.forbids), vec!["src/"]);
        }
    }

    #[test]
    fn opencode_json_agents_inherit_the_top_level_permission() {
        let text = r#"{
  // comments and trailing commas, as opencode.jsonc allows
  "permission": { "edit": { "*": "allow", "secrets/**": "deny", }, "bash": "ask" },
  "agent": {
    "build": { "mode": "primary" },
    "docs": { "permission": { "edit": { "*": "deny", "docs/**": "allow" } } },
  },
}"#;
        let agents = import("opencode.jsonc", text).unwrap();
        let build = agents.iter().find(|a| a.name == "build").unwrap();
        assert_eq!(build.format, "opencode-config");
        assert_eq!(patterns(&build.owns), vec!["*"]);
        assert_eq!(patterns(&build.forbids), vec!["secrets/**"]);
        assert_eq!(build.forbids[0].line, 3);
        let docs = agents.iter().find(|a| a.name == "docs").unwrap();
        assert_eq!(patterns(&docs.owns), vec!["docs/**"]);
        assert_eq!(docs.outside, Some("deny"));
        assert!(
            docs.forbids.is_empty(),
            "its own edit map replaces the top-level one"
        );
    }

    #[test]
    fn agents_md_ownership_table() {
        let text = "# Agents\n\n| Agent | Owns | Must not touch |\n|---|---|---|\n| frontend | `web/`, `*.css` | `api/` |\n| backend | `api/` | `web/` |\n";
        let agents = import("AGENTS.md", text).unwrap();
        let names: Vec<&str> = agents.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["frontend", "backend"]);
        assert_eq!(patterns(&agents[0].owns), vec!["web/", "*.css"]);
        assert_eq!(agents[0].owns[0].line, 5);
        assert_eq!(patterns(&agents[1].forbids), vec!["web/"]);
    }
}
