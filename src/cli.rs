//! The command line: parses arguments, wires the layers together, prints, and maps outcomes
//! to exit codes (0 nothing denied, 1 something denied, 2 usage, policy or repository error).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::change::Change;
use crate::check::{judge_change, ChangeFindings, Report};
use crate::commit_msg::{strip_git_comments, LintReport, Linter, MessageReport};
use crate::error::{Error, Result};
use crate::git::{DiffSettings, Range, Repo};
use crate::identity::{self, Clues};
use crate::policy::{Policy, PolicyFiles, WorktreeFiles};
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

/// Reads policy files from a commit (`--policy-rev`).
struct TreeFiles<'r> {
    repo: &'r Repo,
    tree: git2::Tree<'r>,
    rev: String,
}

impl PolicyFiles for TreeFiles<'_> {
    fn read(&self, path: &str) -> Result<Option<String>> {
        match self.repo.read_in_tree(&self.tree, path)? {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| Error::Usage(format!("{path} at {} is not UTF-8 text", self.rev))),
        }
    }
}

fn load_policy(cli: &Cli, repo: &Repo, policy_rev: Option<&str>) -> Result<Policy> {
    match policy_rev {
        Some(rev) => {
            let files = TreeFiles {
                repo,
                tree: repo.tree_at(rev)?,
                rev: rev.to_string(),
            };
            Policy::discover(&files, cli.config.as_deref())
        }
        None => Policy::discover(&WorktreeFiles { root: repo.root()? }, cli.config.as_deref()),
    }
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
    let format = cli.format.unwrap_or(Format::Human);
    let styled = format == Format::Human && color_enabled(cli.color, &std::io::stdout());
    print_out(&report::render(&report, format, styled))?;
    Ok(if report.ok { 0 } else { 1 })
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
    let format = cli.format.unwrap_or(Format::Human);
    let styled = format == Format::Human && color_enabled(cli.color, &std::io::stdout());
    print_out(&report::lint::render(&report, format, styled))?;
    Ok(if report.ok { 0 } else { 1 })
}

/// `who`: streams, so a million paths on stdin are never held in memory.
fn who(cli: &Cli, args: &WhoArgs) -> Result<u8> {
    let repo = Repo::discover(&current_dir()?)?;
    let policy = load_policy(cli, &repo, None)?;
    let format = cli.format.unwrap_or(Format::Human);
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
