//! The report for a person: one line per file with its verdict and why, then its hunks.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::check::{ChangeFindings, FileFinding, Reason, Report, Verdict};
use crate::policy::Outside;
use crate::report::display_path;

struct Palette {
    styled: bool,
}

impl Palette {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.styled {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
    fn verdict(&self, verdict: Verdict) -> String {
        let style = match verdict {
            Verdict::Ok => AnsiColor::Green.on_default(),
            Verdict::Warn => AnsiColor::Yellow.on_default().bold(),
            Verdict::Deny => AnsiColor::Red.on_default().bold(),
        };
        self.paint(style, &format!("{:<4}", verdict.as_str()))
    }
    fn dim(&self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }
    fn hunk(&self, text: &str) -> String {
        self.paint(AnsiColor::Cyan.on_default(), text)
    }
    fn bold(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }
}

pub fn render(report: &Report, styled: bool) -> String {
    let p = Palette { styled };
    let mut out = String::new();
    for change in &report.commits {
        render_change(&mut out, &p, change, false);
    }
    let s = &report.summary;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let outcome = if report.ok {
        p.paint(AnsiColor::Green.on_default().bold(), "passed")
    } else {
        p.paint(AnsiColor::Red.on_default().bold(), "failed")
    };
    let _ = writeln!(
        out,
        "{outcome}: {}, {}: {} ok, {} warn, {} deny",
        plural(s.commits, "change"),
        plural(s.files, "file"),
        s.ok,
        s.warn,
        s.deny
    );
    out
}

/// One change with only its denied and warned files: what a hook shows when it stops a commit.
pub fn render_problems(change: &ChangeFindings, styled: bool) -> String {
    let mut out = String::new();
    render_change(&mut out, &Palette { styled }, change, true);
    out
}

fn render_change(out: &mut String, p: &Palette, change: &ChangeFindings, only_problems: bool) {
    let id = if change.id.len() == 40 {
        &change.id[..10]
    } else {
        &change.id
    };
    let who = match &change.agent {
        Some(agent) => format!("by {} ({})", p.bold(agent), change.agent_source.as_str()),
        None => "by no agent".to_string(),
    };
    let subject = change
        .subject
        .as_deref()
        .map(|s| format!("  {}", p.dim(&format!("\"{s}\""))))
        .unwrap_or_default();
    let _ = writeln!(out, "{} {who}{subject}", p.bold(id));
    if change.files.is_empty() {
        let _ = writeln!(out, "  {}", p.dim("no changed files"));
    }
    let width = change
        .files
        .iter()
        .map(|f| shown_path(f).chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    for file in change
        .files
        .iter()
        .filter(|f| !only_problems || f.verdict != Verdict::Ok)
    {
        let shown = shown_path(file);
        let pad = width.saturating_sub(shown.chars().count());
        let _ = writeln!(
            out,
            "  {} {shown}{}  {}",
            p.verdict(file.verdict),
            " ".repeat(pad),
            explain(p, change, file)
        );
        if file.binary {
            let _ = writeln!(out, "       {}", p.dim("binary file"));
        }
        for hunk in &file.hunks {
            out.push_str("       ");
            if p.styled {
                let _ = writeln!(out, "{}", p.hunk(&hunk.to_string()));
            } else {
                let _ = writeln!(out, "{hunk}");
            }
        }
    }
    out.push('\n');
}

fn shown_path(file: &FileFinding) -> String {
    match &file.old_path {
        Some(old) => format!("{} → {}", display_path(old), display_path(&file.path)),
        None => display_path(&file.path),
    }
}

/// Why the file got its verdict, for a person who has never seen the policy.
fn explain(p: &Palette, change: &ChangeFindings, file: &FileFinding) -> String {
    let agent = change.agent.as_deref().unwrap_or("");
    let rule = |verb: &str| match &file.rule {
        Some(r) => format!(
            "{verb} `{}` {}",
            r.pattern,
            p.dim(&format!("({})", r.source))
        ),
        None => verb.to_string(),
    };
    let mut text = match file.reason {
        Reason::Protected => rule("protected: no agent may change it, by"),
        Reason::Forbidden => rule(&format!("forbidden to {agent} by")),
        Reason::Owned => rule(&format!("owned by {agent} through")),
        Reason::Shared => rule(&format!("shared with {agent} by")),
        Reason::OutsideScope => {
            let setting = match change.outside {
                Some(Outside::Warn) => "warn",
                Some(Outside::Allow) => "allow",
                _ => "deny",
            };
            format!("outside {agent}'s scope (outside: {setting})")
        }
        Reason::NoAgent => "no agent: not checked".to_string(),
    };
    if let Some(old) = &file.decided_by {
        text.push_str(&format!(", decided by the old path {}", display_path(old)));
    }
    let others: Vec<&String> = file.owners.iter().filter(|o| o.as_str() != agent).collect();
    if file.verdict != Verdict::Ok || file.reason == Reason::OutsideScope {
        if others.is_empty() {
            if matches!(file.reason, Reason::OutsideScope | Reason::Shared) {
                text.push_str("; no agent owns it");
            }
        } else {
            let names: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
            text.push_str(&format!("; owned by {}", names.join(", ")));
        }
    }
    text
}
