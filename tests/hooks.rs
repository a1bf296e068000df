//! The hooks through real `git commit` and `git push` (to a local bare repository): what is
//! refused, what goes through, and that install and uninstall respect hooks already there.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{stderr, stdout, TestRepo};

fn installed() -> TestRepo {
    let repo = TestRepo::with_policy();
    let out = repo.run(&["install"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    repo
}

const AS_BACKEND: &[(&str, &str)] = &[("SCOPECHECK_AGENT", "backend")];

#[test]
fn a_forbidden_file_is_refused_and_nothing_moves() {
    let repo = installed();
    let head = repo.head();
    repo.write("src/components/Button.tsx", "export {}\n");
    repo.write("src/server/api.rs", "fn api() {}\n");
    repo.git(&["add", "-A"]);
    let before = repo.snapshot();
    let out = repo.git_env(&["commit", "-m", "feat(api): add things"], AS_BACKEND);
    assert!(!out.status.success(), "the commit must be refused");
    let err = stderr(&out);
    assert!(
        err.contains("this commit reaches outside its agent's scope"),
        "{err}"
    );
    assert!(err.contains("deny src/components/Button.tsx  forbidden to backend by `src/components/` (scopecheck.yml:5:15); owned by frontend"), "{err}");
    assert!(
        !err.contains("src/server/api.rs"),
        "ok files are not listed: {err}"
    );
    assert!(
        err.contains("git restore --staged -- src/components/Button.tsx"),
        "{err}"
    );
    assert!(err.contains("ask their owner (frontend)"), "{err}");
    assert!(err.contains("--no-verify` is no way out"), "{err}");
    assert_eq!(repo.head(), head, "HEAD did not move");
    assert_eq!(repo.snapshot(), before, "index and work tree untouched");
}

#[test]
fn an_owned_file_commits() {
    let repo = installed();
    repo.write("src/server/api.rs", "fn api() {}\n");
    repo.write("src/types/shared.ts", "type T = 1\n");
    repo.git(&["add", "-A"]);
    let out = repo.git_env(&["commit", "-m", "feat(api): add the endpoint"], AS_BACKEND);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: shared paths"),
        "a warning is shown but does not stop: {}",
        stderr(&out)
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]).trim(),
        "feat(api): add the endpoint"
    );
}

#[test]
fn a_bad_message_is_refused() {
    let repo = installed();
    let head = repo.head();
    repo.write("src/server/api.rs", "fn api() {}\n");
    repo.git(&["add", "-A"]);
    let out = repo.git_env(&["commit", "-m", "Added the endpoint."], AS_BACKEND);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("the commit message does not follow the commit style"),
        "{err}"
    );
    assert!(err.contains("type-empty"), "{err}");
    assert_eq!(repo.head(), head);
}

