//! Conformance with a hand reading: every file of `../shared/corpus/agents/` is imported and
//! compared with `expected.json` (owns, forbids, shared, worklog). Both sides are put in the
//! policy's pattern language first (`/backend` and `/backend/` are one rule; `dir/**` and
//! `dir/` cover the same files). The test prints every difference; DISAGREEMENTS lists the
//! ones where the hand reading and scopecheck part ways on purpose, with the reason.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use scopecheck::agents::{import, normalize_path, ImportedAgent};

/// Rules scopecheck reads that the hand reading leaves out, on purpose: `file|list|pattern`.
const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "025-gonzaloacosta-project-template-settings.json|owns|*",
        "`permissions.allow` holds a bare `Edit` / `Write` (every file); the mapping allow -> owns makes that owns `*`",
    ),
    (
        "036-AlternateIf-TaskForge-docs-contract-agent.md|owns|*",
        "opencode `permission.edit: allow` lets the agent edit every file: owns `*`",
    ),
];

/// The agreement this reader has reached; a change that lowers it is a regression.
const FILES_AT_LEAST: usize = 24;
const AGENTS_AT_LEAST: usize = 43;

fn canonical(pattern: &str) -> Option<String> {
    let p = normalize_path(pattern).ok()?;
    Some(match p.strip_suffix("/**") {
        Some(dir) if !dir.is_empty() => format!("{dir}/"),
        _ => p,
    })
}

fn set(items: &serde_json::Value) -> BTreeSet<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| canonical(v.as_str().unwrap()))
        .collect()
}

fn ours(rules: &[scopecheck::agents::ImportedRule]) -> BTreeSet<String> {
    rules.iter().filter_map(|r| canonical(&r.pattern)).collect()
}

#[test]
fn import_agrees_with_the_hand_reading() {
    let Some(shared) = common::shared_dir() else {
        eprintln!("SKIPPED: ../shared/corpus is absent, so agent-file conformance was not checked");
        return;
    };
    let dir = shared.join("corpus/agents");
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).unwrap();
    let original_path: BTreeMap<&str, &str> = sources
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((f[0], *f.get(2)?))
        })
        .collect();
    let expected: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut by_file: BTreeMap<String, Vec<&serde_json::Value>> = BTreeMap::new();
    for e in &expected {
        by_file
            .entry(e["file"].as_str().unwrap().to_string())
            .or_default()
            .push(e);
    }
    let (mut files_equal, mut agents_equal, mut agents_total) = (0, 0, 0);
    let mut report = Vec::new();
    let mut extras: Vec<String> = Vec::new();
    for (file, wanted) in &by_file {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let path = original_path.get(file.as_str()).copied().unwrap_or(file);
        let got: Vec<ImportedAgent> = import(path, &text).unwrap_or_default();
        let mut file_ok = got.len() == wanted.len() || wanted.len() == 1;
        for (i, w) in wanted.iter().enumerate() {
            agents_total += 1;
            let empty = ImportedAgent {
                name: String::new(),
                file: String::new(),
                format: "",
                owns: vec![],
                forbids: vec![],
                shared: vec![],
                worklog: None,
                commit_style: None,
                outside: None,
                notes: vec![],
            };
            // the agent of the same name, or for a one-agent file the one agent read
            let key = |n: &str| {
                n.to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            };
            let wanted_name = key(w["agent"].as_str().unwrap_or(""));
            let g = got
                .iter()
                .find(|a| key(&a.name) == wanted_name)
                .or_else(|| (wanted.len() == 1 && got.len() == 1).then(|| &got[0]))
                .or_else(|| got.get(i))
                .unwrap_or(&empty);
            let diffs: Vec<String> = [
                ("owns", set(&w["owns"]), ours(&g.owns)),
                ("forbids", set(&w["forbids"]), ours(&g.forbids)),
                ("shared", set(&w["shared"]), ours(&g.shared)),
            ]
            .into_iter()
            .filter(|(_, want, have)| want != have)
            .map(|(k, want, have)| format!("{k}: expected {want:?}, got {have:?}"))
            .chain({
                let want = w["worklog"].as_str().and_then(canonical);
                let have = g.worklog.as_deref().and_then(canonical);
                (want != have).then(|| format!("worklog: expected {want:?}, got {have:?}"))
            })
            .collect();
            for (k, want, have) in [
                ("owns", set(&w["owns"]), ours(&g.owns)),
                ("forbids", set(&w["forbids"]), ours(&g.forbids)),
                ("shared", set(&w["shared"]), ours(&g.shared)),
            ] {
                for extra in have.difference(&want) {
                    extras.push(format!("{file}|{k}|{extra}"));
                }
            }
            if diffs.is_empty() {
                agents_equal += 1;
            } else {
                file_ok = false;
                report.push(format!(
                    "{file} [{}]: {}",
                    w["agent"].as_str().unwrap_or("?"),
                    diffs.join("; ")
                ));
            }
        }
        if file_ok {
            files_equal += 1;
        }
    }
    eprintln!("agent-file conformance: {files_equal} of {} files and {agents_equal} of {agents_total} agents match the hand reading", by_file.len());
    for line in &report {
        eprintln!("  {line}");
    }
    // A wrong rule is worse than a note: every rule the hand reading lacks must be a
    // disagreement we stand by.
    let unexplained: Vec<&String> = extras
        .iter()
        .filter(|e| !DISAGREEMENTS.iter().any(|(d, _)| d == e))
        .collect();
    assert!(
        unexplained.is_empty(),
        "rules the hand reading does not have: {unexplained:?}"
    );
    assert!(
        files_equal >= FILES_AT_LEAST && agents_equal >= AGENTS_AT_LEAST,
        "agreement fell to {files_equal} files / {agents_equal} agents"
    );
}
