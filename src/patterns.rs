//! Path patterns with git's gitignore semantics, compiled once into one matcher.
//!
//! Every pattern of a policy (all agents' `owns` / `forbids` / `shared`, and `protected`)
//! goes into one [`PatternSet`], tagged with the list it belongs to. Matching a path costs one
//! `GlobSet` pass per path component, whatever the number of patterns, and answers, for every
//! list, which rule decided (by index, so the caller can name the pattern and its line).
//!
//! The semantics are git's, and `git check-ignore --no-index` is the reference:
//! - `dir/` matches the directory `dir` and so everything under it; a trailing `/` matches
//!   directories only;
//! - a pattern with a `/` other than a trailing one is anchored at the root, as is one with
//!   a leading `/`; a pattern with no slash matches a name at any depth;
//! - `*` and `?` do not cross `/`, `**` does; `[...]` is a character class; `{}` are literal;
//! - within one list the last matching pattern wins and `!pattern` re-includes, except that a
//!   path cannot be re-included when one of its parent directories is matched (git reads
//!   parent directories first, from the top).
//!
//! Not for: knowing where a pattern was written (the policy keeps that), or git itself.

use globset::{Candidate, GlobBuilder, GlobSet, GlobSetBuilder};

/// Identifies one list of patterns inside a [`PatternSet`] (e.g. "backend's owns").
pub type ListId = usize;

/// Why a pattern could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PatternError {
    pub message: String,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    list: ListId,
    /// Index of the rule within its list, as the list was given.
    index: usize,
    negated: bool,
    dir_only: bool,
}

/// Builds a [`PatternSet`]; each pattern is validated as it is added.
pub struct PatternSetBuilder {
    globs: GlobSetBuilder,
    rules: Vec<CompiledRule>,
    lists: usize,
}

impl Default for PatternSetBuilder {
    fn default() -> Self {
        PatternSetBuilder {
            globs: GlobSetBuilder::new(),
            rules: Vec::new(),
            lists: 0,
        }
    }
}

impl PatternSetBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new list; patterns added with this id belong to it.
    pub fn new_list(&mut self) -> ListId {
        self.lists += 1;
        self.lists - 1
    }

    /// Adds `pattern` as rule `index` of `list`.
    pub fn add(&mut self, list: ListId, index: usize, pattern: &str) -> Result<(), PatternError> {
        let parsed = parse(pattern)?;
        let glob = GlobBuilder::new(&parsed.glob)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| PatternError {
                message: format!("invalid pattern `{pattern}`: {}", e.kind()),
            })?;
        self.globs.add(glob);
        self.rules.push(CompiledRule {
            list,
            index,
            negated: parsed.negated,
            dir_only: parsed.dir_only,
        });
        Ok(())
    }

    pub fn build(self) -> Result<PatternSet, PatternError> {
        let set = self.globs.build().map_err(|e| PatternError {
            message: format!("the patterns could not be compiled together: {e}"),
        })?;
        Ok(PatternSet {
            set,
            rules: self.rules,
            lists: self.lists,
        })
    }
}

/// The compiled patterns of every list.
#[derive(Debug, Clone)]
pub struct PatternSet {
    set: GlobSet,
    rules: Vec<CompiledRule>,
    lists: usize,
}

/// For each list, the index of the rule that matched a path, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListMatches {
    decided: Vec<Option<usize>>,
}

impl ListMatches {
    /// The rule of `list` that matched, as its index within the list.
    pub fn get(&self, list: ListId) -> Option<usize> {
        self.decided.get(list).copied().flatten()
    }
}

impl PatternSet {
    /// Matches a repository-relative path (`/`-separated, as git stores it) against every list.
    pub fn matches(&self, path: &str) -> ListMatches {
        self.matches_with(path, &mut MatchScratch::default())
    }

