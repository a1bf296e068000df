//! The git diff source: revisions and the uncommitted state turned into [`Change`]s with hunks.
//!
//! Plumbing over libgit2: which commits a range names, each commit's diff against its first
//! parent (or the empty tree), the index against HEAD, the work tree with untracked files,
//! rename and copy detection, and reading a file as a commit has it.
//!
//! Not for: policies, agents or verdicts.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use git2::{Delta, DiffFindOptions, Oid, Repository, Sort, Tree};

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

    /// The index against HEAD (against the empty tree on an unborn branch).
    pub fn staged(&self, settings: DiffSettings) -> Result<Change> {
        let head = self.head_tree()?;
        let index = self.repo.index()?;
        let mut opts = diff_options(settings);
        let diff = self
            .repo
            .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut opts))?;
        Ok(Change {
            id: ChangeId::Staged,
            author_email: self.user_email(),
            message: None,
            files: collect(diff, settings)?,
        })
    }

    /// The index and work tree against HEAD, with the untracked files git does not ignore.
    pub fn uncommitted(&self, settings: DiffSettings) -> Result<Change> {
        let head = self.head_tree()?;
        let mut opts = diff_options(settings);
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .show_untracked_content(true);
        let diff = self
            .repo
            .diff_tree_to_workdir_with_index(head.as_ref(), Some(&mut opts))?;
        Ok(Change {
            id: ChangeId::Worktree,
            author_email: self.user_email(),
            message: None,
            files: collect(diff, settings)?,
        })
    }

    /// The commits a range names, oldest first; merge commits only when `merges`.
    pub fn commits(&self, range: &Range, merges: bool) -> Result<Vec<Oid>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        match range {
            Range::Since(rev) => {
                walk.push(self.commit_of("HEAD")?.id())?;
                walk.hide(self.commit_of(rev)?.id())?;
            }
            Range::Between(a, b) => {
                walk.push(self.commit_of(b)?.id())?;
                walk.hide(self.commit_of(a)?.id())?;
            }
            Range::FromMergeBase(a, b) => {
                let (a, b) = (self.commit_of(a)?.id(), self.commit_of(b)?.id());
                let base = self.repo.merge_base(a, b).map_err(|_| {
                    Error::Git(format!(
                        "{a} and {b} have no common ancestor, so `A...B` names no commits"
                    ))
                })?;
                walk.push(b)?;
                walk.hide(base)?;
            }
            Range::All => {
                walk.push(self.commit_of("HEAD")?.id())?;
            }
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
        let tree = commit.tree()?;
        let parent_tree = match commit.parent(0) {
            Ok(parent) => Some(parent.tree()?),
            Err(_) => None,
        };
        let mut opts = diff_options(settings);
        let diff =
            self.repo
                .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))?;
        Ok(Change {
            id: ChangeId::Commit(oid.to_string()),
            author_email: Some(author_email),
            message: Some(String::from_utf8_lossy(commit.message_bytes()).into_owned()),
            files: collect(diff, settings)?,
        })
    }
}

fn diff_options(settings: DiffSettings) -> git2::DiffOptions {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(settings.context_lines)
        .include_typechange(true)
        .ignore_submodules(false);
    opts
}

/// Runs rename (and copy) detection and collects every delta with its hunks.
fn collect(mut diff: git2::Diff<'_>, settings: DiffSettings) -> Result<Vec<FileChange>> {
    let mut find = DiffFindOptions::new();
    find.renames(true)
        .for_untracked(true)
        .copies(settings.find_copies);
    diff.find_similar(Some(&mut find))?;

    // libgit2 calls back per file, then per hunk; all callbacks add to the last file.
    let files: RefCell<Vec<FileChange>> = RefCell::new(Vec::with_capacity(diff.deltas().len()));
    diff.foreach(
        &mut |delta, _| {
            if let Some(file) = file_change(&delta) {
                files.borrow_mut().push(file);
            }
            true
        },
        Some(&mut |_, _| {
            if let Some(last) = files.borrow_mut().last_mut() {
                last.binary = true;
            }
            true
        }),
        Some(&mut |_, hunk| {
            if let Some(last) = files.borrow_mut().last_mut() {
                last.hunks.push(Hunk {
                    old_start: hunk.old_start(),
                    old_lines: hunk.old_lines(),
                    new_start: hunk.new_start(),
                    new_lines: hunk.new_lines(),
                });
            }
            true
        }),
        None,
    )?;
    Ok(files.into_inner())
}

fn file_change(delta: &git2::DiffDelta<'_>) -> Option<FileChange> {
    let status = match delta.status() {
        Delta::Added | Delta::Untracked => FileStatus::Added,
        Delta::Modified | Delta::Conflicted => FileStatus::Modified,
        Delta::Deleted => FileStatus::Deleted,
        Delta::Renamed => FileStatus::Renamed,
        Delta::Copied => FileStatus::Copied,
        Delta::Typechange => FileStatus::Typechange,
        Delta::Unmodified | Delta::Ignored | Delta::Unreadable => return None,
    };
    let path_of = |f: git2::DiffFile<'_>| {
        f.path_bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    let new_path = path_of(delta.new_file());
    let old_path = path_of(delta.old_file());
    let path = match status {
        FileStatus::Deleted => old_path.clone(),
        _ => new_path.or_else(|| old_path.clone()),
    }?;
    Some(FileChange {
        path,
        old_path: matches!(status, FileStatus::Renamed | FileStatus::Copied)
            .then_some(old_path)
            .flatten(),
        status,
        binary: delta.flags().is_binary(),
        hunks: Vec::new(),
    })
}
