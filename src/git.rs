//! The git diff source: revisions and the uncommitted state turned into [`Change`]s with hunks.
//!
//! Which files changed comes from git's own plumbing (`git diff-tree`, `git diff-index`,
//! `git ls-files --others`, with `-M` for renames), for two reasons: it is what git itself
//! reports (renames included), and it is fast where libgit2 is not (git compares the index with
//! HEAD through the index's cache-tree, and honours `GIT_INDEX_FILE`, which a hook needs for
//! `git commit -a`). The hunks of each changed file are computed in-process with libgit2 from
//! the two blobs, across all cores. Commits, trees and blobs are read with libgit2.
//!
//! Not for: policies, agents or verdicts.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Sort, Tree};

use crate::change::{Change, ChangeId, FileChange, FileStatus, Hunk};
use crate::error::{Error, Result};

/// How diffs are computed.
#[derive(Debug, Clone, Copy)]
pub struct DiffSettings {
    /// Lines of context around each hunk (git's `-U`, default 3).
    pub context_lines: u32,
    /// Detect copies as well as renames (git's `-C`).
    pub find_copies: bool,
}

impl Default for DiffSettings {
    fn default() -> Self {
        DiffSettings {
            context_lines: 3,
            find_copies: false,
        }
    }
}

/// Which commits to judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Range {
    /// `REV`: the commits in `REV..HEAD`.
    Since(String),
    /// `A..B`: what `git rev-list A..B` lists.
    Between(String, String),
    /// `A...B`: the commits from `merge-base(A, B)` to `B`, as a pull request has them.
    FromMergeBase(String, String),
    /// Every commit reachable from HEAD.
    All,
}

impl Range {
    /// Reads `REV`, `A..B` or `A...B`; an empty side means HEAD, as in git.
    pub fn parse(spec: &str) -> Range {
        let side = |s: &str| {
            if s.is_empty() {
                "HEAD".to_string()
            } else {
                s.to_string()
            }
        };
        if let Some((a, b)) = spec.split_once("...") {
            Range::FromMergeBase(side(a), side(b))
        } else if let Some((a, b)) = spec.split_once("..") {
            Range::Between(side(a), side(b))
        } else {
            Range::Since(spec.to_string())
        }
    }
}

pub struct Repo {
    repo: Repository,
}

