//! Findings as GitHub Actions workflow commands (`::error file=…,line=…::…`), denied first:
//! GitHub shows only the first ten of each kind per step.

use std::fmt::Write;

use crate::check::{Report, Verdict};

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for wanted in [Verdict::Deny, Verdict::Warn] {
        for change in &report.commits {
            for file in change.files.iter().filter(|f| f.verdict == wanted) {
                let command = if wanted == Verdict::Deny {
                    "error"
                } else {
                    "warning"
                };
                let line = file.hunks.first().map(|h| h.anchor().0).unwrap_or(1);
                let why = super::markdown::why(change, file).replace('`', "");
                let _ = writeln!(
                    out,
                    "::{command} file={},line={line},title={}::{}",
                    property(&file.path),
                    property(&format!(
                        "scopecheck: {} ({})",
                        file.verdict.as_str(),
                        file.reason.as_str()
                    )),
                    data(&format!("{}: {why}", file.path))
                );
            }
        }
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "scopecheck: {} files: {} ok, {} warn, {} deny",
        s.files, s.ok, s.warn, s.deny
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped() {
        assert_eq!(property("a,b:c\nd%"), "a%2Cb%3Ac%0Ad%25");
        assert_eq!(data("x\ny"), "x%0Ay");
    }
}
