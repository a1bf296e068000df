//! Reporters: each output format is one module that renders a [`Report`].
//!
//! Not for: git, policies or verdicts; a reporter only shows findings it is handed.

pub mod agents;
pub mod escape;
pub mod github;
pub mod human;
pub mod json;
pub mod lint;
pub mod markdown;
pub mod sarif;
pub mod who;
pub mod worklog;

use crate::check::Report;

/// Output formats for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a person at a terminal.
    Human,
    /// The version-1 JSON report.
    Json,
    /// Markdown, as a pull-request comment shows it.
    Markdown,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// Renders `report`; `styled` adds terminal colours (human format only).
pub fn render(report: &Report, format: Format, styled: bool) -> String {
    match format {
        Format::Human => human::render(report, styled),
        Format::Json => json::render(report),
        Format::Markdown => markdown::render(report),
        Format::Github => github::render(report),
        Format::Sarif => sarif::render(report),
    }
}

/// A path as a person should see it: as is, unless it holds control characters (a newline in
/// a file name), which are escaped and the whole quoted, as git does.
pub fn display_path(path: &str) -> String {
    if path.chars().any(char::is_control) || path.starts_with('"') {
        format!("\"{}\"", path.escape_debug())
    } else {
        path.to_string()
    }
}