    /// As [`matches`](Self::matches), reusing `scratch` between calls so that matching many
    /// paths allocates once per path (the answer), not once per path component.
    pub fn matches_with(&self, path: &str, scratch: &mut MatchScratch) -> ListMatches {
        let mut decided: Vec<Option<usize>> = vec![None; self.lists];
        let path = path.trim_end_matches('/');
        if path.is_empty() || self.rules.is_empty() {
            return ListMatches { decided };
        }
        // `settled[list]` once a parent directory of the path matched in that list: git does
        // not look further (a file cannot be re-included when its directory is excluded).
        scratch.settled.clear();
        scratch.settled.resize(self.lists, false);
        let mut unsettled = self.lists;
        let mut search_from = 0;
        while unsettled > 0 && search_from <= path.len() {
            // Each ancestor directory from the top, then the path itself. `/` is ASCII, so
            // one byte past it is always a character boundary.
            let next = path[search_from..].find('/').map(|i| search_from + i);
            let is_dir = next.is_some();
            let end = next.unwrap_or(path.len());
            search_from = end + 1;
            let candidate_path = &path[..end];
            if candidate_path.is_empty() {
                continue;
            }
            scratch.hits.clear();
            self.set
                .matches_candidate_into(&Candidate::new(candidate_path), &mut scratch.hits);
            if scratch.hits.is_empty() {
                continue;
            }
            // Last match wins within a list: walk the matches from the highest index down.
            scratch.seen.clear();
            scratch.seen.resize(self.lists, false);
            for &glob_index in scratch.hits.iter().rev() {
                let rule = &self.rules[glob_index];
                if scratch.settled[rule.list]
                    || scratch.seen[rule.list]
                    || (rule.dir_only && !is_dir)
                {
                    continue;
                }
                scratch.seen[rule.list] = true;
                if !rule.negated {
                    decided[rule.list] = Some(rule.index);
                    scratch.settled[rule.list] = true;
                    unsettled -= 1;
                }
            }
        }
        ListMatches { decided }
    }
}

/// Buffers [`PatternSet::matches_with`] reuses from one path to the next.
#[derive(Debug, Default)]
pub struct MatchScratch {
    hits: Vec<usize>,
    settled: Vec<bool>,
    seen: Vec<bool>,
}

struct ParsedPattern {
    glob: String,
    negated: bool,
    dir_only: bool,
}

/// Translates one gitignore-style pattern into a glob for `globset`
/// (the same translation as the `ignore` crate's, plus git's literal braces).
fn parse(original: &str) -> Result<ParsedPattern, PatternError> {
    let fail = |why: &str| {
        Err(PatternError {
            message: format!("invalid pattern `{original}`: {why}"),
        })
    };
    let mut line = original;
    // Git drops trailing spaces unless the last one is escaped.
    if !line.ends_with("\\ ") {
        line = line.trim_end_matches(' ');
    }
    if line.is_empty() {
        return fail("it is empty");
    }
    if line.starts_with('#') {
        return fail(
            "in gitignore a leading `#` starts a comment; write `\\#` to mean the character",
        );
    }
    let mut negated = false;
    let mut anchored = false;
    if line.starts_with("\\!") || line.starts_with("\\#") {
        line = &line[1..];
    } else {
        if let Some(rest) = line.strip_prefix('!') {
            negated = true;
            line = rest;
        }
        if let Some(rest) = line.strip_prefix('/') {
            anchored = true;
            line = rest;
        }
    }
    let mut dir_only = false;
    if let Some(rest) = line.strip_suffix('/') {
        dir_only = true;
        line = rest;
        if let Some(unescaped) = line.strip_suffix('\\') {
            line = unescaped;
        }
    }
    if line.is_empty() {
        return fail("it names no path");
    }
    if has_partial_double_star(line) {
        return fail(
            "`**` must be a whole path segment (`a/**/b`, `**/x`, `x/**`); write `*` inside a name",
        );
    }
    let mut glob = to_glob_syntax(line);
    if !anchored && !line.contains('/') && !glob.starts_with("**/") {
        glob = format!("**/{glob}");
    }
    // `dir/**` matches what is inside `dir`, not `dir` itself.
    if glob.ends_with("/**") {
        glob.push_str("/*");
    }
    Ok(ParsedPattern {
        glob,
        negated,
        dir_only,
    })
}

