//! The command line: parses arguments, wires the layers together, prints, and maps outcomes
//! to exit codes (0 nothing denied, 1 something denied, 2 usage, policy or repository error).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::change::Change;
use crate::check::{judge_change, ChangeFindings, Report};
use crate::commit_msg::{strip_git_comments, LintReport, Linter, MessageReport};
use crate::error::{Error, Result};
use crate::git::{DiffSettings, Range, Repo};
use crate::hooks::{self, HookName, PushUpdate};
use crate::identity::AgentSource;
use crate::identity::{self, Clues};
use crate::policy::{Humans, Policy, WorktreeFiles};
use crate::report::{self, Format};

#[derive(Parser, Debug)]
#[command(
    name = "scopecheck",
    version,
    about = "Keep AI coding agents inside the paths they own: checks diffs, commits and pull requests against scopecheck.yml",
    propagate_version = true
)]
pub struct Cli {
    /// Policy file to use instead of scopecheck.yml, .scopecheck.yml or .github/scopecheck.yml.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// When to colour the output (NO_COLOR is honoured under `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
    /// Output format for findings.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check changes against the policy: uncommitted changes (no argument), the index
    /// (--staged), or each commit of REV (= REV..HEAD), A..B or A...B as its own agent.
    Diff(DiffArgs),
    /// Check commit messages against the policy's commit_style (Conventional Commits with
    /// commitlint's config-conventional rules when there is no policy).
    LintMsg(LintMsgArgs),
    /// Which agents own, forbid or share each path, and which rule said so.
    Who(WhoArgs),
    /// Hook entry points, as git calls them (see `scopecheck install`).
    #[command(subcommand)]
    Hook(HookCommand),
    /// Install scopecheck's git hooks (pre-commit, commit-msg, pre-push) where git looks for
    /// hooks; a hook already there is kept and run first.
    Install(InstallArgs),
    /// Remove scopecheck's git hooks and put back any hook they chained.
    Uninstall(UninstallArgs),
    /// Read agent definition files and print the `agents:` policy they imply.
    Import(ImportArgs),
    /// Write a starting scopecheck.yml from the agent files found in the repository.
    Init(InitArgs),
    /// Print the resolved policy: each agent, its rules, and where each was written.
    Agents,
    /// Check the policy: errors, agents owning the same paths, patterns matching no
    /// tracked file, and how much of the repository some agent owns.
    Validate(ValidateArgs),
    /// The work-log entries a range added, edited or removed; `--verify` compares them with
    /// what each agent changed.
    Worklog(WorklogArgs),
    /// GitHub: review a pull request (or judge a push) in CI; what action.yml runs.
    #[command(subcommand)]
    Github(GithubCommand),
    /// Judge one agent tool call (a Claude Code PreToolUse event on stdin) before it writes:
    /// silent when allowed, asks for shared paths, blocks with a message for the model.
    Guard(GuardArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// REV (meaning REV..HEAD), A..B, or A...B (from the merge base, as a pull request).
    #[arg(value_name = "RANGE", conflicts_with_all = ["staged", "root"])]
    range: Option<String>,
    /// Check the index against HEAD (what `git commit` would record).
    #[arg(long)]
    staged: bool,
    /// Check every commit reachable from HEAD.
    #[arg(long, conflicts_with = "staged")]
    root: bool,
    /// Also judge merge commits, against their first parent.
    #[arg(long)]
    merges: bool,
    /// Detect copies as well as renames (git's -C).
    #[arg(long)]
    find_copies: bool,
    /// Lines of context around each hunk.
    #[arg(long, short = 'U', value_name = "N", default_value_t = 3)]
    unified: u32,
    /// Judge the changes as this agent, whoever made them.
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// Read the policy from this commit instead of the work tree.
    #[arg(long, value_name = "REV")]
    policy_rev: Option<String>,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Args, Debug)]
struct LintMsgArgs {
    /// A message file (e.g. .git/COMMIT_EDITMSG), or `-` for standard input.
    #[arg(
        value_name = "FILE",
        required_unless_present = "range",
        conflicts_with = "range"
    )]
    file: Option<String>,
    /// Lint the message of every commit in REV, A..B or A...B instead.
    #[arg(long, value_name = "RANGE")]
    range: Option<String>,
    /// Lint as this agent (its commit.scopes and commit.types apply).
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Args, Debug)]
struct WhoArgs {
    /// Repository-relative paths.
    #[arg(value_name = "PATH", required_unless_present = "stdin")]
    paths: Vec<String>,
    /// Read paths from standard input, one per line, answering as they come.
    #[arg(long, conflicts_with = "paths")]
    stdin: bool,
}

