//! Work logs: markdown files of timestamped entries (`BACKEND_WORK_LOG.md`), parsed
//! tolerantly, compared between two versions, and checked against the files a change touched.
//!
//! An entry starts at a heading that carries a timestamp (`## 2026-11-21 14:30 — Add users`,
//! `### [2026-11-21T14:30:00Z]`, `## Nov 21, 2026: …`) and runs to the next heading of its
//! level or above. Its fields are sub-headings, bold labels (`**Files Modified/Created**:`) or
//! list items with bold labels, matched by name tolerantly (case, punctuation, synonyms such as
//! "Files Changed"). File lists are read from bullets and backticked paths, the description
//! after a path split off. Text the parser does not place is kept, never dropped.
//!
//! Not for: git (the caller hands in the two versions and the changed paths).

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;
use serde::Serialize;

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \[?
        ( \d{4}[-/.]\d{1,2}[-/.]\d{1,2}                     # 2026-11-21, 2026/11/21
          (?: [T\s]+ \d{1,2}:\d{2} (?::\d{2} (?:\.\d+)?)? \s* (?:Z|UTC|[+-]\d{2}:?\d{2})? )?
        | (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}  # Nov 21, 2026
          (?: [,\s]+ \d{1,2}:\d{2} (?::\d{2})? \s* (?:am|pm)? )?
        | \d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}  # 21 Nov 2026
          (?: [,\s]+ \d{1,2}:\d{2} (?::\d{2})? )?
        )
        \]?",
    )
    .expect("valid regex")
});

/// A field's canonical name, from how a log writes it.
fn canonical_field(label: &str) -> String {
    let key: String = label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let synonyms: &[(&str, &[&str])] = &[
        (
            "task_summary",
            &[
                "task summary",
                "summary",
                "task",
                "what",
                "what was done",
                "description",
                "overview",
            ],
        ),
        (
            "files",
            &[
                "files modified created",
                "files modified",
                "files created",
                "files changed",
                "changed files",
                "files touched",
                "files",
                "modified files",
                "files created modified",
                "files updated",
            ],
        ),
        (
            "decisions",
            &[
                "key implementation decisions",
                "implementation decisions",
                "decisions",
                "key decisions",
                "design decisions",
                "rationale",
            ],
        ),
        (
            "database",
            &[
                "database changes",
                "database",
                "db changes",
                "schema changes",
                "migrations",
            ],
        ),
        ("api", &["api changes", "api", "endpoints"]),
        (
            "dependencies",
            &[
                "dependencies added updated",
                "dependencies",
                "dependencies added",
                "packages",
                "deps",
            ],
        ),
        (
            "testing",
            &[
                "testing performed",
                "testing",
                "tests",
                "tests run",
                "verification",
            ],
        ),
        (
            "next_steps",
            &[
                "next steps dependencies",
                "next steps",
                "next",
                "follow up",
                "todo",
                "follow ups",
            ],
        ),
        (
            "issues",
            &[
                "potential issues",
                "issues",
                "known issues",
                "risks",
                "concerns",
                "technical debt",
            ],
        ),
    ];
    for (canonical, names) in synonyms {
        if names.contains(&key.as_str()) {
            return canonical.to_string();
        }
    }
    key.replace(' ', "_")
}

/// A file an entry lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedFile {
    pub path: String,
    pub description: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// As the log writes it.
    pub label: String,
    /// `task_summary`, `files`, `decisions`, `database`, `api`, `dependencies`, `testing`,
    /// `next_steps`, `issues`, or the label in snake case.
    pub name: String,
    pub text: String,
    pub line: usize,
}

/// One timestamped entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The heading, as written.
    pub heading: String,
    /// The timestamp, as written.
    pub timestamp: String,
    /// The heading without the timestamp (often the task's title).
    pub title: String,
    pub line: usize,
    pub fields: Vec<Field>,
    pub files: Vec<ListedFile>,
    /// What no field took.
    pub free_text: String,
    /// The entry's markdown, exactly.
    #[serde(skip)]
    pub source: String,
}

