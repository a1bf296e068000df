//! Where scopecheck meets an agent at work: the git hook entry points, `install` /
//! `uninstall` (git hooks, Claude Code, opencode), and `guard`.

use super::*;

/// What a hook prints when it stops a commit or a push: the files at fault, why, and what to
/// do instead. The repository is never touched.
pub(super) fn explain_rejection(
    scopes: &[ChangeFindings],
    messages: &[MessageReport],
    pushing: bool,
    styled: bool,
) -> String {
    let mut out = String::new();
    let denied: Vec<&ChangeFindings> = scopes
        .iter()
        .filter(|c| {
            c.files
                .iter()
                .any(|f| f.verdict == crate::check::Verdict::Deny)
        })
        .collect();
    if !denied.is_empty() {
        out.push_str(if pushing {
            "scopecheck: this push holds commits that reach outside their agent's scope:\n"
        } else {
            "scopecheck: this commit reaches outside its agent's scope:\n"
        });
        for change in &denied {
            out.push_str(&report::human::render_problems(change, styled));
        }
    }
    let bad_messages: Vec<&MessageReport> =
        messages.iter().filter(|m| !m.errors.is_empty()).collect();
    if !bad_messages.is_empty() {
        out.push_str("scopecheck: the commit message does not follow the commit style:\n");
        let lint = LintReport::new(bad_messages.into_iter().cloned().collect(), false);
        let text = report::lint::render(&lint, Format::Human, styled);
        // the summary line is for lint-msg; a hook says what to do instead
        out.push_str(
            text.rsplit_once("failed:")
                .map(|(body, _)| body)
                .unwrap_or(&text),
        );
    }
    out.push_str("What you can do:\n");
    if !denied.is_empty() {
        let mut owners: Vec<&str> = denied
            .iter()
            .flat_map(|c| c.files.iter())
            .filter(|f| f.verdict == crate::check::Verdict::Deny)
            .flat_map(|f| f.owners.iter().map(String::as_str))
            .collect();
        owners.sort_unstable();
        owners.dedup();
        if pushing {
            out.push_str(
                "  - take those changes out of the commits (`git rebase -i`), then push again\n",
            );
        } else {
            let paths: Vec<String> = denied
                .iter()
                .flat_map(|c| c.files.iter())
                .filter(|f| f.verdict == crate::check::Verdict::Deny)
                .map(|f| hooks::shell_word(&f.path))
                .collect();
            out.push_str(&format!(
                "  - leave them out of this commit: git restore --staged -- {}\n",
                paths.join(" ")
            ));
        }
        if owners.is_empty() {
            out.push_str("  - ask whoever maintains scopecheck.yml to give these paths an owner\n");
        } else {
            out.push_str(&format!(
                "  - ask their owner ({}) to make the change, or agree a change to the policy\n",
                owners.join(", ")
            ));
        }
    }
    if !messages.iter().all(|m| m.errors.is_empty()) {
        out.push_str(if pushing {
            "  - reword those commits (`git rebase -i`, `reword`), then push again\n"
        } else {
            "  - write the message again in the commit style above\n"
        });
    }
    out.push_str(
        "  - `--no-verify` is no way out: the pre-push hook and CI check every commit again\n",
    );
    if !pushing {
        out.push_str("Nothing was changed: the index and work tree are as they were.\n");
    }
    out
}

/// Prints a hook's verdict to stderr (git shows it) and gives its exit code.
pub(super) fn hook_verdict(
    cli: &Cli,
    scopes: &[ChangeFindings],
    messages: &[MessageReport],
    pushing: bool,
) -> Result<u8> {
    let styled = color_enabled(cli.color, &std::io::stderr());
    let denied = scopes
        .iter()
        .flat_map(|c| &c.files)
        .any(|f| f.verdict == crate::check::Verdict::Deny);
    let bad_message = messages.iter().any(|m| !m.errors.is_empty());
    if denied || bad_message {
        eprint!("{}", explain_rejection(scopes, messages, pushing, styled));
        return Ok(1);
    }
    // Warnings (shared paths) do not stop a commit, but are worth a line.
    for change in scopes.iter().filter(|c| {
        c.files
            .iter()
            .any(|f| f.verdict == crate::check::Verdict::Warn)
    }) {
        eprint!(
            "scopecheck: note: shared paths, coordinate with their other users:\n{}",
            report::human::render_problems(change, styled)
        );
    }
    Ok(0)
}

pub(super) fn hook_pre_commit(cli: &Cli) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    let env_agent = std::env::var("SCOPECHECK_AGENT").ok();
    let email = repo.user_email();
    let branch = repo.current_branch();
    let identity = identity::resolve(
        &policy,
        &Clues {
            env: env_agent.as_deref(),
            email: email.as_deref(),
            branch: branch.as_deref(),
            context: "the staged change",
            ..Clues::default()
        },
    )?;
    // No agent yet: the message's trailer may name one, and commit-msg judges then.
    if identity.agent.is_none() && policy.humans == Humans::Allow {
        return Ok(0);
    }
    let change = repo.staged(DiffSettings::default())?;
    hook_verdict(cli, &[judge_change(&policy, &change, identity)], &[], false)
}

