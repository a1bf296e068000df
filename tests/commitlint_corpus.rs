//! Conformance with commitlint: every message of `../shared/corpus/commits/messages.jsonl`
//! (5,910 real commits linted by commitlint 21 with config-conventional) must get the same
//! verdict, the same ignored flag and the same error and warning rules from scopecheck.

mod common;

use std::collections::BTreeSet;

use scopecheck::commit_msg::Linter;

#[test]
fn agrees_with_commitlint_on_the_corpus() {
    let Some(shared) = common::shared_dir() else {
        eprintln!("SKIPPED: ../shared/corpus is absent, so commitlint conformance was not checked");
        return;
    };
    let text = std::fs::read_to_string(shared.join("corpus/commits/messages.jsonl"))
        .expect("corpus readable");
    let linter = Linter::conventional();
    let rules = |items: &serde_json::Value| -> BTreeSet<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let (mut total, mut agree) = (0, 0);
    let mut disagreements = Vec::new();
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let message = record["message"].as_str().unwrap();
        let ours = linter.lint(message, None);
        let our_errors: BTreeSet<String> = ours.errors.iter().map(|p| p.rule.clone()).collect();
        let our_warnings: BTreeSet<String> = ours.warnings.iter().map(|p| p.rule.clone()).collect();
        let same = ours.ignored == record["ignored"].as_bool().unwrap()
            && our_errors.is_empty() == record["valid"].as_bool().unwrap()
            && our_errors == rules(&record["errors"])
            && our_warnings == rules(&record["warnings"]);
        total += 1;
        if same {
            agree += 1;
        } else if disagreements.len() < 15 {
            disagreements.push(format!(
                "{} {}: {:?}\n  commitlint: ignored={} errors={:?} warnings={:?}\n  scopecheck: ignored={} errors={:?} warnings={:?}",
                record["repo"], record["sha"], message.chars().take(160).collect::<String>(),
                record["ignored"], rules(&record["errors"]), rules(&record["warnings"]),
                ours.ignored, our_errors, our_warnings
            ));
        }
    }
    eprintln!("commitlint conformance: {agree} of {total} messages agree");
    assert_eq!(
        agree,
        total,
        "disagreements (first 15):\n{}",
        disagreements.join("\n")
    );
}