#[derive(Subcommand, Debug)]
enum HookCommand {
    /// Judge the staged change as the agent from SCOPECHECK_AGENT, user.email or the branch
    /// (with no agent, the commit-msg hook judges by the message's trailer).
    PreCommit,
    /// Lint the commit message and, when its trailer names the agent, judge the staged change.
    CommitMsg {
        /// The message file git passes.
        file: PathBuf,
    },
    /// Judge every commit the push would add (git's ref lines on stdin, or pre-commit's
    /// PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF), so `--no-verify` commits are still caught.
    PrePush {
        /// The remote's name, as git passes it.
        remote: Option<String>,
        /// The remote's URL, as git passes it.
        url: Option<String>,
    },
}

#[derive(Args, Debug)]
struct InstallArgs {
    /// Which git hooks (default: all three).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "HOOKS")]
    hooks: Vec<HookName>,
    /// Replace a hook that cannot be chained (its `.scopecheck-chained` name is taken).
    #[arg(long)]
    force: bool,
    /// Install `scopecheck guard` as a Claude Code PreToolUse hook in .claude/settings.json
    /// instead of the git hooks.
    #[arg(long)]
    claude: bool,
    /// With --claude: in each .claude/agents/*.md front matter, with `--agent NAME`.
    #[arg(long, requires = "claude")]
    per_agent: bool,
    /// Write the opencode plugin (.opencode/plugin/scopecheck.js) instead of the git hooks.
    #[arg(long)]
    opencode: bool,
}

#[derive(Args, Debug)]
struct UninstallArgs {
    /// Which git hooks (default: all three).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "HOOKS")]
    hooks: Vec<HookName>,
    /// Remove the Claude Code guard hook instead of the git hooks.
    #[arg(long)]
    claude: bool,
    /// With --claude: from each .claude/agents/*.md front matter.
    #[arg(long, requires = "claude")]
    per_agent: bool,
    /// Remove the opencode plugin instead of the git hooks.
    #[arg(long)]
    opencode: bool,
}

#[derive(Args, Debug)]
struct GuardArgs {
    /// The agent making the call (default: SCOPECHECK_AGENT, then the event's agent field).
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// How to answer: exit code 2 and stderr, or a JSON permissionDecision.
    #[arg(long, value_enum, default_value = "exit-code", value_name = "STYLE")]
    output: crate::guard::OutputStyle,
}

#[derive(Args, Debug)]
struct ImportArgs {
    /// Agent files: .claude/agents/*.md, .opencode/agent/*.md, opencode.json,
    /// .claude/settings.json, AGENTS.md, .github/agents/*.agent.md, .gemini/agents/*.md.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct InitArgs {
    /// Overwrite a policy file that exists.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct ValidateArgs {
    /// Exit 1 on findings (overlaps, dead patterns) too.
    #[arg(long)]
    strict: bool,
}

#[derive(Args, Debug)]
struct WorklogArgs {
    /// REV (meaning REV..HEAD), A..B or A...B; without it, the work tree against HEAD.
    #[arg(value_name = "RANGE")]
    range: Option<String>,
    /// Compare each agent's new entries with the files that agent changed (exit 1 on a
    /// mismatch).
    #[arg(long)]
    verify: bool,
    /// Treat uncommitted changes as this agent's (for the no-range form).
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
}

#[derive(Subcommand, Debug)]
enum GithubCommand {
    /// Judge the pull request's net change with the base branch's policy; post one review
    /// with inline comments and keep one summary comment (or annotate a push).
    Review(GithubReviewArgs),
}

