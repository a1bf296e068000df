//! Git hooks: installing and removing scopecheck's hook scripts, and reading what git hands
//! a pre-push hook.
//!
//! `install` writes small POSIX shell scripts into the hooks directory git uses
//! (`git rev-parse --git-path hooks`, so `core.hooksPath` and linked worktrees are honoured).
//! A hook that is already there and is not scopecheck's is chained: it is kept beside ours
//! as `NAME.scopecheck-chained` and run first. `uninstall` puts back exactly what was there.
//! Installing checks every hook before it writes any, so a refusal changes nothing.
//!
//! Not for: judging anything (the hook entry points are in the command line).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The hooks scopecheck provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HookName {
    PreCommit,
    CommitMsg,
    PrePush,
}

impl HookName {
    pub const ALL: [HookName; 3] = [HookName::PreCommit, HookName::CommitMsg, HookName::PrePush];

    pub fn file_name(self) -> &'static str {
        match self {
            HookName::PreCommit => "pre-commit",
            HookName::CommitMsg => "commit-msg",
            HookName::PrePush => "pre-push",
        }
    }
}

/// The line that marks a hook script as scopecheck's.
pub const MARKER: &str = "# scopecheck-managed hook";
const CHAINED_SUFFIX: &str = ".scopecheck-chained";

/// The script for `hook`; `binary` is where scopecheck was when it was installed (PATH is
/// tried when that is gone); `chained` runs the hook that was there before, first.
pub fn script(hook: HookName, binary: &Path, chained: bool) -> String {
    let name = hook.file_name();
    let quoted = shell_word(&binary.to_string_lossy());
    let mut s = format!(
        "#!/bin/sh\n\
         {MARKER}: {name}. Written by `scopecheck install`; `scopecheck uninstall` removes it\n\
         # and puts back any hook it chained.\n\
         scopecheck=${{SCOPECHECK:-{quoted}}}\n\
         if [ ! -x \"$scopecheck\" ]; then scopecheck=scopecheck; fi\n\
         if ! command -v \"$scopecheck\" >/dev/null 2>&1; then\n\
         \x20 echo \"scopecheck: not found (looked for {quoted} and on PATH); install it or set SCOPECHECK\" >&2\n\
         \x20 exit 1\n\
         fi\n"
    );
    let chained_path = format!("\"$(dirname \"$0\")/{name}{CHAINED_SUFFIX}\"");
    match (hook, chained) {
        (HookName::PrePush, true) => {
            // Both hooks read git's ref lines from stdin: read them once, give them to each.
            s.push_str("input=$(cat)\n");
            s.push_str(&format!("chained={chained_path}\n"));
            s.push_str("if [ -x \"$chained\" ]; then\n  printf '%s' \"$input${input:+\n}\" | \"$chained\" \"$@\" || exit $?\nfi\n");
            s.push_str(
                "printf '%s' \"$input${input:+\n}\" | \"$scopecheck\" hook pre-push \"$@\"\n",
            );
        }
        (_, true) => {
            s.push_str(&format!("chained={chained_path}\n"));
            s.push_str("if [ -x \"$chained\" ]; then \"$chained\" \"$@\" || exit $?; fi\n");
            s.push_str(&format!("exec \"$scopecheck\" hook {name} \"$@\"\n"));
        }
        (_, false) => s.push_str(&format!("exec \"$scopecheck\" hook {name} \"$@\"\n")),
    }
    s
}

/// `s` as one POSIX shell word: as is when that is safe, else single-quoted.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn is_ours(path: &Path) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()))
        .unwrap_or(false)
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What `install` or `uninstall` did to one hook, for telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Installed(PathBuf),
    Updated(PathBuf),
    Chained { hook: PathBuf, kept_as: PathBuf },
    Removed(PathBuf),
    Restored { hook: PathBuf, from: PathBuf },
    NotOurs(PathBuf),
    Absent(PathBuf),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Installed(p) => write!(f, "installed {}", p.display()),
            Outcome::Updated(p) => write!(f, "updated {}", p.display()),
            Outcome::Chained { hook, kept_as } => write!(
                f,
                "installed {}; the hook that was there is kept as {} and runs first",
                hook.display(),
                kept_as.display()
            ),
            Outcome::Removed(p) => write!(f, "removed {}", p.display()),
            Outcome::Restored { hook, from } => {
                write!(
                    f,
                    "removed scopecheck's {} and put back {}",
                    hook.display(),
                    from.display()
                )
            }
            Outcome::NotOurs(p) => write!(f, "left {} alone: it is not scopecheck's", p.display()),
            Outcome::Absent(p) => write!(f, "{} is not installed", p.display()),
        }
    }
}

