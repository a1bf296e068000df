//! Markdown agent files: YAML front matter, then sections whose headings say what their
//! paths are (owned, not to be touched, shared), listing paths as bullets, backticked code,
//! table cells or prose.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use serde_json::Value;

use super::normalize::KNOWN_FILES;
use super::permissions::{line_of, opencode_permission};
use super::{ImportedAgent, Kind};

static FORBID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(never|do not|don't|dont|must not|mustn't|should not|shouldn't|cannot|can't|not (to )?(touch|modify|edit|change|write)|forbid\w*|prohibit\w*|off[- ]limits|not allowed|not permitted|no access|read[- ]only|out of scope|avoid|deny|denied)\b")
        .expect("valid regex")
});
static SHARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(shared|share|coordinat\w*|ask (before|first)|with care|jointly|consult\w*|if necessary|when necessary|with approval)\b").expect("valid regex")
});
static OWNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(own|owns|owned|ownership|can (modify|edit|change|write|create)|may (modify|edit|change|write|create)|allowed|you may|work(s|ing)? (only )?(in|within|on)|working director(y|ies)|exclusive\w*|write access|permitted)\b|^\W*((your|file|agent|edit|work) )?scope( boundaries)?\W*$")
        .expect("valid regex")
});
/// Prose that claims paths without a section saying so.
static STRONG_OWNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(exclusive(ly)?|monopoly|solely|only (work|edit|modify|touch|change|write|create)|(only )?authori[sz]ed to (modify|edit|change|write|create|touch)|(restricted|limited|confined) to|your code (lives|is) in)\b").expect("valid regex")
});
static STRONG_FORBID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(never|do not|don't|must not)\b.{0,40}\b(edit|modify|touch|change|write|create|delete)\b").expect("valid regex")
});
static CONVENTIONAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bconventional[- ]commits?\b").expect("valid regex"));
static FILE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\w.-]*[A-Za-z0-9_-]\.[A-Za-z][A-Za-z0-9]{0,7}$").expect("valid regex")
});
static BARE_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)([~./]*[\w.*@{}<>\\-]+(?:/[\w.*@{}<>\\-]*)+)").expect("valid regex")
});
/// "… outside `x`", "… beyond `x`": a forbid phrase that confines the agent to `x`.
static OUTSIDE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(outside|beyond)( of)?\b").expect("valid regex"));

/// Whether a word in prose (not backticked) is a path: it must say so by its shape, as
/// `CI/CD` or `and/or` are words with a slash, not paths.
fn bare_word_is_path(word: &str) -> bool {
    let last = word.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    word.starts_with('/')
        || word.starts_with("./")
        || word.ends_with('/')
        || word.contains('*')
        || FILE_LIKE.is_match(last)
}

/// Whether backticked code is a path (not a command, a URL or an identifier).
fn looks_like_path(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty()
        || s.chars().any(char::is_whitespace)
        || s.contains("://")
        || s.starts_with(['-', '$', '@', '#'])
    {
        return false;
    }
    if s.contains(['(', ')', '=', ';', '"', '|']) {
        return false;
    }
    s.contains('/') || s.contains('*') || FILE_LIKE.is_match(s) || KNOWN_FILES.contains(&s)
}

fn polarity(text: &str) -> Option<Kind> {
    if FORBID.is_match(text) {
        Some(Kind::Forbids)
    } else if SHARED.is_match(text) {
        Some(Kind::Shared)
    } else if OWNS.is_match(text) {
        Some(Kind::Owns)
    } else {
        None
    }
}

#[derive(Debug, Default)]
struct Block {
    kind: BlockKind,
    /// The prose, without code spans.
    prose: String,
    /// Code spans and path-like bare words, with their lines.
    paths: Vec<(String, usize)>,
    line: usize,
    cells: Vec<Block>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    #[default]
    Para,
    Heading(u8),
    Item,
    Row {
        header: bool,
    },
    CodeBlock,
}

