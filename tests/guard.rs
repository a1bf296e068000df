//! `scopecheck guard` fed PreToolUse events (fixtures/guard/, one per tool kind) inside a real
//! repository: exit code, stdout JSON and stderr for every kind of path and every way of
//! naming the agent; and the Claude Code and opencode installs.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::{stderr, stdout, TestRepo};

fn fixture(name: &str, root: &Path) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/guard")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .replace("{{ROOT}}", root.to_str().unwrap())
}

fn guard(repo: &TestRepo, event: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut child = repo
        .scopecheck()
        .arg("guard")
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(event.as_bytes());
    child.wait_with_output().unwrap()
}

fn decision(out: &Output) -> (String, String) {
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("JSON: {}", stdout(out)));
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["hookEventName"], "PreToolUse");
    (
        h["permissionDecision"].as_str().unwrap().to_string(),
        h["permissionDecisionReason"].as_str().unwrap().to_string(),
    )
}

const BACKEND: &[(&str, &str)] = &[("SCOPECHECK_AGENT", "backend")];

#[test]
fn owned_paths_pass_silently() {
    let repo = TestRepo::with_policy();
    for style in ["exit-code", "json"] {
        let out = guard(
            &repo,
            &fixture("edit.json", repo.path()),
            &["--output", style],
            BACKEND,
        );
        assert_eq!(out.status.code(), Some(0));
        assert!(
            out.stdout.is_empty() && out.stderr.is_empty(),
            "allow is silent: {}{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
fn forbidden_paths_are_blocked_with_a_message_for_the_model() {
    let repo = TestRepo::with_policy();
    let out = guard(&repo, &fixture("write.json", repo.path()), &[], BACKEND);
    assert_eq!(out.status.code(), Some(2), "exit 2 blocks the call");
    let msg = stderr(&out);
    assert!(msg.contains("backend may not change src/components/Button.tsx: it is forbidden to backend by `src/components/` (scopecheck.yml:5:15), and it belongs to frontend."), "{msg}");
    assert!(
        msg.contains("hand it to frontend"),
        "what to do instead: {msg}"
    );
    let out = guard(
        &repo,
        &fixture("write.json", repo.path()),
        &["--output", "json"],
        BACKEND,
    );
    assert_eq!(out.status.code(), Some(0));
    let (d, reason) = decision(&out);
    assert_eq!(d, "deny");
    assert!(reason.contains("src/components/Button.tsx"));
}

#[test]
fn shared_paths_ask() {
    let repo = TestRepo::with_policy();
    let (d, reason) = decision(&guard(
        &repo,
        &fixture("multiedit.json", repo.path()),
        &["--output", "json"],
        BACKEND,
    ));
    assert_eq!(d, "ask");
    assert!(
        reason.contains("src/types/user.ts is shared by `src/types/` (scopecheck.yml:6:14)"),
        "{reason}"
    );
    let out = guard(&repo, &fixture("multiedit.json", repo.path()), &[], BACKEND);
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit codes cannot ask: the call goes on, with the note"
    );
    assert!(stdout(&out).contains("is shared"));
}

#[test]
fn protected_outside_repo_relative_dotdot_and_symlinked_paths() {
    let repo = TestRepo::with_policy();
    let (d, reason) = decision(&guard(
        &repo,
        &fixture("notebookedit.json", repo.path()),
        &["--output", "json"],
        BACKEND,
    ));
    assert_eq!(
        (d.as_str(), reason.contains("scopecheck.yml is protected")),
        ("deny", true),
        "{reason}"
    );

    let outside = fixture("edit.json", repo.path()).replace(
        &format!("{}/src/server/api.rs", repo.path().display()),
        "/tmp/elsewhere.txt",
    );
    let (d, reason) = decision(&guard(&repo, &outside, &["--output", "json"], BACKEND));
    assert_eq!(d, "ask");
    assert!(reason.contains("outside the repository"), "{reason}");

    // relative to the event's cwd, through `..`
    let (d, reason) = decision(&guard(
        &repo,
        &fixture("subagent.json", repo.path()),
        &["--output", "json"],
        BACKEND,
    ));
    assert_eq!(d, "deny");
    assert!(reason.contains("src/components/Modal.tsx"), "{reason}");

    // through a symlink into a forbidden directory
    std::fs::create_dir_all(repo.path().join("src/server")).unwrap();
    std::fs::create_dir_all(repo.path().join("src/components")).unwrap();
    std::os::unix::fs::symlink("../components", repo.path().join("src/server/ui")).unwrap();
    let linked =
        fixture("edit.json", repo.path()).replace("src/server/api.rs", "src/server/ui/Card.tsx");
    let (d, reason) = decision(&guard(&repo, &linked, &["--output", "json"], BACKEND));
    assert_eq!(
        d, "deny",
        "the symlink resolves into src/components/: {reason}"
    );
    assert!(reason.contains("src/components/Card.tsx"), "{reason}");

    // several files in one call: the worst answer stands
    let (d, _) = decision(&guard(
        &repo,
        &fixture("multi-file.json", repo.path()),
        &["--output", "json"],
        BACKEND,
    ));
    assert_eq!(d, "deny");
}

#[test]
fn the_agent_comes_from_the_flag_the_environment_or_the_event() {
    let repo = TestRepo::with_policy();
    let event = fixture("write.json", repo.path());
    // --agent beats SCOPECHECK_AGENT
    let out = guard(&repo, &event, &["--agent", "frontend"], BACKEND);
    assert_eq!(
        out.status.code(),
        Some(0),
        "frontend owns components: {}",
        stderr(&out)
    );
    assert_eq!(guard(&repo, &event, &[], BACKEND).status.code(), Some(2));
    // the event's agent_type, matched by name ignoring case
    let out = guard(&repo, &fixture("subagent.json", repo.path()), &[], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("backend may not change"));
    // nobody named: a human, and humans are allowed
    assert_eq!(guard(&repo, &event, &[], &[]).status.code(), Some(0));
}

#[test]
fn other_tools_pass_and_bad_input_never_blocks() {
    let repo = TestRepo::with_policy();
    for f in ["bash.json", "unknown-tool.json"] {
        let out = guard(&repo, &fixture(f, repo.path()), &[], BACKEND);
        assert_eq!(out.status.code(), Some(0), "{f}");
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{f}");
    }
    for (input, expected) in [
        ("not json", "standard input is not a PreToolUse event"),
        ("{\"tool_input\": {}}", "the event has no `tool_name`"),
        (
            "{\"tool_name\": \"Write\", \"tool_input\": {}}",
            "the `Write` call names no file",
        ),
    ] {
        let out = guard(&repo, input, &[], BACKEND);
        assert_eq!(out.status.code(), Some(1), "exit 1: shown, not a block");
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        assert!(stderr(&out).contains("(the tool call was not blocked)"));
    }
    let out = guard(
        &repo,
        &fixture("write.json", repo.path()),
        &["--agent", "ghost"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unknown agent `ghost`"));
}

#[test]
fn install_claude_round_trips_the_settings_file_byte_for_byte() {
    let repo = TestRepo::with_policy();
    let original = "{\n    \"permissions\": {\"deny\": [\"Read(./.env)\"]},\n    \"hooks\": {\"PostToolUse\": [{\"matcher\": \"Write\", \"hooks\": [{\"type\": \"command\", \"command\": \"prettier --write\"}]}]},\n    \"model\": \"opus\"\n}\n";
    repo.write(".claude/settings.json", original);
    let out = repo.run(&["install", "--claude"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let installed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join(".claude/settings.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        installed["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
        "scopecheck guard"
    );
    assert_eq!(
        installed["hooks"]["PostToolUse"][0]["hooks"][0]["command"], "prettier --write",
        "what was there is kept"
    );
    assert_eq!(installed["model"], "opus");
    assert!(stdout(&repo.run(&["install", "--claude"])).contains("already runs"));
    repo.run(&["uninstall", "--claude"]);
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".claude/settings.json")).unwrap(),
        original,
        "byte for byte"
    );

    // no settings file before: none after
    let repo = TestRepo::with_policy();
    repo.run(&["install", "--claude"]);
    assert!(repo.path().join(".claude/settings.json").exists());
    repo.run(&["uninstall", "--claude"]);
    assert!(!repo.path().join(".claude/settings.json").exists());
}

#[test]
fn install_per_agent_writes_each_front_matter_and_removes_exactly_that() {
    let repo = TestRepo::with_policy();
    let backend = "---\nname: backend\ndescription: Server work\ntools: Read, Edit\n---\n# Backend\n\nYou own `src/server/`.\n";
    repo.write(".claude/agents/backend.md", backend);
    let out = repo.run(&["install", "--claude", "--per-agent"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(repo.path().join(".claude/agents/backend.md")).unwrap();
    assert!(
        text.contains("          command: \"scopecheck guard --agent backend\"\n"),
        "{text}"
    );
    assert!(
        text.starts_with("---\nname: backend\n")
            && text.contains("# end of scopecheck guard\n---\n# Backend"),
        "{text}"
    );
    repo.run(&["uninstall", "--claude", "--per-agent"]);
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".claude/agents/backend.md")).unwrap(),
        backend
    );

    let with_hooks = "---\nname: backend\nhooks:\n  Stop: []\n---\nBody\n";
    repo.write(".claude/agents/backend.md", with_hooks);
    let out = repo.run(&["install", "--claude", "--per-agent"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already has a `hooks:` block"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".claude/agents/backend.md")).unwrap(),
        with_hooks,
        "nothing changed"
    );
}

#[test]
fn the_opencode_plugin_refuses_out_of_scope_writes() {
    let repo = TestRepo::with_policy();
    let out = repo.run(&["install", "--opencode"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plugin = repo.path().join(".opencode/plugin/scopecheck.js");
    assert!(plugin.exists());
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        eprintln!("SKIPPED running the opencode plugin: node is not installed");
    } else {
        // run the plugin as opencode would: its hook before an edit tool
        std::fs::copy(&plugin, repo.path().join("plugin.mjs")).unwrap();
        let script = format!(
            "import {{ ScopecheckGuard }} from './plugin.mjs';\n\
             const hooks = await ScopecheckGuard({{ directory: {root:?} }});\n\
             const run = async (path) => {{ try {{ await hooks['tool.execute.before']({{ tool: 'edit', agent: 'backend' }}, {{ args: {{ filePath: path }} }}); return 'allowed'; }} catch (e) {{ return 'refused: ' + e.message; }} }};\n\
             console.log(await run('src/server/a.rs'));\n\
             console.log(await run('src/components/B.tsx'));\n",
            root = repo.path().display().to_string()
        );
        std::fs::write(repo.path().join("run.mjs"), script).unwrap();
        let out = std::process::Command::new("node")
            .arg("run.mjs")
            .current_dir(repo.path())
            .env("SCOPECHECK", assert_cmd::cargo::cargo_bin("scopecheck"))
            .output()
            .unwrap();
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"allowed"), "{text}{}", stderr(&out));
        assert!(
            lines.get(1).is_some_and(|l| l
                .starts_with("refused: scopecheck: backend may not change src/components/B.tsx")),
            "{text}"
        );
    }
    repo.run(&["uninstall", "--opencode"]);
    assert!(!plugin.exists());
}