/// Installs `hooks` into `dir` (created when missing, as `core.hooksPath` may name a new one).
pub fn install(dir: &Path, hooks: &[HookName], binary: &Path, force: bool) -> Result<Vec<Outcome>> {
    // Check everything first: a refusal must leave the hooks directory as it was.
    let mut refusals = Vec::new();
    for &hook in hooks {
        let path = dir.join(hook.file_name());
        let kept = dir.join(format!("{}{CHAINED_SUFFIX}", hook.file_name()));
        if exists(&path) && !is_ours(&path) && exists(&kept) && !force {
            refusals.push(format!(
                "{} exists and is not scopecheck's, but {} is already taken, so it cannot be chained",
                path.display(),
                kept.display()
            ));
        }
    }
    if !refusals.is_empty() {
        return Err(Error::Usage(format!(
            "nothing was installed: {}; move that file away, or run `scopecheck install --force` to replace it",
            refusals.join("; ")
        )));
    }
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let mut outcomes = Vec::new();
    for &hook in hooks {
        let path = dir.join(hook.file_name());
        let kept = dir.join(format!("{}{CHAINED_SUFFIX}", hook.file_name()));
        let outcome = if !exists(&path) {
            Outcome::Installed(path.clone())
        } else if is_ours(&path) {
            Outcome::Updated(path.clone())
        } else {
            std::fs::rename(&path, &kept).map_err(io_error(&path))?;
            Outcome::Chained {
                hook: path.clone(),
                kept_as: kept.clone(),
            }
        };
        write_executable(&path, &script(hook, binary, exists(&kept)))?;
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Removes scopecheck's hooks from `dir` and puts back any hook they chained.
pub fn uninstall(dir: &Path, hooks: &[HookName]) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    for &hook in hooks {
        let path = dir.join(hook.file_name());
        let kept = dir.join(format!("{}{CHAINED_SUFFIX}", hook.file_name()));
        if !exists(&path) {
            outcomes.push(Outcome::Absent(path));
        } else if !is_ours(&path) {
            outcomes.push(Outcome::NotOurs(path));
        } else if exists(&kept) {
            // rename keeps the old hook's bytes, mode and link-ness exactly
            std::fs::rename(&kept, &path).map_err(io_error(&kept))?;
            outcomes.push(Outcome::Restored {
                hook: path,
                from: kept,
            });
        } else {
            std::fs::remove_file(&path).map_err(io_error(&path))?;
            outcomes.push(Outcome::Removed(path));
        }
    }
    Ok(outcomes)
}

fn write_executable(path: &Path, text: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).map_err(io_error(path))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(io_error(path))
}

/// One line git gives a pre-push hook on stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushUpdate {
    pub local_ref: String,
    pub local_sha: String,
    pub remote_ref: String,
    pub remote_sha: String,
}

impl PushUpdate {
    pub fn is_deletion(&self) -> bool {
        is_zero(&self.local_sha)
    }
    pub fn is_new_ref(&self) -> bool {
        is_zero(&self.remote_sha)
    }
    /// The branch being pushed, without `refs/heads/`.
    pub fn local_branch(&self) -> Option<&str> {
        self.local_ref.strip_prefix("refs/heads/")
    }
}

fn is_zero(sha: &str) -> bool {
    !sha.is_empty() && sha.bytes().all(|b| b == b'0')
}

/// Parses `<local ref> <local sha> <remote ref> <remote sha>` lines.
pub fn parse_push_lines(input: &str) -> Result<Vec<PushUpdate>> {
    input
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts[..] {
                [local_ref, local_sha, remote_ref, remote_sha] => Ok(PushUpdate {
                    local_ref: local_ref.to_string(),
                    local_sha: local_sha.to_string(),
                    remote_ref: remote_ref.to_string(),
                    remote_sha: remote_sha.to_string(),
                }),
                _ => Err(Error::Usage(format!(
                    "pre-push: cannot read the line `{line}` from git; expected `<local ref> <local sha> <remote ref> <remote sha>`"
                ))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_lines() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let got = parse_push_lines(&format!(
            "refs/heads/x {a} refs/heads/x {z}\n\nrefs/heads/y {z} refs/heads/y {a}\n"
        ))
        .unwrap();
        assert!(got[0].is_new_ref() && !got[0].is_deletion());
        assert_eq!(got[0].local_branch(), Some("x"));
        assert!(got[1].is_deletion());
        assert!(parse_push_lines("garbage\n").is_err());
    }

    #[test]
    fn scripts_quote_the_binary_and_chain() {
        let s = script(HookName::PrePush, Path::new("/opt/it's/scopecheck"), true);
        assert!(s.contains("'/opt/it'\\''s/scopecheck'"));
        assert!(s.contains("pre-push.scopecheck-chained"));
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains(MARKER));
    }
}
