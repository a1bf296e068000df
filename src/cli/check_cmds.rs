//! Commands that judge changes: `diff`, `lint-msg`, `who`, `worklog`.

use super::*;

pub(super) fn diff(cli: &Cli, args: &DiffArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, args.policy_rev.as_deref())?;
    let settings = DiffSettings {
        context_lines: args.unified,
        find_copies: args.find_copies,
    };
    let env_agent = std::env::var("SCOPECHECK_AGENT").ok();
    let branch = repo.current_branch();
    let judge = |change: &Change| -> Result<ChangeFindings> {
        let identity = identity::resolve_change(
            &policy,
            change,
            args.agent.as_deref(),
            env_agent.as_deref(),
            branch.as_deref(),
        )?;
        Ok(judge_change(&policy, change, identity))
    };
    let mut judged = Vec::new();
    if args.staged {
        judged.push(judge(&repo.staged(settings)?)?);
    } else if args.root || args.range.is_some() {
        let range = match &args.range {
            Some(spec) => Range::parse(spec),
            None => Range::All,
        };
        for oid in repo.commits(&range, args.merges)? {
            judged.push(judge(&repo.commit_change(oid, settings)?)?);
        }
    } else {
        judged.push(judge(&repo.uncommitted(settings)?)?);
    }

    let report = Report::new(judged, args.strict);
    let format = format_for(
        cli,
        "diff",
        &[Format::Markdown, Format::Github, Format::Sarif],
    )?;
    let styled = format == Format::Human && color_enabled(cli.color, &std::io::stdout());
    print_out(&report::render(&report, format, styled))?;
    Ok(if report.ok { 0 } else { 1 })
}

/// `lint-msg`: works without a policy (the conventional preset), and outside a repository
/// for a file or stdin.
pub(super) fn lint_msg(cli: &Cli, args: &LintMsgArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?).ok();
    let policy = match (&repo, &cli.config) {
        (_, Some(path)) => Some(Policy::discover(
            &WorktreeFiles {
                root: current_dir()?,
            },
            Some(path),
        )?),
        (Some(repo), None) => match load_policy(cli, repo, None) {
            Ok(policy) => Some(policy),
            Err(Error::NoPolicy { .. }) => None,
            Err(e) => return Err(e),
        },
        (None, None) => None,
    };
    let linter = match &policy {
        Some(p) => Linter::from_style(&p.commit_style)?,
        None => Linter::conventional(),
    };
    let env_agent = std::env::var("SCOPECHECK_AGENT").ok();
    let branch = repo.as_ref().and_then(Repo::current_branch);
    let lint_one = |message: &str,
                    email: Option<&str>,
                    id: Option<String>,
                    context: &str|
     -> Result<MessageReport> {
        let agent = match &policy {
            Some(policy) => {
                let identity = identity::resolve(
                    policy,
                    &Clues {
                        flag: args.agent.as_deref(),
                        env: env_agent.as_deref(),
                        message: Some(message),
                        email,
                        branch: branch.as_deref(),
                        context,
                    },
                )?;
                identity.agent.map(|i| &policy.agents[i])
            }
            None if args.agent.is_some() => {
                return Err(Error::Usage(
                    "--agent needs a policy file that defines the agent; none was found".into(),
                ))
            }
            None => None,
        };
        let mut report = linter.lint(message, agent);
        report.id = id;
        Ok(report)
    };

    let mut messages = Vec::new();
    if let Some(spec) = &args.range {
        let repo = repo
            .as_ref()
            .ok_or_else(|| Error::Git("--range needs a git repository".into()))?;
        for oid in repo.commits(&Range::parse(spec), true)? {
            let commit = repo.git2().find_commit(oid)?;
            let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
            let author = commit.author();
            let email = String::from_utf8_lossy(author.email_bytes()).into_owned();
            let id = oid.to_string();
            let context = format!("commit {}", &id[..10]);
            messages.push(lint_one(&message, Some(&email), Some(id), &context)?);
        }
    } else {
        let file = args.file.as_deref().unwrap_or("-");
        let raw = if file == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|source| {
                Error::Io {
                    path: "standard input".into(),
                    source,
                }
            })?;
            text
        } else {
            std::fs::read_to_string(file).map_err(|source| Error::Io {
                path: file.to_string(),
                source,
            })?
        };
        // What git will record: comments and the scissors part stripped.
        let comment_char = repo.as_ref().map(Repo::comment_char).unwrap_or('#');
        let message = strip_git_comments(&raw, comment_char);
        let email = repo.as_ref().and_then(Repo::user_email);
        let context = if file == "-" {
            "the message on standard input".to_string()
        } else {
            format!("the message in {file}")
        };
        messages.push(lint_one(&message, email.as_deref(), None, &context)?);
    }

    let report = LintReport::new(messages, args.strict);
    let format = format_for(cli, "lint-msg", &[])?;
    let styled = format == Format::Human && color_enabled(cli.color, &std::io::stdout());
    print_out(&report::lint::render(&report, format, styled))?;
    Ok(if report.ok { 0 } else { 1 })
}

