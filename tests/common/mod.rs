//! A real git repository in a temporary directory, driven with the git CLI, and the real
//! scopecheck binary run inside it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;

pub struct TestRepo {
    pub dir: tempfile::TempDir,
}

/// A policy used by most tests; line numbers matter to the assertions that name them.
pub const POLICY: &str = "\
version: 1
agents:
  backend:
    owns: [src/server/, migrations/]
    forbids: [src/components/, Dockerfile]
    shared: [src/types/]
    emails: [backend-bot@example.com]
    branches: [\"agents/backend/**\"]
  frontend:
    owns: [src/components/, \"*.css\"]
    outside: warn
  docs:
    owns: [docs/]
    outside: allow
protected: [scopecheck.yml, .github/workflows/]
";

impl TestRepo {
    /// An empty repository on branch `main` with a committer identity of a human.
    pub fn new() -> TestRepo {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "human@example.com"]);
        repo.git(&["config", "user.name", "Human"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.git(&["config", "core.autocrlf", "false"]);
        repo
    }

    /// A repository whose first commit holds [`POLICY`].
    pub fn with_policy() -> TestRepo {
        let repo = TestRepo::new();
        repo.write("scopecheck.yml", POLICY);
        repo.commit_all("chore: add policy");
        repo
    }

    /// A repository whose first commit holds `policy` as scopecheck.yml.
    pub fn with_policy_text(policy: &str) -> TestRepo {
        let repo = TestRepo::new();
        repo.write("scopecheck.yml", policy);
        repo.commit_all("chore: add policy");
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: &str) {
        self.write_bytes(rel, content.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, content: &[u8]) {
        let full = self.path().join(rel);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(full, content).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    /// Runs git and returns stdout; panics with git's stderr when it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            // fixed dates: the same commits get the same ids on every run (snapshots)
            .env("GIT_AUTHOR_DATE", "2026-11-21T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-21T10:00:00Z")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs git with extra environment and returns its output, whatever its exit code.
    pub fn git_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .env_remove("SCOPECHECK_AGENT")
            .envs(env.iter().copied())
            .output()
            .expect("git runs")
    }

    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&[
            "commit",
            "-q",
            "--no-verify",
            "--allow-empty",
            "-m",
            message,
        ]);
        self.head()
    }

    /// Commits everything as the given author email.
    pub fn commit_as(&self, email: &str, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&[
            "-c",
            &format!("user.email={email}"),
            "commit",
            "-q",
            "--no-verify",
            "-m",
            message,
        ]);
        self.head()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// The scopecheck binary, in this repository, with a clean environment for what it reads.
    pub fn scopecheck(&self) -> Command {
        let mut cmd = Command::cargo_bin("scopecheck").expect("binary built");
        cmd.current_dir(self.path())
            .env_remove("SCOPECHECK_AGENT")
            .env_remove("GIT_AUTHOR_EMAIL")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.scopecheck()
            .args(args)
            .output()
            .expect("scopecheck runs")
    }

    /// Runs `scopecheck ARGS --format json`, checks the exit code, and returns the report.
    pub fn json(&self, args: &[&str], expected_code: i32) -> serde_json::Value {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.run(&all);
        assert_eq!(
            out.status.code(),
            Some(expected_code),
            "scopecheck {all:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }

    /// The state `git` shows: status, and the index down to blob ids and modes.
    pub fn snapshot(&self) -> (String, String) {
        (
            self.git(&["status", "--porcelain=v1", "-uall", "--ignored"]),
            self.git(&["ls-files", "--stage"]),
        )
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `[(path, verdict, reason)]` of every file in every commit of a JSON report.
pub fn verdicts(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["commits"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["files"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["verdict"].as_str().unwrap().to_string(),
                f["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn v(path: &str, verdict: &str, reason: &str) -> (String, String, String) {
    (path.to_string(), verdict.to_string(), reason.to_string())
}

pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.is_dir().then_some(dir)
}
