//! Commit-message rules: Conventional Commits with the rule names, levels and defaults of
//! `@commitlint/config-conventional`, commitlint's default ignores, and scopecheck's own
//! rules on top (`agent-scope-enum`, `agent-type-enum`, `trailer-required`).
//!
//! Not for: git (messages come in as text) or terminals (results are plain data).

pub mod parse;
pub mod rules;

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{Error, FileError, Result};
use crate::policy::{Agent, CommitStyle, Preset};
use parse::{Parsed, JS_DOT};
use rules::Part;

/// One configured rule: commitlint's `[level, when, value]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleConfig {
    pub name: String,
    pub level: u8,
    pub always: bool,
    pub value: Option<Value>,
}

/// `@commitlint/config-conventional`'s rules (21.x), in its order.
pub fn conventional_preset() -> Vec<RuleConfig> {
    let rule = |name: &str, level: u8, always: bool, value: Option<Value>| RuleConfig {
        name: name.to_string(),
        level,
        always,
        value,
    };
    vec![
        rule("body-leading-blank", 1, true, None),
        rule("body-max-line-length", 2, true, Some(json!(100))),
        rule("footer-leading-blank", 1, true, None),
        rule("footer-max-line-length", 2, true, Some(json!(100))),
        rule("header-max-length", 2, true, Some(json!(100))),
        rule("header-trim", 2, true, None),
        rule(
            "subject-case",
            2,
            false,
            Some(json!([
                "sentence-case",
                "start-case",
                "pascal-case",
                "upper-case"
            ])),
        ),
        rule("subject-empty", 2, false, None),
        rule("subject-full-stop", 2, false, Some(json!("."))),
        rule("type-case", 2, true, Some(json!("lower-case"))),
        rule("type-empty", 2, false, None),
        rule(
            "type-enum",
            2,
            true,
            Some(json!([
                "build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert",
                "style", "test"
            ])),
        ),
    ]
}

/// A failed rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub rule: String,
    pub level: u8,
    pub message: String,
    /// Where in the header the problem is, as a char range, for pointing at it.
    #[serde(skip)]
    pub span: Option<(usize, usize)>,
}

/// The verdict on one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageReport {
    /// The commit id, or `null` for a file or stdin.
    pub id: Option<String>,
    pub agent: Option<String>,
    pub ignored: bool,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// The header, for showing where a problem is.
    #[serde(skip)]
    pub header: Option<String>,
}

/// What `lint-msg --format json` prints (version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintReport {
    pub version: u32,
    pub ok: bool,
    pub messages: Vec<MessageReport>,
}

impl LintReport {
    pub fn new(messages: Vec<MessageReport>, strict: bool) -> LintReport {
        let ok = messages
            .iter()
            .all(|m| m.errors.is_empty() && (!strict || m.warnings.is_empty()));
        LintReport {
            version: 1,
            ok,
            messages,
        }
    }
}

/// The rules in force: the preset (unless `preset: none`) with the policy's overrides.
#[derive(Debug, Clone)]
pub struct Linter {
    rules: Vec<RuleConfig>,
    require_trailers: Vec<String>,
}

impl Linter {
    /// The conventional preset alone (no policy).
    pub fn conventional() -> Linter {
        Linter {
            rules: conventional_preset(),
            require_trailers: Vec::new(),
        }
    }

