//! Where edits go: lines, indentation and nodes of the source text. Every helper answers `None`
//! rather than guess when the layout is not the plain block style it knows how to edit.

use crate::load::SourceFile;
use crate::load::yaml::{Entry, Node, Span, Style};

use super::Edit;

/// Start of the line holding `off`.
pub fn line_start(t: &str, off: usize) -> usize {
    t[..off].rfind('\n').map_or(0, |i| i + 1)
}

/// Offset of the `\n` ending the line holding `off` (the text's end on the last line).
pub fn line_end(t: &str, off: usize) -> usize {
    t[off..].find('\n').map_or(t.len(), |i| off + i)
}

/// Start of the line after the one holding `off` (the text's end on the last line).
pub fn next_line(t: &str, off: usize) -> usize {
    t[off..].find('\n').map_or(t.len(), |i| off + i + 1)
}

/// The line ending this file uses (CRLF files stay CRLF).
pub fn eol(t: &str) -> &'static str {
    match t.find('\n') {
        Some(i) if i > 0 && t.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Only spaces between the start of the line and `off`.
pub fn first_on_line(t: &str, off: usize) -> bool {
    t[line_start(t, off)..off].bytes().all(|b| b == b' ')
}

/// Only blanks, or a comment, between `off` and the end of its line.
pub fn rest_is_blank(t: &str, off: usize) -> bool {
    let rest = t[off..line_end(t, off)].trim_start_matches([' ', '\t', '\r']);
    rest.is_empty() || rest.starts_with('#')
}

/// The indentation that puts a line's text under `off` (a `- ` of a sequence item counts as
/// indentation); `None` when something else precedes it on its line.
pub fn column_indent(t: &str, off: usize) -> Option<String> {
    let before = &t[line_start(t, off)..off];
    before
        .bytes()
        .all(|b| b == b' ' || b == b'-')
        .then(|| " ".repeat(before.len()))
}

/// Where a new line goes after the node ending at `end`: the start of the next line, when the
/// rest of this one is blank (block scalars end after their newline already).
pub fn after_line(t: &str, end: usize) -> Option<usize> {
    if end > 0 && t.as_bytes()[end - 1] == b'\n' {
        return Some(end);
    }
    rest_is_blank(t, end).then(|| next_line(t, end))
}

/// Insert whole lines at `at` (a line start, or the end of a text without a final newline).
pub fn insert_lines(file: usize, t: &str, at: usize, lines: &[String]) -> Edit {
    let nl = eol(t);
    let mut s = String::new();
    if at == t.len() && !t.is_empty() && !t.ends_with('\n') {
        s.push_str(nl);
    }
    for l in lines {
        s.push_str(l);
        s.push_str(nl);
    }
    Edit {
        file,
        start: at as u32,
        end: at as u32,
        replacement: s,
    }
}

/// The span of a scalar's characters inside its quotes, when the source spells the value
/// verbatim (plain, or quoted without escapes or folding).
pub fn content_span(n: &Node<'_>, t: &str) -> Option<Span> {
    let s = n.scalar()?;
    let raw = t.get(n.span.range())?;
    let (inner, quote) = match s.style {
        Style::Plain => (raw, 0),
        Style::SingleQuoted | Style::DoubleQuoted if raw.len() >= 2 => (&raw[1..raw.len() - 1], 1),
        _ => return None,
    };
    (inner == s.value && !inner.contains('\n')).then(|| {
        Span::new(
            n.span.start as usize + quote,
            n.span.start as usize + quote + inner.len(),
        )
    })
}

/// A block mapping (not `{…}`), with at least one entry.
pub fn is_block_map(n: &Node<'_>, t: &str) -> bool {
    !n.entries().is_empty() && t.as_bytes().get(n.span.start as usize) != Some(&b'{')
}

/// The indentation of a block mapping's keys.
pub fn map_indent(n: &Node<'_>, t: &str) -> Option<String> {
    column_indent(t, n.entries().first()?.key.span.start as usize)
}

/// How far this file indents a level: from a key to its block mapping's keys (2 if unknown).
pub fn step(key: &Node<'_>, map: &Node<'_>, t: &str) -> usize {
    let col = |off: u32| off as usize - line_start(t, off as usize);
    map.entries()
        .first()
        .map(|e| col(e.key.span.start))
        .and_then(|c| c.checked_sub(col(key.span.start)))
        .filter(|s| *s > 0)
        .unwrap_or(2)
}

/// New `lines` (indented as this map's keys) after the last entry of a block mapping.
pub fn append_to_map(file: usize, t: &str, map: &Node<'_>, lines: &[String]) -> Option<Edit> {
    if !is_block_map(map, t) {
        return None;
    }
    let indent = map_indent(map, t)?;
    let last = map.entries().last()?;
    let at = after_line(t, last.value.span.end.max(last.key.span.end) as usize)?;
    let lines: Vec<String> = lines.iter().map(|l| format!("{indent}{l}")).collect();
    Some(insert_lines(file, t, at, &lines))
}

/// Delete a block mapping entry written on whole lines of its own (its key first on its line,
/// nothing but a comment after its value).
pub fn remove_entry(file: usize, t: &str, e: &Entry<'_>) -> Option<Edit> {
    let k = e.key.span.start as usize;
    if !first_on_line(t, k) {
        return None;
    }
    Some(Edit {
        file,
        start: line_start(t, k) as u32,
        end: after_line(t, e.value.span.end.max(e.key.span.end) as usize)? as u32,
        replacement: String::new(),
    })
}

/// One step from a document root down to a node.
pub struct Step<'n> {
    /// The mapping key leading here (`None` for the root and sequence items).
    pub key: Option<&'n str>,
    pub entry: Option<&'n Entry<'n>>,
    pub node: &'n Node<'n>,
}