#[test]
fn the_trailer_alone_identifies_the_agent_at_commit_msg() {
    let repo = installed();
    let head = repo.head();
    repo.write("Dockerfile", "FROM scratch\n");
    repo.git(&["add", "-A"]);
    // no SCOPECHECK_AGENT, a human's email: pre-commit defers to commit-msg
    let out = repo.git_env(&["commit", "-m", "build: container\n\nAgent: backend"], &[]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("forbidden to backend by `Dockerfile`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.head(), head);
    // without a trailer it is a human's commit, and humans are allowed
    let out = repo.git_env(&["commit", "-m", "build: container"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn with_remote(repo: &TestRepo) -> tempfile::TempDir {
    let bare = tempfile::tempdir().unwrap();
    let ok = std::process::Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(bare.path())
        .status()
        .unwrap();
    assert!(ok.success());
    repo.git(&["remote", "add", "origin", bare.path().to_str().unwrap()]);
    let out = repo.git_env(&["push", "-q", "origin", "main"], &[]);
    assert!(out.status.success(), "first push: {}", stderr(&out));
    bare
}

#[test]
fn a_no_verify_commit_is_refused_at_push_and_a_clean_push_goes_through() {
    let repo = installed();
    let bare = with_remote(&repo);
    let remote_head = || {
        String::from_utf8(
            std::process::Command::new("git")
                .args(["rev-parse", "main"])
                .current_dir(bare.path())
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
    };
    let before = remote_head();

    repo.write("src/components/Sneaky.tsx", "x\n");
    repo.git(&["add", "-A"]);
    let out = repo.git_env(
        &[
            "commit",
            "--no-verify",
            "-m",
            "feat: sneak\n\nAgent: backend",
        ],
        &[],
    );
    assert!(out.status.success(), "--no-verify skips the local hooks");
    let out = repo.git_env(&["push", "origin", "main"], &[]);
    assert!(!out.status.success(), "the push must be refused");
    let err = stderr(&out);
    assert!(
        err.contains("this push holds commits that reach outside their agent's scope"),
        "{err}"
    );
    assert!(err.contains("src/components/Sneaky.tsx"), "{err}");
    assert!(err.contains("git rebase -i"), "{err}");
    assert_eq!(remote_head(), before, "nothing reached the remote");

    // mend it and push again
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.write("src/server/fine.rs", "x\n");
    repo.git(&["add", "-A"]);
    let out = repo.git_env(&["commit", "-m", "feat(api): fine"], AS_BACKEND);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = repo.git_env(&["push", "origin", "main"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(remote_head(), before);

    // a new branch: only the commits no remote ref has are judged
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("Dockerfile", "FROM x\n");
    repo.git(&["add", "-A"]);
    repo.git_env(
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "build: x\n\nAgent: backend",
        ],
        &[],
    );
    let out = repo.git_env(&["push", "origin", "feature"], &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Dockerfile"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("fine.rs"),
        "already pushed commits are not judged again"
    );
    // deleting a remote branch judges nothing, even one whose commits would be refused
    repo.git_env(&["push", "-q", "--no-verify", "origin", "feature"], &[]);
    let out = repo.git_env(&["push", "origin", "--delete", "feature"], &[]);
    assert!(
        out.status.success(),
        "the deletion goes through: {}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("scopecheck:"), "{}", stderr(&out));
}

#[test]
fn an_existing_hook_is_chained_and_restored_byte_for_byte() {
    let repo = TestRepo::with_policy();
    let hook = repo.path().join(".git/hooks/pre-commit");
    let original = "#!/bin/sh\necho 'the team hook ran' >&2\n";
    std::fs::write(&hook, original).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).unwrap();

    let out = repo.run(&["install"]);
    assert!(
        stdout(&out).contains("the hook that was there is kept as"),
        "{}",
        stdout(&out)
    );
    repo.write("src/server/a.rs", "a\n");
    repo.git(&["add", "-A"]);
    let out = repo.git_env(&["commit", "-m", "feat(api): a"], AS_BACKEND);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the team hook ran"),
        "the old hook still runs"
    );

    // a failing old hook still stops the commit
    std::fs::write(
        repo.path().join(".git/hooks/pre-commit.scopecheck-chained"),
        "#!/bin/sh\nexit 3\n",
    )
    .unwrap();
    repo.write("src/server/b.rs", "b\n");
    repo.git(&["add", "-A"]);
    assert!(!repo
        .git_env(&["commit", "-m", "feat(api): b"], AS_BACKEND)
        .status
        .success());
    std::fs::write(
        repo.path().join(".git/hooks/pre-commit.scopecheck-chained"),
        original,
    )
    .unwrap();

    let out = repo.run(&["uninstall"]);
    assert!(stdout(&out).contains("put back"), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), original);
    assert_eq!(
        std::fs::metadata(&hook).unwrap().permissions().mode() & 0o777,
        0o750
    );
    assert!(!repo.path().join(".git/hooks/commit-msg").exists());
    assert!(!repo
        .path()
        .join(".git/hooks/pre-commit.scopecheck-chained")
        .exists());
}

#[test]
fn install_refuses_and_changes_nothing_when_it_cannot_chain() {
    let repo = TestRepo::with_policy();
    let hooks = repo.path().join(".git/hooks");
    std::fs::write(hooks.join("pre-push"), "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::write(
        hooks.join("pre-push.scopecheck-chained"),
        "#!/bin/sh\nexit 0\n",
    )
    .unwrap();
    let list = || {
        let mut names: Vec<String> = std::fs::read_dir(&hooks)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = list();
    let out = repo.run(&["install"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nothing was installed"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        list(),
        before,
        "not even the hooks that could be installed were written"
    );
    let out = repo.run(&["install", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn core_hooks_path_is_honoured_and_created() {
    let repo = TestRepo::with_policy();
    repo.git(&["config", "core.hooksPath", "ci/githooks"]);
    let out = repo.run(&["install", "--hooks", "pre-commit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(repo.path().join("ci/githooks/pre-commit").exists());
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
    repo.write("Dockerfile", "x\n");
    repo.git(&["add", "Dockerfile"]);
    assert!(!repo
        .git_env(&["commit", "-m", "build: x"], AS_BACKEND)
        .status
        .success());
}

#[test]
fn a_linked_worktree_uses_the_installed_hooks() {
    let repo = installed();
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "wt-branch",
        wt_path.to_str().unwrap(),
    ]);
    std::fs::create_dir_all(wt_path.join("src/components")).unwrap();
    std::fs::write(wt_path.join("src/components/X.tsx"), "x\n").unwrap();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&wt_path)
            .env("HOME", repo.path())
            .env("SCOPECHECK_AGENT", "backend")
            .output()
            .unwrap()
    };
    assert!(git(&["add", "-A"]).status.success());
    let out = git(&["commit", "-m", "feat: x"]);
    assert!(!out.status.success(), "refused in the worktree too");
    assert!(
        stderr(&out).contains("src/components/X.tsx"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_shipped_shims_work_through_core_hooks_path() {
    let repo = TestRepo::with_policy();
    let shims = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks");
    repo.git(&["config", "core.hooksPath", shims.to_str().unwrap()]);
    let binary = assert_cmd::cargo::cargo_bin("scopecheck");
    repo.write("Dockerfile", "x\n");
    repo.git(&["add", "-A"]);
    let out = repo.git_env(
        &["commit", "-m", "build: x"],
        &[
            ("SCOPECHECK_AGENT", "backend"),
            ("SCOPECHECK", binary.to_str().unwrap()),
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("forbidden to backend"),
        "{}",
        stderr(&out)
    );
}
