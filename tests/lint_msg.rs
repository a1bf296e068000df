//! `scopecheck lint-msg` through the real binary: files, stdin and ranges, git's comment
//! stripping, exit codes, per-agent scopes and types, required trailers and policy overrides.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{stderr, stdout, TestRepo};

fn lint_stdin(repo: &TestRepo, message: &str, args: &[&str]) -> std::process::Output {
    let mut child = repo
        .scopecheck()
        .args(["lint-msg", "-", "--format", "json"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // scopecheck may exit (on a policy error) before it reads: a closed pipe is no failure
    let _ = child.stdin.take().unwrap().write_all(message.as_bytes());
    child.wait_with_output().unwrap()
}

fn rules(out: &std::process::Output, kind: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON: {}{}", stdout(out), stderr(out)));
    report["messages"][0][kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn works_without_a_policy_and_outside_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("MSG");
    std::fs::write(&file, "feat: Add it\n").unwrap();
    let out = assert_cmd::Command::cargo_bin("scopecheck")
        .unwrap()
        .current_dir(dir.path())
        .args(["lint-msg", file.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["ok"], false);
    assert_eq!(report["messages"][0]["id"], serde_json::Value::Null);
    assert_eq!(report["messages"][0]["ignored"], false);
    assert_eq!(
        report["messages"][0]["errors"][0],
        serde_json::json!({"rule": "subject-case", "level": 2, "message": "subject must not be sentence-case"})
    );
}

#[test]
fn exit_codes_errors_warnings_and_strict() {
    let repo = TestRepo::new();
    assert_eq!(
        lint_stdin(&repo, "feat: add it\n", &[]).status.code(),
        Some(0)
    );
    let warned = lint_stdin(&repo, "feat: add it\nno blank line\n", &[]);
    assert_eq!(warned.status.code(), Some(0), "warnings alone pass");
    assert_eq!(rules(&warned, "warnings"), vec!["body-leading-blank"]);
    assert_eq!(
        lint_stdin(&repo, "feat: add it\nno blank line\n", &["--strict"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        lint_stdin(&repo, "added stuff\n", &[]).status.code(),
        Some(1)
    );
    assert_eq!(
        lint_stdin(&repo, "Merge branch 'x'\n", &[]).status.code(),
        Some(0)
    );
}

#[test]
fn git_comments_and_scissors_are_stripped_with_core_comment_char() {
    let repo = TestRepo::new();
    let file = repo.path().join("COMMIT_EDITMSG");
    std::fs::write(
        &file,
        "fix: mend it\n# Please enter the commit message for your changes.\n#\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n+ A VERY LONG LINE THAT WOULD FAIL body-max-line-length ......................................................................\n",
    )
    .unwrap();
    let out = repo.run(&["lint-msg", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    repo.git(&["config", "core.commentChar", ";"]);
    std::fs::write(
        &file,
        "fix: mend it\n; a comment in the body that is not blank-line-led\n",
    )
    .unwrap();
    let out = repo.run(&["lint-msg", file.to_str().unwrap(), "--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn human_output_names_rule_level_and_points_at_the_header() {
    let repo = TestRepo::new();
    let mut child = repo
        .scopecheck()
        .args(["lint-msg", "-", "--color", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"feat(api): Add it\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("error   subject-case: subject must not be sentence-case"),
        "{text}"
    );
    assert!(
        text.contains("          feat(api): Add it\n                     ^^^^^^"),
        "{text}"
    );
    assert!(
        text.contains("failed: 1 message, 1 error, 0 warnings"),
        "{text}"
    );
}

const POLICY: &str = "\
version: 1
agents:
  backend:
    owns: [src/server/]
    emails: [backend-bot@example.com]
    commit: { scopes: [api, db], types: [feat, fix] }
  frontend:
    owns: [src/components/]
commit_style:
  rules:
    header-max-length: [2, always, 20]
    body-leading-blank: [0]
    scope-enum: [1, always, [api, db, ui]]
  require_trailers: [Agent]
";

#[test]
fn agent_rules_trailers_and_overrides() {
    let repo = TestRepo::new();
    repo.write("scopecheck.yml", POLICY);
    // the agent from the trailer: its scopes and types apply
    let out = lint_stdin(&repo, "docs(ui): x\n\nAgent: backend\n", &[]);
    assert_eq!(
        rules(&out, "errors"),
        vec!["agent-scope-enum", "agent-type-enum"]
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["messages"][0]["agent"], "backend");
    assert_eq!(rules(&out, "warnings"), Vec::<String>::new());
    assert!(rules(
        &lint_stdin(&repo, "feat(db): x\n\nAgent: backend\n", &[]),
        "errors"
    )
    .is_empty());
    // a missing trailer, and the lowered header limit
    assert_eq!(
        rules(
            &lint_stdin(&repo, "feat: a long header here\n", &[]),
            "errors"
        ),
        vec!["header-max-length", "trailer-required"]
    );
    // overrides: scope-enum is a warning; body-leading-blank is off
    let out = lint_stdin(&repo, "feat(web): x\nbody\n\nAgent: frontend\n", &[]);
    assert_eq!(rules(&out, "warnings"), vec!["scope-enum"]);
    assert_eq!(out.status.code(), Some(0));
    // --agent wins over the trailer
    let out = lint_stdin(
        &repo,
        "feat(ui): x\n\nAgent: frontend\n",
        &["--agent", "backend"],
    );
    assert_eq!(rules(&out, "errors"), vec!["agent-scope-enum"]);
}

#[test]
fn preset_none_applies_only_listed_rules() {
    let repo = TestRepo::new();
    repo.write(
        "scopecheck.yml",
        "version: 1\nagents: {}\ncommit_style:\n  preset: none\n  rules:\n    header-max-length: [2, always, 10]\n",
    );
    assert_eq!(
        lint_stdin(&repo, "Whatever I like\n", &[]).status.code(),
        Some(1)
    );
    assert_eq!(lint_stdin(&repo, "short\n", &[]).status.code(), Some(0));
}

#[test]
fn unknown_rules_and_cases_are_policy_errors() {
    let repo = TestRepo::new();
    repo.write(
        "scopecheck.yml",
        "version: 1\nagents: {}\ncommit_style:\n  rules:\n    header-max-lenght: [2, always, 10]\n",
    );
    let out = lint_stdin(&repo, "feat: x\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("scopecheck.yml:5:24: unknown commit rule `header-max-lenght`"),
        "{}",
        stderr(&out)
    );
    repo.write("scopecheck.yml", "version: 1\nagents: {}\ncommit_style:\n  rules:\n    subject-case: [2, always, [shouty-case]]\n");
    let out = lint_stdin(&repo, "feat: x\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown case `shouty-case`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn range_lints_every_commit_with_its_own_agent() {
    let repo = TestRepo::new();
    repo.write("scopecheck.yml", "version: 1\nagents:\n  backend:\n    owns: [x/]\n    emails: [backend-bot@example.com]\n    commit: { scopes: [api] }\n");
    let base = repo.commit_all("chore: start");
    repo.write("x/a", "a\n");
    let c1 = repo.commit_as("backend-bot@example.com", "feat(ui): by the bot");
    repo.write("x/b", "b\n");
    let c2 = repo.commit_all("Fixed stuff");
    repo.git(&["checkout", "-q", "-b", "side", &base]);
    repo.write("y", "y\n");
    repo.commit_all("docs: side");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "side"]);
    let out = repo.run(&[
        "lint-msg",
        "--range",
        &format!("{c1}~1..HEAD"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages = report["messages"].as_array().unwrap();
    let summary: Vec<(String, String, bool, usize)> = messages
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap()[..7].to_string(),
                m["agent"].as_str().unwrap_or("-").to_string(),
                m["ignored"].as_bool().unwrap(),
                m["errors"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(summary.len(), 4, "{summary:?}");
    assert_eq!(
        summary[0],
        (c1[..7].to_string(), "backend".to_string(), false, 1)
    );
    assert_eq!(summary[1], (c2[..7].to_string(), "-".to_string(), false, 2));
    assert!(
        summary.iter().any(|m| m.2),
        "the merge commit is ignored: {summary:?}"
    );
}
