//! commitlint's rules, by their names, with their semantics (from `@commitlint/rules` and
//! `@commitlint/ensure` 21): a rule takes the parsed message, `always`/`never` and its value,
//! and says whether the message passes and, if not, why.
//!
//! Lengths are counted as JavaScript counts them (UTF-16 code units), so a header commitlint
//! accepts is accepted here too.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::parse::{js_lines, Parsed, JS_DOT};

/// The part of the header a failed rule points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Header,
    Type,
    Scope,
    Subject,
    Body,
    Footer,
}

/// What a rule said about a message.
pub struct Outcome {
    pub pass: bool,
    pub message: String,
    pub part: Part,
}

/// A rule: `(parsed, always, value) -> outcome`.
type RuleFn = fn(&Parsed, bool, Option<&Value>) -> Outcome;

/// Every commitlint rule scopecheck implements, by name.
pub const RULES: &[(&str, RuleFn)] = &[
    ("body-case", |p, a, v| {
        case_rule(p.body.as_deref(), "body", Part::Body, a, v)
    }),
    ("body-empty", |p, a, _| {
        empty_rule(p.body.as_deref(), "body", Part::Body, a)
    }),
    ("body-full-stop", |p, a, v| {
        full_stop(p.body.as_deref(), "body", Part::Body, a, v)
    }),
    ("body-leading-blank", body_leading_blank),
    ("body-max-length", |p, _, v| {
        max_len(p.body.as_deref(), "body", Part::Body, v, true)
    }),
    ("body-max-line-length", |p, _, v| {
        max_line_len(p.body.as_deref(), "body's lines", Part::Body, v)
    }),
    ("body-min-length", |p, _, v| {
        min_len(p.body.as_deref(), "body", Part::Body, v)
    }),
    ("footer-empty", |p, a, _| {
        empty_rule(p.footer.as_deref(), "footer", Part::Footer, a)
    }),
    ("footer-leading-blank", footer_leading_blank),
    ("footer-max-length", |p, _, v| {
        max_len(p.footer.as_deref(), "footer", Part::Footer, v, true)
    }),
    ("footer-max-line-length", |p, _, v| {
        max_line_len(p.footer.as_deref(), "footer's lines", Part::Footer, v)
    }),
    ("footer-min-length", |p, _, v| {
        min_len(p.footer.as_deref(), "footer", Part::Footer, v)
    }),
    ("header-case", |p, a, v| {
        case_rule(p.header.as_deref(), "header", Part::Header, a, v)
    }),
    ("header-full-stop", |p, a, v| {
        full_stop(p.header.as_deref(), "header", Part::Header, a, v)
    }),
    ("header-max-length", header_max_length),
    ("header-min-length", |p, _, v| {
        min_len(p.header.as_deref(), "header", Part::Header, v)
    }),
    ("header-trim", header_trim),
    ("scope-case", |p, a, v| {
        case_rule(p.scope.as_deref(), "scope", Part::Scope, a, v)
    }),
    ("scope-empty", |p, a, _| {
        empty_rule(p.scope.as_deref(), "scope", Part::Scope, a)
    }),
    ("scope-enum", scope_enum),
    ("scope-max-length", |p, _, v| {
        max_len(p.scope.as_deref(), "scope", Part::Scope, v, true)
    }),
    ("scope-min-length", |p, _, v| {
        min_len(p.scope.as_deref(), "scope", Part::Scope, v)
    }),
    ("signed-off-by", signed_off_by),
    ("subject-case", |p, a, v| {
        case_rule(p.subject.as_deref(), "subject", Part::Subject, a, v)
    }),
    ("subject-empty", |p, a, _| {
        empty_rule(p.subject.as_deref(), "subject", Part::Subject, a)
    }),
    ("subject-exclamation-mark", subject_exclamation_mark),
    ("subject-full-stop", subject_full_stop),
    ("subject-max-length", |p, _, v| {
        max_len(p.subject.as_deref(), "subject", Part::Subject, v, true)
    }),
    ("subject-min-length", |p, _, v| {
        min_len(p.subject.as_deref(), "subject", Part::Subject, v)
    }),
    ("type-case", |p, a, v| {
        case_rule(p.r#type.as_deref(), "type", Part::Type, a, v)
    }),
    ("type-empty", |p, a, _| {
        empty_rule(p.r#type.as_deref(), "type", Part::Type, a)
    }),
    ("type-enum", type_enum),
    ("type-max-length", |p, _, v| {
        max_len(p.r#type.as_deref(), "type", Part::Type, v, true)
    }),
    ("type-min-length", |p, _, v| {
        min_len(p.r#type.as_deref(), "type", Part::Type, v)
    }),
];

pub fn find(name: &str) -> Option<RuleFn> {
    RULES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// commitlint's `message([...])`: the words that are present, joined by spaces.
fn words(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

fn outcome(pass: bool, message: String, part: Part) -> Outcome {
    Outcome {
        pass,
        message,
        part,
    }
}

/// JavaScript's `string.length`.
pub fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn number(value: Option<&Value>) -> usize {
    value.and_then(Value::as_u64).unwrap_or(0) as usize
}

pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn empty_rule(input: Option<&str>, what: &str, part: Part, always: bool) -> Outcome {
    let not_empty = input.is_some_and(|s| !s.is_empty());
    let pass = if always { !not_empty } else { not_empty };
    outcome(
        pass,
        words(&[
            Some(what),
            Some(if always { "must" } else { "may not" }),
            Some("be empty"),
        ]),
        part,
    )
}

fn max_len(
    input: Option<&str>,
    what: &str,
    part: Part,
    value: Option<&Value>,
    absent_passes: bool,
) -> Outcome {
    let max = number(value);
    let pass = match input {
        Some(s) if !s.is_empty() || !absent_passes => js_len(s) <= max,
        Some(_) | None => absent_passes,
    };
    outcome(
        pass,
        format!("{what} must not be longer than {max} characters"),
        part,
    )
}

fn min_len(input: Option<&str>, what: &str, part: Part, value: Option<&Value>) -> Outcome {
    let min = number(value);
    let pass = match input {
        Some(s) if !s.is_empty() => js_len(s) >= min,
        _ => true,
    };
    outcome(
        pass,
        format!("{what} must not be shorter than {min} characters"),
        part,
    )
}

static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bhttps?://\S+").expect("valid regex"));

/// Every line within the limit, except lines that hold a URL.
fn max_line_len(input: Option<&str>, what: &str, part: Part, value: Option<&Value>) -> Outcome {
    let max = number(value);
    let pass = match input {
        Some(s) if !s.is_empty() => js_lines(s)
            .iter()
            .all(|l| URL.is_match(l) || js_len(l) <= max),
        _ => true,
    };
    outcome(
        pass,
        format!("{what} must not be longer than {max} characters"),
        part,
    )
}

fn header_max_length(p: &Parsed, _: bool, value: Option<&Value>) -> Outcome {
    let max = number(value);
    // A missing header fails, as in commitlint (`typeof value === "string"`).
    let (pass, current) = match &p.header {
        Some(h) => (js_len(h) <= max, js_len(h).to_string()),
        None => (false, "undefined".to_string()),
    };
    outcome(
        pass,
        format!("header must not be longer than {max} characters, current length is {current}"),
        Part::Header,
    )
}

fn js_is_whitespace(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn header_trim(p: &Parsed, _: bool, _: Option<&Value>) -> Outcome {
    let Some(h) = p.header.as_deref().filter(|h| !h.is_empty()) else {
        return outcome(true, String::new(), Part::Header);
    };
    let starts = h.starts_with(js_is_whitespace);
    let ends = h.ends_with(js_is_whitespace);
    let message = match (starts, ends) {
        (true, true) => "header must not be surrounded by whitespace",
        (true, false) => "header must not start with whitespace",
        (false, true) => "header must not end with whitespace",
        (false, false) => return outcome(true, String::new(), Part::Header),
    };
    outcome(false, message.to_string(), Part::Header)
}

fn full_stop(
    input: Option<&str>,
    what: &str,
    part: Part,
    always: bool,
    value: Option<&Value>,
) -> Outcome {
    let stop = value.and_then(Value::as_str).unwrap_or(".");
    let has_stop = input.is_some_and(|s| s.ends_with(stop));
    let pass = if always { has_stop } else { !has_stop };
    outcome(
        pass,
        words(&[
            Some(what),
            Some(if always { "must" } else { "may not" }),
            Some("end with full stop"),
        ]),
        part,
    )
}

/// subject-full-stop looks at the whole header, and lets `...` and a bare `type:` pass.
fn subject_full_stop(p: &Parsed, always: bool, value: Option<&Value>) -> Outcome {
    let stop = value.and_then(Value::as_str).unwrap_or(".");
    let message = words(&[
        Some("subject"),
        Some(if always { "must" } else { "may not" }),
        Some("end with full stop"),
    ]);
    let header = p.header.as_deref().unwrap_or("");
    if let Some(colon) = header.find(':') {
        if colon > 0 && colon == header.len() - 1 {
            return outcome(true, message, Part::Subject);
        }
    }
    let mut has_stop = !header.is_empty() && last_utf16_unit_is(header, stop);
    if header.ends_with("...") {
        has_stop = false;
    }
    outcome(
        if always { has_stop } else { !has_stop },
        message,
        Part::Subject,
    )
}

/// `input[input.length - 1] === value`: one UTF-16 unit compared with the whole value.
fn last_utf16_unit_is(input: &str, value: &str) -> bool {
    let mut units = value.encode_utf16();
    match (units.next(), units.next(), input.encode_utf16().last()) {
        (Some(v), None, Some(last)) => v == last,
        _ => false,
    }
}

fn body_leading_blank(p: &Parsed, always: bool, _: Option<&Value>) -> Outcome {
    let message = words(&[
        Some("body"),
        Some(if always { "must" } else { "may not" }),
        Some("have leading blank line"),
    ]);
    if p.body.as_deref().is_none_or(str::is_empty) {
        return outcome(true, message, Part::Body);
    }
    let succeeds = js_lines(&p.raw).get(1) == Some(&"");
    outcome(
        if always { succeeds } else { !succeeds },
        message,
        Part::Body,
    )
}

fn footer_leading_blank(p: &Parsed, always: bool, _: Option<&Value>) -> Outcome {
    let message = words(&[
        Some("footer"),
        Some(if always { "must" } else { "may not" }),
        Some("have leading blank line"),
    ]);
    let Some(footer) = p.footer.as_deref().filter(|f| !f.is_empty()) else {
        return outcome(true, message, Part::Footer);
    };
    let raw_lines = js_lines(&p.raw);
    let first = js_lines(footer)[0];
    // JavaScript: `rawLines.slice(indexOf(first) - 1)[0]`; a negative start counts from the end.
    let offset = raw_lines
        .iter()
        .position(|l| *l == first)
        .map(|i| i as isize)
        .unwrap_or(-1);
    let start = offset - 1;
    let leading = if start >= 0 {
        raw_lines.get(start as usize)
    } else {
        raw_lines
            .len()
            .checked_sub(start.unsigned_abs())
            .and_then(|i| raw_lines.get(i))
    };
    let succeeds = leading == Some(&"");
    outcome(
        if always { succeeds } else { !succeeds },
        message,
        Part::Footer,
    )
}

fn type_enum(p: &Parsed, always: bool, value: Option<&Value>) -> Outcome {
    let allowed = strings(value);
    let message = words(&[
        Some("type must"),
        (!always).then_some("not"),
        Some(&format!("be one of [{}]", allowed.join(", "))),
    ]);
    let Some(t) = p.r#type.as_deref().filter(|t| !t.is_empty()) else {
        return outcome(true, message, Part::Type);
    };
    let found = allowed.iter().any(|a| a == t);
    outcome(if always { found } else { !found }, message, Part::Type)
}

static SCOPE_DELIMITERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/|\\|, ?").expect("valid regex"));

fn scope_enum(p: &Parsed, always: bool, value: Option<&Value>) -> Outcome {
    let allowed = strings(value);
    let message = words(&[
        Some("scope must"),
        (!always).then_some("not"),
        Some(&format!("be one of [{}]", allowed.join(", "))),
    ]);
    let Some(scope) = p.scope.as_deref().filter(|s| !s.is_empty()) else {
        return outcome(true, message, Part::Scope);
    };
    if allowed.is_empty() {
        return outcome(true, message, Part::Scope);
    }
    let is_allowed = |s: &str| allowed.iter().any(|a| a == s);
    let mut segments = SCOPE_DELIMITERS.split(scope);
    let pass = if always {
        segments.all(is_allowed) || is_allowed(scope)
    } else {
        !segments.any(is_allowed) && !is_allowed(scope)
    };
    outcome(pass, message, Part::Scope)
}

fn signed_off_by(p: &Parsed, always: bool, value: Option<&Value>) -> Outcome {
    let prefix = value.and_then(Value::as_str).unwrap_or("Signed-off-by:");
    let lines: Vec<&str> = js_lines(&p.raw)
        .into_iter()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    let last = lines.last().copied().unwrap_or("");
    let has = last.starts_with(prefix);
    let message = words(&[
        Some("message"),
        Some(if always { "must" } else { "must not" }),
        Some("be signed off"),
    ]);
    outcome(if always { has } else { !has }, message, Part::Footer)
}

fn subject_exclamation_mark(p: &Parsed, always: bool, _: Option<&Value>) -> Outcome {
    let message = words(&[
        Some("subject must"),
        (!always).then_some("not"),
        Some("have an exclamation mark in the subject to identify a breaking change"),
    ]);
    let Some(header) = p.header.as_deref() else {
        return outcome(false, message, Part::Subject);
    };
    let has = header.contains("!:");
    outcome(if always { has } else { !has }, message, Part::Subject)
}

// ---- cases ------------------------------------------------------------------------------

static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("`{JS_DOT}*?`|\"{JS_DOT}*?\"|'{JS_DOT}*?'")).expect("valid regex")
});
static STARTS_WITH_CASED_LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^[\p{Ll}\p{Lu}\p{Lt}]").expect("valid regex"));

pub const CASES: &[&str] = &[
    "lower-case",
    "lowercase",
    "lowerCase",
    "upper-case",
    "uppercase",
    "sentence-case",
    "sentencecase",
    "start-case",
    "pascal-case",
    "camel-case",
    "kebab-case",
    "snake-case",
];

/// `@commitlint/ensure`'s case check: quoted parts are left out, and an input that transforms
/// to nothing or to a leading digit passes.
pub fn ensure_case(raw: &str, target: &str) -> bool {
    let stripped = QUOTED.replace_all(raw, "");
    let input = stripped.trim_matches(js_is_whitespace);
    let transformed = to_case(input, target);
    if transformed.is_empty() || transformed.starts_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    transformed == input
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Words as lodash / es-toolkit split them, near enough: runs of letters and digits, split
/// again where a lower-case letter meets an upper-case one.
fn case_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|c| !c.is_empty())
    {
        let mut word = String::new();
        let mut prev_lower = false;
        for c in chunk.chars() {
            if c.is_uppercase() && prev_lower && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            word.push(c);
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

fn to_case(input: &str, target: &str) -> String {
    let lower_rest = |w: &str| {
        let mut chars = w.chars();
        chars
            .next()
            .map(|f| {
                f.to_uppercase()
                    .chain(chars.as_str().to_lowercase().chars())
                    .collect::<String>()
            })
            .unwrap_or_default()
    };
    match target {
        "camel-case" => case_words(input)
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.to_lowercase()
                } else {
                    lower_rest(w)
                }
            })
            .collect(),
        "kebab-case" => case_words(input)
            .iter()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
            .join("-"),
        "snake-case" => case_words(input)
            .iter()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
            .join("_"),
        "pascal-case" => upper_first(&to_case(input, "camel-case")),
        "start-case" => case_words(input)
            .iter()
            .map(|w| {
                if *w == w.to_uppercase() {
                    w.clone()
                } else {
                    lower_rest(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        "upper-case" | "uppercase" => input.to_uppercase(),
        "sentence-case" | "sentencecase" => upper_first(input),
        _ => input.to_lowercase(),
    }
}

/// A case rule (`type-case`, `subject-case`, …): passes when `always` and some case matches,
/// or `never` and none does.
fn case_rule(
    input: Option<&str>,
    what: &str,
    part: Part,
    always: bool,
    value: Option<&Value>,
) -> Outcome {
    let cases = strings(value);
    let Some(input) = input.filter(|s| !s.is_empty()) else {
        return outcome(true, String::new(), part);
    };
    // subject-case only judges a subject that starts with a cased letter
    if what == "subject" && !STARTS_WITH_CASED_LETTER.is_match(input) {
        return outcome(true, String::new(), part);
    }
    let matched: Vec<&String> = cases
        .iter()
        .filter(|c| {
            if what == "scope" {
                SCOPE_DELIMITERS
                    .split(input)
                    .all(|segment| ensure_case(segment, c))
            } else {
                ensure_case(input, c)
            }
        })
        .collect();
    let result = !matched.is_empty();
    let reported: Vec<&str> = if !always && result {
        matched.iter().map(|s| s.as_str()).collect()
    } else {
        cases.iter().map(String::as_str).collect()
    };
    let message = words(&[
        Some(&format!("{what} must")),
        (!always).then_some("not"),
        Some(&format!("be {}", reported.join(", "))),
    ]);
    outcome(if always { result } else { !result }, message, part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_checks_as_commitlint() {
        assert!(ensure_case("Add thing", "sentence-case"));
        assert!(!ensure_case("add thing", "sentence-case"));
        assert!(ensure_case("API", "upper-case"));
        assert!(
            ensure_case("`Eslint` config", "lower-case"),
            "quoted parts are left out"
        );
        assert!(ensure_case("Foo Bar", "start-case"));
        assert!(ensure_case("FooBar", "pascal-case"));
        assert!(ensure_case("fooBar", "camel-case"));
        assert!(ensure_case("foo-bar", "kebab-case"));
        assert!(ensure_case("foo_bar", "snake-case"));
        assert!(
            ensure_case("123 go", "upper-case"),
            "a leading digit passes"
        );
    }

    #[test]
    fn lengths_are_utf16() {
        assert_eq!(js_len("a😀"), 3);
    }
}