/// Rewrites git wildmatch syntax where globset reads it differently: git has no `{a,b}`
/// alternation, so braces outside a class are literal.
fn to_glob_syntax(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // `[]` and `[!]` open a class whose first member is `]`.
                if matches!(chars.peek(), Some('!') | Some('^')) {
                    out.push(chars.next().unwrap_or('!'));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' | '}' | ',' if !in_class => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a run of two or more stars stands anywhere but as a whole path segment. Git's
/// matching of such a run (`a**`) is irregular, so scopecheck refuses it rather than guess.
fn has_partial_double_star(pattern: &str) -> bool {
    pattern
        .split('/')
        .any(|segment| segment.contains("**") && segment != "**")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(patterns: &[&str], path: &str) -> Option<usize> {
        let mut b = PatternSetBuilder::new();
        let list = b.new_list();
        for (i, p) in patterns.iter().enumerate() {
            b.add(list, i, p).unwrap();
        }
        b.build().unwrap().matches(path).get(list)
    }

    #[test]
    fn directory_pattern_covers_everything_below() {
        assert_eq!(one(&["src/server/"], "src/server/a/b.rs"), Some(0));
        assert_eq!(
            one(&["src/server/"], "src/server"),
            None,
            "a file named like the dir"
        );
        assert_eq!(
            one(&["src/server/"], "lib/src/server/a.rs"),
            None,
            "anchored"
        );
    }

    #[test]
    fn name_without_slash_matches_at_any_depth() {
        assert_eq!(one(&["Dockerfile"], "Dockerfile"), Some(0));
        assert_eq!(one(&["Dockerfile"], "deploy/Dockerfile"), Some(0));
        assert_eq!(one(&["/Dockerfile"], "deploy/Dockerfile"), None);
        assert_eq!(one(&["*.md"], "docs/a/b.md"), Some(0));
    }

    #[test]
    fn star_does_not_cross_slash_but_matches_directories() {
        assert_eq!(one(&["docs/*.md"], "docs/a/b.md"), None);
        // git matches `docs/*` against the directory `docs/a`, so it covers its files
        assert_eq!(one(&["docs/*"], "docs/a/b.md"), Some(0));
        assert_eq!(one(&["src/**/test.rs"], "src/a/b/test.rs"), Some(0));
        assert_eq!(one(&["src/**"], "src"), None);
    }

    #[test]
    fn last_match_wins_and_negation_cannot_reinclude_below_an_excluded_dir() {
        assert_eq!(one(&["src/*", "!src/keep.rs"], "src/keep.rs"), None);
        assert_eq!(one(&["src/", "!src/keep.rs"], "src/keep.rs"), Some(0));
        assert_eq!(one(&["!src/keep.rs", "src/*"], "src/keep.rs"), Some(1));
    }

    #[test]
    fn multibyte_names_at_every_depth() {
        assert_eq!(one(&["ö/"], "ö/a"), Some(0));
        assert_eq!(one(&["*.rs"], "日本/ö.rs"), Some(0));
        assert_eq!(one(&["a/"], "é"), None);
    }

    #[test]
    fn braces_are_literal_and_classes_work() {
        assert_eq!(one(&["{a,b}.rs"], "a.rs"), None);
        assert_eq!(one(&["{a,b}.rs"], "{a,b}.rs"), Some(0));
        assert_eq!(one(&["[ab].rs"], "b.rs"), Some(0));
        assert_eq!(one(&["[!a].rs"], "a.rs"), None);
    }

    #[test]
    fn invalid_patterns_are_errors() {
        let mut b = PatternSetBuilder::new();
        let l = b.new_list();
        assert!(b.add(l, 0, "").is_err());
        assert!(b.add(l, 0, "#x").is_err());
        assert!(b.add(l, 0, "!").is_err());
        assert!(b.add(l, 0, "a[b").is_err());
        assert!(b.add(l, 0, "src/a**").is_err());
    }
}
