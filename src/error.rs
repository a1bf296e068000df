//! The errors scopecheck reports to a user: each is one sentence naming what is at fault,
//! and each exits with code 2. Policy errors also point into the file, as a compiler would.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// An error that points at a place in a file (the policy, or an agent file it imports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// Repository-relative path of the file, as the user knows it.
    pub file: String,
    /// 1-based line and column; a column of 0 means the whole line.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// The text of the file, when known, so the error can show the offending line.
    pub text: Option<String>,
}

impl FileError {
    pub fn new(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        FileError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            help: None,
            text: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_text(mut self, text: &str) -> Self {
        self.text = Some(text.to_string());
        self
    }

    /// `file:line:column`, or `file:line` when the column is unknown.
    pub fn location(&self) -> String {
        if self.column == 0 {
            format!("{}:{}", self.file, self.line)
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    /// The error with the offending line shown and marked (rustc style).
    pub fn render(&self, styled: bool) -> String {
        let title = format!("{}: {}", self.location(), self.message);
        let line_text = self
            .text
            .as_deref()
            .and_then(|t| t.lines().nth(self.line.saturating_sub(1)));
        let mut report = Vec::new();
        let mut group = Group::with_title(Level::ERROR.primary_title(&title));
        if let Some(line_text) = line_text {
            let start = char_to_byte(line_text, self.column.saturating_sub(1));
            let end = if self.column == 0 {
                line_text.len()
            } else {
                token_end(line_text, start)
            };
            let start = if self.column == 0 { 0 } else { start };
            group = group.element(
                Snippet::source(line_text)
                    .line_start(self.line)
                    .path(&self.file)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        }
        report.push(group);
        if let Some(help) = &self.help {
            report.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report).to_string()
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(text.len())
}

/// The end of the YAML token starting at `start`: up to a separator, so the caret underlines
/// the key or value at fault rather than the rest of the line.
fn token_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let len = rest
        .char_indices()
        .find(|(_, c)| matches!(c, ':' | ',' | ']' | '}' | '#') || c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    start + len.max(rest.chars().next().map(char::len_utf8).unwrap_or(0))
}

/// Everything that makes scopecheck exit with code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something wrong at a place in a file.
    #[error("{}: {}", .0.location(), .0.message)]
    File(Box<FileError>),
    /// No policy file was found.
    #[error("no policy file found: looked for {searched}; run `scopecheck init` to write one from your agent files")]
    NoPolicy { searched: String },
    /// The repository could not be read, or a revision does not exist.
    #[error("{0}")]
    Git(String),
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<FileError> for Error {
    fn from(e: FileError) -> Self {
        Error::File(Box::new(e))
    }
}

impl From<git2::Error> for Error {
    fn from(e: git2::Error) -> Self {
        Error::Git(format!("git: {}", e.message()))
    }
}

impl Error {
    /// The full text for a terminal: file errors show the offending line.
    pub fn render(&self, styled: bool) -> String {
        match self {
            Error::File(e) => e.render(styled),
            other => format!("error: {other}"),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a rule was written: `scopecheck.yml:12:7`, or `.claude/agents/backend.md:31`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceLocation {
    pub file: String,
    pub line: usize,
    /// 0 when only the line is known (rules read from prose).
    pub column: usize,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column == 0 {
            write!(f, "{}:{}", self.file, self.line)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}
