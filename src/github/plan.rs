//! What a review run will say, decided before anything is sent (and all that `--dry-run`
//! prints): the inline comments, each on a line GitHub accepts and with a hidden fingerprint
//! so no comment is posted twice, and the summary comment, found again by its marker.
//! Everything here is plain data; nothing here talks to GitHub.

use serde::Serialize;

use crate::check::{Report, Verdict};
use crate::commit_msg::MessageReport;
use crate::report::escape::{code_span, markdown_text};
use crate::report::markdown;

pub const SUMMARY_MARKER: &str = "<!-- scopecheck:summary -->";
pub const REVIEW_MARKER: &str = "<!-- scopecheck:review -->";
const FINGERPRINT_OPEN: &str = "<!-- scopecheck:fp=";
/// GitHub refuses comment bodies longer than this.
pub const MAX_BODY: usize = 65_536;
/// reviewdog's cap: more inline comments in one review than this bury the pull request.
pub const MAX_INLINE: usize = 30;

/// One comment to post on the pull request's diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedComment {
    pub path: String,
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<&'static str>,
    /// `file` for a comment on the file as a whole (binaries, deletions, no lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_type: Option<&'static str>,
    #[serde(skip)]
    pub fingerprint: String,
    #[serde(skip)]
    pub verdict: Verdict,
}

/// FNV-1a: a stable fingerprint across runs and platforms.
fn fnv(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The fingerprint hidden in a comment scopecheck wrote, if it is one.
pub fn fingerprint_of(body: &str) -> Option<&str> {
    let start = body.find(FINGERPRINT_OPEN)? + FINGERPRINT_OPEN.len();
    let end = body[start..].find(" -->")? + start;
    Some(&body[start..end])
}

/// Comments for every denied and warned file of the net change: one per hunk, on the
/// hunk's first new line (or its first old line when it only deletes); a file with no lines
/// to point at (binary, mode change, deletion) gets one file-level comment. Denials first.
pub fn comments(net: &Report) -> Vec<PlannedComment> {
    let mut out = Vec::new();
    for wanted in [Verdict::Deny, Verdict::Warn] {
        for change in &net.commits {
            for file in change.files.iter().filter(|f| f.verdict == wanted) {
                let why = markdown::why(change, file);
                let advice = match file.verdict {
                    Verdict::Deny => "Leave this change to the path's owner, or agree a change to the policy on the base branch.",
                    _ => "This path is shared: coordinate with its other users before merging.",
                };
                let agent = change.agent.as_deref().unwrap_or("-");
                let pattern = file
                    .rule
                    .as_ref()
                    .map(|r| r.pattern.as_str())
                    .unwrap_or("-");
                let key = format!(
                    "{}|{}|{}|{pattern}|{agent}",
                    file.path,
                    file.verdict.as_str(),
                    file.reason.as_str()
                );
                let body = |fp: &str| {
                    format!(
                        "**scopecheck: {}** — {}\n\n{advice}\n{FINGERPRINT_OPEN}{fp} -->",
                        file.verdict.as_str(),
                        why
                    )
                };
                let whole_file = file.binary
                    || file.hunks.is_empty()
                    || file.status == crate::change::FileStatus::Deleted;
                if whole_file {
                    let fp = fnv(&format!("{key}|file"));
                    out.push(PlannedComment {
                        path: file.path.clone(),
                        body: body(&fp),
                        line: None,
                        side: None,
                        subject_type: Some("file"),
                        fingerprint: fp,
                        verdict: file.verdict,
                    });
                    continue;
                }
                for (i, hunk) in file.hunks.iter().enumerate() {
                    let (line, side) = hunk.anchor();
                    let fp = fnv(&format!("{key}|{i}"));
                    out.push(PlannedComment {
                        path: file.path.clone(),
                        body: body(&fp),
                        line: Some(line),
                        side: Some(side),
                        subject_type: None,
                        fingerprint: fp,
                        verdict: file.verdict,
                    });
                }
            }
        }
    }
    out
}

/// `text` cut to fit `limit` characters, saying how much was left out.
pub fn fit(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let total = text.chars().count();
    let keep = limit.saturating_sub(200);
    let cut: String = text.chars().take(keep).collect();
    format!(
        "{cut}\n\n…and {} more characters left out (GitHub's limit is {MAX_BODY}); the job summary holds everything.\n",
        total - keep
    )
}

/// What the summary comment says, besides the findings.
pub struct SummaryParts<'a> {
    /// The net change, judged per agent.
    pub net: &'a Report,
    /// Each commit, judged as its own agent.
    pub commits: &'a Report,
    pub messages: &'a [MessageReport],
    /// The work-log section (markdown), if any agent keeps a log.
    pub worklogs: Option<String>,
    /// Comments that did not fit in the review.
    pub left_over: &'a [PlannedComment],
    /// Things the reader should know (a policy change not obeyed, a cleared denial).
    pub notices: Vec<String>,
}

