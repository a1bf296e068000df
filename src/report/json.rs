//! The version-1 JSON report (DESIGN.md, "JSON report").

use crate::check::Report;

pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serialising plain data cannot fail; say so loudly if it ever does.
        format!("{{\"version\":1,\"ok\":false,\"error\":\"{e}\"}}")
    });
    out.push('\n');
    out
}
