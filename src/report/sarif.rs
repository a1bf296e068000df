//! Findings as SARIF 2.1.0, for GitHub code scanning (`upload-sarif`): one rule per reason,
//! one result per denied or warned file, located at its first hunk.

use serde_json::{json, Value};

use crate::check::{Reason, Report, Verdict};

const RULES: &[(Reason, &str, &str)] = &[
    (
        Reason::Protected,
        "scopecheck/protected",
        "A protected path was changed by an agent.",
    ),
    (
        Reason::Forbidden,
        "scopecheck/forbidden",
        "An agent changed a path its policy forbids it.",
    ),
    (
        Reason::Shared,
        "scopecheck/shared",
        "An agent changed a shared path; coordinate with its other users.",
    ),
    (
        Reason::OutsideScope,
        "scopecheck/outside-scope",
        "An agent changed a path outside its scope.",
    ),
];

fn rule_id(reason: Reason) -> &'static str {
    RULES
        .iter()
        .find(|(r, _, _)| *r == reason)
        .map(|(_, id, _)| *id)
        .unwrap_or("scopecheck/other")
}

pub fn render(report: &Report) -> String {
    let mut results = Vec::new();
    for change in &report.commits {
        for file in change.files.iter().filter(|f| f.verdict != Verdict::Ok) {
            let line = file.hunks.first().map(|h| h.anchor().0).unwrap_or(1);
            results.push(json!({
                "ruleId": rule_id(file.reason),
                "level": if file.verdict == Verdict::Deny { "error" } else { "warning" },
                "message": { "text": format!("{}: {}", file.path, super::markdown::why(change, file).replace('`', "")) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": file.path, "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": line.max(1) }
                }}],
                "partialFingerprints": { "scopecheck/v1": format!("{}:{}:{}", file.path, file.reason.as_str(), change.agent.as_deref().unwrap_or("-")) }
            }));
        }
    }
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(_, id, text)| json!({ "id": id, "shortDescription": { "text": text } }))
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "scopecheck",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/scopecheck/scopecheck",
                "rules": rules
            }},
            "results": results
        }]
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
}