/// `who`: streams, so a million paths on stdin are never held in memory.
pub(super) fn who(cli: &Cli, args: &WhoArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    let format = format_for(cli, "who", &[])?;
    let styled = format == Format::Human && color_enabled(cli.color, &std::io::stdout());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut who = report::who::WhoWriter::new(&policy, format, styled);
    let mut emit = |path: &str, out: &mut dyn Write| -> Result<()> {
        match who.write(out, path) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(source) => Err(Error::Io {
                path: "standard output".into(),
                source,
            }),
            Ok(()) => Ok(()),
        }
    };
    if args.stdin {
        let stdin = std::io::stdin();
        let mut input = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
        let mut line = String::new();
        loop {
            line.clear();
            let read =
                std::io::BufRead::read_line(&mut input, &mut line).map_err(|source| Error::Io {
                    path: "standard input".into(),
                    source,
                })?;
            if read == 0 {
                break;
            }
            let path = line.trim_end_matches(['\n', '\r']);
            if !path.is_empty() {
                emit(path, &mut out)?;
            }
        }
    } else {
        for path in &args.paths {
            emit(path, &mut out)?;
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
            path: "standard output".into(),
            source: e,
        }),
        _ => Ok(0),
    }
}

pub(super) fn worklog(cli: &Cli, args: &WorklogArgs) -> Result<u8> {
    use std::collections::{BTreeMap, BTreeSet};
    let format = format_for(cli, "worklog", &[Format::Markdown])?;
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    let logs: Vec<(usize, String)> = policy
        .agents
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            a.worklog
                .clone()
                .map(|w| (i, w.trim_start_matches("./").to_string()))
        })
        .collect();
    if logs.is_empty() {
        return Err(Error::Usage(format!(
            "no agent in {} has a `worklog:`; give each agent the file it keeps its log in",
            policy.file
        )));
    }
    let root = repo.root()?;
    let env_agent = std::env::var("SCOPECHECK_AGENT").ok();
    let branch = repo.current_branch();
    // The changes of the range (or the uncommitted one), and the trees at its two ends.
    let (changes, old_tree, new_tree) = match &args.range {
        None => {
            let head = repo.git2().head().ok().and_then(|h| h.peel_to_tree().ok());
            (vec![repo.uncommitted(DiffSettings::default())?], head, None)
        }
        Some(spec) => {
            let range = Range::parse(spec);
            let (base, tip) = repo.range_ends(&range)?;
            let mut changes = Vec::new();
            for oid in repo.commits(&range, false)? {
                changes.push(repo.commit_change(oid, DiffSettings::default())?);
            }
            let base = match base {
                Some(b) => Some(repo.tree_at(&b)?),
                None => None,
            };
            (changes, base, Some(repo.tree_at(&tip)?))
        }
    };
    // What each agent changed, each change attributed as `diff` attributes it.
    let mut changed: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for change in &changes {
        let identity = identity::resolve_change(
            &policy,
            change,
            args.agent.as_deref(),
            env_agent.as_deref(),
            branch.as_deref(),
        )?;
        if let Some(agent) = identity.agent {
            changed
                .entry(agent)
                .or_default()
                .extend(change.files.iter().map(|f| f.path.clone()));
        }
    }
    let versions = RangeVersions {
        repo: &repo,
        root: &root,
        before: old_tree,
        after: new_tree,
    };
    let logs = crate::worklog::review_logs(&policy, &versions, &changed, args.verify)?;
    let report = crate::worklog::WorklogReport::new(logs, args.verify);
    let ok = report.ok;
    print_out(&match format {
        Format::Json => report::worklog::json(&report),
        Format::Markdown => report::worklog::markdown(&report),
        _ => report::worklog::human(&report),
    })?;
    Ok(if ok { 0 } else { 1 })
}

/// A log's two versions: in two trees, or in a tree and the work tree.
struct RangeVersions<'r> {
    repo: &'r Repo,
    root: &'r Path,
    before: Option<git2::Tree<'r>>,
    /// `None`: the work tree.
    after: Option<git2::Tree<'r>>,
}

impl crate::worklog::LogVersions for RangeVersions<'_> {
    fn before(&self, path: &str) -> Result<String> {
        Ok(match &self.before {
            Some(tree) => self.repo.read_text(tree, path)?.unwrap_or_default(),
            None => String::new(),
        })
    }
    fn after(&self, path: &str) -> Result<String> {
        Ok(match &self.after {
            Some(tree) => self.repo.read_text(tree, path)?.unwrap_or_default(),
            None => std::fs::read(self.root.join(path))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default(),
        })
    }
    fn exists_after(&self, path: &str) -> bool {
        match &self.after {
            Some(tree) => tree.get_path(Path::new(path.trim_end_matches('/'))).is_ok(),
            None => self.root.join(path).exists(),
        }
    }
}
