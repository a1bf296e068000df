//! The policy: `scopecheck.yml` read, validated and compiled.
//!
//! Loading turns the YAML into a [`Policy`] whose every rule remembers where it was written
//! (`scopecheck.yml:12:7`), with all path patterns compiled into one [`PatternSet`]. Anything
//! that is not understood (an unknown key, a wrong type, an invalid glob, an unknown version)
//! is an error naming the file, line and column; nothing is silently ignored.
//!
//! Not for: git (files are read through [`PolicyFiles`], which the caller backs with the work
//! tree or a commit), or judging changes (that is `check`).

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::agents::{ImportedAgent, ImportedRule};
use crate::error::{Error, FileError, Result, SourceLocation};
use crate::patterns::{ListId, ListMatches, MatchScratch, PatternSet, PatternSetBuilder};

/// The policy file names looked up at the repository root, in order.
pub const POLICY_FILE_NAMES: [&str; 3] = [
    "scopecheck.yml",
    ".scopecheck.yml",
    ".github/scopecheck.yml",
];

/// Where the policy and the files it names are read from: the work tree, or a commit.
pub trait PolicyFiles {
    /// The text of a repository-relative file, `None` when it does not exist.
    fn read(&self, path: &str) -> Result<Option<String>>;
}

/// Reads files from a directory (the work tree's root).
pub struct WorktreeFiles {
    pub root: PathBuf,
}

impl PolicyFiles for WorktreeFiles {
    fn read(&self, path: &str) -> Result<Option<String>> {
        read_optional(&self.root.join(path), path)
    }
}

fn read_optional(full: &Path, shown: &str) -> Result<Option<String>> {
    match std::fs::read(full) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::Usage(format!("{shown} is not UTF-8 text"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => Ok(None),
        Err(source) => Err(Error::Io {
            path: shown.to_string(),
            source,
        }),
    }
}

/// One path rule and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub pattern: String,
    pub source: SourceLocation,
}

/// What an agent's change to a path in none of its lists gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outside {
    Deny,
    Warn,
    Allow,
}

/// How changes that resolve to no agent are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Humans {
    Allow,
    CheckProtected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    Conventional,
    None,
}

/// A commitlint-style rule setting: `[level, when, value]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSetting {
    pub name: String,
    pub level: u8,
    pub always: bool,
    pub value: Option<serde_json::Value>,
    pub source: SourceLocation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommitStyle {
    pub preset: Preset,
    pub rules: Vec<RuleSetting>,
    pub require_trailers: Vec<String>,
}

impl Default for CommitStyle {
    fn default() -> Self {
        CommitStyle {
            preset: Preset::Conventional,
            rules: Vec::new(),
            require_trailers: Vec::new(),
        }
    }
}

/// Per-agent commit rules (`commit: { scopes, types }`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentCommitRules {
    pub scopes: Vec<String>,
    pub types: Vec<String>,
}

/// The list ids of one agent's patterns inside the policy's [`PatternSet`].
#[derive(Debug, Clone, Copy)]
struct AgentLists {
    owns: ListId,
    forbids: ListId,
    shared: ListId,
}

#[derive(Debug, Clone)]
pub struct Agent {
    pub name: String,
    /// Where the agent is defined (its key in the policy).
    pub source: SourceLocation,
    pub from: Option<String>,
    pub owns: Vec<Rule>,
    pub forbids: Vec<Rule>,
    pub shared: Vec<Rule>,
    pub outside: Outside,
    pub emails: Vec<String>,
    pub branches: Vec<Rule>,
    pub commit: AgentCommitRules,
    pub worklog: Option<String>,
    branch_matcher: GlobSet,
    lists: AgentLists,
}

impl Agent {
    /// Whether the author email identifies this agent (case-insensitive, as email is).
    pub fn has_email(&self, email: &str) -> bool {
        self.emails
            .iter()
            .any(|e| e.eq_ignore_ascii_case(email.trim()))
    }

    /// Whether the branch name (without `refs/heads/`) identifies this agent.
    pub fn has_branch(&self, branch: &str) -> bool {
        !self.branches.is_empty() && self.branch_matcher.is_match(branch)
    }
}

/// A loaded, validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The policy file as the user knows it (repository-relative, or as given to `--config`).
    pub file: String,
    pub agents: Vec<Agent>,
    pub protected: Vec<Rule>,
    pub humans: Humans,
    pub trailer: String,
    pub commit_style: CommitStyle,
    pub require_worklog_entry: bool,
    patterns: PatternSet,
    protected_list: ListId,
}

