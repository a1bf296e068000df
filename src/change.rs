//! Changes as plain data: what the git layer produces and the engine judges.
//!
//! Not for: reading them from git (that is `git`), or judging them (that is `check`).

use serde::Serialize;

/// Which change is being judged: a commit, or the uncommitted state of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeId {
    /// A commit, by its full 40-hex id.
    Commit(String),
    /// The index against HEAD (`--staged`).
    Staged,
    /// The index and work tree against HEAD, untracked files included.
    Worktree,
}

impl ChangeId {
    /// The id as reports print it: the commit id, `STAGED` or `WORKTREE`.
    pub fn as_report_id(&self) -> &str {
        match self {
            ChangeId::Commit(id) => id,
            ChangeId::Staged => "STAGED",
            ChangeId::Worktree => "WORKTREE",
        }
    }
}

/// One commit's (or the uncommitted state's) changed files, with what identifies its author.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: ChangeId,
    /// The author's email (for commits), or `user.email` (for uncommitted changes).
    pub author_email: Option<String>,
    /// The full commit message; `None` for uncommitted changes.
    pub message: Option<String>,
    pub files: Vec<FileChange>,
}

impl Change {
    /// The first line of the message.
    pub fn subject(&self) -> Option<&str> {
        self.message
            .as_deref()
            .map(|m| m.lines().next().unwrap_or(""))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    Typechange,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Added => "added",
            FileStatus::Modified => "modified",
            FileStatus::Deleted => "deleted",
            FileStatus::Renamed => "renamed",
            FileStatus::Copied => "copied",
            FileStatus::Typechange => "typechange",
        }
    }
}

/// A hunk header's numbers, as in `@@ -old_start,old_lines +new_start,new_lines @@`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
}

impl Hunk {
    /// The line a comment on this hunk points at, and its side of the diff: the first new
    /// line, or the first old line of a hunk that only deletes.
    pub fn anchor(&self) -> (u32, &'static str) {
        if self.new_lines > 0 {
            (self.new_start, "RIGHT")
        } else {
            (self.old_start.max(1), "LEFT")
        }
    }
}

impl std::fmt::Display for Hunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // As git prints it: a count of 1 is left out.
        let side = |start: u32, lines: u32| {
            if lines == 1 {
                start.to_string()
            } else {
                format!("{start},{lines}")
            }
        };
        write!(
            f,
            "@@ -{} +{} @@",
            side(self.old_start, self.old_lines),
            side(self.new_start, self.new_lines)
        )
    }
}

/// One changed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Repository-relative, `/`-separated, as git stores it (the new path of a rename).
    pub path: String,
    /// The old path of a rename or copy.
    pub old_path: Option<String>,
    pub status: FileStatus,
    pub binary: bool,
    pub hunks: Vec<Hunk>,
}