/// Line starts of `text`, for turning byte offsets into 1-based lines.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }
    fn at(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

fn blocks(body: &str, first_line: usize) -> Vec<Block> {
    let lines = Lines::new(body);
    let line = |offset: usize| first_line + lines.at(offset) - 1;
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    let mut row: Option<Block> = None;
    let mut in_head = false;
    let mut in_code = false;
    let finish = |block: Option<Block>, out: &mut Vec<Block>| {
        if let Some(mut b) = block {
            // bare paths in the prose become markers too
            let mut prose = String::with_capacity(b.prose.len());
            let mut last = 0;
            for m in BARE_TOKEN.captures_iter(&b.prose) {
                let whole = m.get(1).expect("group 1");
                let token = whole.as_str().trim_end_matches(['.', ',', ';', ':', ')']);
                if bare_word_is_path(token) {
                    prose.push_str(&b.prose[last..whole.start()]);
                    prose.push_str(&format!(" \u{1}{}\u{2} ", b.paths.len()));
                    b.paths.push((token.to_string(), b.line));
                    last = whole.start() + token.len();
                }
            }
            prose.push_str(&b.prose[last..]);
            b.prose = prose;
            out.push(b);
        }
    };
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                finish(current.take(), &mut out);
                in_code = true;
                current = Some(Block {
                    kind: BlockKind::CodeBlock,
                    line: line(range.start),
                    ..Block::default()
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                if let Some(b) = current.take() {
                    out.push(b);
                }
            }
            Event::Text(t) if in_code => {
                if let Some(b) = current.as_mut() {
                    b.prose.push_str(&t);
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                finish(current.take(), &mut out);
                current = Some(Block {
                    kind: BlockKind::Heading(level as u8),
                    line: line(range.start),
                    ..Block::default()
                });
            }
            Event::Start(Tag::Item) => {
                // a nested list: the outer item is complete
                finish(current.take(), &mut out);
                current = Some(Block {
                    kind: BlockKind::Item,
                    line: line(range.start),
                    ..Block::default()
                });
            }
            Event::Start(Tag::Paragraph) if current.is_none() => {
                current = Some(Block {
                    kind: BlockKind::Para,
                    line: line(range.start),
                    ..Block::default()
                });
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                row = Some(Block {
                    kind: BlockKind::Row { header: true },
                    line: line(range.start),
                    ..Block::default()
                });
            }
            Event::Start(Tag::TableRow) => {
                row = Some(Block {
                    kind: BlockKind::Row { header: in_head },
                    line: line(range.start),
                    ..Block::default()
                });
            }
            Event::Start(Tag::TableCell) => {
                current = Some(Block {
                    line: line(range.start),
                    ..Block::default()
                });
            }
            Event::End(TagEnd::TableCell) => {
                let mut cells = Vec::new();
                finish(current.take(), &mut cells);
                if let Some(r) = row.as_mut() {
                    r.cells.extend(cells);
                }
            }
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => {
                in_head = false;
                if let Some(r) = row.take() {
                    out.push(r);
                }
            }
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Item) => {
                finish(current.take(), &mut out)
            }
            Event::End(TagEnd::Paragraph)
                if current.as_ref().is_some_and(|b| b.kind == BlockKind::Para) =>
            {
                finish(current.take(), &mut out)
            }
            Event::Text(t) => {
                if let Some(b) = current.as_mut() {
                    b.prose.push_str(&t);
                }
            }
            Event::Code(c) => {
                if let Some(b) = current.as_mut() {
                    if looks_like_path(&c) {
                        // a marker keeps the path's place in its sentence
                        b.prose.push_str(&format!(" \u{1}{}\u{2} ", b.paths.len()));
                        b.paths.push((c.to_string(), line(range.start)));
                    } else {
                        b.prose.push_str(&c);
                        b.prose.push(' ');
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(b) = current.as_mut() {
                    b.prose.push(' ');
                }
            }
            _ => {}
        }
    }
    finish(current.take(), &mut out);
    out
}

/// The part of `text` between `---` lines at its top, and the line the body starts on.
fn front_matter(text: &str) -> (Option<&str>, &str, usize) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text, 1);
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return (Some(&rest[..offset]), body, i + 3);
        }
        offset += line.len();
    }
    (None, text, 1)
}

fn format_of(file: &str, fm: &Value) -> &'static str {
    let name = std::path::Path::new(file)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    if file.contains(".opencode/") {
        "opencode-agent"
    } else if file.contains(".github/agents/") {
        "copilot-agent"
    } else if file.contains(".gemini/agents/") {
        "gemini-agent"
    } else if file.contains(".claude/agents/") {
        "claude-subagent"
    } else if name == "AGENTS.md" {
        "agents-md"
    } else if fm.get("mode").is_some() || fm.get("permission").is_some() {
        "opencode-agent"
    } else if fm.get("name").is_some() || fm.get("tools").is_some() {
        "claude-subagent"
    } else {
        "markdown"
    }
}

