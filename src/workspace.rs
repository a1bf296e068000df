//! The repository and its policy, opened as every command opens them: the policy from the
//! work tree, or from a commit (`--policy-rev`, and always the base commit of a pull request,
//! so a pull request cannot loosen its own rules).

use std::path::Path;

use crate::error::{Error, Result};
use crate::git::Repo;
use crate::policy::{Policy, PolicyFiles, WorktreeFiles};

/// Reads policy files (and the agent files `from:` names) as a commit has them.
pub struct TreeFiles<'r> {
    repo: &'r Repo,
    tree: git2::Tree<'r>,
    rev: String,
}

impl<'r> TreeFiles<'r> {
    pub fn at(repo: &'r Repo, rev: &str) -> Result<TreeFiles<'r>> {
        Ok(TreeFiles {
            repo,
            tree: repo.tree_at(rev)?,
            rev: rev.to_string(),
        })
    }
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

/// The policy of the work tree, or of commit `rev`; `config` is `--config`. With a commit,
/// `config` names a file in that commit, so the policy cannot come from anywhere else.
pub fn load_policy(repo: &Repo, rev: Option<&str>, config: Option<&Path>) -> Result<Policy> {
    match (rev, config) {
        (Some(rev), Some(config)) => {
            let files = TreeFiles::at(repo, rev)?;
            let path = config
                .to_string_lossy()
                .trim_start_matches("./")
                .to_string();
            let text = files.read(&path)?.ok_or_else(|| {
                Error::Usage(format!(
                    "the policy file {path} given to --config does not exist at {rev}"
                ))
            })?;
            Policy::parse(&text, &path, &files)
        }
        (Some(rev), None) => Policy::discover(&TreeFiles::at(repo, rev)?, None),
        (None, config) => Policy::discover(&WorktreeFiles { root: repo.root()? }, config),
    }
}