impl Entry {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Parses a work log. Never fails: what cannot be placed is kept as free text.
pub fn parse(text: &str) -> Vec<Entry> {
    let starts = line_starts(text);
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    // Headings first: they cut the log into entries.
    let mut headings: Vec<(HeadingLevel, String, std::ops::Range<usize>)> = Vec::new();
    let mut in_heading: Option<(HeadingLevel, String, usize)> = None;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((level, String::new(), range.start))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s, _)) = in_heading.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, s, start)) = in_heading.take() {
                    headings.push((level, s.trim().to_string(), start..range.end));
                }
            }
            _ => {}
        }
    }
    let mut entries = Vec::new();
    for (i, (level, heading, range)) in headings.iter().enumerate() {
        let Some(stamp) = TIMESTAMP.find(heading) else {
            continue;
        };
        // The entry runs to the next heading at its level or above, or the next entry.
        let end = headings[i + 1..]
            .iter()
            .find(|(l, h, _)| l <= level || TIMESTAMP.is_match(h))
            .map(|(_, _, r)| r.start)
            .unwrap_or(text.len());
        let body_start = range.end.min(end);
        let title = format!("{}{}", &heading[..stamp.start()], &heading[stamp.end()..])
            .trim_matches(|c: char| c.is_whitespace() || "-—–:|[]()".contains(c))
            .to_string();
        let mut entry = Entry {
            heading: heading.clone(),
            timestamp: stamp
                .as_str()
                .trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace())
                .to_string(),
            title,
            line: line_of(range.start),
            fields: Vec::new(),
            files: Vec::new(),
            free_text: String::new(),
            source: text[range.start..end].to_string(),
        };
        read_fields(&mut entry, &text[body_start..end], line_of(body_start));
        entries.push(entry);
    }
    entries
}

static BOLD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:[-*+]|\d+\.)?\s*(?:\*\*|__)([^*_:]{2,60}?)(?::\s*)?(?:\*\*|__)\s*:?\s*(.*)$",
    )
    .expect("valid regex")
});
static HEADING_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$").expect("valid regex"));
static PLAIN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]\s*)?([A-Za-z][A-Za-z /&-]{2,40}):\s*(.*)$").expect("valid regex")
});
static BACKTICKED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"`([^`]+)`").expect("valid regex"));
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+]|\d+\.)\s+(.*)$").expect("valid regex"));

/// Splits the entry body into fields by line: a sub-heading, a bold label or a known plain
/// label starts a field; other lines belong to the field before them (or to free text).
fn read_fields(entry: &mut Entry, body: &str, first_line: usize) {
    let mut current: Option<Field> = None;
    for (i, raw) in body.lines().enumerate() {
        let line_no = first_line + i;
        let label = HEADING_LABEL
            .captures(raw)
            .map(|c| (c[1].to_string(), String::new()))
            .or_else(|| {
                BOLD_LABEL
                    .captures(raw)
                    .map(|c| (c[1].to_string(), c[2].to_string()))
            })
            .or_else(|| {
                // a plain `Label:` only when it is a field a work log is known to have
                PLAIN_LABEL
                    .captures(raw)
                    .filter(|c| known_field(&canonical_field(&c[1])))
                    .map(|c| (c[1].to_string(), c[2].to_string()))
            });
        if let Some((label, rest)) = label {
            if let Some(done) = current.take() {
                entry.fields.push(done);
            }
            current = Some(Field {
                name: canonical_field(label.trim()),
                label: label.trim().to_string(),
                text: rest.trim().to_string(),
                line: line_no,
            });
            if current.as_ref().is_some_and(|f| f.name == "files") && !rest.trim().is_empty() {
                collect_files(entry, rest.trim(), line_no);
            }
            continue;
        }
        match current.as_mut() {
            Some(field) => {
                if !field.text.is_empty() || !raw.trim().is_empty() {
                    if !field.text.is_empty() {
                        field.text.push('\n');
                    }
                    field.text.push_str(raw.trim_end());
                }
                if field.name == "files" {
                    collect_files(entry, raw, line_no);
                }
            }
            None => {
                if !raw.trim().is_empty() {
                    if !entry.free_text.is_empty() {
                        entry.free_text.push('\n');
                    }
                    entry.free_text.push_str(raw.trim_end());
                }
            }
        }
    }
    if let Some(done) = current {
        entry.fields.push(done);
    }
    for field in &mut entry.fields {
        field.text = field.text.trim().to_string();
    }
}

fn known_field(name: &str) -> bool {
    matches!(
        name,
        "task_summary"
            | "files"
            | "decisions"
            | "database"
            | "api"
            | "dependencies"
            | "testing"
            | "next_steps"
            | "issues"
    )
}