/// Reads a markdown agent file into its agent (and any agents its ownership tables name).
pub(crate) fn read(file: &str, stem: &str, text: &str) -> Vec<ImportedAgent> {
    let (fm_text, body, body_line) = front_matter(text);
    let mut fm_error = None;
    let fm: Value = match fm_text {
        Some(t) => serde_saphyr::from_str(t).unwrap_or_else(|e| {
            fm_error = Some(format!(
                "the front matter is not YAML ({}); only the markdown was read",
                e.without_snippet()
            ));
            Value::Null
        }),
        None => Value::Null,
    };
    let format = format_of(file, &fm);
    let blocks = blocks(body, body_line);
    let h1 = blocks
        .iter()
        .find(|b| b.kind == BlockKind::Heading(1))
        .map(|b| b.prose.trim().to_string());
    let name = fm
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(h1)
        .unwrap_or_else(|| stem.to_string());
    let mut agent = ImportedAgent::new(&name, file, format);
    if let Some(e) = fm_error {
        agent.note(1, e);
    }

    // The front matter: our `scope:` block, opencode permissions, worklog, commit style.
    if let Some(scope) = fm.get("scope") {
        for (key, kind) in [
            ("owns", Kind::Owns),
            ("forbids", Kind::Forbids),
            ("shared", Kind::Shared),
        ] {
            for p in scope
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                agent.add(kind, p, line_of(text, p, 2));
            }
        }
    }
    if let Some(permission) = fm.get("permission").or_else(|| fm.get("permissions")) {
        opencode_permission(&mut agent, permission, text, 2);
    }
    if let Some(w) = fm.get("worklog").and_then(Value::as_str) {
        agent.worklog = Some(w.to_string());
    }
    if let Some(c) = fm.get("commit_style").and_then(Value::as_str) {
        agent.commit_style = Some(c.to_string());
    }

    let mut agents = vec![agent];
    // (level, polarity, whether the heading speaks of a log)
    let mut sections: Vec<(u8, Option<Kind>, bool)> = Vec::new();
    let mut table: Option<Table> = None;
    for block in &blocks {
        let section = sections.last().and_then(|s| s.1);
        let log_heading = sections.last().is_some_and(|s| s.2);
        match block.kind {
            BlockKind::Heading(level) => {
                while sections.last().is_some_and(|s| s.0 >= level) {
                    sections.pop();
                }
                let inherited = sections.last().and_then(|s| s.1);
                let log = block.prose.to_ascii_lowercase().contains("log");
                sections.push((level, polarity(&block.prose).or(inherited), log));
                table = None;
            }
            BlockKind::CodeBlock => {
                let listed: Vec<&str> = block
                    .prose
                    .lines()
                    .map(|l| {
                        l.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '/')
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                    })
                    .filter(|w| looks_like_path(w))
                    .take(3)
                    .collect();
                if !listed.is_empty() {
                    agents[0].note(
                        block.line,
                        format!(
                            "a code block lists paths (`{}`…); code blocks are not read as rules",
                            listed.join("`, `")
                        ),
                    );
                }
            }
            BlockKind::Item => read_prose(&mut agents[0], block, section, log_heading),
            // A section's list is its content; a paragraph in it is commentary, and must say
            // what its paths are in its own words.
            BlockKind::Para => read_prose(&mut agents[0], block, None, log_heading),
            BlockKind::Row { header: true } => table = Table::from_header(block),
            BlockKind::Row { header: false } => match &table {
                Some(t) if t.agent_column.is_some() => {
                    t.read_agent_row(block, &mut agents, file, format)
                }
                _ => {
                    for cell in &block.cells {
                        read_prose(&mut agents[0], cell, section, log_heading);
                    }
                }
            },
        }
    }
    // A file that is only a table of agents is not an agent itself.
    if agents.len() > 1 && !agents[0].has_rules() && format == "agents-md" {
        let first = agents.remove(0);
        for a in agents.iter_mut() {
            a.notes.extend(first.notes.iter().cloned());
        }
    }
    agents
}

/// "Test files across `x`": only some kind of file under `x`, which no pattern can name.
static QUALIFIED_FILES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(test|spec|config\w*|migration|documentation|doc|generated|fixture)s? files? (across|in|under|within|inside)\b").expect("valid regex")
});

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("\u{1}(\\d+)\u{2}").expect("valid regex"));
static SENTENCE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[.!?;]\s+").expect("valid regex"));