    /// The rules a policy's `commit_style` asks for; an unknown rule name is an error that
    /// points at it.
    pub fn from_style(style: &CommitStyle) -> Result<Linter> {
        let mut rules = match style.preset {
            Preset::Conventional => conventional_preset(),
            Preset::None => Vec::new(),
        };
        for setting in &style.rules {
            if rules::find(&setting.name).is_none() {
                let known: Vec<&str> = rules::RULES.iter().map(|(n, _)| *n).collect();
                return Err(Error::from(
                    FileError::new(
                        &setting.source.file,
                        setting.source.line,
                        setting.source.column,
                        format!("unknown commit rule `{}`", setting.name),
                    )
                    .with_help(format!("scopecheck knows: {}", known.join(", "))),
                ));
            }
            if setting.name.ends_with("-case") {
                for case in rules::strings(setting.value.as_ref()) {
                    if !rules::CASES.contains(&case.as_str()) {
                        return Err(Error::from(FileError::new(
                            &setting.source.file,
                            setting.source.line,
                            setting.source.column,
                            format!(
                                "rule `{}`: unknown case `{case}`; known: {}",
                                setting.name,
                                rules::CASES.join(", ")
                            ),
                        )));
                    }
                }
            }
            let config = RuleConfig {
                name: setting.name.clone(),
                level: setting.level,
                always: setting.always,
                value: setting.value.clone(),
            };
            match rules.iter_mut().find(|r| r.name == setting.name) {
                Some(existing) => *existing = config,
                None => rules.push(config),
            }
        }
        Ok(Linter {
            rules,
            require_trailers: style.require_trailers.clone(),
        })
    }

    /// Lints one message as `agent` (whose `commit.scopes` / `commit.types` apply).
    pub fn lint(&self, message: &str, agent: Option<&Agent>) -> MessageReport {
        let mut report = MessageReport {
            id: None,
            agent: agent.map(|a| a.name.clone()),
            ignored: false,
            errors: Vec::new(),
            warnings: Vec::new(),
            header: None,
        };
        if is_ignored(message) {
            report.ignored = true;
            return report;
        }
        let parsed = parse::parse(message);
        report.header = parsed.header.clone();
        if parsed.is_empty() {
            return report;
        }
        let mut problems = Vec::new();
        for rule in self.rules.iter().filter(|r| r.level > 0) {
            let Some(check) = rules::find(&rule.name) else {
                continue;
            };
            let outcome = check(&parsed, rule.always, rule.value.as_ref());
            if !outcome.pass {
                problems.push(Problem {
                    rule: rule.name.clone(),
                    level: rule.level,
                    message: outcome.message,
                    span: span_of(&parsed, outcome.part),
                });
            }
        }
        problems.extend(self.own_rules(&parsed, agent));
        for p in problems {
            if p.level >= 2 {
                report.errors.push(p);
            } else {
                report.warnings.push(p);
            }
        }
        report
    }

    /// scopecheck's rules: the agent's scopes and types, and required trailers.
    fn own_rules(&self, parsed: &Parsed, agent: Option<&Agent>) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Some(agent) = agent {
            let scopes = &agent.commit.scopes;
            if !scopes.is_empty() {
                let scope = parsed.scope.as_deref().unwrap_or("");
                let segments: Vec<&str> = scope.split([',', '/']).map(str::trim).collect();
                if scope.is_empty() || !segments.iter().all(|s| scopes.iter().any(|a| a == s)) {
                    problems.push(Problem {
                        rule: "agent-scope-enum".into(),
                        level: 2,
                        message: format!(
                            "agent {} must use a scope of [{}]{}",
                            agent.name,
                            scopes.join(", "),
                            if scope.is_empty() {
                                ", and this header has none".to_string()
                            } else {
                                format!(", not `{scope}`")
                            }
                        ),
                        span: span_of(
                            parsed,
                            if scope.is_empty() {
                                Part::Header
                            } else {
                                Part::Scope
                            },
                        ),
                    });
                }
            }
            let types = &agent.commit.types;
            if let Some(t) = parsed.r#type.as_deref() {
                if !types.is_empty() && !types.iter().any(|a| a == t) {
                    problems.push(Problem {
                        rule: "agent-type-enum".into(),
                        level: 2,
                        message: format!(
                            "agent {} must use a type of [{}], not `{t}`",
                            agent.name,
                            types.join(", ")
                        ),
                        span: span_of(parsed, Part::Type),
                    });
                }
            }
        }
        for required in &self.require_trailers {
            if crate::identity::trailer_value(&parsed.raw, required).is_none() {
                problems.push(Problem {
                    rule: "trailer-required".into(),
                    level: 2,
                    message: format!("message must end with a `{required}:` trailer"),
                    span: None,
                });
            }
        }
        problems
    }
}

