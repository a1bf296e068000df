//! Findings as markdown, as a pull-request comment or a job summary shows them: a headline,
//! a table of the denied and warned files, and the per-commit view collapsed. Everything
//! quoted from the repository is escaped.

use std::fmt::Write;

use crate::check::{ChangeFindings, FileFinding, Reason, Report, Verdict};
use crate::report::escape::{code_span, markdown_text};

/// Why, in a table cell.
pub fn why(change: &ChangeFindings, file: &FileFinding) -> String {
    let agent = change.agent.as_deref().unwrap_or("no agent");
    let rule = file
        .rule
        .as_ref()
        .map(|r| {
            format!(
                " by {} ({})",
                code_span(&r.pattern),
                markdown_text(&r.source)
            )
        })
        .unwrap_or_default();
    let mut text = match file.reason {
        Reason::Protected => format!("protected{rule}: no agent may change it"),
        Reason::Forbidden => format!("forbidden to {}{rule}", markdown_text(agent)),
        Reason::Owned => format!("owned by {}{rule}", markdown_text(agent)),
        Reason::Shared => format!("shared{rule}: coordinate before changing it"),
        Reason::OutsideScope => format!("outside {}'s scope", markdown_text(agent)),
        Reason::NoAgent => "no agent".to_string(),
    };
    let others: Vec<String> = file
        .owners
        .iter()
        .filter(|o| Some(o.as_str()) != change.agent.as_deref())
        .map(|o| markdown_text(o))
        .collect();
    if file.verdict != Verdict::Ok {
        if others.is_empty() {
            text.push_str("; no agent owns it");
        } else {
            let _ = write!(text, "; owned by {}", others.join(", "));
        }
    }
    text
}

pub fn render(report: &Report) -> String {
    let n = report.summary.commits;
    render_titled(
        report,
        &format!("{n} commit{}", if n == 1 { "" } else { "s" }),
    )
}

/// As [`render`], naming what was judged (`3 commits`, `the pull request's net change`).
pub fn render_titled(report: &Report, what: &str) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let headline = if s.deny > 0 {
        format!(
            "❌ **{} file{} outside {} scope**",
            s.deny,
            if s.deny == 1 { "" } else { "s" },
            if s.deny == 1 {
                "its agent's"
            } else {
                "their agents'"
            }
        )
    } else if !report.ok {
        "⚠️ **warnings fail this check (`--strict`)**".to_string()
    } else {
        "✅ **every file is inside its agent's scope**".to_string()
    };
    let _ = writeln!(
        out,
        "{headline} — {what}, {} files: {} ok, {} warn, {} deny\n",
        s.files, s.ok, s.warn, s.deny
    );
    let problems: Vec<(&ChangeFindings, &FileFinding)> = report
        .commits
        .iter()
        .flat_map(|c| {
            c.files
                .iter()
                .filter(|f| f.verdict != Verdict::Ok)
                .map(move |f| (c, f))
        })
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(out, "| verdict | file | commit | why |\n|---|---|---|---|");
        for (change, file) in problems {
            let id = if change.id.len() == 40 {
                &change.id[..7]
            } else {
                &change.id
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                file.verdict.as_str(),
                code_span(&file.path),
                markdown_text(id),
                why(change, file)
            );
        }
        out.push('\n');
    }
    if !report.commits.is_empty() {
        let _ = writeln!(out, "<details><summary>Per commit</summary>\n\n| commit | agent | subject | ok | warn | deny |\n|---|---|---|---|---|---|");
        for c in &report.commits {
            let count = |v: Verdict| c.files.iter().filter(|f| f.verdict == v).count();
            let id = if c.id.len() == 40 { &c.id[..7] } else { &c.id };
            let agent = c
                .agent
                .as_deref()
                .map(|a| format!("{} ({})", markdown_text(a), c.agent_source.as_str()))
                .unwrap_or_else(|| "—".into());
            let subject = c.subject.as_deref().map(markdown_text).unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {agent} | {subject} | {} | {} | {} |",
                markdown_text(id),
                count(Verdict::Ok),
                count(Verdict::Warn),
                count(Verdict::Deny)
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}