pub fn summary(parts: &SummaryParts<'_>) -> String {
    let mut out = format!("{SUMMARY_MARKER}\n### scopecheck\n\n");
    for n in &parts.notices {
        out.push_str(&format!("> {n}\n\n"));
    }
    // The net change: what the pull request does, as a reviewer sees it.
    let net = markdown::render_titled(parts.net, "the pull request's net change");
    let net = net
        .split("<details><summary>Per commit</summary>")
        .next()
        .unwrap_or(&net);
    out.push_str(net.trim_end());
    out.push_str("\n\n");
    if !parts.left_over.is_empty() {
        out.push_str(&format!(
            "<details><summary>{} more finding{} not shown inline</summary>\n\n",
            parts.left_over.len(),
            if parts.left_over.len() == 1 { "" } else { "s" }
        ));
        for c in parts.left_over {
            let line = c.line.map(|l| format!(":{l}")).unwrap_or_default();
            let first = c.body.lines().next().unwrap_or("");
            out.push_str(&format!("- {}{line} {first}\n", code_span(&c.path)));
        }
        out.push_str("\n</details>\n\n");
    }
    // Commit by commit, each as its own agent.
    let per_commit = markdown::render(parts.commits);
    if let Some(details) = per_commit
        .split_once("<details><summary>Per commit</summary>")
        .map(|(_, d)| d)
    {
        out.push_str("<details><summary>Per commit</summary>");
        out.push_str(details.trim_end());
        out.push_str("\n\n");
    }
    let bad: Vec<&MessageReport> = parts
        .messages
        .iter()
        .filter(|m| !m.errors.is_empty() || !m.warnings.is_empty())
        .collect();
    if bad.is_empty() {
        out.push_str(&format!(
            "**Commit messages**: all {} follow the commit style.\n\n",
            parts.messages.len()
        ));
    } else {
        out.push_str(
            "**Commit messages**\n\n| commit | level | rule | message |\n|---|---|---|---|\n",
        );
        for m in bad {
            let id = m.id.as_deref().map(|i| &i[..i.len().min(7)]).unwrap_or("-");
            for (level, p) in m
                .errors
                .iter()
                .map(|p| ("error", p))
                .chain(m.warnings.iter().map(|p| ("warning", p)))
            {
                out.push_str(&format!(
                    "| {} | {level} | {} | {} |\n",
                    markdown_text(id),
                    code_span(&p.rule),
                    markdown_text(&p.message)
                ));
            }
        }
        out.push('\n');
    }
    if let Some(w) = &parts.worklogs {
        out.push_str("**Work logs**\n\n");
        out.push_str(w.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_round_trip_and_fit_cuts() {
        let body = format!("x\n{FINGERPRINT_OPEN}00ff -->");
        assert_eq!(fingerprint_of(&body), Some("00ff"));
        assert_eq!(fingerprint_of("no marker"), None);
        let long = "é".repeat(70_000);
        let cut = fit(&long, MAX_BODY);
        assert!(cut.chars().count() <= MAX_BODY);
        assert!(cut.contains("more characters left out"));
        assert_eq!(fit("short", MAX_BODY), "short");
    }
}