/// How one path stands against every list of the policy.
pub struct PathMatch<'p> {
    policy: &'p Policy,
    lists: ListMatches,
}

impl<'p> PathMatch<'p> {
    pub fn protected(&self) -> Option<&'p Rule> {
        self.lists
            .get(self.policy.protected_list)
            .map(|i| &self.policy.protected[i])
    }
    pub fn forbids(&self, agent: usize) -> Option<&'p Rule> {
        let a = &self.policy.agents[agent];
        self.lists.get(a.lists.forbids).map(|i| &a.forbids[i])
    }
    pub fn owns(&self, agent: usize) -> Option<&'p Rule> {
        let a = &self.policy.agents[agent];
        self.lists.get(a.lists.owns).map(|i| &a.owns[i])
    }
    pub fn shared(&self, agent: usize) -> Option<&'p Rule> {
        let a = &self.policy.agents[agent];
        self.lists.get(a.lists.shared).map(|i| &a.shared[i])
    }
    /// Names of the agents whose `owns` match the path, in policy order.
    pub fn owners(&self) -> Vec<String> {
        self.owner_names().map(str::to_string).collect()
    }

    /// As [`owners`](Self::owners), without allocating.
    pub fn owner_names(&self) -> impl Iterator<Item = &'p str> + '_ {
        let agents = &self.policy.agents;
        (0..agents.len())
            .filter(|&i| self.owns(i).is_some())
            .map(move |i| agents[i].name.as_str())
    }
}

impl Policy {
    pub fn agent_index(&self, name: &str) -> Option<usize> {
        self.agents.iter().position(|a| a.name == name)
    }

