//! `scopecheck diff` on real repositories: every verdict row, every diff source, every kind of
//! file change, agent resolution, and what a rejected run leaves behind (nothing).

mod common;

use common::{stderr, stdout, v, verdicts, TestRepo};

// ---- the verdict table -------------------------------------------------------------------

#[test]
fn each_row_of_the_verdict_table() {
    let repo = TestRepo::with_policy();
    repo.write("src/server/api.rs", "fn main() {}\n");
    repo.write("src/components/Button.tsx", "export {}\n");
    repo.write("src/types/user.ts", "type U = {}\n");
    repo.write("README.md", "hello\n");
    repo.write(".github/workflows/ci.yml", "on: push\n");
    repo.commit_as("backend-bot@example.com", "feat: backend work");

    let report = repo.json(&["diff", "HEAD~1"], 1);
    assert_eq!(
        verdicts(&report),
        vec![
            v(".github/workflows/ci.yml", "deny", "protected"),
            v("README.md", "deny", "outside-scope"),
            v("src/components/Button.tsx", "deny", "forbidden"),
            v("src/server/api.rs", "ok", "owned"),
            v("src/types/user.ts", "warn", "shared"),
        ]
    );
    let files = report["commits"][0]["files"].as_array().unwrap();
    // every finding names the rule that decided it and where it was written
    assert_eq!(files[0]["rule"]["pattern"], ".github/workflows/");
    assert_eq!(files[0]["rule"]["source"], "scopecheck.yml:15:29");
    assert_eq!(files[2]["rule"]["source"], "scopecheck.yml:5:15");
    assert_eq!(files[2]["owners"], serde_json::json!(["frontend"]));
    assert_eq!(files[3]["rule"]["source"], "scopecheck.yml:4:12");
    assert_eq!(files[4]["rule"]["source"], "scopecheck.yml:6:14");
    // outside-scope: no rule decided; the owners say who to ask
    assert!(files[1]["rule"].is_null());
    assert_eq!(report["commits"][0]["agent"], "backend");
    assert_eq!(report["commits"][0]["agent_source"], "email");
    assert_eq!(
        report["summary"],
        serde_json::json!({"commits": 1, "files": 5, "ok": 1, "warn": 1, "deny": 3})
    );
    assert_eq!(report["ok"], false);
}

#[test]
fn forbidden_beats_owned() {
    let repo = TestRepo::new();
    repo.write(
        "scopecheck.yml",
        "version: 1\nagents:\n  a:\n    owns: [src/]\n    forbids: [src/secret/]\n",
    );
    repo.commit_all("chore: policy");
    repo.write("src/secret/key.rs", "k\n");
    repo.write("src/open.rs", "o\n");
    let report = repo.json(&["diff", "--agent", "a"], 1);
    assert_eq!(
        verdicts(&report),
        vec![
            v("src/open.rs", "ok", "owned"),
            v("src/secret/key.rs", "deny", "forbidden")
        ]
    );
}

#[test]
fn outside_setting_decides_unlisted_paths() {
    let repo = TestRepo::with_policy();
    repo.write("notes.txt", "n\n");
    let as_agent = |agent: &str, code: i32| verdicts(&repo.json(&["diff", "--agent", agent], code));
    assert_eq!(
        as_agent("backend", 1),
        vec![v("notes.txt", "deny", "outside-scope")]
    );
    assert_eq!(
        as_agent("frontend", 0),
        vec![v("notes.txt", "warn", "outside-scope")]
    );
    assert_eq!(
        as_agent("docs", 0),
        vec![v("notes.txt", "ok", "outside-scope")]
    );
}

#[test]
fn strict_fails_on_warnings_and_ok_matches_exit_code() {
    let repo = TestRepo::with_policy();
    repo.write("src/types/a.ts", "a\n");
    let report = repo.json(&["diff", "--agent", "backend"], 0);
    assert_eq!(report["ok"], true);
    let report = repo.json(&["diff", "--agent", "backend", "--strict"], 1);
    assert_eq!(report["ok"], false);
}

