//! Making repository text safe to show on GitHub: no raw HTML, no `@mention` pings, no
//! broken tables or code spans.

/// Markdown-safe text: HTML escaped, `@name` and `@org/team` defused with a word joiner
/// (U+2060) so GitHub notifies nobody, `|` escaped for tables.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut prev = ' ';
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("\\|"),
            '@' if !prev.is_alphanumeric() => out.push_str("@\u{2060}"),
            _ => out.push(c),
        }
        prev = c;
    }
    out
}

/// Text as an inline code span: a fence longer than any backtick run inside it.
pub fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_pings_no_html_no_broken_tables() {
        assert_eq!(
            markdown_text("ask @org/team <script>a|b</script>"),
            "ask @\u{2060}org/team &lt;script&gt;a\\|b&lt;/script&gt;"
        );
        assert_eq!(markdown_text("mail a@b.c"), "mail a@b.c");
        assert_eq!(code_span("a`b"), "``a`b``");
    }
}
