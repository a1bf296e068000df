//! Paths as agent files write them, turned into the policy's pattern language.
//!
//! | as written | pattern | why |
//! |---|---|---|
//! | `` `src/server/` ``, `src/**/*.ts` | unchanged | already a pattern |
//! | `/backend` | `/backend/` | a rooted name without an extension is a directory |
//! | `src/server` | `src/server/` | likewise |
//! | `./config/a.yml` | `/config/a.yml` | relative to the repository root |
//! | `Server/\*\*` | `Server/**` | markdown escapes removed |
//! | `tasks/{id}/x.md`, `<id>`, `YYYY-MM-DD` | a note | a placeholder, not a path |
//! | `~/x`, `//abs`, `../x`, `/Users/...` | a note | outside the repository |

use std::sync::LazyLock;

use regex::Regex;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{[^}]*\}|<[^>]+>|YYYY|MM-DD|\bDD\b|\bXXX+\b|\$\{|\$[A-Z_]+").expect("valid regex")
});
/// Absolute paths that are clearly a machine's, not the repository's.
static SYSTEM_ROOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^/(Users|home|etc|tmp|var|usr|opt|root|private|mnt|dev|proc|bin|sbin|Library|System)(/|$)").expect("valid regex")
});

/// The pattern for `as_written`, or why it is not a repository path.
pub fn normalize_path(as_written: &str) -> Result<String, String> {
    let mut p = as_written
        .trim()
        .trim_matches(|c| c == '`' || c == '"' || c == '\'')
        .to_string();
    p = p
        .replace("\\*", "*")
        .replace("\\_", "_")
        .replace("\\.", ".");
    let p = p
        .trim_end_matches([',', ';', ':', ')', '('])
        .trim_end_matches('.');
    let p = p.trim();
    if p.is_empty() {
        return Err("empty".into());
    }
    if p.contains("://") {
        return Err("a URL, not a path".into());
    }
    if PLACEHOLDER.is_match(p) {
        return Err("a placeholder, not a path".into());
    }
    if p.starts_with('~')
        || p.starts_with("//")
        || p.starts_with("../")
        || p == ".."
        || SYSTEM_ROOT.is_match(p)
    {
        return Err("points outside the repository".into());
    }
    let p = match p.strip_prefix("./") {
        Some("") => return Err("the repository root itself".into()),
        Some(rest) => format!("/{rest}"),
        None => p.to_string(),
    };
    if p == "/" {
        return Err("the repository root itself".into());
    }
    let has_glob = p.contains(['*', '?', '[']);
    let last = p.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    // A path with a slash whose last part has no extension names a directory.
    if !has_glob
        && !p.ends_with('/')
        && p.contains('/')
        && !last.contains('.')
        && !KNOWN_FILES.contains(&last)
    {
        return Ok(format!("{p}/"));
    }
    Ok(p)
}

/// File names without an extension that are files, not directories.
pub(crate) const KNOWN_FILES: &[&str] = &[
    "Dockerfile",
    "Makefile",
    "Procfile",
    "Jenkinsfile",
    "LICENSE",
    "CODEOWNERS",
    "Gemfile",
    "Rakefile",
    "Vagrantfile",
    "Brewfile",
    "Justfile",
    "justfile",
    "Containerfile",
    "OWNERS",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_mapping() {
        assert_eq!(normalize_path("`src/server/`").unwrap(), "src/server/");
        assert_eq!(normalize_path("src/**/*.ts").unwrap(), "src/**/*.ts");
        assert_eq!(normalize_path("/backend").unwrap(), "/backend/");
        assert_eq!(normalize_path("src/server").unwrap(), "src/server/");
        assert_eq!(normalize_path("./config/a.yml").unwrap(), "/config/a.yml");
        assert_eq!(normalize_path("Server/\\*\\*").unwrap(), "Server/**");
        assert_eq!(normalize_path("Dockerfile").unwrap(), "Dockerfile");
        assert_eq!(
            normalize_path("docker/Dockerfile").unwrap(),
            "docker/Dockerfile"
        );
        assert_eq!(normalize_path("schema.prisma,").unwrap(), "schema.prisma");
        for bad in [
            "tasks/{id}/x.md",
            ".quest/<id>/a.md",
            "logs/YYYY-MM-DD.md",
            "~/.ssh/**",
            "//etc/hosts",
            "../other",
            "/Users/me/x",
            "https://x.y/z",
        ] {
            assert!(normalize_path(bad).is_err(), "{bad}");
        }
    }
}