    /// Matches a repository-relative path against every rule of the policy at once.
    pub fn match_path(&self, path: &str) -> PathMatch<'_> {
        PathMatch {
            policy: self,
            lists: self.patterns.matches(path),
        }
    }

    /// As [`match_path`](Self::match_path), reusing `scratch` across calls.
    pub fn match_path_with(&self, path: &str, scratch: &mut MatchScratch) -> PathMatch<'_> {
        PathMatch {
            policy: self,
            lists: self.patterns.matches_with(path, scratch),
        }
    }

    /// Finds and loads the policy: `explicit` (`--config`, a path on disk) or the first of
    /// [`POLICY_FILE_NAMES`] that `files` has.
    pub fn discover(files: &dyn PolicyFiles, explicit: Option<&Path>) -> Result<Policy> {
        if let Some(path) = explicit {
            let shown = path.display().to_string();
            let text = read_optional(path, &shown)?.ok_or_else(|| {
                Error::Usage(format!(
                    "the policy file {shown} given to --config does not exist"
                ))
            })?;
            return Policy::parse(&text, &shown, files);
        }
        for name in POLICY_FILE_NAMES {
            if let Some(text) = files.read(name)? {
                return Policy::parse(&text, name, files);
            }
        }
        Err(Error::NoPolicy {
            searched: POLICY_FILE_NAMES.join(", "),
        })
    }

    /// Parses and validates policy `text` read from `file`; `files` answers for `from:`.
    pub fn parse(text: &str, file: &str, files: &dyn PolicyFiles) -> Result<Policy> {
        let raw: RawPolicy =
            serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, file, text))?;
        let at = |loc: &serde_saphyr::Location| SourceLocation {
            file: file.to_string(),
            line: loc.line() as usize,
            column: loc.column() as usize,
        };
        let err = |loc: &serde_saphyr::Location, message: String| -> Error {
            FileError::new(file, loc.line() as usize, loc.column() as usize, message)
                .with_text(text)
                .into()
        };

        match &raw.version {
            None => {
                return Err(FileError::new(file, 1, 0, "the policy has no `version`")
                    .with_help("add `version: 1` at the top")
                    .with_text(text)
                    .into())
            }
            Some(v) if v.value != 1 => {
                return Err(err(
                    &v.referenced,
                    format!(
                        "unsupported policy version {}; this scopecheck reads version 1",
                        v.value
                    ),
                ))
            }
            Some(_) => {}
        }

        let mut patterns = PatternSetBuilder::new();
        // Every list is compiled from (pattern, where it was written); a bad pattern is an
        // error at that place, in the policy or in an imported agent file.
        let mut compile = |rules: Vec<Rule>| -> Result<(ListId, Vec<Rule>)> {
            let list = patterns.new_list();
            for (i, rule) in rules.iter().enumerate() {
                patterns.add(list, i, &rule.pattern).map_err(|e| {
                    let mut error = FileError::new(
                        &rule.source.file,
                        rule.source.line,
                        rule.source.column,
                        e.message,
                    );
                    if rule.source.file == file {
                        error = error.with_text(text);
                    }
                    Error::from(error)
                })?;
            }
            Ok((list, rules))
        };
        let spanned = |list: &[Spanned<String>]| -> Vec<Rule> {
            list.iter()
                .map(|p| Rule {
                    pattern: p.value.clone(),
                    source: at(&p.referenced),
                })
                .collect()
        };

        let (protected_list, protected) = compile(spanned(&raw.protected))?;

        let mut agents = Vec::with_capacity(raw.agents.len());
        for (key, raw_agent) in &raw.agents {
            let name = key.value.clone();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_.".contains(c))
            {
                return Err(err(
                    &key.referenced,
                    format!("agent name `{name}` may hold only letters, digits, `-`, `_` and `.`"),
                ));
            }
            let raw_agent = raw_agent.clone().unwrap_or_default();
            let has_rules = raw_agent.owns.is_some()
                || raw_agent.forbids.is_some()
                || raw_agent.shared.is_some()
                || raw_agent.from.is_some();
            if !has_rules {
                return Err(FileError::new(
                    file,
                    key.referenced.line() as usize,
                    key.referenced.column() as usize,
                    format!("agent `{name}` has no rules"),
                )
                .with_help("give it `owns`, `forbids` or `shared` paths, or `from:` an agent definition file")
                .with_text(text)
                .into());
            }
            let imported = match &raw_agent.from {
                Some(from) => Some(import_agent(&name, from, files, &err)?),
                None => None,
            };
            let imported_list = |pick: fn(&ImportedAgent) -> &Vec<ImportedRule>| -> Vec<Rule> {
                let Some((path, agent)) = &imported else {
                    return Vec::new();
                };
                pick(agent)
                    .iter()
                    .map(|r| Rule {
                        pattern: r.pattern.clone(),
                        source: SourceLocation {
                            file: path.clone(),
                            line: r.line,
                            column: 0,
                        },
                    })
                    .collect()
            };
            // What the agent file says comes first; the policy's own rules add to it.
            let with_policy = |mut rules: Vec<Rule>, own: &Option<Vec<Spanned<String>>>| {
                rules.extend(spanned(own.as_deref().unwrap_or(&[])));
                rules
            };
            let (owns_list, owns) =
                compile(with_policy(imported_list(|a| &a.owns), &raw_agent.owns))?;
            let (forbids_list, forbids) = compile(with_policy(
                imported_list(|a| &a.forbids),
                &raw_agent.forbids,
            ))?;
            let (shared_list, shared) =
                compile(with_policy(imported_list(|a| &a.shared), &raw_agent.shared))?;
            let imported_outside = imported.as_ref().and_then(|(_, a)| match a.outside {
                Some("warn") => Some(Outside::Warn),
                Some("allow") => Some(Outside::Allow),
                Some(_) => Some(Outside::Deny),
                None => None,
            });
            let imported_worklog = imported.as_ref().and_then(|(_, a)| a.worklog.clone());

            let mut branch_set = GlobSetBuilder::new();
            let mut branches = Vec::new();
            for b in &raw_agent.branches {
                let glob = GlobBuilder::new(&b.value)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| {
                        err(
                            &b.referenced,
                            format!("invalid branch pattern `{}`: {}", b.value, e.kind()),
                        )
                    })?;
                branch_set.add(glob);
                branches.push(Rule {
                    pattern: b.value.clone(),
                    source: at(&b.referenced),
                });
            }
            let branch_matcher = branch_set.build().map_err(|e| {
                err(
                    &key.referenced,
                    format!("agent `{name}`: branch patterns: {e}"),
                )
            })?;

            let commit = raw_agent.commit.clone().unwrap_or_default();
            agents.push(Agent {
                name,
                source: at(&key.referenced),
                from: raw_agent.from.as_ref().map(|f| f.value.clone()),
                owns,
                forbids,
                shared,
                outside: raw_agent
                    .outside
                    .as_ref()
                    .map(|o| o.value)
                    .or(imported_outside)
                    .unwrap_or(Outside::Deny),
                emails: raw_agent.emails.iter().map(|e| e.value.clone()).collect(),
                branches,
                commit: AgentCommitRules {
                    scopes: commit.scopes,
                    types: commit.types,
                },
                worklog: raw_agent
                    .worklog
                    .as_ref()
                    .map(|w| w.value.clone())
                    .or(imported_worklog),
                branch_matcher,
                lists: AgentLists {
                    owns: owns_list,
                    forbids: forbids_list,
                    shared: shared_list,
                },
            });
        }

        let patterns = patterns
            .build()
            .map_err(|e| Error::from(FileError::new(file, 1, 0, e.message).with_text(text)))?;

        let trailer = raw
            .identify
            .and_then(|i| i.trailer)
            .map(|t| t.value)
            .unwrap_or_else(|| "Agent".to_string());

        let mut commit_style = CommitStyle::default();
        if let Some(style) = raw.commit_style {
            if let Some(p) = style.preset {
                commit_style.preset = p.value;
            }
            for (rule_name, setting) in &style.rules {
                commit_style
                    .rules
                    .push(rule_setting(&rule_name.value, setting, file, text)?);
            }
            commit_style.require_trailers = style
                .require_trailers
                .into_iter()
                .map(|t| t.value)
                .collect();
        }

        Ok(Policy {
            file: file.to_string(),
            agents,
            protected,
            humans: raw.humans.map(|h| h.value).unwrap_or(Humans::Allow),
            trailer,
            commit_style,
            require_worklog_entry: raw.worklog.map(|w| w.require_entry).unwrap_or(false),
            patterns,
            protected_list,
        })
    }
}