#[test]
fn humans_are_allowed_unless_check_protected() {
    let repo = TestRepo::with_policy();
    repo.write("src/components/x.tsx", "x\n");
    repo.write("scopecheck.yml", &format!("{}# edited\n", common::POLICY));
    let report = repo.json(&["diff"], 0);
    assert_eq!(
        verdicts(&report),
        vec![
            v("scopecheck.yml", "ok", "no-agent"),
            v("src/components/x.tsx", "ok", "no-agent")
        ]
    );
    assert_eq!(report["commits"][0]["agent_source"], "none");

    let strict_policy = format!("{}humans: check-protected\n", common::POLICY);
    repo.write("scopecheck.yml", &strict_policy);
    repo.commit_all("chore: humans are checked");
    repo.write("scopecheck.yml", &format!("{strict_policy}# edited\n"));
    repo.write("src/components/x.tsx", "y\n");
    let report = repo.json(&["diff"], 1);
    assert_eq!(
        verdicts(&report),
        vec![
            v("scopecheck.yml", "deny", "protected"),
            v("src/components/x.tsx", "ok", "no-agent")
        ]
    );
}

// ---- diff sources -----------------------------------------------------------------------

#[test]
fn no_argument_means_index_and_work_tree_with_untracked_but_not_ignored() {
    let repo = TestRepo::with_policy();
    repo.write(".gitignore", "target/\n");
    repo.write("src/server/staged.rs", "s\n");
    repo.commit_all("chore: ignore");
    repo.write("src/server/staged.rs", "s2\n");
    repo.git(&["add", "src/server/staged.rs"]);
    repo.write("src/server/unstaged.rs", "u\n");
    repo.write("target/out.bin", "ignored\n");
    let report = repo.json(&["diff", "--agent", "backend"], 0);
    assert_eq!(report["commits"][0]["id"], "WORKTREE");
    assert_eq!(
        verdicts(&report),
        vec![
            v("src/server/staged.rs", "ok", "owned"),
            v("src/server/unstaged.rs", "ok", "owned")
        ]
    );
    assert_eq!(report["commits"][0]["files"][1]["status"], "added");
}

#[test]
fn staged_checks_only_the_index() {
    let repo = TestRepo::with_policy();
    repo.write("src/server/a.rs", "a\n");
    repo.git(&["add", "src/server/a.rs"]);
    repo.write("Dockerfile", "FROM x\n");
    let report = repo.json(&["diff", "--staged", "--agent", "backend"], 0);
    assert_eq!(report["commits"][0]["id"], "STAGED");
    assert_eq!(verdicts(&report), vec![v("src/server/a.rs", "ok", "owned")]);
}

#[test]
fn staged_on_an_unborn_branch_diffs_against_the_empty_tree() {
    let repo = TestRepo::new();
    repo.write("scopecheck.yml", common::POLICY);
    repo.write("src/components/App.tsx", "app\n");
    repo.git(&["add", "-A"]);
    let report = repo.json(&["diff", "--staged", "--agent", "frontend"], 1);
    assert_eq!(
        verdicts(&report),
        vec![
            v("scopecheck.yml", "deny", "protected"),
            v("src/components/App.tsx", "ok", "owned")
        ]
    );
    assert_eq!(report["commits"][0]["files"][1]["hunks"][0]["new_lines"], 1);
}

