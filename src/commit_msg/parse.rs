//! Commit messages parsed as commitlint parses them (`@commitlint/parse` with the
//! conventional-changelog-conventionalcommits preset over conventional-commits-parser 7), so
//! that every rule sees the same header, type, scope, subject, body and footer commitlint's
//! would. A strict Conventional Commits parser would reject headers commitlint still reads
//! (and then judges with `type-empty`, `subject-empty`, …), so parity needs this one.
//!
//! JavaScript regex semantics are kept where they matter: `.` stops at `\r`, `\n`, U+2028 and
//! U+2029, and `\w` is ASCII.

use std::sync::LazyLock;

use regex::Regex;

/// JavaScript's `.`: any character but a line terminator.
pub(crate) const JS_DOT: &str = r"[^\n\r\u{2028}\u{2029}]";

static BREAKING_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([A-Za-z0-9_]*)(?:\(({JS_DOT}*)\))?!: ({JS_DOT}*)$"
    ))
    .expect("valid regex")
});
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([A-Za-z0-9_]*)(?:\(({JS_DOT}*)\))?!?: ({JS_DOT}*)$"
    ))
    .expect("valid regex")
});
static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:\*\s+)?(BREAKING CHANGE|BREAKING-CHANGE):\s*({JS_DOT}*)"
    ))
    .expect("valid regex")
});
/// A footer token line: `Token: value`, `BREAKING CHANGE: x`, or `Token #123`.
static FOOTER_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:BREAKING CHANGE|[A-Za-z0-9_-]+)(?::\s+|\s+(?:#)){JS_DOT}+"
    ))
    .expect("valid regex")
});
static GPG_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*gpg:").expect("valid regex"));

/// A message as commitlint's parser sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The message exactly as given.
    pub raw: String,
    pub header: Option<String>,
    pub r#type: Option<String>,
    pub scope: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub footer: Option<String>,
    /// `BREAKING CHANGE:` notes (and a `!` header).
    pub breaking: bool,
    /// True for `type(scope)!: subject`.
    pub exclamation: bool,
}

impl Parsed {
    /// Whether commitlint would treat the message as empty (and skip it).
    pub fn is_empty(&self) -> bool {
        self.header.is_none() && self.body.is_none() && self.footer.is_none()
    }
}

/// conventional-commits-parser's `trimNewLines`: drop leading and trailing `\r` / `\n` only.
pub(crate) fn trim_newlines(input: &str) -> &str {
    input.trim_matches(['\r', '\n'])
}

/// Splits as JavaScript's `split(/\r?\n/)` does.
pub(crate) fn js_lines(input: &str) -> Vec<&str> {
    input
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// `appendLine`: an empty (falsy) accumulator is replaced, not joined.
fn append_line(acc: &mut Option<String>, line: &str) {
    match acc {
        Some(s) if !s.is_empty() => {
            s.push('\n');
            s.push_str(line);
        }
        _ => *acc = Some(line.to_string()),
    }
}

pub fn parse(message: &str) -> Parsed {
    let mut parsed = Parsed {
        raw: message.to_string(),
        ..Parsed::default()
    };
    if message.is_empty() {
        return parsed;
    }
    let lines: Vec<&str> = js_lines(trim_newlines(message))
        .into_iter()
        .filter(|l| !GPG_LINE.is_match(l))
        .collect();
    let mut index = 0;

    // The header: the first line, matched against the breaking pattern first.
    if let Some(&header) = lines.first() {
        index = 1;
        if !header.is_empty() {
            parsed.header = Some(header.to_string());
            let captures = BREAKING_HEADER
                .captures(header)
                .map(|c| (c, true))
                .or_else(|| HEADER.captures(header).map(|c| (c, false)));
            if let Some((c, exclamation)) = captures {
                let group = |i| {
                    c.get(i)
                        .map(|m| m.as_str())
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                parsed.r#type = group(1);
                parsed.scope = group(2);
                parsed.subject = group(3);
                parsed.exclamation = exclamation;
                parsed.breaking = exclamation;
            }
        }
    }

    // Body and footer: body until the first footer token or note; footer after it.
    let mut is_body = true;
    while index < lines.len() {
        if NOTE.is_match(lines[index]) {
            parse_notes(&lines, &mut index, &mut parsed);
            is_body = false;
        }
        if index >= lines.len() {
            break;
        }
        let line = lines[index];
        let is_footer_token = FOOTER_TOKEN.is_match(line);
        let still_body = !is_footer_token && is_body;
        if still_body {
            append_line(&mut parsed.body, line);
        } else {
            append_line(&mut parsed.footer, line);
        }
        index += 1;
        if !still_body {
            is_body = false;
        }
    }
    parsed.body = parsed.body.map(|b| trim_newlines(&b).to_string());
    parsed.footer = parsed.footer.map(|f| trim_newlines(&f).to_string());
    parsed
}

/// A note (`BREAKING CHANGE: …`) and its continuation lines, up to and including the next
/// footer token, all go to the footer.
fn parse_notes(lines: &[&str], index: &mut usize, parsed: &mut Parsed) {
    parsed.breaking = true;
    append_line(&mut parsed.footer, lines[*index]);
    *index += 1;
    while *index < lines.len() {
        if NOTE.is_match(lines[*index]) {
            parse_notes(lines, index, parsed);
            return;
        }
        let is_footer_token = FOOTER_TOKEN.is_match(lines[*index]);
        append_line(&mut parsed.footer, lines[*index]);
        *index += 1;
        if is_footer_token {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parts() {
        let p = parse("feat(api)!: add users\n\nbody text\n\nRefs: #12\n");
        assert_eq!(p.r#type.as_deref(), Some("feat"));
        assert_eq!(p.scope.as_deref(), Some("api"));
        assert_eq!(p.subject.as_deref(), Some("add users"));
        assert!(p.exclamation && p.breaking);
        assert_eq!(p.body.as_deref(), Some("body text"));
        assert_eq!(p.footer.as_deref(), Some("Refs: #12"));
    }

    #[test]
    fn a_free_form_header_has_no_type() {
        let p = parse("Fix the thing");
        assert_eq!(p.header.as_deref(), Some("Fix the thing"));
        assert_eq!((p.r#type, p.subject), (None, None));
    }

    #[test]
    fn notes_go_to_the_footer() {
        let p = parse("feat: x\n\nBREAKING CHANGE: gone\nmore words\nCloses: #1\nafter");
        assert!(p.breaking);
        // the blank line makes an empty (not absent) body, as in conventional-commits-parser
        assert_eq!(p.body.as_deref(), Some(""));
        assert_eq!(
            p.footer.as_deref(),
            Some("BREAKING CHANGE: gone\nmore words\nCloses: #1\nafter")
        );
    }

    #[test]
    fn crlf_and_leading_blank_lines() {
        let p = parse("\r\nfix: y\r\n\r\nbody\r\n");
        assert_eq!(p.header.as_deref(), Some("fix: y"));
        assert_eq!(p.body.as_deref(), Some("body"));
    }
}