/// One list item, paragraph or table cell, sentence by sentence: each path takes the
/// polarity its own sentence gives it, or else its section's.
fn read_prose(agent: &mut ImportedAgent, block: &Block, section: Option<Kind>, log_heading: bool) {
    let whole = MARKER.replace_all(&block.prose, " ");
    if CONVENTIONAL.is_match(&whole) && agent.commit_style.is_none() {
        agent.commit_style = Some("conventional".into());
    }
    let mut start = 0;
    let mut sentences = Vec::new();
    for m in SENTENCE_END.find_iter(&block.prose) {
        sentences.push(&block.prose[start..m.end()]);
        start = m.end();
    }
    sentences.push(&block.prose[start..]);
    for sentence in sentences {
        let prose = MARKER.replace_all(sentence, " ");
        let indices: Vec<usize> = MARKER
            .captures_iter(sentence)
            .filter_map(|c| c[1].parse().ok())
            .collect();
        if indices.is_empty() {
            continue;
        }
        let kind = sentence_kind(&prose, section);
        if kind.is_some() && QUALIFIED_FILES.is_match(&prose) {
            for i in indices {
                if let Some((path, line)) = block.paths.get(i) {
                    agent.note(
                        *line,
                        format!(
                            "only some files under `{path}` (\"{}\"); no pattern can name them",
                            prose.trim()
                        ),
                    );
                }
            }
            continue;
        }
        let mentions_log = log_heading || prose.to_ascii_lowercase().contains("log");
        for i in indices {
            let Some((path, line)) = block.paths.get(i) else {
                continue;
            };
            let is_log = path.to_ascii_lowercase().contains("log") && path.ends_with(".md");
            if is_log && mentions_log && agent.worklog.is_none() {
                if let Ok(p) = super::normalize_path(path) {
                    agent.worklog = Some(p.trim_start_matches('/').to_string());
                    continue;
                }
            }
            match kind {
                Some(kind) => agent.add(kind, path, *line),
                None => match super::normalize_path(path) {
                    Err(why) => agent.note(*line, format!("`{path}`: {why}")),
                    Ok(_) => agent.note(
                        *line,
                        format!("path in prose with no ownership word: `{path}`"),
                    ),
                },
            }
        }
    }
}

/// What a sentence makes of its paths: its own words first, then its section's.
fn sentence_kind(prose: &str, section: Option<Kind>) -> Option<Kind> {
    let kind = if FORBID.is_match(prose) {
        Some(Kind::Forbids)
    } else if SHARED.is_match(prose) {
        Some(Kind::Shared)
    } else if STRONG_OWNS.is_match(prose) {
        Some(Kind::Owns)
    } else {
        section
    };
    // "never edit files outside `backend/`" confines the agent to `backend/`.
    if kind == Some(Kind::Forbids) && OUTSIDE.is_match(prose) {
        return Some(Kind::Owns);
    }
    // Outside an ownership section a sentence must say it plainly.
    match (section, kind) {
        (None, Some(Kind::Forbids)) if !STRONG_FORBID.is_match(prose) => None,
        (None, Some(Kind::Shared)) => None,
        _ => kind,
    }
}

/// A table's columns: which names the agent, which hold owned, forbidden and shared paths.
struct Table {
    agent_column: Option<usize>,
    columns: Vec<Option<Kind>>,
}

static AGENT_COLUMN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(agent|role|name|who|lane|owner)s?\W*$").expect("valid regex")
});
static PATH_COLUMN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(owns?|owned|paths?|scope|director(y|ies)|folders?|files|areas?|writes?)\b")
        .expect("valid regex")
});

impl Table {
    fn from_header(row: &Block) -> Option<Table> {
        let texts: Vec<String> = row
            .cells
            .iter()
            .map(|c| c.prose.trim().to_string())
            .collect();
        // An ownership table names its agent in the first column.
        let agent_column = texts
            .first()
            .filter(|t| AGENT_COLUMN.is_match(t))
            .map(|_| 0);
        let columns = texts
            .iter()
            .map(|t| {
                if FORBID.is_match(t) {
                    Some(Kind::Forbids)
                } else if SHARED.is_match(t) {
                    Some(Kind::Shared)
                } else if PATH_COLUMN.is_match(t) {
                    Some(Kind::Owns)
                } else {
                    None
                }
            })
            .collect::<Vec<_>>();
        columns.iter().any(Option::is_some).then_some(Table {
            agent_column,
            columns,
        })
    }

    fn read_agent_row(
        &self,
        row: &Block,
        agents: &mut Vec<ImportedAgent>,
        file: &str,
        format: &'static str,
    ) {
        let Some(name_cell) = self.agent_column.and_then(|i| row.cells.get(i)) else {
            return;
        };
        let name = name_cell.prose.trim().trim_matches('*').trim().to_string();
        let name = if name.is_empty() {
            name_cell
                .paths
                .first()
                .map(|p| p.0.clone())
                .unwrap_or_default()
        } else {
            name
        };
        if name.is_empty() {
            return;
        }
        let mut agent = ImportedAgent::new(&name, file, format);
        for (i, cell) in row.cells.iter().enumerate() {
            if Some(i) == self.agent_column {
                continue;
            }
            if let Some(Some(kind)) = self.columns.get(i) {
                for (path, line) in &cell.paths {
                    agent.add(*kind, path, *line);
                }
            }
        }
        agents.push(agent);
    }
}
