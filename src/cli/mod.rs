//! The command line: parses arguments, wires the layers together, prints, and maps outcomes
//! to exit codes (0 nothing denied, 1 something denied, 2 usage, policy or repository error).
//! This file holds the arguments and what every command shares; the commands live beside it.

mod agent_cmds;
mod check_cmds;
mod hook_cmds;

use agent_cmds::*;
use check_cmds::*;
use hook_cmds::*;

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

/// The exit code a bug ends with: 2, except under `guard`, where 2 would block the agent's
/// tool call and a bug must never do that (1 is shown, not obeyed).
static PANIC_EXIT: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(2);

/// A bug must still end in one clear line, never a backtrace.
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
        std::process::exit(PANIC_EXIT.load(std::sync::atomic::Ordering::SeqCst));
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
        Command::Init(args) => init(args),
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
