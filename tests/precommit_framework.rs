//! The pre-commit framework (https://pre-commit.com) running this repository's
//! `.pre-commit-hooks.yaml` with `pre-commit try-repo`: it builds scopecheck with
//! `cargo install` (language: rust) and must reject a forbidden staged change.
//! `.ci/run` installs pre-commit from PyPI; where it is missing the test says so and skips.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{stderr, stdout, TestRepo};

fn pre_commit() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("pre-commit"))
        .find(|p| p.is_file())
}

fn try_repo(pre_commit: &Path, repo: &TestRepo, hook: &str, agent: &str) -> std::process::Output {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new(pre_commit)
        .args(["try-repo", project.to_str().unwrap(), hook, "--verbose"])
        .current_dir(repo.path())
        .env("SCOPECHECK_AGENT", agent)
        // keep cargo's build between runs: `cargo install` then only relinks
        .env("CARGO_TARGET_DIR", project.join("target/pre-commit-build"))
        .env("PRE_COMMIT_HOME", project.join("target/pre-commit-home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("pre-commit runs")
}

#[test]
fn the_pre_commit_framework_rejects_a_forbidden_change() {
    let Some(pre_commit) = pre_commit() else {
        eprintln!("SKIPPED: `pre-commit` is not on PATH (.ci/run installs it from PyPI)");
        return;
    };
    let repo = TestRepo::with_policy();
    repo.write("src/components/Modal.tsx", "export {}\n");
    repo.git(&["add", "-A"]);
    let out = try_repo(&pre_commit, &repo, "scopecheck", "backend");
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !out.status.success(),
        "the forbidden change must fail:\n{text}"
    );
    assert!(
        text.contains("forbidden to backend by `src/components/`"),
        "{text}"
    );
    assert!(
        text.contains("scopecheck (agent scopes)"),
        "the hook's name from .pre-commit-hooks.yaml: {text}"
    );

    let out = try_repo(&pre_commit, &repo, "scopecheck", "frontend");
    assert!(
        out.status.success(),
        "an owned change passes:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
}
