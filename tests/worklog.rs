//! `scopecheck worklog` on real repositories: logs in four styles, edited across commits;
//! added, edited and removed entries; `--verify` findings exact; markdown escaped.

mod common;

use common::{stderr, stdout, TestRepo};

const POLICY: &str = "version: 1\nagents:\n  backend:\n    owns: [src/server/, BACKEND_LOG.md]\n    emails: [backend-bot@example.com]\n    worklog: BACKEND_LOG.md\n  web:\n    owns: [src/web/, WEB_LOG.md]\n    emails: [web-bot@example.com]\n    worklog: WEB_LOG.md\n";

/// Style 1: headings for entries and fields.
const HEADINGS_V1: &str = "# Backend work log\n\n## 2026-11-20 09:00 — Set up server\n\n### Task Summary\nSkeleton.\n\n### Files Modified/Created\n- `src/server/main.rs` - entry point\n";

fn headings_v2() -> String {
    format!("{HEADINGS_V1}\n## 2026-11-21 14:30 — Add users endpoint\n\n### Task Summary\nGET /users for @org/admins <script>x</script>\n\n### Files Modified/Created\n- `src/server/users.rs` - new handler\n- `src/server/routes.rs` (wired in)\n\n### Testing Performed\nUnit tests.\n")
}