#[derive(Args, Debug)]
struct GithubReviewArgs {
    /// The event payload (default: GITHUB_EVENT_PATH).
    #[arg(long, value_name = "FILE")]
    event: Option<PathBuf>,
    /// Print the review and summary it would post, and post nothing.
    #[arg(long)]
    dry_run: bool,
    /// When the check fails.
    #[arg(long, value_enum, default_value = "deny", value_name = "WHEN")]
    fail_on: crate::github::FailOn,
    /// Post no inline comments.
    #[arg(long)]
    no_comment: bool,
    /// Keep no summary comment.
    #[arg(long)]
    no_summary: bool,
    /// Write the JSON report (the net change) here.
    #[arg(long, value_name = "PATH")]
    report: Option<PathBuf>,
}

/// Runs scopecheck with the process's arguments; what the binary calls.
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help and --version, 2 for usage errors.
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let styled_err = color_enabled(cli.color, &std::io::stderr());
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{}", e.render(styled_err).trim_end());
            ExitCode::from(2)
        }
    }
}

/// A bug must still end in one clear line and exit 2, never a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        eprintln!("error: internal error in scopecheck{place}: {what}; please report it");
        std::process::exit(2);
    }));
}

/// `--color always|never` wins; `auto` asks anstream (terminal, NO_COLOR, CLICOLOR_FORCE).
fn color_enabled<S: anstream::stream::RawStream>(when: ColorWhen, stream: &S) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

fn run(cli: Cli) -> Result<u8> {
    match &cli.command {
        Command::Diff(args) => diff(&cli, args),
        Command::LintMsg(args) => lint_msg(&cli, args),
        Command::Who(args) => who(&cli, args),
        Command::Hook(HookCommand::PreCommit) => hook_pre_commit(&cli),
        Command::Hook(HookCommand::CommitMsg { file }) => hook_commit_msg(&cli, file),
        Command::Hook(HookCommand::PrePush { remote, .. }) => {
            hook_pre_push(&cli, remote.as_deref())
        }
        Command::Install(args) => install(args),
        Command::Guard(args) => Ok(guard(&cli, args)),
        Command::Import(args) => import(&cli, args),
        Command::Init(args) => init(&cli, args),
        Command::Agents => agents(&cli),
        Command::Worklog(args) => worklog(&cli, args),
        Command::Github(GithubCommand::Review(args)) => {
            crate::github::review(&crate::github::Options {
                event: args.event.clone(),
                dry_run: args.dry_run,
                fail_on: args.fail_on,
                comment: !args.no_comment,
                summary: !args.no_summary,
                report: args.report.clone(),
                config: cli.config.clone(),
            })
        }
        Command::Validate(args) => validate(&cli, args),
        Command::Uninstall(args) => uninstall(args),
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "scopecheck",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
    }
}

fn load_policy(cli: &Cli, repo: &Repo, policy_rev: Option<&str>) -> Result<Policy> {
    crate::workspace::load_policy(repo, policy_rev, cli.config.as_deref())
}

fn current_dir() -> Result<PathBuf> {
    std::env::current_dir().map_err(|source| Error::Io {
        path: ".".into(),
        source,
    })
}

