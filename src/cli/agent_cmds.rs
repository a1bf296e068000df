//! Commands about the policy and agent files: `import`, `init`, `agents`, `validate`.

use super::*;

/// The path of `file` as the repository sees it (for notes and format detection).
pub(super) fn repo_relative(file: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = Repo::discover(&cwd).ok().and_then(|r| r.root().ok());
    let full = if file.is_absolute() {
        file.to_path_buf()
    } else {
        cwd.join(file)
    };
    let full = full.canonicalize().unwrap_or(full);
    root.and_then(|r| r.canonicalize().ok())
        .and_then(|r| {
            full.strip_prefix(&r)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| file.display().to_string())
}

pub(super) fn import(cli: &Cli, args: &ImportArgs) -> Result<u8> {
    let mut agents = Vec::new();
    for file in &args.files {
        let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
            path: file.display().to_string(),
            source,
        })?;
        let shown = repo_relative(file);
        let read = crate::agents::import(&shown, &text)
            .map_err(|e| Error::from(crate::error::FileError::new(&shown, e.line, 0, e.message)))?;
        agents.extend(read);
    }
    let text = match format_for(cli, "import", &[])? {
        Format::Json => report::agents::import_json(&agents),
        _ => report::agents::import_yaml(&agents),
    };
    print_out(&text)?;
    Ok(0)
}

pub(super) fn init(args: &InitArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let root = repo.root()?;
    if let Some(existing) = crate::policy::POLICY_FILE_NAMES
        .iter()
        .find(|n| root.join(n).exists())
    {
        if !args.force {
            return Err(Error::Usage(format!(
                "{existing} already exists; scopecheck init will not overwrite it (use --force to replace it)"
            )));
        }
    }
    let mut globs = globset::GlobSetBuilder::new();
    for g in crate::agents::AGENT_FILE_GLOBS {
        globs.add(
            globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .expect("built-in globs are valid"),
        );
    }
    let globs = globs.build().expect("built-in globs compile");
    let mut found = Vec::new();
    for path in repo
        .list_files(true)?
        .into_iter()
        .filter(|p| globs.is_match(p))
    {
        let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
            continue;
        };
        match crate::agents::import(&path, &text) {
            Ok(agents) => found.push((path, agents)),
            Err(e) => eprintln!("scopecheck: skipped {path}:{}: {}", e.line, e.message),
        }
    }
    let mut yaml = String::from(
        "# scopecheck.yml, written by `scopecheck init` from the agent files listed below.\n\
         # Each agent's rules are read from its own file at every run (`from:`), so the policy\n\
         # and the agent's prompt cannot drift apart. Rules written here add to what the file\n\
         # says; `outside` here overrides it. `scopecheck agents` shows the result.\n\
         version: 1\nagents:\n",
    );
    let mut summary = Vec::new();
    let mut keys = std::collections::HashSet::new();
    for (path, agents) in &found {
        for agent in agents {
            let key = report::agents::agent_key(&agent.name);
            let counts = format!(
                "{} owned, {} forbidden, {} shared; {} notes (`scopecheck import {path}`)",
                agent.owns.len(),
                agent.forbids.len(),
                agent.shared.len(),
                agent.notes.len()
            );
            if agent.format == "claude-settings" {
                yaml.push_str(&format!(
                    "  # {path} holds project-wide Claude Code permissions ({counts}); to hold every\n  # agent to them, add its forbidden paths to `protected:` or to each agent's `forbids:`.\n"
                ));
                summary.push(format!("{path}: project settings, {counts}"));
                continue;
            }
            if !agent.has_rules() || !keys.insert(key.clone()) {
                yaml.push_str(&format!("  # {key}: {path} names this agent, but no rule could be read with confidence ({counts})\n"));
                summary.push(format!(
                    "{path}: {}: no rules read ({} notes)",
                    agent.name,
                    agent.notes.len()
                ));
                continue;
            }
            yaml.push_str(&format!("  {key}:\n    from: {path}   # {counts}\n"));
            summary.push(format!("{path}: {} -> {key} ({counts})", agent.name));
        }
    }
    if summary.is_empty() {
        yaml.push_str(
            "  # No agent files were found. An agent looks like this:\n  # backend:\n  #   owns: [src/server/]\n  #   forbids: [src/components/]\n  #   shared: [src/types/]\n",
        );
    }
    if keys.is_empty() {
        yaml = yaml.replace("agents:\n", "agents: {}\n");
    }
    yaml.push_str("protected: [scopecheck.yml]   # no agent may change the policy itself\n");
    // What init writes must load: check the text first, so a failure leaves no file behind.
    Policy::parse(
        &yaml,
        "scopecheck.yml",
        &WorktreeFiles { root: root.clone() },
    )?;
    let target = root.join("scopecheck.yml");
    std::fs::write(&target, &yaml).map_err(|source| Error::Io {
        path: target.display().to_string(),
        source,
    })?;
    println!("wrote scopecheck.yml");
    if summary.is_empty() {
        println!(
            "found no agent files (looked for {})",
            crate::agents::AGENT_FILE_GLOBS.join(", ")
        );
    }
    for line in summary {
        println!("  {line}");
    }
    Ok(0)
}