fn entries(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["logs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| {
            let agent = l["agent"].as_str().unwrap().to_string();
            l["entries"].as_array().unwrap().iter().map(move |e| {
                (
                    agent.clone(),
                    e["change"].as_str().unwrap().to_string(),
                    e["entry"]["title"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect()
}

fn mismatches(report: &serde_json::Value) -> Vec<(String, String)> {
    report["logs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| {
            l["mismatches"].as_array().unwrap().iter().map(|m| {
                (
                    m["kind"].as_str().unwrap().to_string(),
                    m["path"].as_str().unwrap_or("-").to_string(),
                )
            })
        })
        .collect()
}

fn start() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write("scopecheck.yml", POLICY);
    repo.write("BACKEND_LOG.md", HEADINGS_V1);
    repo.write("src/server/main.rs", "fn main() {}\n");
    repo.write("src/server/routes.rs", "// routes\n");
    let base = repo.commit_all("chore: start");
    (repo, base)
}

#[test]
fn headings_style_added_entry_and_exact_verification() {
    let (repo, base) = start();
    repo.write("BACKEND_LOG.md", &headings_v2());
    repo.write("src/server/users.rs", "pub fn users() {}\n");
    repo.write("src/server/extra.rs", "// not logged\n");
    repo.commit_as("backend-bot@example.com", "feat(api): users");

    let out = repo.run(&["worklog", &base, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "without --verify: 0\n{}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        entries(&report),
        vec![(
            "backend".into(),
            "added".into(),
            "Add users endpoint".into()
        )]
    );
    let entry = &report["logs"][0]["entries"][0]["entry"];
    assert_eq!(
        entry["files"][0],
        serde_json::json!({"path": "src/server/users.rs", "description": "new handler", "line": 17})
    );
    assert_eq!(entry["fields"][2]["name"], "testing");

    let out = repo.run(&["worklog", &base, "--verify", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "a mismatch fails --verify");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        mismatches(&report),
        vec![
            ("unlisted".into(), "src/server/extra.rs".into()),
            ("not-changed".into(), "src/server/routes.rs".into())
        ],
        "the log itself need not be listed; routes.rs is listed but untouched"
    );
}

#[test]
fn edited_and_removed_entries_are_found_and_removal_is_a_finding() {
    let (repo, _) = start();
    repo.write("BACKEND_LOG.md", &headings_v2());
    let second = repo.commit_as("backend-bot@example.com", "docs: log");
    // edit the second entry, drop the first
    let edited = headings_v2().replace("Unit tests.", "Unit and integration tests.");
    let without_first = edited.replace("## 2026-11-20 09:00 — Set up server\n\n### Task Summary\nSkeleton.\n\n### Files Modified/Created\n- `src/server/main.rs` - entry point\n\n", "");
    repo.write("BACKEND_LOG.md", &without_first);
    repo.commit_as("backend-bot@example.com", "docs: rewrite log");
    let out = repo.run(&["worklog", &second, "--verify", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        entries(&report),
        vec![
            (
                "backend".into(),
                "edited".into(),
                "Add users endpoint".into()
            ),
            ("backend".into(), "removed".into(), "Set up server".into())
        ]
    );
    assert!(report["logs"][0]["entries"][0]["diff"]
        .as_str()
        .unwrap()
        .contains("+Unit and integration tests."));
    let kinds: Vec<String> = mismatches(&report).into_iter().map(|m| m.0).collect();
    assert!(kinds.contains(&"removed-entry".to_string()), "{kinds:?}");
    assert_eq!(out.status.code(), Some(1));
    let human = stdout(&repo.run(&["worklog", &second]));
    assert!(
        human.contains("  removed 2026-11-20 09:00 — Set up server (line 3)\n"),
        "{human}"
    );
    assert!(human.contains("a work log only grows"), "{human}");
}

#[test]
fn bold_labels_lists_and_messy_styles_each_per_agent() {
    let (repo, base) = start();
    // style 2: bold labels; style 3: list items with bold labels (web's log)
    repo.write(
        "BACKEND_LOG.md",
        &format!("{HEADINGS_V1}\n## [2026-11-22T10:00:00Z] Pagination\n**Task Summary**: page the users list\n**Files Changed**:\n- src/server/users.rs: cursor pagination\n**Next Steps**: cache\n"),
    );
    repo.write("src/server/users.rs", "// paged\n");
    repo.commit_as("backend-bot@example.com", "feat(api): pages");
    repo.write("WEB_LOG.md", "# Web log\n\n### Nov 22, 2026 - Users page\n- **Summary**: list users\n- **Files**: `src/web/Users.tsx`, `src/web/api.ts`\n");
    repo.write("src/web/Users.tsx", "export {}\n");
    repo.write("src/web/api.ts", "export {}\n");
    repo.commit_as("web-bot@example.com", "feat(ui): users page");
    let out = repo.run(&["worklog", &base, "--verify", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        entries(&report),
        vec![
            ("backend".into(), "added".into(), "Pagination".into()),
            ("web".into(), "added".into(), "Users page".into())
        ]
    );
    assert_eq!(
        mismatches(&report),
        Vec::<(String, String)>::new(),
        "each agent's entry lists exactly its own changes"
    );
    assert_eq!(out.status.code(), Some(0));

    // style 4: a messy hand-written entry with a missing file and a path in free text
    repo.write(
        "WEB_LOG.md",
        "# Web log\n\n### Nov 22, 2026 - Users page\n- **Summary**: list users\n- **Files**: `src/web/Users.tsx`, `src/web/api.ts`\n\n#### 2026/11/23 quick fix!!\nfixed the thing in src/web/Users.tsx, see also notes\nfiles changed:\n* src/web/Gone.tsx -- deleted? not sure\n",
    );
    repo.write("src/web/Users.tsx", "export const x = 1\n");
    let third = repo.head();
    repo.commit_as("web-bot@example.com", "fix(ui): thing");
    let out = repo.run(&["worklog", &third, "--verify", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let web = report["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["agent"] == "web")
        .unwrap();
    let entry = &web["entries"][0]["entry"];
    assert_eq!(entry["timestamp"], "2026/11/23");
    assert!(
        entry["free_text"]
            .as_str()
            .unwrap()
            .contains("fixed the thing"),
        "kept as free text: {entry}"
    );
    assert_eq!(
        mismatches(&report),
        vec![
            ("unlisted".into(), "src/web/Users.tsx".into()),
            ("missing".into(), "src/web/Gone.tsx".into())
        ]
    );
}

#[test]
fn require_entry_denies_an_unlogged_change() {
    let (repo, base) = start();
    repo.write(
        "scopecheck.yml",
        &format!("{POLICY}worklog:\n  require_entry: true\n"),
    );
    repo.commit_all("chore: require entries");
    repo.write("src/server/silent.rs", "x\n");
    repo.commit_as("backend-bot@example.com", "feat(api): silent");
    let out = repo.run(&["worklog", &base, "--verify", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &report["logs"][0]["mismatches"][0];
    assert_eq!(
        (m["kind"].as_str(), m["verdict"].as_str()),
        (Some("no-entry"), Some("deny"))
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn markdown_is_collapsed_and_escaped_and_worktree_form_works() {
    let (repo, _) = start();
    repo.write("BACKEND_LOG.md", &headings_v2());
    let out = repo.run(&["worklog", "--format", "markdown"]);
    let md = stdout(&out);
    assert!(
        md.contains("<details><summary>added — 2026-11-21 14:30 — Add users endpoint</summary>"),
        "{md}"
    );
    assert!(md.contains("@\u{2060}org/admins"), "no @mention ping: {md}");
    assert!(md.contains("&lt;script&gt;"), "no raw HTML: {md}");
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("- `src/server/users.rs` — new handler"), "{md}");

    let out = repo.run(&[
        "worklog", "--format", "markdown", "--verify", "--agent", "backend",
    ]);
    assert!(
        stdout(&out).contains("| warn | src/server/users.rs is listed in"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn no_worklog_configured_is_an_error() {
    let repo = TestRepo::new();
    repo.write(
        "scopecheck.yml",
        "version: 1\nagents:\n  a:\n    owns: [x/]\n",
    );
    let out = repo.run(&["worklog"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no agent in scopecheck.yml has a `worklog:`"),
        "{}",
        stderr(&out)
    );
    let out = repo.run(&["who", "x", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`scopecheck who` does not print --format markdown"),
        "{}",
        stderr(&out)
    );
}
