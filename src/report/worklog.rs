//! What `worklog` prints: the entries a range added, edited or removed in each agent's log,
//! and, with `--verify`, where the log and the change disagree. The markdown form is compact
//! enough for a pull-request comment (one collapsed section per entry) and escaped.

use std::fmt::Write;

use crate::report::escape::{code_span, markdown_text};
use crate::worklog::{EntryChange, WorklogReport};

fn change_word(c: EntryChange) -> &'static str {
    match c {
        EntryChange::Added => "added",
        EntryChange::Edited => "edited",
        EntryChange::Removed => "removed",
    }
}

pub fn human(report: &WorklogReport) -> String {
    let mut out = String::new();
    for log in &report.logs {
        let _ = writeln!(out, "{} — {}", log.agent, log.file);
        if log.entries.is_empty() {
            let _ = writeln!(out, "  no entry added or changed");
        }
        for c in &log.entries {
            let _ = writeln!(
                out,
                "  {:<7} {} (line {})",
                change_word(c.change),
                c.entry.heading,
                c.entry.line
            );
            if c.change == EntryChange::Removed {
                let _ = writeln!(
                    out,
                    "          a work log only grows: this entry should not have been removed"
                );
                continue;
            }
            if !c.entry.files.is_empty() {
                let files: Vec<String> = c
                    .entry
                    .files
                    .iter()
                    .map(|f| match &f.description {
                        Some(d) => format!("{} ({d})", f.path),
                        None => f.path.clone(),
                    })
                    .collect();
                let _ = writeln!(out, "          files: {}", files.join(", "));
            }
            if let Some(diff) = &c.diff {
                for line in diff
                    .lines()
                    .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
                {
                    let _ = writeln!(out, "          {line}");
                }
            }
        }
        for m in &log.mismatches {
            let _ = writeln!(out, "  {:<4} {}", m.verdict.as_str(), m.message);
        }
    }
    let entries: usize = report.logs.iter().map(|l| l.entries.len()).sum();
    let mismatches: usize = report.logs.iter().map(|l| l.mismatches.len()).sum();
    let _ = write!(
        out,
        "{} log{}, {entries} entr{} changed",
        report.logs.len(),
        if report.logs.len() == 1 { "" } else { "s" },
        if entries == 1 { "y" } else { "ies" }
    );
    if report.verified {
        let _ = write!(
            out,
            ", {mismatches} mismatch{}",
            if mismatches == 1 { "" } else { "es" }
        );
    }
    out.push('\n');
    out
}

pub fn json(report: &WorklogReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// Markdown for a pull-request comment: one collapsed `<details>` per entry.
pub fn markdown(report: &WorklogReport) -> String {
    let mut out = String::new();
    for log in &report.logs {
        let _ = writeln!(
            out,
            "#### Work log of {} ({})\n",
            markdown_text(&log.agent),
            code_span(&log.file)
        );
        if log.entries.is_empty() {
            let _ = writeln!(out, "_No entry added or changed._\n");
        }
        for c in &log.entries {
            let _ = writeln!(
                out,
                "<details><summary>{} — {}</summary>\n",
                change_word(c.change),
                markdown_text(&c.entry.heading)
            );
            if c.change == EntryChange::Removed {
                let _ = writeln!(out, "This entry was removed; a work log only grows.\n");
            }
            for field in &c.entry.fields {
                if field.name == "files" || field.text.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "**{}**: {}\n",
                    markdown_text(&field.label),
                    markdown_text(&field.text).replace('\n', "  \n")
                );
            }
            if !c.entry.files.is_empty() {
                let _ = writeln!(out, "**Files**:");
                for f in &c.entry.files {
                    let desc = f
                        .description
                        .as_deref()
                        .map(|d| format!(" — {}", markdown_text(d)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "- {}{desc}", code_span(&f.path));
                }
                out.push('\n');
            }
            if !c.entry.free_text.is_empty() {
                let _ = writeln!(
                    out,
                    "{}\n",
                    markdown_text(&c.entry.free_text).replace('\n', "  \n")
                );
            }
            let _ = writeln!(out, "</details>\n");
        }
        if !log.mismatches.is_empty() {
            let _ = writeln!(out, "| | log and change disagree |\n|---|---|");
            for m in &log.mismatches {
                let _ = writeln!(
                    out,
                    "| {} | {} |",
                    m.verdict.as_str(),
                    markdown_text(&m.message)
                );
            }
            out.push('\n');
        }
    }
    out
}