impl Repo {
    /// Opens the repository containing `dir` (as git does, walking up).
    pub fn discover(dir: &Path) -> Result<Repo> {
        // git itself does not re-hash every object it reads; libgit2 does by default, which
        // costs more than the diff on a large change.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::discover(dir).map_err(|e| {
            Error::Git(format!(
                "{} is not inside a git repository ({})",
                dir.display(),
                e.message()
            ))
        })?;
        Ok(Repo { repo })
    }

    pub fn git2(&self) -> &Repository {
        &self.repo
    }

    /// The top of the work tree (the repository root files are relative to).
    pub fn root(&self) -> Result<PathBuf> {
        self.repo.workdir().map(Path::to_path_buf).ok_or_else(|| {
            Error::Git("this is a bare repository; scopecheck needs a work tree here".into())
        })
    }

    /// `user.email` from git config, as a new commit would get it.
    pub fn user_email(&self) -> Option<String> {
        if let Ok(email) = std::env::var("GIT_AUTHOR_EMAIL") {
            return Some(email);
        }
        self.repo.config().ok()?.get_string("user.email").ok()
    }

    /// The checked-out branch without `refs/heads/` (also on an unborn branch); `None` when
    /// HEAD is detached.
    pub fn current_branch(&self) -> Option<String> {
        let head = self.repo.find_reference("HEAD").ok()?;
        let target = head.symbolic_target().ok()??;
        target.strip_prefix("refs/heads/").map(str::to_string)
    }

    fn head_tree(&self) -> Result<Option<Tree<'_>>> {
        match self.repo.head() {
            Ok(head) => Ok(Some(head.peel_to_tree()?)),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn commit_of(&self, rev: &str) -> Result<git2::Commit<'_>> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| {
                Error::Git(format!(
                    "unknown revision `{rev}`: no commit has that name in this repository"
                ))
            })
    }

    /// The tree of the commit `rev` names.
    pub fn tree_at(&self, rev: &str) -> Result<Tree<'_>> {
        Ok(self.commit_of(rev)?.tree()?)
    }

    /// A file's content as `tree` has it; `None` when the tree has no such file.
    pub fn read_in_tree(&self, tree: &Tree<'_>, path: &str) -> Result<Option<Vec<u8>>> {
        let entry = match tree.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        match entry.to_object(&self.repo)?.into_blob() {
            Ok(blob) => Ok(Some(blob.content().to_vec())),
            Err(_) => Ok(None),
        }
    }

    /// A file as `tree` has it, as text (invalid UTF-8 replaced); `None` when it has no such file.
    pub fn read_text(&self, tree: &Tree<'_>, path: &str) -> Result<Option<String>> {
        Ok(self
            .read_in_tree(tree, path)?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// The character git starts comment lines of a commit message with (`core.commentChar`;
    /// `auto` and unset mean `#`).
    pub fn comment_char(&self) -> char {
        self.repo
            .config()
            .ok()
            .and_then(|c| c.get_string("core.commentChar").ok())
            .and_then(|s| s.chars().next().filter(|_| s != "auto"))
            .unwrap_or('#')
    }

    /// The index against HEAD (against the empty tree on an unborn branch).
    pub fn staged(&self, settings: DiffSettings) -> Result<Change> {
        let base = self.head_or_empty_tree()?;
        let raw = self.raw_diff(&["diff-index", "--cached"], &base, settings)?;
        Ok(Change {
            id: ChangeId::Staged,
            author_email: self.user_email(),
            message: None,
            files: self.with_hunks(raw, settings)?,
        })
    }

    /// The index and work tree against HEAD, with the untracked files git does not ignore.
    pub fn uncommitted(&self, settings: DiffSettings) -> Result<Change> {
        let base = self.head_or_empty_tree()?;
        let mut raw = self.raw_diff(&["diff-index"], &base, settings)?;
        let untracked = self.git(&["ls-files", "--others", "--exclude-standard", "-z"])?;
        for path in untracked.split(|b| *b == 0).filter(|p| !p.is_empty()) {
            let path = String::from_utf8_lossy(path).into_owned();
            let mode = match std::fs::symlink_metadata(self.root()?.join(&path)) {
                Ok(m) if m.file_type().is_symlink() => 0o120000,
                Ok(m) if std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0 => {
                    0o100755
                }
                _ => 0o100644,
            };
            raw.push(RawChange {
                status: FileStatus::Added,
                old_mode: 0,
                new_mode: mode,
                old_id: Oid::ZERO_SHA1,
                new_id: Oid::ZERO_SHA1,
                old_path: None,
                path,
            });
        }
        raw.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Change {
            id: ChangeId::Worktree,
            author_email: self.user_email(),
            message: None,
            files: self.with_hunks(raw, settings)?,
        })
    }

    fn head_or_empty_tree(&self) -> Result<String> {
        Ok(match self.head_tree()? {
            Some(tree) => tree.id().to_string(),
            None => EMPTY_TREE.to_string(),
        })
    }

    /// Runs git in the work tree (or the git dir of a bare repository) and returns stdout.
    fn git(&self, args: &[&str]) -> Result<Vec<u8>> {
        let dir = self.repo.workdir().unwrap_or_else(|| self.repo.path());
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            // read-only: no opportunistic index refresh
            .env("GIT_OPTIONAL_LOCKS", "0")
            .output()
            .map_err(|e| {
                Error::Git(format!(
                    "cannot run git ({e}); scopecheck needs git on PATH"
                ))
            })?;
        if !out.status.success() {
            return Err(Error::Git(format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(out.stdout)
    }

    /// `git <command> --raw -z -M [-C] <args…>`, parsed.
    fn raw_diff(
        &self,
        command: &[&str],
        rev_args: &str,
        settings: DiffSettings,
    ) -> Result<Vec<RawChange>> {
        let mut args: Vec<&str> = command.to_vec();
        args.extend(["-r", "--raw", "-z", "--no-abbrev", "-M"]);
        if settings.find_copies {
            args.push("-C");
        }
        args.extend(rev_args.split(' '));
        parse_raw(&self.git(&args)?)
    }

    /// Computes each change's hunks from its two sides. One thread: libgit2 serialises pack
    /// reads behind a global lock, so more threads only contend (measured: slower).
    fn with_hunks(&self, raw: Vec<RawChange>, settings: DiffSettings) -> Result<Vec<FileChange>> {
        let root = self.repo.workdir();
        let mut opts = diff_options(settings);
        opts.force_text(true);
        raw.into_iter()
            .map(|c| file_change(&self.repo, root, c, &mut opts))
            .collect()
    }

    /// The files git tracks (`others`: and the untracked ones it does not ignore).
    pub fn list_files(&self, others: bool) -> Result<Vec<String>> {
        let args: &[&str] = if others {
            &[
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ]
        } else {
            &["ls-files", "-z"]
        };
        let out = self.git(args)?;
        Ok(out
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect())
    }

    /// The change between two commits as one (a pull request's net change).
    pub fn net_change(&self, from: &str, to: &str, settings: DiffSettings) -> Result<Change> {
        let raw = self.raw_diff(&["diff-tree"], &format!("{from} {to}"), settings)?;
        Ok(Change {
            id: ChangeId::Commit(self.commit_of(to)?.id().to_string()),
            author_email: None,
            message: None,
            files: self.with_hunks(raw, settings)?,
        })
    }

    /// Whether this repository has the commit `sha`.
    pub fn has_commit(&self, sha: &str) -> bool {
        Oid::from_str(sha)
            .ok()
            .and_then(|oid| self.repo.find_commit(oid).ok())
            .is_some()
    }

    /// Whether this is a shallow clone (as `actions/checkout` makes by default).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// Fetches from `origin` (history a shallow checkout lacks).
    pub fn fetch(&self, args: &[&str]) -> Result<()> {
        let mut all = vec!["fetch", "--no-tags", "--quiet"];
        all.extend_from_slice(args);
        self.git(&all).map(|_| ())
    }

    /// The merge base of two commits.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<String> {
        let (a, b) = (self.commit_of(a)?.id(), self.commit_of(b)?.id());
        Ok(self.repo.merge_base(a, b)?.to_string())
    }

    /// The hooks directory git uses here (`core.hooksPath` and linked worktrees included).
    pub fn hooks_dir(&self) -> Result<PathBuf> {
        let out = self.git(&["rev-parse", "--git-path", "hooks"])?;
        let path = PathBuf::from(String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']));
        let base = self.repo.workdir().unwrap_or_else(|| self.repo.path());
        Ok(if path.is_absolute() {
            path
        } else {
            base.join(path)
        })
    }

    /// The commits a push of `local` adds, oldest first, merges left out: those not in
    /// `remote` (the remote's old tip) when this repository has it, else those on no
    /// remote-tracking ref at all (a new branch, or a tip never fetched).
    pub fn commits_to_push(&self, local: &str, remote: Option<&str>) -> Result<Vec<Oid>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        walk.push(self.commit_of(local)?.id())?;
        match remote.and_then(|r| self.commit_of(r).ok()) {
            Some(known) => walk.hide(known.id())?,
            None => walk.hide_glob("refs/remotes/*")?,
        }
        let mut out = Vec::new();
        for oid in walk {
            let oid = oid?;
            if self.repo.find_commit(oid)?.parent_count() <= 1 {
                out.push(oid);
            }
        }
        Ok(out)
    }

    /// The commits at the two ends of a range, as (base, tip): the base is `None` for the
    /// empty tree (`--root`), the tip is the range's last commit.
    pub fn range_ends(&self, range: &Range) -> Result<(Option<String>, String)> {
        let id = |rev: &str| -> Result<String> { Ok(self.commit_of(rev)?.id().to_string()) };
        Ok(match range {
            Range::Since(rev) => (Some(id(rev)?), id("HEAD")?),
            Range::Between(a, b) => (Some(id(a)?), id(b)?),
            Range::FromMergeBase(a, b) => {
                let (a, b) = (self.commit_of(a)?.id(), self.commit_of(b)?.id());
                let base = self.repo.merge_base(a, b).map_err(|_| {
                    Error::Git(format!(
                        "{a} and {b} have no common ancestor, so `A...B` names no commits"
                    ))
                })?;
                (Some(base.to_string()), b.to_string())
            }
            Range::All => (None, id("HEAD")?),
        })
    }

    /// The commits a range names, oldest first; merge commits only when `merges`.
    pub fn commits(&self, range: &Range, merges: bool) -> Result<Vec<Oid>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let (base, tip) = self.range_ends(range)?;
        walk.push(Oid::from_str(&tip)?)?;
        if let Some(base) = base {
            walk.hide(Oid::from_str(&base)?)?;
        }
        let mut out = Vec::new();
        for oid in walk {
            let oid = oid?;
            if merges || self.repo.find_commit(oid)?.parent_count() <= 1 {
                out.push(oid);
            }
        }
        Ok(out)
    }

    /// One commit's change against its first parent (the empty tree for a root commit).
    pub fn commit_change(&self, oid: Oid, settings: DiffSettings) -> Result<Change> {
        let commit = self.repo.find_commit(oid)?;
        let author = commit.author();
        let author_email = String::from_utf8_lossy(author.email_bytes()).into_owned();
        let parent = match commit.parent_id(0) {
            Ok(parent) => parent.to_string(),
            Err(_) => EMPTY_TREE.to_string(),
        };
        let raw = self.raw_diff(&["diff-tree"], &format!("{parent} {oid}"), settings)?;
        Ok(Change {
            id: ChangeId::Commit(oid.to_string()),
            author_email: Some(author_email),
            message: Some(String::from_utf8_lossy(commit.message_bytes()).into_owned()),
            files: self.with_hunks(raw, settings)?,
        })
    }
}

/// git's empty tree, the base of a root commit and of an unborn branch.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// One line of `git diff --raw -z`.
#[derive(Debug, Clone)]
struct RawChange {
    status: FileStatus,
    old_mode: u32,
    new_mode: u32,
    old_id: Oid,
    /// Zero when the new side is in the work tree.
    new_id: Oid,
    old_path: Option<String>,
    path: String,
}

/// Parses `:old_mode new_mode old_id new_id STATUS NUL path NUL [path NUL]` records.
fn parse_raw(out: &[u8]) -> Result<Vec<RawChange>> {
    let bad = || Error::Git("unexpected output from `git diff --raw -z`".into());
    let mut fields = out.split(|b| *b == 0);
    let mut changes = Vec::new();
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            continue;
        }
        let meta = std::str::from_utf8(meta).map_err(|_| bad())?;
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let [old_mode, new_mode, old_id, new_id, status] = parts[..] else {
            return Err(bad());
        };
        let mode = |m: &str| u32::from_str_radix(m, 8).map_err(|_| bad());
        let id = |i: &str| Oid::from_str(i).map_err(|_| bad());
        let mut path = || {
            fields
                .next()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .ok_or_else(bad)
        };
        let status = match status.as_bytes().first() {
            Some(b'A') => FileStatus::Added,
            Some(b'M') | Some(b'U') => FileStatus::Modified,
            Some(b'D') => FileStatus::Deleted,
            Some(b'R') => FileStatus::Renamed,
            Some(b'C') => FileStatus::Copied,
            Some(b'T') => FileStatus::Typechange,
            _ => return Err(bad()),
        };
        let first = path()?;
        let (old_path, path) = match status {
            FileStatus::Renamed | FileStatus::Copied => (Some(first), path()?),
            _ => (None, first),
        };
        changes.push(RawChange {
            status,
            old_mode: mode(old_mode)?,
            new_mode: mode(new_mode)?,
            old_id: id(old_id)?,
            new_id: id(new_id)?,
            old_path,
            path,
        });
    }
    Ok(changes)
}