/// Where `part` is in the header, in chars, so a report can point at it.
fn span_of(parsed: &Parsed, part: Part) -> Option<(usize, usize)> {
    let header = parsed.header.as_deref()?;
    let len = header.chars().count();
    let find = |needle: Option<&str>, after: usize| -> Option<(usize, usize)> {
        let needle = needle.filter(|n| !n.is_empty())?;
        let byte_after = header
            .char_indices()
            .nth(after)
            .map(|(i, _)| i)
            .unwrap_or(header.len());
        let at = header[byte_after..].find(needle)? + byte_after;
        let start = header[..at].chars().count();
        Some((start, start + needle.chars().count()))
    };
    match part {
        Part::Type => find(parsed.r#type.as_deref(), 0).or(Some((0, len))),
        Part::Scope => find(parsed.scope.as_deref(), 0),
        Part::Subject => {
            let colon = header
                .find(": ")
                .map(|i| header[..i].chars().count() + 2)
                .unwrap_or(0);
            find(parsed.subject.as_deref(), colon).or(Some((0, len)))
        }
        Part::Header => Some((0, len)),
        Part::Body | Part::Footer => None,
    }
}

// ---- commitlint's default ignores (@commitlint/is-ignored 21) ------------------------------

static IGNORES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    let d = JS_DOT;
    [
        // The trailing `(?:\r?\n)*$` binds only to the second alternative, as in commitlint.
        format!(r"(?mR)^((Merge pull request)|(Merge ({d}*?) into ({d}*?)|(Merge branch ({d}*?)))(?:\r?\n)*$)"),
        format!(r"(?mR)^(Merge tag ({d}*?))(?:\r?\n)*$"),
        format!(r"^(R|r)evert ({d}*)"),
        format!(r"^(R|r)eapply ({d}*)"),
        r"^(amend|fixup|squash)!".to_string(),
        format!(r"^(Merged ({d}*?)(in|into) ({d}*)|Merged PR ({d}*): ({d}*))"),
        format!(r"^Merge remote-tracking branch(\s*)({d}*)"),
        format!(r"^Automatic merge({d}*)"),
        format!(r"^Auto-merged ({d}*?) into ({d}*)"),
    ]
    .iter()
    .map(|p| Regex::new(p).expect("valid regex"))
    .collect()
});

static SEMVER: LazyLock<Regex> = LazyLock::new(|| {
    let num = r"(?:0|[1-9][0-9]*)";
    let pre = r"(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][a-zA-Z0-9-]*)";
    Regex::new(&format!(
        r"^v?{num}\.{num}\.{num}(?:-{pre}(?:\.{pre})*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
    ))
    .expect("valid regex")
});
static CHORE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^chore(\([^)]+\))?:").expect("valid regex"));
static SKIP_BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\[(skip|ci)(-|\s)(ci|skip)\]").expect("valid regex"));
static SKIP_PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\((skip|ci)(-|\s)(ci|skip)\)").expect("valid regex"));

/// A release commit: the first line is a version (after `chore:` and `[skip ci]` markers).
fn is_semver_release(message: &str) -> bool {
    let first = message.split('\n').next().unwrap_or("");
    let first = CHORE_PREFIX.replace(first, "");
    let first = SKIP_BRACKETS.replace(&first, "");
    let first = SKIP_PARENS.replace(&first, "");
    let version = first.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    version.len() <= 256 && SEMVER.is_match(version)
}

/// commitlint's default ignores: merges, reverts, `fixup!` / `squash!` / `amend!`, release
/// versions and automatic merges, tested against the message without trailing whitespace.
pub fn is_ignored(message: &str) -> bool {
    let message = message.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    IGNORES.iter().any(|r| r.is_match(message)) || is_semver_release(message)
}

