//! The pattern matcher against its reference, `git check-ignore --no-index`: for generated
//! pattern lists and paths, scopecheck and git must agree on whether each path matches and on
//! which pattern decided.

use std::io::Write;
use std::process::{Command, Stdio};

use scopecheck::patterns::PatternSetBuilder;

/// A small deterministic generator (xorshift), so a failure reproduces exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const PATTERN_SEGMENTS: &[&str] = &[
    "a", "b", "ab", "src", "docs", "*", "?", "**", "*.md", "a*", "*b", "[ab]", "[!a]", "[a-c]x",
    "{a,b}", "x?", "d\\*", "*.rs", "te st", "a**", "**b",
];
const PATH_SEGMENTS: &[&str] = &[
    "a", "b", "ab", "ba", "src", "docs", "x.md", "ax", "bx", "cx", "lib.rs", "{a,b}", "d*",
    "te st", "ö",
];

fn pattern(rng: &mut Rng) -> String {
    let depth = 1 + rng.next() % 3;
    let mut segments: Vec<&str> = (0..depth).map(|_| rng.pick(PATTERN_SEGMENTS)).collect();
    segments.dedup_by(|a, b| *a == "**" && *b == "**");
    let mut p = segments.join("/");
    if rng.chance(20) {
        p.insert(0, '/');
    }
    if rng.chance(25) {
        p.push('/');
    }
    p
}

fn path(rng: &mut Rng) -> String {
    let depth = 1 + rng.next() % 4;
    (0..depth)
        .map(|_| rng.pick(PATH_SEGMENTS))
        .collect::<Vec<_>>()
        .join("/")
}

/// git's verdict for each path: `Some(index)` of the deciding pattern when the path is matched
/// (ignored), `None` when no pattern matches or the last match is a negation.
fn git_check_ignore(
    dir: &std::path::Path,
    patterns: &[String],
    paths: &[String],
) -> Vec<Option<usize>> {
    std::fs::write(dir.join(".gitignore"), patterns.join("\n") + "\n").unwrap();
    let mut child = Command::new("git")
        .args(["check-ignore", "--no-index", "-v", "-n", "-z", "--stdin"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git check-ignore runs");
    let mut input = Vec::new();
    for p in paths {
        input.extend_from_slice(p.as_bytes());
        input.push(0);
    }
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    // -z -v: source NUL line NUL pattern NUL path NUL, per path
    let fields: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
    fields
        .chunks(4)
        .filter(|c| c.len() == 4)
        .map(|c| {
            let pattern = String::from_utf8_lossy(c[2]);
            if c[1].is_empty() || pattern.starts_with('!') {
                None
            } else {
                Some(String::from_utf8_lossy(c[1]).parse::<usize>().unwrap() - 1)
            }
        })
        .collect()
}

#[test]
fn matcher_agrees_with_git_check_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(ok.success());

    let mut rng = Rng(0x5c0b_ec4e);
    let mut compared = 0;
    let mut matched = 0;
    let mut rejected = Vec::new();
    for _round in 0..150 {
        // one to three patterns per list, sometimes with a negation
        let mut patterns: Vec<String> =
            (0..1 + rng.next() % 3).map(|_| pattern(&mut rng)).collect();
        if rng.chance(30) {
            let mut negated = pattern(&mut rng);
            negated.insert(0, '!');
            patterns.push(negated);
        }
        let mut builder = PatternSetBuilder::new();
        let list = builder.new_list();
        let mut valid = true;
        for (i, p) in patterns.iter().enumerate() {
            if builder.add(list, i, p).is_err() {
                rejected.push(p.clone());
                valid = false;
            }
        }
        if !valid {
            continue;
        }
        let set = builder.build().unwrap();
        let mut paths: Vec<String> = (0..30).map(|_| path(&mut rng)).collect();
        // paths built from the patterns themselves, so that matches are common
        for p in &patterns {
            let literal = p
                .trim_start_matches(['!', '/'])
                .trim_end_matches('/')
                .replace(['*', '?', '[', ']', '!', '\\'], "a");
            paths.push(literal.clone());
            paths.push(format!("{literal}/x.md"));
            paths.push(format!("lib/{literal}"));
        }
        paths.retain(|p| !p.is_empty());
        let expected = git_check_ignore(dir.path(), &patterns, &paths);
        assert_eq!(expected.len(), paths.len(), "git answered every path");
        for (p, want) in paths.iter().zip(&expected) {
            let got = set.matches(p).get(list);
            assert_eq!(
                got, *want,
                "patterns {patterns:?}, path `{p}`: scopecheck {got:?}, git {want:?}"
            );
            compared += 1;
            matched += usize::from(want.is_some());
        }
    }
    eprintln!("compared {compared} pattern/path pairs with git ({matched} matched); rejected as invalid: {rejected:?}");
    // the one kind of pattern scopecheck refuses: `**` inside a name, which git matches irregularly
    assert!(
        rejected
            .iter()
            .all(|p| p.split('/').any(|s| s.contains("**") && s != "**")),
        "rejected {rejected:?}"
    );
    assert!(compared >= 1500, "only {compared} pairs compared");
    assert!(matched >= 300, "too few matches to mean much: {matched}");
}