/// The agent named `name` in the `from:` file: the file's only agent, or the one of that name.
fn import_agent(
    name: &str,
    from: &Spanned<String>,
    files: &dyn PolicyFiles,
    err: &dyn Fn(&serde_saphyr::Location, String) -> Error,
) -> Result<(String, ImportedAgent)> {
    let path = from.value.trim_start_matches("./").to_string();
    let Some(text) = files.read(&path)? else {
        return Err(err(
            &from.referenced,
            format!(
                "agent `{name}`: the `from:` file `{}` does not exist",
                from.value
            ),
        ));
    };
    let mut agents = crate::agents::import(&path, &text).map_err(|e| {
        Error::from(FileError::new(
            &path,
            e.line,
            0,
            format!(
                "cannot read it as an agent file for `{name}`: {}",
                e.message
            ),
        ))
    })?;
    let index = if agents.len() == 1 {
        0
    } else {
        agents.iter().position(|a| crate::agents::same_name(&a.name, name)).ok_or_else(|| {
            let names: Vec<String> = agents.iter().map(|a| format!("`{}`", a.name)).collect();
            err(
                &from.referenced,
                format!("agent `{name}`: `{path}` defines {}, none named `{name}`; rename the agent in the policy to one of them", names.join(", ")),
            )
        })?
    };
    let agent = agents.swap_remove(index);
    if !agent.has_rules() {
        return Err(err(
            &from.referenced,
            format!("agent `{name}`: nothing in `{path}` could be read as a rule; `scopecheck import {path}` shows its notes"),
        ));
    }
    Ok((path, agent))
}

/// Reads a commitlint rule setting `[level, when?, value?]`.
fn rule_setting(
    name: &str,
    setting: &Spanned<Vec<serde_json::Value>>,
    file: &str,
    text: &str,
) -> Result<RuleSetting> {
    let loc = &setting.referenced;
    let fail = |message: String| -> Error {
        FileError::new(file, loc.line() as usize, loc.column() as usize, message)
            .with_help("a rule is written `[level, when, value]`, e.g. `[2, always, 100]`")
            .with_text(text)
            .into()
    };
    let items = &setting.value;
    let level = match items.first().and_then(|v| v.as_u64()) {
        Some(l @ 0..=2) => l as u8,
        _ => {
            return Err(fail(format!(
                "rule `{name}`: the level must be 0 (off), 1 (warning) or 2 (error)"
            )))
        }
    };
    let always = match items.get(1) {
        None => true,
        Some(serde_json::Value::String(s)) if s == "always" => true,
        Some(serde_json::Value::String(s)) if s == "never" => false,
        Some(other) => {
            return Err(fail(format!(
                "rule `{name}`: `when` must be `always` or `never`, not {other}"
            )))
        }
    };
    if items.len() > 3 {
        return Err(fail(format!(
            "rule `{name}` has {} items; at most 3",
            items.len()
        )));
    }
    Ok(RuleSetting {
        name: name.to_string(),
        level,
        always,
        value: items.get(2).cloned(),
        source: SourceLocation {
            file: file.to_string(),
            line: loc.line() as usize,
            column: loc.column() as usize,
        },
    })
}