/// One side of a change: a blob (borrowed from libgit2, not copied) or bytes read here.
enum Side<'r> {
    Blob(git2::Blob<'r>),
    Bytes(Vec<u8>),
}

impl Side<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Side::Blob(blob) => blob.content(),
            Side::Bytes(bytes) => bytes,
        }
    }
}

/// The bytes git diffs for one side: a blob, a file in the work tree, a symlink's target, or
/// a submodule's `Subproject commit` line.
fn side_content<'r>(
    repo: &'r Repository,
    root: Option<&Path>,
    mode: u32,
    id: Oid,
    path: &str,
) -> Result<Side<'r>> {
    const GITLINK: u32 = 0o160000;
    const SYMLINK: u32 = 0o120000;
    if mode == 0 {
        return Ok(Side::Bytes(Vec::new()));
    }
    if mode == GITLINK {
        return Ok(Side::Bytes(
            format!("Subproject commit {id}\n").into_bytes(),
        ));
    }
    if !id.is_zero() {
        return Ok(Side::Blob(repo.find_blob(id)?));
    }
    let full = root
        .ok_or_else(|| Error::Git("a work-tree change in a bare repository".into()))?
        .join(path);
    let read = if mode == SYMLINK {
        std::fs::read_link(&full).map(|t| t.into_os_string().into_encoded_bytes())
    } else {
        std::fs::read(&full)
    };
    read.map(Side::Bytes).map_err(|source| Error::Io {
        path: path.to_string(),
        source,
    })
}

