//! `who`: each path's standing with every agent, one line (human) or one JSON object (json)
//! per path, written as each path is judged, without building intermediate strings.

use std::io::{self, Write};

use anstyle::Style;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::check::{judge_match, Reason, Verdict};
use crate::error::SourceLocation;
use crate::patterns::MatchScratch;
use crate::policy::{PathMatch, Policy, Rule};
use crate::report::{display_path, Format};

/// A rule as JSON, borrowed: `{"pattern": …, "source": "file:line:col"}`.
struct RuleView<'a>(&'a Rule);

impl Serialize for RuleView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Rule", 2)?;
        st.serialize_field("pattern", &self.0.pattern)?;
        st.serialize_field("source", &Located(&self.0.source))?;
        st.end()
    }
}

struct Located<'a>(&'a SourceLocation);

impl Serialize for Located<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

#[derive(Serialize)]
struct AgentStanding<'a> {
    agent: &'a str,
    verdict: Verdict,
    reason: Reason,
    rule: Option<RuleView<'a>>,
}

/// One path's JSON line; agents are serialised as they are judged.
struct PathStanding<'a, 'm> {
    path: &'a str,
    policy: &'a Policy,
    matched: &'m PathMatch<'a>,
}

impl Serialize for PathStanding<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("PathStanding", 3)?;
        st.serialize_field("path", self.path)?;
        let owners: Vec<&str> = self.matched.owner_names().collect();
        st.serialize_field("owners", &owners)?;
        let agents: Vec<AgentStanding<'_>> = self
            .policy
            .agents
            .iter()
            .enumerate()
            .map(|(i, agent)| {
                let (verdict, reason, rule) = standing(self.policy, i, self.matched);
                AgentStanding {
                    agent: &agent.name,
                    verdict,
                    reason,
                    rule: rule.map(RuleView),
                }
            })
            .collect();
        st.serialize_field("agents", &agents)?;
        st.end()
    }
}

/// The verdict for agent `i` and the rule itself (not a copy).
fn standing<'a>(
    policy: &'a Policy,
    i: usize,
    m: &PathMatch<'a>,
) -> (Verdict, Reason, Option<&'a Rule>) {
    let judgment = judge_match(policy, Some(i), m);
    let rule = match judgment.reason {
        Reason::Protected => m.protected(),
        Reason::Forbidden => m.forbids(i),
        Reason::Owned => m.owns(i),
        Reason::Shared => m.shared(i),
        Reason::OutsideScope | Reason::NoAgent => None,
    };
    (judgment.verdict, judgment.reason, rule)
}

/// Writes one path's answer at a time, reusing the matcher's buffers.
pub struct WhoWriter<'p> {
    policy: &'p Policy,
    format: Format,
    styled: bool,
    scratch: MatchScratch,
    /// One output line, assembled here and written at once.
    line: Vec<u8>,
}

impl<'p> WhoWriter<'p> {
    pub fn new(policy: &'p Policy, format: Format, styled: bool) -> Self {
        WhoWriter {
            policy,
            format,
            styled,
            scratch: MatchScratch::default(),
            line: Vec::with_capacity(256),
        }
    }

    pub fn write(&mut self, out: &mut dyn Write, path: &str) -> io::Result<()> {
        let policy = self.policy;
        let matched = policy.match_path_with(path, &mut self.scratch);
        match self.format {
            Format::Json => {
                serde_json::to_writer(
                    &mut *out,
                    &PathStanding {
                        path,
                        policy,
                        matched: &matched,
                    },
                )?;
                out.write_all(b"\n")
            }
            // who refuses markdown before it gets here
            _ => {
                let line = &mut self.line;
                line.clear();
                if self.styled {
                    let bold = Style::new().bold();
                    write!(
                        line,
                        "{}{}{}",
                        bold.render(),
                        display_path(path),
                        bold.render_reset()
                    )?;
                } else if path.chars().any(char::is_control) {
                    line.extend_from_slice(display_path(path).as_bytes());
                } else {
                    line.extend_from_slice(path.as_bytes());
                }
                // Only the rules that speak of the path: an agent with none is outside its scope.
                let mut sep: &[u8] = b"  ";
                if let Some(rule) = matched.protected() {
                    line.extend_from_slice(sep);
                    line.extend_from_slice(b"protected (");
                    push_rule(line, rule);
                    line.push(b')');
                    sep = b"; ";
                }
                for (i, agent) in policy.agents.iter().enumerate() {
                    let (what, rule): (&[u8], _) = if let Some(r) = matched.forbids(i) {
                        (b"forbidden to ", r)
                    } else if let Some(r) = matched.owns(i) {
                        (b"owned by ", r)
                    } else if let Some(r) = matched.shared(i) {
                        (b"shared with ", r)
                    } else {
                        continue;
                    };
                    line.extend_from_slice(sep);
                    line.extend_from_slice(what);
                    line.extend_from_slice(agent.name.as_bytes());
                    line.extend_from_slice(b" (");
                    push_rule(line, rule);
                    line.push(b')');
                    sep = b"; ";
                }
                if matched.owner_names().next().is_none() {
                    line.extend_from_slice(sep);
                    line.extend_from_slice(b"owned by no agent");
                }
                line.push(b'\n');
                out.write_all(line)
            }
        }
    }
}

/// Appends "`pattern`, file:line:col" (as [`SourceLocation`] displays it).
fn push_rule(line: &mut Vec<u8>, rule: &Rule) {
    line.push(b'`');
    line.extend_from_slice(rule.pattern.as_bytes());
    line.extend_from_slice(b"`, ");
    line.extend_from_slice(rule.source.file.as_bytes());
    let _ = write!(line, ":{}", rule.source.line);
    if rule.source.column != 0 {
        let _ = write!(line, ":{}", rule.source.column);
    }
}