#[test]
fn ranges_judge_each_commit_as_its_own_agent() {
    let repo = TestRepo::with_policy();
    let base = repo.head();
    repo.write("src/server/a.rs", "a\n");
    let c1 = repo.commit_as("backend-bot@example.com", "feat: server");
    repo.write("src/components/B.tsx", "b\n");
    let c2 = repo.commit_all("feat: ui\n\nAgent: frontend\n");
    repo.write("src/server/c.rs", "c\n");
    let c3 = repo.commit_all("fix: by a human");

    let report = repo.json(&["diff", &base], 0);
    let ids: Vec<&str> = report["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![c1.as_str(), c2.as_str(), c3.as_str()],
        "oldest first, full ids"
    );
    let agents: Vec<(&str, &str)> = report["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["agent"].as_str().unwrap_or("-"),
                c["agent_source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        agents,
        vec![("backend", "email"), ("frontend", "trailer"), ("-", "none")]
    );

    // A..B and REV are the same commits
    let between = repo.json(&["diff", &format!("{base}..HEAD")], 0);
    assert_eq!(between["commits"], report["commits"]);
    let two = repo.json(&["diff", &format!("{c1}..{c2}")], 0);
    assert_eq!(two["summary"]["commits"], 1);
    assert_eq!(two["commits"][0]["id"], c2);
}

#[test]
fn three_dots_start_at_the_merge_base() {
    let repo = TestRepo::with_policy();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/server/f.rs", "f\n");
    let feature = repo.commit_as("backend-bot@example.com", "feat: f");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("docs/main.md", "m\n");
    repo.commit_all("docs: on main");
    // A..B would include nothing from main; A...B starts at the merge base: only `feature`'s
    let report = repo.json(&["diff", "main...feature"], 0);
    assert_eq!(report["summary"]["commits"], 1);
    assert_eq!(report["commits"][0]["id"], feature);
    let report = repo.json(&["diff", "feature...main"], 0);
    assert_eq!(verdicts(&report), vec![v("docs/main.md", "ok", "no-agent")]);
}

#[test]
fn merges_are_skipped_unless_asked_and_root_checks_everything() {
    let repo = TestRepo::with_policy();
    let base = repo.head();
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("src/server/s.rs", "s\n");
    repo.commit_as("backend-bot@example.com", "feat: side");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("docs/d.md", "d\n");
    repo.commit_all("docs: d");
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "side"]);

    assert_eq!(repo.json(&["diff", &base], 0)["summary"]["commits"], 2);
    let with_merges = repo.json(&["diff", &base, "--merges"], 0);
    assert_eq!(with_merges["summary"]["commits"], 3);
    // the merge is judged against its first parent: it brings in s.rs
    let merge = &with_merges["commits"][2];
    assert_eq!(merge["files"][0]["path"], "src/server/s.rs");

    let root = repo.json(&["diff", "--root"], 0);
    assert_eq!(
        root["summary"]["commits"], 3,
        "policy commit, side, docs; merge skipped"
    );
    assert_eq!(root["commits"][0]["files"][0]["path"], "scopecheck.yml");
}

#[test]
fn policy_rev_reads_the_policy_from_a_commit() {
    let repo = TestRepo::with_policy();
    let base = repo.head();
    // a working-tree policy that would allow everything
    repo.write(
        "scopecheck.yml",
        "version: 1\nagents:\n  backend:\n    owns: ['*']\n",
    );
    repo.write("Dockerfile", "FROM x\n");
    assert_eq!(
        verdicts(&repo.json(&["diff", "--agent", "backend"], 0))[0],
        v("Dockerfile", "ok", "owned")
    );
    let report = repo.json(&["diff", "--agent", "backend", "--policy-rev", &base], 1);
    assert!(verdicts(&report).contains(&v("Dockerfile", "deny", "forbidden")));
}

