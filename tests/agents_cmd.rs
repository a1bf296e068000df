//! `import`, `init`, `from:`, `agents` and `validate` on real repositories with agent files
//! of each format.

mod common;

use common::{stderr, stdout, v, verdicts, TestRepo};

const BACKEND_MD: &str = "---\nname: backend\ndescription: Server work\ntools: Read, Edit\n---\n# Backend\n\n## Files you own\n- `src/server/`\n- `migrations/`\n\n## Never touch\n- `src/web/`\n\n## Shared (coordinate first)\n- `src/types/`\n\nWrite each task to `BACKEND_LOG.md` (work log). See `docs/style.md`.\n";
const DOCS_OPENCODE: &str = "---\ndescription: docs\nmode: subagent\npermission:\n  edit:\n    \"*\": deny\n    \"docs/**\": allow\n---\nDocs only.\n";
const AGENTS_TABLE: &str = "# Team\n\n| Agent | Owns | Never touches |\n|---|---|---|\n| web | `src/web/` | `src/server/` |\n| ops | `deploy/`, `Dockerfile` | `src/` |\n";

fn with_agent_files() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".claude/agents/backend.md", BACKEND_MD);
    repo.write(".opencode/agent/docs.md", DOCS_OPENCODE);
    repo.write("AGENTS.md", AGENTS_TABLE);
    repo.write("src/server/a.rs", "a\n");
    repo.write("src/web/b.ts", "b\n");
    repo.write("docs/c.md", "c\n");
    repo.write("README.md", "r\n");
    repo
}