/// Files from one line of a files field: backticked paths, or a bullet's leading path; what
/// follows a path (after ` - `, `: `, ` — `, `(`) is its description.
fn collect_files(entry: &mut Entry, line: &str, line_no: usize) {
    let mut found = false;
    for c in BACKTICKED.captures_iter(line) {
        let path = c[1].trim();
        if looks_like_file(path) {
            let after = &line[c.get(0).map(|m| m.end()).unwrap_or(0)..];
            push_file(entry, path, after, line_no);
            found = true;
        }
    }
    if found {
        return;
    }
    let item = BULLET
        .captures(line)
        .map(|c| c[1].to_string())
        .unwrap_or_else(|| line.trim().to_string());
    for part in item.split(", ") {
        let word = part
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(|c| "*_,;:".contains(c));
        if looks_like_file(word) {
            let after = part.trim_start()[word.len().min(part.trim_start().len())..].to_string();
            push_file(entry, word, &after, line_no);
        }
        if !item.contains(", ") {
            break;
        }
    }
}

fn looks_like_file(s: &str) -> bool {
    !s.is_empty()
        && !s.contains(char::is_whitespace)
        && !s.contains("://")
        && (s.contains('/')
            || s.rsplit_once('.').is_some_and(|(a, b)| {
                !a.is_empty() && (1..=8).contains(&b.len()) && b.chars().all(char::is_alphanumeric)
            }))
}

fn push_file(entry: &mut Entry, path: &str, after: &str, line: usize) {
    let path = path.trim_start_matches("./").to_string();
    let description = after
        .trim()
        .trim_start_matches(|c: char| "-—–:(".contains(c) || c.is_whitespace())
        .trim_end_matches(')')
        .trim();
    if !entry.files.iter().any(|f| f.path == path) {
        entry.files.push(ListedFile {
            path,
            description: (!description.is_empty()).then(|| description.to_string()),
            line,
        });
    }
}

/// How an entry changed between two versions of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryChange {
    Added,
    Edited,
    Removed,
}

/// An entry that a range added, edited or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedEntry {
    pub change: EntryChange,
    pub entry: Entry,
    /// For an edited entry: a unified diff of its text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// The entries a range added, edited or removed, comparing the log's two versions. Entries
/// are matched by heading (and by order among equal headings).
pub fn compare(old: &str, new: &str) -> Vec<ChangedEntry> {
    let keyed = |entries: Vec<Entry>| -> Vec<((String, usize), Entry)> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        entries
            .into_iter()
            .map(|e| {
                let n = seen.entry(e.heading.clone()).or_default();
                *n += 1;
                ((e.heading.clone(), *n), e)
            })
            .collect()
    };
    let old = keyed(parse(old));
    let new = keyed(parse(new));
    let old_map: HashMap<&(String, usize), &Entry> = old.iter().map(|(k, e)| (k, e)).collect();
    let new_keys: BTreeSet<&(String, usize)> = new.iter().map(|(k, _)| k).collect();
    let mut changes = Vec::new();
    for (key, entry) in &new {
        match old_map.get(key) {
            None => changes.push(ChangedEntry {
                change: EntryChange::Added,
                entry: entry.clone(),
                diff: None,
            }),
            Some(before) if before.source.trim_end() != entry.source.trim_end() => {
                let diff = similar::TextDiff::from_lines(
                    before.source.trim_end(),
                    entry.source.trim_end(),
                )
                .unified_diff()
                .context_radius(1)
                .header("before", "after")
                .to_string();
                changes.push(ChangedEntry {
                    change: EntryChange::Edited,
                    entry: entry.clone(),
                    diff: Some(diff),
                });
            }
            Some(_) => {}
        }
    }
    for (key, entry) in &old {
        if !new_keys.contains(key) {
            changes.push(ChangedEntry {
                change: EntryChange::Removed,
                entry: entry.clone(),
                diff: None,
            });
        }
    }
    changes
}

/// A mismatch between what an agent's log claims and what the agent changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub agent: String,
    /// `unlisted` (changed, not logged), `not-changed` (logged, not changed), `missing`
    /// (logged, does not exist), `no-entry` (changed, no new entry), `removed-entry`.
    pub kind: &'static str,
    pub verdict: crate::check::Verdict,
    pub path: Option<String>,
    pub entry: Option<String>,
    pub message: String,
}