pub(super) fn hook_commit_msg(cli: &Cli, file: &Path) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = match load_policy(cli, &repo, None) {
        Ok(policy) => Some(policy),
        Err(Error::NoPolicy { .. }) => None,
        Err(e) => return Err(e),
    };
    let raw = std::fs::read_to_string(file).map_err(|source| Error::Io {
        path: file.display().to_string(),
        source,
    })?;
    let message = strip_git_comments(&raw, repo.comment_char());
    let Some(policy) = policy else {
        let report = Linter::conventional().lint(&message, None);
        return hook_verdict(cli, &[], &[report], false);
    };
    let env_agent = std::env::var("SCOPECHECK_AGENT").ok();
    let email = repo.user_email();
    let branch = repo.current_branch();
    let identity = identity::resolve(
        &policy,
        &Clues {
            env: env_agent.as_deref(),
            message: Some(&message),
            email: email.as_deref(),
            branch: branch.as_deref(),
            context: "this commit",
            ..Clues::default()
        },
    )?;
    let linter = Linter::from_style(&policy.commit_style)?;
    let lint = linter.lint(&message, identity.agent.map(|i| &policy.agents[i]));
    // pre-commit judged every other identification already
    let scopes = if identity.source == AgentSource::Trailer {
        vec![judge_change(
            &policy,
            &repo.staged(DiffSettings::default())?,
            identity,
        )]
    } else {
        Vec::new()
    };
    hook_verdict(cli, &scopes, &[lint], false)
}

/// The updates of this push: pre-commit's variables when it runs us, else git's stdin lines.
pub(super) fn push_updates(repo: &Repo) -> Result<Vec<PushUpdate>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let zero = "0".repeat(40);
    if let Some(to) = var("PRE_COMMIT_TO_REF") {
        return Ok(vec![PushUpdate {
            local_ref: var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_default(),
            local_sha: to,
            remote_ref: var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
            remote_sha: var("PRE_COMMIT_FROM_REF").unwrap_or(zero),
        }]);
    }
    if let Some(local) = var("PRE_COMMIT_LOCAL_BRANCH") {
        // pre-commit's "the whole history is new" case
        let sha = repo.git2().revparse_single(&local)?.id().to_string();
        return Ok(vec![PushUpdate {
            local_ref: local,
            local_sha: sha,
            remote_ref: var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
            remote_sha: zero,
        }]);
    }
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).map_err(|source| {
        Error::Io {
            path: "standard input".into(),
            source,
        }
    })?;
    hooks::parse_push_lines(&input)
}

pub(super) fn hook_pre_push(cli: &Cli, _remote: Option<&str>) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    let linter = Linter::from_style(&policy.commit_style)?;
    let env_agent = std::env::var("SCOPECHECK_AGENT").ok();
    let mut seen = std::collections::HashSet::new();
    let (mut scopes, mut messages) = (Vec::new(), Vec::new());
    for update in push_updates(&repo)? {
        if update.is_deletion() {
            continue;
        }
        let remote = (!update.is_new_ref()).then_some(update.remote_sha.as_str());
        for oid in repo.commits_to_push(&update.local_sha, remote)? {
            if !seen.insert(oid) {
                continue;
            }
            let change = repo.commit_change(oid, DiffSettings::default())?;
            let identity = identity::resolve_change(
                &policy,
                &change,
                None,
                env_agent.as_deref(),
                update.local_branch(),
            )?;
            let mut lint = linter.lint(
                change.message.as_deref().unwrap_or(""),
                identity.agent.map(|i| &policy.agents[i]),
            );
            lint.id = Some(oid.to_string());
            messages.push(lint);
            scopes.push(judge_change(&policy, &change, identity));
        }
    }
    hook_verdict(cli, &scopes, &messages, true)
}

pub(super) fn install(args: &InstallArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    if args.claude || args.opencode {
        return install_agent_hooks(&repo, args.claude, args.per_agent, args.opencode, true);
    }
    let dir = repo.hooks_dir()?;
    let binary = std::env::current_exe().map_err(|source| Error::Io {
        path: "the scopecheck binary".into(),
        source,
    })?;
    let hooks = if args.hooks.is_empty() {
        HookName::ALL.to_vec()
    } else {
        args.hooks.clone()
    };
    for outcome in hooks::install(&dir, &hooks, &binary, args.force)? {
        println!("{outcome}");
    }
    Ok(0)
}

pub(super) fn uninstall(args: &UninstallArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    if args.claude || args.opencode {
        return install_agent_hooks(&repo, args.claude, args.per_agent, args.opencode, false);
    }
    let dir = repo.hooks_dir()?;
    let hooks = if args.hooks.is_empty() {
        HookName::ALL.to_vec()
    } else {
        args.hooks.clone()
    };
    for outcome in hooks::uninstall(&dir, &hooks)? {
        println!("{outcome}");
    }
    Ok(0)
}