#[test]
fn import_prints_yaml_with_sources_and_json() {
    let repo = with_agent_files();
    let out = repo.run(&["import", ".claude/agents/backend.md", "AGENTS.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let yaml = stdout(&out);
    assert!(
        yaml.contains("  backend:\n    owns:\n      - \"src/server/\""),
        "{yaml}"
    );
    assert!(
        yaml.contains("# .claude/agents/backend.md:9  src/server/"),
        "{yaml}"
    );
    assert!(yaml.contains("worklog: \"BACKEND_LOG.md\""), "{yaml}");
    assert!(
        yaml.contains("path in prose with no ownership word: `docs/style.md`"),
        "{yaml}"
    );
    assert!(yaml.contains("  ops:\n    owns:"), "{yaml}");

    let out = repo.run(&["import", "--format", "json", ".opencode/agent/docs.md"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let agent = &json["agents"][0];
    assert_eq!(agent["name"], "docs");
    assert_eq!(agent["format"], "opencode-agent");
    assert_eq!(
        agent["owns"][0],
        serde_json::json!({"pattern": "docs/**", "as_written": "docs/**", "line": 7})
    );
    assert_eq!(agent["outside"], "deny");
    assert!(agent["notes"][0]["text"]
        .as_str()
        .unwrap()
        .contains("outside: deny"));
}

#[test]
fn import_errors_name_the_file() {
    let repo = TestRepo::new();
    repo.write("broken.json", "{ \"permissions\": [ }");
    let out = repo.run(&["import", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("broken.json:1: not valid JSON"),
        "{}",
        stderr(&out)
    );
    let out = repo.run(&["import", "missing.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read missing.md"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_writes_a_policy_that_loads_and_refuses_to_overwrite() {
    let repo = with_agent_files();
    let out = repo.run(&["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains(".claude/agents/backend.md: backend -> backend"),
        "{said}"
    );
    assert!(said.contains("AGENTS.md: web -> web"), "{said}");
    let policy = std::fs::read_to_string(repo.path().join("scopecheck.yml")).unwrap();
    assert!(
        policy.contains("  backend:\n    from: .claude/agents/backend.md"),
        "{policy}"
    );
    assert!(policy.contains("  ops:\n    from: AGENTS.md"), "{policy}");

    // the imported rules judge changes, and say where they came from
    let report = repo.json(&["diff", "--agent", "backend"], 1);
    assert!(verdicts(&report).contains(&v("src/server/a.rs", "ok", "owned")));
    assert!(verdicts(&report).contains(&v("src/web/b.ts", "deny", "forbidden")));
    let web = report["commits"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/web/b.ts")
        .unwrap()
        .clone();
    assert_eq!(web["rule"]["source"], ".claude/agents/backend.md:13");
    let report = repo.json(&["diff", "--agent", "ops"], 1);
    assert!(verdicts(&report).contains(&v("src/server/a.rs", "deny", "forbidden")));

    let out = repo.run(&["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("scopecheck.yml already exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.run(&["init", "--force"]).status.code(), Some(0));
}

#[test]
fn from_adds_policy_rules_and_outside_overrides() {
    let repo = with_agent_files();
    repo.write(
        "scopecheck.yml",
        "version: 1\nagents:\n  backend:\n    from: .claude/agents/backend.md\n    owns: [README.md]\n  docs:\n    from: .opencode/agent/docs.md\n    outside: warn\n",
    );
    let report = repo.json(&["diff", "--agent", "backend"], 1);
    assert!(verdicts(&report).contains(&v("README.md", "ok", "owned")));
    let report = repo.json(&["diff", "--agent", "docs"], 0);
    assert!(verdicts(&report).contains(&v("README.md", "warn", "outside-scope")));
    assert!(verdicts(&report).contains(&v("docs/c.md", "ok", "owned")));
}

#[test]
fn from_errors_point_at_the_from_line() {
    let repo = with_agent_files();
    repo.write("empty.md", "# Nothing here\n\nJust words.\n");
    for (policy, expected) in [
        ("version: 1\nagents:\n  ghost:\n    from: AGENTS.md\n", "scopecheck.yml:4:11: agent `ghost`: `AGENTS.md` defines `web`, `ops`, none named `ghost`"),
        ("version: 1\nagents:\n  e:\n    from: empty.md\n", "scopecheck.yml:4:11: agent `e`: nothing in `empty.md` could be read as a rule"),
        ("version: 1\nagents:\n  e:\n    from: nope.md\n", "scopecheck.yml:4:11: agent `e`: the `from:` file `nope.md` does not exist"),
    ] {
        repo.write("scopecheck.yml", policy);
        let out = repo.run(&["agents"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
}

#[test]
fn agents_lists_every_rule_with_its_source() {
    let repo = with_agent_files();
    repo.write("scopecheck.yml", "version: 1\nagents:\n  backend:\n    from: .claude/agents/backend.md\n    forbids: [Dockerfile]\nprotected: [scopecheck.yml]\n");
    let out = repo.run(&["agents"]);
    let text = stdout(&out);
    assert!(
        text.contains("backend (defined at scopecheck.yml:3:3, from .claude/agents/backend.md)"),
        "{text}"
    );
    assert!(
        text.contains("src/server/                      .claude/agents/backend.md:9"),
        "{text}"
    );
    assert!(
        text.contains("Dockerfile                       scopecheck.yml:5:15"),
        "{text}"
    );
    assert!(text.contains("worklog: BACKEND_LOG.md"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&repo.run(&["agents", "--format", "json"]).stdout).unwrap();
    assert_eq!(
        json["agents"][0]["forbids"][1],
        serde_json::json!({"pattern": "Dockerfile", "source": "scopecheck.yml:5:15"})
    );
}

#[test]
fn validate_reports_overlaps_dead_patterns_and_coverage() {
    let repo = TestRepo::new();
    repo.write(
        "scopecheck.yml",
        "version: 1\nagents:\n  a:\n    owns: [src/, ghost/]\n  b:\n    owns: [src/shared/]\nprotected: [scopecheck.yml]\n",
    );
    repo.write("src/shared/x.ts", "x\n");
    repo.write("src/a.ts", "a\n");
    repo.write("README.md", "r\n");
    repo.commit_all("chore: start");
    let out = repo.run(&["validate"]);
    assert_eq!(out.status.code(), Some(0), "findings are warnings");
    let text = stdout(&out);
    assert!(
        text.contains("warning: `a` and `b` both own 1 tracked file, e.g. src/shared/x.ts"),
        "{text}"
    );
    assert!(
        text.contains(
            "warning: a owns pattern `ghost/` (scopecheck.yml:4:18) matches no tracked file"
        ),
        "{text}"
    );
    assert!(
        text.contains("coverage: 2 of 4 tracked files (50.0%)"),
        "{text}"
    );
    assert_eq!(repo.run(&["validate", "--strict"]).status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_slice(&repo.run(&["validate", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["coverage"], 50.0);
    assert_eq!(json["overlaps"][0]["agents"], serde_json::json!(["a", "b"]));

    repo.write(
        "scopecheck.yml",
        "version: 1\nagents:\n  a:\n    own: [src/]\n",
    );
    assert_eq!(repo.run(&["validate"]).status.code(), Some(2));
}