/// Compares `changes` (the agent's new, edited and removed entries) with the files the agent
/// changed (`changed`), given which paths exist at the end of the range.
pub fn verify(
    agent: &str,
    log_path: &str,
    changes: &[ChangedEntry],
    changed: &BTreeSet<String>,
    exists: &dyn Fn(&str) -> bool,
    require_entry: bool,
) -> Vec<Mismatch> {
    use crate::check::Verdict;
    let mut out = Vec::new();
    for c in changes.iter().filter(|c| c.change == EntryChange::Removed) {
        out.push(Mismatch {
            agent: agent.into(),
            kind: "removed-entry",
            verdict: Verdict::Deny,
            path: None,
            entry: Some(c.entry.heading.clone()),
            message: format!(
                "the entry \"{}\" was removed from {log_path}; a work log only grows",
                c.entry.heading
            ),
        });
    }
    let current: Vec<&ChangedEntry> = changes
        .iter()
        .filter(|c| c.change != EntryChange::Removed)
        .collect();
    let listed: Vec<(&ListedFile, &Entry)> = current
        .iter()
        .flat_map(|c| c.entry.files.iter().map(move |f| (f, &c.entry)))
        .collect();
    // The log itself need not be listed in its own entry.
    let work: BTreeSet<&String> = changed.iter().filter(|p| p.as_str() != log_path).collect();
    if current.is_empty() {
        if require_entry && !work.is_empty() {
            out.push(Mismatch {
                agent: agent.into(),
                kind: "no-entry",
                verdict: Verdict::Deny,
                path: None,
                entry: None,
                message: format!(
                    "{agent} changed {} file{} but added no entry to {log_path}",
                    work.len(),
                    if work.len() == 1 { "" } else { "s" }
                ),
            });
        }
        return out;
    }
    let covers = |listed: &str, path: &str| {
        let listed = listed.trim_start_matches('/');
        path == listed || (listed.ends_with('/') && path.starts_with(listed))
    };
    for path in &work {
        if !listed.iter().any(|(f, _)| covers(&f.path, path)) {
            out.push(Mismatch {
                agent: agent.into(),
                kind: "unlisted",
                verdict: Verdict::Warn,
                path: Some((*path).clone()),
                entry: None,
                message: format!("{path} was changed but no new entry in {log_path} lists it"),
            });
        }
    }
    for (file, entry) in &listed {
        if work.iter().any(|p| covers(&file.path, p)) {
            continue;
        }
        let (kind, message) = if exists(file.path.trim_start_matches('/')) {
            (
                "not-changed",
                format!(
                    "{} is listed in \"{}\" but was not changed",
                    file.path, entry.heading
                ),
            )
        } else {
            (
                "missing",
                format!(
                    "{} is listed in \"{}\" but does not exist",
                    file.path, entry.heading
                ),
            )
        };
        out.push(Mismatch {
            agent: agent.into(),
            kind,
            verdict: Verdict::Warn,
            path: Some(file.path.clone()),
            entry: Some(entry.heading.clone()),
            message,
        });
    }
    out
}

/// One agent's log in a range: the entries added, edited or removed, and (verified) where
/// they disagree with the agent's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogReport {
    pub agent: String,
    pub file: String,
    pub entries: Vec<ChangedEntry>,
    pub mismatches: Vec<Mismatch>,
}

/// What `worklog --format json` prints (version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorklogReport {
    pub version: u32,
    pub ok: bool,
    pub verified: bool,
    pub logs: Vec<LogReport>,
}

impl WorklogReport {
    pub fn new(logs: Vec<LogReport>, verified: bool) -> WorklogReport {
        let ok = logs.iter().all(|l| l.mismatches.is_empty());
        WorklogReport {
            version: 1,
            ok,
            verified,
            logs,
        }
    }
}

/// The two versions of a file at the ends of a range (empty where it does not exist), and
/// whether a path exists at the end.
pub trait LogVersions {
    fn before(&self, path: &str) -> crate::error::Result<String>;
    fn after(&self, path: &str) -> crate::error::Result<String>;
    fn exists_after(&self, path: &str) -> bool;
}