/// git's test: a NUL in the first 8,000 bytes makes a file binary.
fn is_binary(content: &[u8]) -> bool {
    content[..content.len().min(8000)].contains(&0)
}

fn file_change(
    repo: &Repository,
    root: Option<&Path>,
    raw: RawChange,
    opts: &mut git2::DiffOptions,
) -> Result<FileChange> {
    let old_path = raw.old_path.as_deref().unwrap_or(&raw.path);
    let mut file = FileChange {
        path: raw.path.clone(),
        old_path: raw.old_path.clone(),
        status: raw.status,
        binary: false,
        hunks: Vec::new(),
    };
    // A mode-only change, or a rename or copy without edits, has no hunks.
    if raw.old_id == raw.new_id && !raw.new_id.is_zero() {
        return Ok(file);
    }
    let old = side_content(repo, root, raw.old_mode, raw.old_id, old_path)?;
    let new = side_content(repo, root, raw.new_mode, raw.new_id, &raw.path)?;
    let (old, new) = (old.bytes(), new.bytes());
    if is_binary(old) || is_binary(new) {
        file.binary = true;
        return Ok(file);
    }
    if old == new {
        return Ok(file);
    }
    let patch = git2::Patch::from_buffers(old, None, new, None, Some(opts))?;
    for i in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(i)?;
        file.hunks.push(Hunk {
            old_start: hunk.old_start(),
            old_lines: hunk.old_lines(),
            new_start: hunk.new_start(),
            new_lines: hunk.new_lines(),
        });
    }
    Ok(file)
}

fn diff_options(settings: DiffSettings) -> git2::DiffOptions {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(settings.context_lines);
    opts
}