/// `install` / `uninstall` for agent tool hooks: Claude Code settings or subagents, opencode.
pub(super) fn install_agent_hooks(
    repo: &Repo,
    claude: bool,
    per_agent: bool,
    opencode: bool,
    installing: bool,
) -> Result<u8> {
    use crate::guard::install as gi;
    let root = repo.root()?;
    let state = repo.git2().path().join("scopecheck");
    let mut said = Vec::new();
    if claude && per_agent {
        // each subagent file with the policy agent it is (by `from:`, else its name)
        let policy = load_policy_quiet(repo);
        let mut files = Vec::new();
        let dir = root.join(".claude/agents");
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|source| Error::Io {
                path: dir.display().to_string(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        entries.sort();
        for path in entries {
            let rel = format!(
                ".claude/agents/{}",
                path.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            );
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let name = policy
                .as_ref()
                .and_then(|p| {
                    p.agents
                        .iter()
                        .find(|a| {
                            a.from.as_deref().map(|f| f.trim_start_matches("./"))
                                == Some(rel.as_str())
                        })
                        .map(|a| a.name.clone())
                })
                .or_else(|| {
                    crate::agents::import(&rel, &text)
                        .ok()
                        .and_then(|a| a.first().map(|a| report::agents::agent_key(&a.name)))
                });
            match name {
                Some(name) => files.push((path, name)),
                None => said.push(format!("skipped {rel}: no agent name")),
            }
        }
        if installing {
            said.extend(gi::install_per_agent(&files)?);
        } else {
            said.extend(gi::uninstall_per_agent(
                &files.into_iter().map(|(p, _)| p).collect::<Vec<_>>(),
            )?);
        }
    } else if claude {
        said.push(if installing {
            gi::install_claude_settings(&root, &state)?
        } else {
            gi::uninstall_claude_settings(&root, &state)?
        });
    }
    if opencode {
        said.push(if installing {
            gi::install_opencode(&root)?
        } else {
            gi::uninstall_opencode(&root)?
        });
    }
    for line in said {
        println!("{line}");
    }
    Ok(0)
}

pub(super) fn load_policy_quiet(repo: &Repo) -> Option<Policy> {
    crate::workspace::load_policy(repo, None, None).ok()
}

/// `guard` never blocks work by accident: any problem is exit 1, which Claude Code shows but
/// does not treat as a refusal.
pub(super) fn guard(cli: &Cli, args: &GuardArgs) -> u8 {
    PANIC_EXIT.store(1, std::sync::atomic::Ordering::SeqCst);
    match guard_call(cli, args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("scopecheck guard: {e} (the tool call was not blocked)");
            1
        }
    }
}

pub(super) fn guard_call(cli: &Cli, args: &GuardArgs) -> Result<u8> {
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).map_err(|source| {
        Error::Io {
            path: "standard input".into(),
            source,
        }
    })?;
    let event: serde_json::Value = serde_json::from_str(&input).map_err(|e| {
        Error::Usage(format!(
            "standard input is not a PreToolUse event as JSON ({e})"
        ))
    })?;
    let tool = event
        .get("tool_name")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| Error::Usage("the event has no `tool_name`".into()))?;
    if !crate::guard::WRITE_TOOLS.contains(&tool) {
        // Bash and other tools: their writes are caught at commit, push and CI
        return Ok(0);
    }
    let paths =
        crate::guard::target_paths(event.get("tool_input").unwrap_or(&serde_json::Value::Null));
    if paths.is_empty() {
        return Err(Error::Usage(format!(
            "the `{tool}` call names no file in `tool_input`"
        )));
    }
    let cwd = match event.get("cwd").and_then(serde_json::Value::as_str) {
        Some(dir) => PathBuf::from(dir),
        None => current_dir()?,
    };
    // the repository around the event's cwd (or its nearest ancestor that exists)
    let existing = cwd
        .ancestors()
        .find(|d| d.is_dir())
        .unwrap_or(&cwd)
        .to_path_buf();
    let repo = Repo::discover(&existing)?;
    let policy = crate::workspace::load_policy(&repo, None, cli.config.as_deref())?;
    let named = |name: &str, how: &str| {
        policy.agent_index(name).ok_or_else(|| {
            Error::Usage(format!(
                "unknown agent `{name}` ({how}); {} defines no such agent",
                policy.file
            ))
        })
    };
    let agent = match (
        &args.agent,
        std::env::var("SCOPECHECK_AGENT")
            .ok()
            .filter(|a| !a.is_empty()),
    ) {
        (Some(name), _) => Some(named(name, "given with --agent")?),
        (None, Some(name)) => Some(named(&name, "from SCOPECHECK_AGENT")?),
        (None, None) => crate::guard::event_agent(&policy, &event),
    };
    let decision = crate::guard::decide(&policy, agent, &repo.root()?, &cwd, &paths);
    let (out, err, code) = crate::guard::answer(&decision, args.output);
    print!("{out}");
    eprint!("{err}");
    Ok(code)
}