fn diff(cli: &Cli, args: &DiffArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, args.policy_rev.as_deref())?;
    let settings = DiffSettings {
        context_lines: args.unified,
        find_copies: args.find_copies,
    };
    let env_agent = std::env::var("SCOPECHECK_AGENT").ok();
    let branch = repo.current_branch();
    let judge = |change: &Change| -> Result<ChangeFindings> {
        let context = match &change.id {
            crate::change::ChangeId::Commit(id) => format!("commit {}", &id[..id.len().min(10)]),
            other => other.as_report_id().to_lowercase() + " changes",
        };
        let identity = identity::resolve(
            &policy,
            &Clues {
                flag: args.agent.as_deref(),
                env: env_agent.as_deref(),
                message: change.message.as_deref(),
                email: change.author_email.as_deref(),
                branch: branch.as_deref(),
                context: &context,
            },
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

/// The output format asked for, if `command` can print it: every command prints human and
/// json; `worklog` also markdown; `diff` also markdown, github and sarif.
fn format_for(cli: &Cli, command: &str, extra: &[Format]) -> Result<Format> {
    match cli.format.unwrap_or(Format::Human) {
        format @ (Format::Human | Format::Json) => Ok(format),
        format if extra.contains(&format) => Ok(format),
        format => {
            let name = format!("{format:?}").to_lowercase();
            Err(Error::Usage(format!("`scopecheck {command}` does not print --format {name} (diff prints markdown, github and sarif; worklog prints markdown)")))
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a message.
fn print_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Io {
            path: "standard output".into(),
            source,
        }),
        Ok(()) => Ok(()),
    }
}

/// `lint-msg`: works without a policy (the conventional preset), and outside a repository
/// for a file or stdin.
fn lint_msg(cli: &Cli, args: &LintMsgArgs) -> Result<u8> {
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
        let comment_char = repo
            .as_ref()
            .and_then(|r| r.git2().config().ok())
            .and_then(|c| c.get_string("core.commentChar").ok())
            .and_then(|s| s.chars().next().filter(|_| s != "auto"))
            .unwrap_or('#');
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
fn who(cli: &Cli, args: &WhoArgs) -> Result<u8> {
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

/// What a hook prints when it stops a commit or a push: the files at fault, why, and what to
/// do instead. The repository is never touched.
fn explain_rejection(
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
                .map(|f| shell_word(&f.path))
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

/// A path as one shell word.
fn shell_word(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+@".contains(c))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// Prints a hook's verdict to stderr (git shows it) and gives its exit code.
fn hook_verdict(
    scopes: &[ChangeFindings],
    messages: &[MessageReport],
    pushing: bool,
) -> Result<u8> {
    let styled = color_enabled(ColorWhen::Auto, &std::io::stderr());
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

fn hook_pre_commit(cli: &Cli) -> Result<u8> {
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
    hook_verdict(&[judge_change(&policy, &change, identity)], &[], false)
}

fn hook_commit_msg(cli: &Cli, file: &Path) -> Result<u8> {
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
    let comment_char = repo
        .git2()
        .config()
        .ok()
        .and_then(|c| c.get_string("core.commentChar").ok())
        .and_then(|s| s.chars().next().filter(|_| s != "auto"))
        .unwrap_or('#');
    let message = strip_git_comments(&raw, comment_char);
    let Some(policy) = policy else {
        let report = Linter::conventional().lint(&message, None);
        return hook_verdict(&[], &[report], false);
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
    hook_verdict(&scopes, &[lint], false)
}

/// The updates of this push: pre-commit's variables when it runs us, else git's stdin lines.
fn push_updates(repo: &Repo) -> Result<Vec<PushUpdate>> {
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

fn hook_pre_push(cli: &Cli, _remote: Option<&str>) -> Result<u8> {
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
            let id = oid.to_string();
            let context = format!("commit {}", &id[..10]);
            let identity = identity::resolve(
                &policy,
                &Clues {
                    env: env_agent.as_deref(),
                    message: change.message.as_deref(),
                    email: change.author_email.as_deref(),
                    branch: update.local_branch(),
                    context: &context,
                    ..Clues::default()
                },
            )?;
            let mut lint = linter.lint(
                change.message.as_deref().unwrap_or(""),
                identity.agent.map(|i| &policy.agents[i]),
            );
            lint.id = Some(id);
            messages.push(lint);
            scopes.push(judge_change(&policy, &change, identity));
        }
    }
    hook_verdict(&scopes, &messages, true)
}

fn install(args: &InstallArgs) -> Result<u8> {
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

fn uninstall(args: &UninstallArgs) -> Result<u8> {
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

/// The path of `file` as the repository sees it (for notes and format detection).
fn repo_relative(file: &Path) -> String {
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

fn import(cli: &Cli, args: &ImportArgs) -> Result<u8> {
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

fn init(cli: &Cli, args: &InitArgs) -> Result<u8> {
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
    let target = root.join("scopecheck.yml");
    std::fs::write(&target, &yaml).map_err(|source| Error::Io {
        path: target.display().to_string(),
        source,
    })?;
    // What init wrote must load; if it does not, say so now rather than at the first commit.
    Policy::discover(&WorktreeFiles { root: root.clone() }, cli.config.as_deref())?;
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

fn agents(cli: &Cli) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    let text = match format_for(cli, "agents", &[])? {
        Format::Json => report::agents::policy_json(&policy),
        _ => report::agents::policy_human(&policy),
    };
    print_out(&text)?;
    Ok(0)
}

fn validate(cli: &Cli, args: &ValidateArgs) -> Result<u8> {
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

fn worklog(cli: &Cli, args: &WorklogArgs) -> Result<u8> {
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
    // The two versions of each log, and the files each agent changed.
    let mut changed: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let (old_tree, new_tree) = match &args.range {
        None => {
            let head = repo.git2().head().ok().and_then(|h| h.peel_to_tree().ok());
            let change = repo.uncommitted(DiffSettings::default())?;
            let identity = identity::resolve(
                &policy,
                &Clues {
                    flag: args.agent.as_deref(),
                    env: env_agent.as_deref(),
                    email: change.author_email.as_deref(),
                    branch: branch.as_deref(),
                    context: "uncommitted changes",
                    ..Clues::default()
                },
            )?;
            if let Some(agent) = identity.agent {
                changed
                    .entry(agent)
                    .or_default()
                    .extend(change.files.iter().map(|f| f.path.clone()));
            }
            (head, None)
        }
        Some(spec) => {
            let range = Range::parse(spec);
            let (base, tip) = repo.range_ends(&range)?;
            for oid in repo.commits(&range, false)? {
                let change = repo.commit_change(oid, DiffSettings::default())?;
                let id = oid.to_string();
                let identity = identity::resolve(
                    &policy,
                    &Clues {
                        flag: args.agent.as_deref(),
                        env: env_agent.as_deref(),
                        message: change.message.as_deref(),
                        email: change.author_email.as_deref(),
                        branch: branch.as_deref(),
                        context: &format!("commit {}", &id[..10]),
                    },
                )?;
                if let Some(agent) = identity.agent {
                    changed
                        .entry(agent)
                        .or_default()
                        .extend(change.files.iter().map(|f| f.path.clone()));
                }
            }
            let base = match base {
                Some(b) => Some(repo.tree_at(&b)?),
                None => None,
            };
            (base, Some(repo.tree_at(&tip)?))
        }
    };
    let read_old = |path: &str| -> Result<String> {
        Ok(match &old_tree {
            Some(tree) => repo
                .read_in_tree(tree, path)?
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default(),
            None => String::new(),
        })
    };
    let read_new = |path: &str| -> Result<Option<String>> {
        Ok(match &new_tree {
            Some(tree) => repo
                .read_in_tree(tree, path)?
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
            None => std::fs::read(root.join(path))
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
        })
    };
    let exists = |path: &str| -> bool {
        match &new_tree {
            Some(tree) => tree.get_path(Path::new(path.trim_end_matches('/'))).is_ok(),
            None => root.join(path).exists(),
        }
    };
    let mut reports = Vec::new();
    for (agent_index, log_path) in logs {
        let agent = &policy.agents[agent_index];
        let old = read_old(&log_path)?;
        let new = read_new(&log_path)?.unwrap_or_default();
        let entries = crate::worklog::compare(&old, &new);
        let mismatches = if args.verify {
            let none = BTreeSet::new();
            crate::worklog::verify(
                &agent.name,
                &log_path,
                &entries,
                changed.get(&agent_index).unwrap_or(&none),
                &exists,
                policy.require_worklog_entry,
            )
        } else {
            Vec::new()
        };
        reports.push(report::worklog::LogReport {
            agent: agent.name.clone(),
            file: log_path,
            entries,
            mismatches,
        });
    }
    let ok = reports.iter().all(|r| r.mismatches.is_empty());
    let report = report::worklog::WorklogReport {
        version: 1,
        ok,
        verified: args.verify,
        logs: reports,
    };
    print_out(&match format {
        Format::Json => report::worklog::json(&report),
        Format::Markdown => report::worklog::markdown(&report),
        _ => report::worklog::human(&report),
    })?;
    Ok(if ok { 0 } else { 1 })
}

/// `install` / `uninstall` for agent tool hooks: Claude Code settings or subagents, opencode.
fn install_agent_hooks(
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

fn load_policy_quiet(repo: &Repo) -> Option<Policy> {
    crate::workspace::load_policy(repo, None, None).ok()
}

/// `guard` never blocks work by accident: any problem is exit 1, which Claude Code shows but
/// does not treat as a refusal.
fn guard(cli: &Cli, args: &GuardArgs) -> u8 {
    match guard_call(cli, args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("scopecheck guard: {e} (the tool call was not blocked)");
            1
        }
    }
}

fn guard_call(cli: &Cli, args: &GuardArgs) -> Result<u8> {
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