/// The message as git will record it: the part after a scissors line is cut, comment lines
/// dropped, trailing whitespace and repeated or surrounding blank lines removed
/// (`git commit --cleanup=strip`).
pub fn strip_git_comments(message: &str, comment_char: char) -> String {
    let scissors = format!("{comment_char} ------------------------ >8 ------------------------");
    let mut lines: Vec<&str> = Vec::new();
    for line in message.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line == scissors {
            break;
        }
        if line.starts_with(comment_char) {
            continue;
        }
        lines.push(line.trim_end());
    }
    let mut out = String::new();
    let mut blank_run = false;
    for line in lines {
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if blank_run {
            out.push('\n');
            blank_run = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(message: &str) -> Vec<String> {
        Linter::conventional()
            .lint(message, None)
            .errors
            .into_iter()
            .map(|p| p.rule)
            .collect()
    }
    fn warnings(message: &str) -> Vec<String> {
        Linter::conventional()
            .lint(message, None)
            .warnings
            .into_iter()
            .map(|p| p.rule)
            .collect()
    }

    #[test]
    fn header_max_length_boundary() {
        let at_limit = format!("feat: {}", "a".repeat(94));
        assert_eq!(at_limit.len(), 100);
        assert!(errors(&at_limit).is_empty());
        assert_eq!(errors(&format!("{at_limit}a")), vec!["header-max-length"]);
    }

    #[test]
    fn body_line_length_boundary_and_urls() {
        let ok = format!("fix: x\n\n{}", "b".repeat(100));
        assert!(errors(&ok).is_empty());
        assert_eq!(errors(&format!("{ok}b")), vec!["body-max-line-length"]);
        let url = format!("fix: x\n\nsee https://example.com/{}", "u".repeat(120));
        assert!(errors(&url).is_empty(), "a line with a URL may be long");
    }

    #[test]
    fn footer_line_length_boundary() {
        let ok = format!("fix: x\n\nRefs: {}", "f".repeat(94));
        assert!(errors(&ok).is_empty());
        assert_eq!(errors(&format!("{ok}f")), vec!["footer-max-line-length"]);
    }

    #[test]
    fn type_subject_and_case_rules() {
        assert_eq!(errors("Add a thing"), vec!["subject-empty", "type-empty"]);
        assert_eq!(errors("feat: Add a thing"), vec!["subject-case"]);
        assert_eq!(errors("feat: add a thing."), vec!["subject-full-stop"]);
        assert!(errors("feat: add a thing...").is_empty());
        assert_eq!(errors("feature: add"), vec!["type-enum"]);
        assert_eq!(errors("FEAT: add"), vec!["type-case", "type-enum"]);
        assert_eq!(
            errors(" feat: add"),
            vec!["header-trim", "subject-empty", "type-empty"]
        );
        assert!(errors("feat(api)!: drop v1").is_empty());
        assert!(errors("feat: add `README` support").is_empty());
    }

    #[test]
    fn leading_blank_warnings() {
        assert_eq!(
            warnings("feat: x\nbody right away"),
            vec!["body-leading-blank"]
        );
        assert_eq!(
            warnings("feat: x\n\nbody\nRefs: #1"),
            vec!["footer-leading-blank"]
        );
        assert!(warnings("feat: x\n\nbody\n\nRefs: #1").is_empty());
    }

    #[test]
    fn default_ignores() {
        for m in [
            "Merge branch 'main' into feature",
            "Merge pull request #12 from a/b",
            "Revert \"feat: x\"",
            "fixup! feat: x",
            "squash! feat: x",
            "amend! feat: x",
            "v1.2.3",
            "chore(release): 2.0.0-beta.1 [skip ci]",
            "Automatic merge from CI",
        ] {
            assert!(is_ignored(m), "{m}");
        }
        assert!(!is_ignored("revert: feat x"), "the revert type is linted");
        assert!(!is_ignored("feat: merge branch"));
    }

    #[test]
    fn comments_and_scissors_are_stripped_as_git_does() {
        let file = "feat: x\n# Please enter the commit message\n\n\nbody  \n# ------------------------ >8 ------------------------\ndiff --git a b\n";
        assert_eq!(strip_git_comments(file, '#'), "feat: x\n\nbody\n");
        assert_eq!(strip_git_comments("; c\nfix: y\n", ';'), "fix: y\n");
    }
}