#[test]
fn config_flag_and_discovery_order() {
    let repo = TestRepo::new();
    repo.write(
        ".github/scopecheck.yml",
        "version: 1\nagents:\n  gh:\n    owns: [a/]\n",
    );
    repo.write("a/x", "x\n");
    repo.commit_all("chore: policy");
    repo.write("a/x", "y\n");
    assert_eq!(repo.json(&["diff", "--agent", "gh"], 0)["summary"]["ok"], 1);
    repo.write(
        ".scopecheck.yml",
        "version: 1\nagents:\n  dot:\n    owns: [a/, '*.yml']\n",
    );
    let out = repo.run(&["diff", "--agent", "gh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        ".scopecheck.yml comes before .github/"
    );
    assert!(stderr(&out).contains("unknown agent `gh`"));
    repo.write(
        "custom.yml",
        "version: 1\nagents:\n  custom:\n    owns: [a/, '*.yml']\n",
    );
    assert_eq!(
        repo.json(&["--config", "custom.yml", "diff", "--agent", "custom"], 0)["summary"]["ok"],
        3,
        "global option before the subcommand"
    );
}

// ---- kinds of file change ---------------------------------------------------------------

#[test]
fn renames_are_judged_on_both_paths() {
    let repo = TestRepo::with_policy();
    repo.write(
        "src/components/Big.tsx",
        &"line of a component\n".repeat(20),
    );
    repo.commit_all("feat: ui");
    std::fs::create_dir_all(repo.path().join("src/server")).unwrap();
    repo.git(&["mv", "src/components/Big.tsx", "src/server/Big.tsx"]);
    let report = repo.json(&["diff", "--staged", "--agent", "backend"], 1);
    let file = &report["commits"][0]["files"][0];
    assert_eq!(file["status"], "renamed");
    assert_eq!(file["path"], "src/server/Big.tsx");
    assert_eq!(file["old_path"], "src/components/Big.tsx");
    assert_eq!(
        file["verdict"], "deny",
        "moving a file out of a forbidden dir is touching it"
    );
    assert_eq!(file["reason"], "forbidden");
    assert_eq!(file["decided_by"], "src/components/Big.tsx");
}

#[test]
fn copies_are_found_only_when_asked() {
    let repo = TestRepo::with_policy();
    repo.write(
        "src/server/orig.rs",
        &"a long enough line to be similar\n".repeat(20),
    );
    repo.commit_all("feat: orig");
    repo.write(
        "src/server/orig.rs",
        &"a long enough line to be similar\n".repeat(21),
    );
    repo.write(
        "src/server/copy.rs",
        &"a long enough line to be similar\n".repeat(20),
    );
    repo.commit_all("feat: copy");
    let plain = repo.json(&["diff", "HEAD~1", "--agent", "backend"], 0);
    let statuses: Vec<&str> = plain["commits"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["added", "modified"]);
    let copies = repo.json(
        &["diff", "HEAD~1", "--agent", "backend", "--find-copies"],
        0,
    );
    let copy = &copies["commits"][0]["files"][0];
    assert_eq!(copy["status"], "copied");
    assert_eq!(copy["old_path"], "src/server/orig.rs");
}

#[test]
fn added_deleted_binary_empty_mode_symlink_and_typechange() {
    let repo = TestRepo::with_policy();
    repo.write("src/server/gone.rs", "bye\n");
    repo.write("src/server/run.sh", "echo\n");
    repo.write("src/server/kind", "was a file\n");
    repo.commit_all("feat: start");
    repo.remove("src/server/gone.rs");
    repo.write_bytes(
        "src/server/logo.png",
        &[0x89, b'P', b'N', b'G', 0, 0, 1, 2, 0, 255],
    );
    repo.write("src/server/empty.txt", "");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        repo.path().join("src/server/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::os::unix::fs::symlink("gone.rs", repo.path().join("src/server/link")).unwrap();
    repo.remove("src/server/kind");
    std::os::unix::fs::symlink("run.sh", repo.path().join("src/server/kind")).unwrap();
    repo.git(&["add", "-A"]);
    let report = repo.json(&["diff", "--staged", "--agent", "backend"], 0);
    let files = report["commits"][0]["files"].as_array().unwrap();
    let by_path = |p: &str| {
        files
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("{p} in {files:?}"))
    };
    assert_eq!(by_path("src/server/gone.rs")["status"], "deleted");
    assert_eq!(by_path("src/server/gone.rs")["hunks"][0]["old_lines"], 1);
    assert_eq!(by_path("src/server/logo.png")["binary"], true);
    assert_eq!(
        by_path("src/server/logo.png")["hunks"],
        serde_json::json!([])
    );
    assert_eq!(by_path("src/server/empty.txt")["status"], "added");
    assert_eq!(
        by_path("src/server/empty.txt")["hunks"],
        serde_json::json!([])
    );
    let mode = by_path("src/server/run.sh");
    assert_eq!(
        (
            mode["status"].as_str(),
            mode["hunks"].as_array().unwrap().len()
        ),
        (Some("modified"), 0)
    );
    assert_eq!(by_path("src/server/link")["status"], "added");
    assert_eq!(by_path("src/server/kind")["status"], "typechange");
    assert!(files.iter().all(|f| f["verdict"] == "ok"));
}

#[test]
fn a_symlink_is_judged_by_its_own_path_not_its_target() {
    let repo = TestRepo::with_policy();
    std::fs::create_dir_all(repo.path().join("src/server")).unwrap();
    std::os::unix::fs::symlink(
        "../components/Secret.tsx",
        repo.path().join("src/server/alias.tsx"),
    )
    .unwrap();
    let report = repo.json(&["diff", "--agent", "backend"], 0);
    assert_eq!(
        verdicts(&report),
        vec![v("src/server/alias.tsx", "ok", "owned")]
    );
}

#[test]
fn submodule_changes_are_judged_by_their_path() {
    let sub = TestRepo::new();
    sub.write("lib.rs", "x\n");
    sub.commit_all("feat: lib");
    let repo = TestRepo::with_policy();
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub.path().to_str().unwrap(),
        "src/components/vendored",
    ]);
    let report = repo.json(&["diff", "--staged", "--agent", "backend"], 1);
    let got = verdicts(&report);
    assert!(
        got.contains(&v("src/components/vendored", "deny", "forbidden")),
        "{got:?}"
    );
    assert!(
        got.contains(&v(".gitmodules", "deny", "outside-scope")),
        "{got:?}"
    );
}