pub(super) fn agents(cli: &Cli) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    let text = match format_for(cli, "agents", &[])? {
        Format::Json => report::agents::policy_json(&policy),
        _ => report::agents::policy_human(&policy),
    };
    print_out(&text)?;
    Ok(0)
}

pub(super) fn validate(cli: &Cli, args: &ValidateArgs) -> Result<u8> {
    use report::agents::{DeadPattern, Overlap, Validation};
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    Linter::from_style(&policy.commit_style)?;
    let files = repo.list_files(false)?;
    let mut decided: std::collections::HashSet<*const crate::policy::Rule> =
        std::collections::HashSet::new();
    let mut overlaps: Vec<Overlap> = Vec::new();
    let mut owned = 0;
    let mut unowned = Vec::new();
    let mut scratch = crate::patterns::MatchScratch::default();
    for path in &files {
        let m = policy.match_path_with(path, &mut scratch);
        for i in 0..policy.agents.len() {
            for rule in [m.owns(i), m.forbids(i), m.shared(i)].into_iter().flatten() {
                decided.insert(rule);
            }
        }
        if let Some(rule) = m.protected() {
            decided.insert(rule);
        }
        let owners: Vec<&str> = m.owner_names().collect();
        if owners.is_empty() {
            if unowned.len() < 10 {
                unowned.push(path.clone());
            }
        } else {
            owned += 1;
        }
        for (a, b) in owners
            .iter()
            .enumerate()
            .flat_map(|(i, a)| owners[i + 1..].iter().map(move |b| (*a, *b)))
        {
            match overlaps
                .iter_mut()
                .find(|o| o.agents[0] == a && o.agents[1] == b)
            {
                Some(o) => o.paths += 1,
                None => overlaps.push(Overlap {
                    agents: [a.to_string(), b.to_string()],
                    example: path.clone(),
                    paths: 1,
                }),
            }
        }
    }
    let mut dead = Vec::new();
    let lists = policy
        .agents
        .iter()
        .flat_map(|a| {
            [
                (format!("{} owns", a.name), &a.owns),
                (format!("{} forbids", a.name), &a.forbids),
                (format!("{} shared", a.name), &a.shared),
            ]
        })
        .chain(std::iter::once((
            "protected".to_string(),
            &policy.protected,
        )));
    for (list, rules) in lists {
        for rule in rules
            .iter()
            .filter(|r| !decided.contains(&(*r as *const _)))
        {
            dead.push(DeadPattern {
                list: list.clone(),
                pattern: rule.pattern.clone(),
                source: rule.source.to_string(),
            });
        }
    }
    let findings = !overlaps.is_empty() || !dead.is_empty();
    let validation = Validation {
        version: 1,
        ok: !(args.strict && findings),
        tracked_files: files.len(),
        owned_files: owned,
        coverage: if files.is_empty() {
            100.0
        } else {
            owned as f64 * 100.0 / files.len() as f64
        },
        overlaps,
        dead_patterns: dead,
        unowned_examples: unowned,
    };
    let text = match format_for(cli, "validate", &[])? {
        Format::Json => serde_json::to_string_pretty(&validation).unwrap_or_default() + "\n",
        _ => report::agents::validation_human(&validation, &policy.file),
    };
    print_out(&text)?;
    Ok(if validation.ok { 0 } else { 1 })
}