/// Turns a YAML or type error into one that names the file, line and column.
fn yaml_error(e: &serde_saphyr::Error, file: &str, text: &str) -> Error {
    let (line, column) = e
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((1, 0));
    let message = e.without_snippet().to_string();
    // serde-saphyr prefixes "line N column M: "; the location is ours to print.
    let message = match message.split_once(": ") {
        Some((head, rest)) if head.starts_with("error: line ") || head.starts_with("line ") => {
            rest.to_string()
        }
        _ => message,
    };
    let message = message.trim_start_matches("error: ");
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
    .to_string();
    let mut error = FileError::new(file, line.max(1), column, message.clone()).with_text(text);
    if let Some(help) = field_help(&message) {
        error = error.with_help(help);
    }
    error.into()
}

/// "did you mean" for an unknown key close to a known one.
fn field_help(message: &str) -> Option<String> {
    let unknown = message.strip_prefix("unknown field `")?.split('`').next()?;
    let expected = message.split("expected one of ").nth(1)?;
    let best = expected
        .split(", ")
        .map(|c| c.trim_matches('`'))
        .min_by_key(|c| edit_distance(unknown, c))?;
    (edit_distance(unknown, best) <= 2).then(|| format!("did you mean `{best}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

// The policy as written. Strings keep their spans so every error and rule can point back.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: Option<Spanned<u64>>,
    #[serde(default)]
    agents: IndexMap<Spanned<String>, Option<RawAgent>>,
    identify: Option<RawIdentify>,
    humans: Option<Spanned<Humans>>,
    #[serde(default)]
    protected: Vec<Spanned<String>>,
    commit_style: Option<RawCommitStyle>,
    worklog: Option<RawWorklog>,
}

#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct RawAgent {
    from: Option<Spanned<String>>,
    owns: Option<Vec<Spanned<String>>>,
    forbids: Option<Vec<Spanned<String>>>,
    shared: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    emails: Vec<Spanned<String>>,
    #[serde(default)]
    branches: Vec<Spanned<String>>,
    outside: Option<Spanned<Outside>>,
    commit: Option<RawAgentCommit>,
    worklog: Option<Spanned<String>>,
}

#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct RawAgentCommit {
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    types: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentify {
    trailer: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommitStyle {
    preset: Option<Spanned<Preset>>,
    #[serde(default)]
    rules: IndexMap<Spanned<String>, Spanned<Vec<serde_json::Value>>>,
    #[serde(default)]
    require_trailers: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorklog {
    #[serde(default)]
    require_entry: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoFiles;
    impl PolicyFiles for NoFiles {
        fn read(&self, _: &str) -> Result<Option<String>> {
            Ok(None)
        }
    }

    fn parse(text: &str) -> Result<Policy> {
        Policy::parse(text, "scopecheck.yml", &NoFiles)
    }

    fn file_error(text: &str) -> FileError {
        match parse(text) {
            Err(Error::File(e)) => *e,
            other => panic!("expected a file error, got {other:?}"),
        }
    }

    #[test]
    fn rules_remember_where_they_were_written() {
        let p =
            parse("version: 1\nagents:\n  backend:\n    owns: [src/server/, prisma/]\n").unwrap();
        assert_eq!(p.agents[0].owns[1].pattern, "prisma/");
        assert_eq!(
            p.agents[0].owns[1].source.to_string(),
            "scopecheck.yml:4:25"
        );
        assert_eq!(p.agents[0].outside, Outside::Deny);
        assert_eq!(p.trailer, "Agent");
    }

    #[test]
    fn unknown_key_points_at_it_and_suggests() {
        let e = file_error("version: 1\nagents:\n  backend:\n    own: [src/]\n");
        assert_eq!((e.line, e.column), (4, 5));
        assert!(e.message.contains("unknown field `own`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `owns`?"));
    }

    #[test]
    fn version_errors_name_a_line() {
        assert_eq!(file_error("agents: {}\n").line, 1);
        let e = file_error("version: 99\nagents: {}\n");
        assert_eq!((e.line, e.column), (1, 10));
    }

    #[test]
    fn an_agent_without_rules_is_an_error() {
        let e = file_error("version: 1\nagents:\n  backend:\n    emails: [a@b.c]\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("agent `backend` has no rules"));
    }

    #[test]
    fn invalid_glob_names_pattern_and_place() {
        let e = file_error("version: 1\nagents:\n  a:\n    owns: ['src/[x']\n");
        assert_eq!((e.line, e.column), (4, 12));
        assert!(e.message.contains("src/[x"), "{}", e.message);
    }
}
