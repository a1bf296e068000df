//! `scopecheck who`: each path's owners and every agent's verdict with the deciding rule.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{stdout, TestRepo};

#[test]
fn human_names_each_rule_that_speaks_of_the_path() {
    let repo = TestRepo::with_policy();
    let out = repo.run(&[
        "who",
        "src/components/App.tsx",
        "notes.txt",
        "scopecheck.yml",
        "src/types/u.ts",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "src/components/App.tsx  forbidden to backend (`src/components/`, scopecheck.yml:5:15); owned by frontend (`src/components/`, scopecheck.yml:10:12)\n\
         notes.txt  owned by no agent\n\
         scopecheck.yml  protected (`scopecheck.yml`, scopecheck.yml:15:13); owned by no agent\n\
         src/types/u.ts  shared with backend (`src/types/`, scopecheck.yml:6:14); owned by no agent\n"
    );
}

#[test]
fn json_has_every_agent_and_stdin_streams() {
    let repo = TestRepo::with_policy();
    let mut child = repo
        .scopecheck()
        .args(["who", "--stdin", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"src/server/a.rs\r\ndocs/x.md\n\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one object per path; blank lines skipped");
    assert_eq!(lines[0]["path"], "src/server/a.rs");
    assert_eq!(lines[0]["owners"], serde_json::json!(["backend"]));
    assert_eq!(
        lines[0]["agents"],
        serde_json::json!([
            {"agent": "backend", "verdict": "ok", "reason": "owned", "rule": {"pattern": "src/server/", "source": "scopecheck.yml:4:12"}},
            {"agent": "frontend", "verdict": "warn", "reason": "outside-scope", "rule": null},
            {"agent": "docs", "verdict": "ok", "reason": "outside-scope", "rule": null}
        ])
    );
    assert_eq!(lines[1]["agents"][2]["reason"], "owned");
}
