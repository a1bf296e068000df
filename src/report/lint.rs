//! Renders commit-message lint results (`lint-msg`): for a person, or as version-1 JSON.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::commit_msg::{LintReport, MessageReport, Problem};

pub fn render(report: &LintReport, format: super::Format, styled: bool) -> String {
    match format {
        super::Format::Json => {
            let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
            out.push('\n');
            out
        }
        // lint-msg refuses markdown before it gets here
        _ => human(report, styled),
    }
}

fn paint(styled: bool, style: Style, text: &str) -> String {
    if styled {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

fn human(report: &LintReport, styled: bool) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings, mut ignored) = (0, 0, 0);
    for message in &report.messages {
        errors += message.errors.len();
        warnings += message.warnings.len();
        ignored += usize::from(message.ignored);
        render_message(&mut out, message, styled);
    }
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let outcome = if report.ok {
        paint(styled, AnsiColor::Green.on_default().bold(), "passed")
    } else {
        paint(styled, AnsiColor::Red.on_default().bold(), "failed")
    };
    let _ = write!(
        out,
        "{outcome}: {}, {}, {}",
        plural(report.messages.len(), "message"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if ignored > 0 {
        let _ = write!(
            out,
            " ({ignored} ignored: merges, reverts, fixups or releases)"
        );
    }
    out.push('\n');
    out
}

fn render_message(out: &mut String, message: &MessageReport, styled: bool) {
    let header = message.header.as_deref().unwrap_or("");
    let id = message
        .id
        .as_deref()
        .map(|id| format!("{} ", &id[..id.len().min(10)]))
        .unwrap_or_default();
    let agent = message
        .agent
        .as_deref()
        .map(|a| format!("  (agent {a})"))
        .unwrap_or_default();
    if message.ignored {
        let _ = writeln!(
            out,
            "{id}{}",
            paint(
                styled,
                Style::new().dimmed(),
                "ignored (merge, revert, fixup or release)"
            )
        );
        return;
    }
    if message.errors.is_empty() && message.warnings.is_empty() {
        let _ = writeln!(
            out,
            "{id}{} {header}{agent}",
            paint(styled, AnsiColor::Green.on_default(), "ok")
        );
        return;
    }
    let _ = writeln!(
        out,
        "{id}{}{agent}",
        paint(styled, Style::new().bold(), header)
    );
    for problem in &message.errors {
        render_problem(out, problem, header, "error", AnsiColor::Red, styled);
    }
    for problem in &message.warnings {
        render_problem(out, problem, header, "warning", AnsiColor::Yellow, styled);
    }
}

fn render_problem(
    out: &mut String,
    problem: &Problem,
    header: &str,
    level: &str,
    colour: AnsiColor,
    styled: bool,
) {
    let _ = writeln!(
        out,
        "  {} {}: {}",
        paint(styled, colour.on_default().bold(), &format!("{level:<7}")),
        paint(styled, Style::new().bold(), &problem.rule),
        problem.message
    );
    if let Some((start, end)) = problem.span {
        let carets = "^".repeat(end.saturating_sub(start).max(1));
        let _ = writeln!(out, "          {header}");
        let _ = writeln!(
            out,
            "          {}{}",
            " ".repeat(start),
            paint(styled, colour.on_default(), &carets)
        );
    }
}