#[test]
fn paths_with_spaces_unicode_and_newlines_are_kept_exactly() {
    let repo = TestRepo::with_policy();
    repo.write("src/server/with space.rs", "a\n");
    repo.write("src/server/naïve-日本.rs", "b\n");
    repo.write("src/components/new\nline.tsx", "c\n");
    let report = repo.json(&["diff", "--agent", "backend"], 1);
    let got = verdicts(&report);
    assert!(
        got.contains(&v("src/server/with space.rs", "ok", "owned")),
        "{got:?}"
    );
    assert!(
        got.contains(&v("src/server/naïve-日本.rs", "ok", "owned")),
        "{got:?}"
    );
    assert!(
        got.contains(&v("src/components/new\nline.tsx", "deny", "forbidden")),
        "{got:?}"
    );
    // the human report quotes the path with the newline rather than breaking the line
    let out = repo.run(&["diff", "--agent", "backend", "--color", "never"]);
    assert!(
        stdout(&out).contains("\"src/components/new\\nline.tsx\""),
        "{}",
        stdout(&out)
    );
}

// ---- who is committing --------------------------------------------------------------------

#[test]
fn agent_resolution_order_flag_env_trailer_email_branch() {
    let repo = TestRepo::with_policy();
    repo.git(&["checkout", "-q", "-b", "agents/backend/task-1"]);
    repo.write("docs/x.md", "x\n");
    repo.git(&["add", "-A"]);
    repo.git(&[
        "-c",
        "user.email=backend-bot@example.com",
        "commit",
        "-q",
        "-m",
        "docs: x\n\nAgent: frontend",
    ]);
    let source = |extra: &[&str], env: Option<&str>| {
        let mut cmd = repo.scopecheck();
        cmd.args(["diff", "HEAD~1", "--format", "json"]).args(extra);
        if let Some(agent) = env {
            cmd.env("SCOPECHECK_AGENT", agent);
        }
        let report: serde_json::Value =
            serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
        (
            report["commits"][0]["agent"]
                .as_str()
                .unwrap_or("-")
                .to_string(),
            report["commits"][0]["agent_source"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        source(&["--agent", "docs"], Some("backend")),
        s("docs", "flag")
    );
    assert_eq!(source(&[], Some("backend")), s("backend", "env"));
    assert_eq!(source(&[], None), s("frontend", "trailer"));

    repo.git(&["commit", "-q", "--amend", "-m", "docs: x"]);
    assert_eq!(source(&[], None), s("backend", "email"));
    repo.git(&[
        "-c",
        "user.email=someone@example.com",
        "commit",
        "-q",
        "--amend",
        "--reset-author",
        "-m",
        "docs: x",
    ]);
    assert_eq!(source(&[], None), s("backend", "branch"));
    repo.git(&["checkout", "-q", "-b", "feature/other"]);
    assert_eq!(source(&[], None), s("-", "none"));
}

#[test]
fn staged_changes_resolve_by_user_email_then_branch() {
    let repo = TestRepo::with_policy();
    repo.write("src/server/a.rs", "a\n");
    repo.git(&["add", "-A"]);
    repo.git(&["config", "user.email", "backend-bot@example.com"]);
    let report = repo.json(&["diff", "--staged"], 0);
    assert_eq!(report["commits"][0]["agent_source"], "email");
    repo.git(&["config", "user.email", "human@example.com"]);
    repo.git(&["checkout", "-q", "-b", "agents/backend/x"]);
    let report = repo.json(&["diff", "--staged"], 0);
    assert_eq!(report["commits"][0]["agent_source"], "branch");
}

#[test]
fn unknown_agent_names_are_errors_that_name_them() {
    let repo = TestRepo::with_policy();
    repo.write("src/server/a.rs", "a\n");
    let out = repo.run(&["diff", "--agent", "ghost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown agent `ghost`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("`backend`, `frontend`, `docs`"),
        "{}",
        stderr(&out)
    );

    let out = repo
        .scopecheck()
        .args(["diff"])
        .env("SCOPECHECK_AGENT", "phantom")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown agent `phantom` (from SCOPECHECK_AGENT"),
        "{}",
        stderr(&out)
    );

    repo.commit_all("feat: x\n\nAgent: spectre");
    let out = repo.run(&["diff", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown agent `spectre` (from the `Agent:` trailer, for commit"),
        "{}",
        stderr(&out)
    );
}

// ---- errors -------------------------------------------------------------------------------

fn policy_error(policy: &str) -> String {
    let repo = TestRepo::new();
    repo.write("scopecheck.yml", policy);
    repo.write("x", "x\n");
    let out = repo.run(&["diff", "--color", "never"]);
    assert_eq!(out.status.code(), Some(2), "stdout: {}", stdout(&out));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn each_policy_error_names_file_line_and_column() {
    let cases: &[(&str, &str)] = &[
        ("version: 1\nagents:\n  a:\n    own: [x/]\n", "scopecheck.yml:4:5: unknown field `own`"),
        ("version: 1\nagents:\n  a:\n    owns: x/\n", "scopecheck.yml:4:11:"),
        ("version: 1\nagents:\n  a:\n    owns: ['src/[oops']\n", "scopecheck.yml:4:12: invalid pattern `src/[oops`"),
        ("version: 99\nagents: {}\n", "scopecheck.yml:1:10: unsupported policy version 99"),
        ("agents: {}\n", "scopecheck.yml:1: the policy has no `version`"),
        ("version: 1\nagents:\n  a:\n    emails: [a@b.c]\n", "scopecheck.yml:3:3: agent `a` has no rules"),
        ("version: 1\nagents:\n  a:\n    from: .claude/agents/a.md\n", "scopecheck.yml:4:11: agent `a`: the `from:` file `.claude/agents/a.md` does not exist"),
        ("version: 1\nagents:\n  a:\n    owns: [x/]\n    outside: maybe\n", "scopecheck.yml:5:14: unknown variant `maybe`"),
        ("version: 1\nagents:\n  a:\n    owns: [x/]\n  a:\n    owns: [y/]\n", "scopecheck.yml:5:3: duplicate mapping key"),
        ("version: 1\nhumans: nobody\nagents: {}\n", "scopecheck.yml:2:9:"),
        ("version: 1\nagents:\n  a:\n    owns: [x/\n", "scopecheck.yml:4:11:"),
        ("version: 1\nagents:\n  a:\n    owns: ['#x']\n", "scopecheck.yml:4:12: invalid pattern `#x`"),
        ("version: 1\nagents:\n  a:\n    owns: [x/]\n    branches: ['a/[b']\n", "scopecheck.yml:5:16: invalid branch pattern"),
        ("version: 1\nagents: {}\ncommit_style:\n  rules:\n    header-max-length: [3, always, 10]\n", "scopecheck.yml:5:24: rule `header-max-length`: the level must be"),
    ];
    for (policy, expected) in cases {
        let err = policy_error(policy);
        assert!(
            err.contains(expected),
            "for policy:\n{policy}\nexpected `{expected}` in:\n{err}"
        );
        assert!(err.starts_with("error: "), "{err}");
    }
}

#[test]
fn the_error_shows_the_offending_line_and_help() {
    let err = policy_error("version: 1\nagents:\n  a:\n    forbid: [x/]\n");
    assert!(err.contains("4 |     forbid: [x/]"), "{err}");
    assert!(err.contains("^^^^^^"), "{err}");
    assert!(err.contains("did you mean `forbids`?"), "{err}");
}

#[test]
fn no_policy_names_init_and_bad_revisions_are_named() {
    let repo = TestRepo::new();
    repo.write("x", "x\n");
    let out = repo.run(&["diff"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("scopecheck init"), "{}", stderr(&out));
    assert!(stderr(&out).contains("scopecheck.yml, .scopecheck.yml, .github/scopecheck.yml"));

    let repo = TestRepo::with_policy();
    let out = repo.run(&["diff", "nosuchrev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown revision `nosuchrev`"),
        "{}",
        stderr(&out)
    );

    let outside = tempfile::tempdir().unwrap();
    let out = repo
        .scopecheck()
        .current_dir(outside.path())
        .args(["diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not inside a git repository"),
        "{}",
        stderr(&out)
    );
}

// ---- a rejected run changes nothing ---------------------------------------------------------

#[test]
fn a_rejected_run_leaves_index_and_work_tree_as_they_were() {
    let repo = TestRepo::with_policy();
    repo.write("src/components/Form.tsx", "f\n");
    repo.commit_all("feat: form");
    repo.write("src/components/Form.tsx", "changed\n");
    repo.git(&["add", "src/components/Form.tsx"]);
    repo.write("src/components/Form.tsx", "changed again, unstaged\n");
    repo.write("Dockerfile", "FROM y\n");
    let before = repo.snapshot();
    for args in [
        &["diff", "--agent", "backend"][..],
        &["diff", "--staged", "--agent", "backend"],
        &["diff", "HEAD~1", "--agent", "backend"],
    ] {
        let out = repo.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(repo.snapshot(), before, "{args:?} changed the repository");
    }
}

// ---- output -----------------------------------------------------------------------------------

#[test]
fn human_output_is_readable_and_coloured_only_when_asked() {
    let repo = TestRepo::with_policy();
    repo.write("src/server/a.rs", "a\nb\n");
    repo.write("src/components/B.tsx", "b\n");
    repo.write("src/types/t.ts", "t\n");
    let out = repo.run(&["diff", "--agent", "backend"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}'),
        "not a terminal: no colour\n{text}"
    );
    assert!(text.contains("WORKTREE by backend (flag)"), "{text}");
    assert!(text.contains("deny src/components/B.tsx  forbidden to backend by `src/components/` (scopecheck.yml:5:15); owned by frontend"), "{text}");
    assert!(text.contains("ok   src/server/a.rs       owned by backend through `src/server/` (scopecheck.yml:4:12)"), "{text}");
    assert!(text.contains("@@ -0,0 +1,2 @@"), "{text}");
    assert!(text.contains("@@ -0,0 +1 @@"), "{text}");
    assert!(
        text.contains("failed: 1 change, 3 files: 1 ok, 1 warn, 1 deny"),
        "{text}"
    );

    let coloured = stdout(&repo.run(&["diff", "--agent", "backend", "--color", "always"]));
    assert!(coloured.contains("\u{1b}["), "--color always colours");
    let no_color = repo
        .scopecheck()
        .args(["diff", "--agent", "backend", "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        stdout(&no_color).contains("\u{1b}["),
        "--color always beats NO_COLOR"
    );
    let forced = repo
        .scopecheck()
        .args(["diff", "--agent", "backend"])
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        !stdout(&forced).contains("\u{1b}["),
        "NO_COLOR wins under auto"
    );
}

#[test]
fn completions_and_help() {
    let repo = TestRepo::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = repo.run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("scopecheck"));
    }
    let out = repo.run(&["diff", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("--staged"));
    let out = repo.run(&["diff", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn github_sarif_and_markdown_formats() {
    let repo = TestRepo::with_policy();
    repo.write("src/components/B.tsx", "b\n");
    repo.write("src/types/t.ts", "t\n");
    repo.write("src/server/ok.rs", "ok\n");
    repo.commit_as("backend-bot@example.com", "feat: mixed");
    let out = repo.run(&["diff", "HEAD~1", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(
            "::error file=src/components/B.tsx,line=1,title=scopecheck%3A deny (forbidden)::"
        ),
        "{text}"
    );
    assert!(
        lines[1].starts_with("::warning file=src/types/t.ts,line=1,"),
        "{text}"
    );

    let out = repo.run(&["diff", "HEAD~1", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "ok files are not results");
    assert_eq!(results[0]["ruleId"], "scopecheck/forbidden");
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/components/B.tsx"
    );

    let md = stdout(&repo.run(&["diff", "HEAD~1", "--format", "markdown"]));
    assert!(
        md.starts_with(
            "❌ **1 file outside its agent's scope** — 1 commit, 3 files: 1 ok, 1 warn, 1 deny"
        ),
        "{md}"
    );
    assert!(md.contains("| deny | `src/components/B.tsx` |"), "{md}");
}

#[test]
fn the_demo_script_prints_the_report_the_readme_shows() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo.sh"))
        .arg(dir.path().join("demo"))
        .arg("--color")
        .arg("never")
        .env("SCOPECHECK", assert_cmd::cargo::cargo_bin("scopecheck"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    // every line but the commit id (which depends on the clock) is in the README as printed
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        assert!(readme.contains(line), "README.md does not show `{line}`");
    }
    assert!(
        text.contains("deny src/components/Button.tsx")
            && text.contains("warn src/types/user.ts")
            && text.contains("ok   src/server/users.ts"),
        "{text}"
    );
}