/// Each agent's log with a `worklog:`: its changed entries, and with `verify` how they match
/// `changed_by` (the paths each agent, by index, changed in the range).
pub fn review_logs(
    policy: &crate::policy::Policy,
    versions: &dyn LogVersions,
    changed_by: &std::collections::BTreeMap<usize, BTreeSet<String>>,
    verify: bool,
) -> crate::error::Result<Vec<LogReport>> {
    let none = BTreeSet::new();
    let mut logs = Vec::new();
    for (i, agent) in policy.agents.iter().enumerate() {
        let Some(file) = agent.worklog.as_deref().map(|w| w.trim_start_matches("./")) else {
            continue;
        };
        let entries = compare(&versions.before(file)?, &versions.after(file)?);
        let mismatches = if verify {
            let exists = |p: &str| versions.exists_after(p);
            self::verify(
                &agent.name,
                file,
                &entries,
                changed_by.get(&i).unwrap_or(&none),
                &exists,
                policy.require_worklog_entry,
            )
        } else {
            Vec::new()
        };
        logs.push(LogReport {
            agent: agent.name.clone(),
            file: file.to_string(),
            entries,
            mismatches,
        });
    }
    Ok(logs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_style() {
        let log = "# Backend work log\n\n## 2026-11-21 14:30 — Add users endpoint\n\n### Task Summary\nAdded `GET /users`.\n\n### Files Modified/Created\n- `src/api/users.rs` - new handler\n- `src/api/mod.rs` (route)\n\n### Testing Performed\nUnit tests.\n\n## 2026-11-22 — Fix pagination\n### Files Changed\n- src/api/users.rs: off by one\n";
        let entries = parse(log);
        assert_eq!(entries.len(), 2);
        let e = &entries[0];
        assert_eq!(
            (e.timestamp.as_str(), e.title.as_str(), e.line),
            ("2026-11-21 14:30", "Add users endpoint", 3)
        );
        assert_eq!(e.field("task_summary").unwrap().text, "Added `GET /users`.");
        assert_eq!(e.files.len(), 2);
        assert_eq!(e.files[0].description.as_deref(), Some("new handler"));
        assert_eq!(e.files[1].path, "src/api/mod.rs");
        assert_eq!(e.files[1].description.as_deref(), Some("route"));
        assert_eq!(entries[1].files[0].path, "src/api/users.rs");
        assert_eq!(
            entries[1].files[0].description.as_deref(),
            Some("off by one")
        );
    }

    #[test]
    fn bold_labels_and_bracketed_timestamps() {
        let log = "## [2026-11-21T14:30:00Z] Migrations\n**Task Summary**: add index\n**Files Modified/Created**:\n- `migrations/001.sql`\n**Database Changes:** new index\n\nSomething else entirely.\n";
        let e = &parse(log)[0];
        assert_eq!(e.timestamp, "2026-11-21T14:30:00Z");
        assert_eq!(e.field("task_summary").unwrap().text, "add index");
        assert_eq!(
            e.field("database").unwrap().text,
            "new index\n\nSomething else entirely."
        );
        assert_eq!(e.files[0].path, "migrations/001.sql");
    }

    #[test]
    fn list_items_with_bold_labels_and_month_names() {
        let log = "### Nov 21, 2026 - API\n- **Summary**: endpoints\n- **Files**: `a/b.rs`, `c/d.rs`\n- **Next steps**: more\n";
        let e = &parse(log)[0];
        assert_eq!(e.timestamp, "Nov 21, 2026");
        assert_eq!(
            e.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            vec!["a/b.rs", "c/d.rs"]
        );
        assert_eq!(e.field("next_steps").unwrap().text, "more");
    }

    #[test]
    fn compare_finds_added_edited_removed() {
        let old = "## 2026-01-01 A\ntext a\n## 2026-01-02 B\ntext b\n## 2026-01-03 C\ntext c\n";
        let new =
            "## 2026-01-01 A\ntext a\n## 2026-01-03 C\ntext c changed\n## 2026-01-04 D\ntext d\n";
        let got: Vec<(EntryChange, String)> = compare(old, new)
            .into_iter()
            .map(|c| (c.change, c.entry.title))
            .collect();
        assert_eq!(
            got,
            vec![
                (EntryChange::Edited, "C".into()),
                (EntryChange::Added, "D".into()),
                (EntryChange::Removed, "B".into())
            ]
        );
    }

    #[test]
    fn never_panics_on_arbitrary_text() {
        // a deterministic generator over markdown-ish pieces
        let pieces = [
            "#",
            "## ",
            "2026-11-21",
            " 14:30",
            "[",
            "]",
            "**",
            "__",
            ":",
            "`",
            "- ",
            "\n",
            "\n\n",
            "Files",
            "Summary",
            "src/a.rs",
            " ",
            "é",
            "😀",
            "|",
            "\r\n",
            "> ",
            "```",
            "1. ",
            "Nov 21, 2026",
            "<b>",
            "*",
            "\\",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let entries = parse(&text);
            let _ = compare(&text, &format!("{text}\n## 2026-11-30 more\n"));
            let lines = text.lines().count().max(1);
            for e in entries {
                assert!(
                    text.contains(&e.source),
                    "an entry's source is a slice of the log"
                );
                assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}", e.line);
            }
        }
    }
}