/// The nodes from the document root down to the deepest value whose span holds `span`.
pub fn chain(f: &SourceFile, span: Span) -> Vec<Step<'_>> {
    let holds = |n: &Node<'_>| n.span.start <= span.start && span.end <= n.span.end;
    let Some(doc) = f.yaml().docs.iter().find(|d| holds(&d.root)) else {
        return Vec::new();
    };
    let mut out = vec![Step {
        key: None,
        entry: None,
        node: &doc.root,
    }];
    let mut cur = &doc.root;
    'down: loop {
        for e in cur.entries() {
            if holds(&e.value) {
                out.push(Step {
                    key: e.key.str(),
                    entry: Some(e),
                    node: &e.value,
                });
                cur = &e.value;
                continue 'down;
            }
        }
        for item in cur.items() {
            if holds(item) {
                out.push(Step {
                    key: None,
                    entry: None,
                    node: item,
                });
                cur = item;
                continue 'down;
            }
        }
        return out;
    }
}

/// Is `off` strictly inside a scalar (a continuation line of a multi-line value)?
pub fn inside_scalar(f: &SourceFile, off: u32) -> bool {
    fn walk(n: &Node<'_>, off: u32) -> bool {
        if off <= n.span.start || off >= n.span.end {
            return false;
        }
        if n.scalar().is_some() {
            return true;
        }
        n.entries()
            .iter()
            .flat_map(|e| [&e.key, &e.value])
            .chain(n.items())
            .any(|c| walk(c, off))
    }
    f.yaml().docs.iter().any(|d| walk(&d.root, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let t = "a: 1\r\nb: 2";
        assert_eq!(eol(t), "\r\n");
        assert_eq!(line_start(t, 8), 6);
        assert_eq!(line_end(t, 1), 5);
        assert_eq!(next_line(t, 7), t.len());
        assert!(rest_is_blank("a: 1  # note\n", 4));
        assert!(!rest_is_blank("a: 1, b\n", 4));
        assert_eq!(column_indent("  - a: 1", 4).as_deref(), Some("    "));
        assert_eq!(column_indent("x: a: 1", 3), None);
    }

    #[test]
    fn insertion_at_a_text_without_final_newline() {
        let e = insert_lines(0, "a: 1", 4, &["b: 2".into()]);
        assert_eq!(e.replacement, "\nb: 2\n");
    }
}
