//! Untrusted text (file names, object names, values from the linted tree, config) on its way to a
//! terminal, a log or a chart: control characters are shown, never sent, and long values are
//! clipped so one hostile line cannot flood the output.

/// Show control characters as escapes (`\x1b`, `\n`): nothing from the input can move the cursor,
/// recolour the terminal, or start a GitHub workflow command on a new line.
pub fn terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else {
                    out.push_str(&format!("\\u{{{n:x}}}"));
                }
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// At most `max` characters, with `…` when cut; control characters escaped.
pub fn clip(s: &str, max: usize) -> String {
    let shown = terminal(s);
    match shown.char_indices().nth(max) {
        None => shown.into_owned(),
        Some((i, _)) => format!("{}…", &shown[..i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(terminal("a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(terminal("x\n::warning::y"), "x\\n::warning::y");
        assert_eq!(terminal("plain"), "plain");
        assert_eq!(terminal("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}
