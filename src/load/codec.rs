//! A parsed file in a compact binary form, kept next to a rendered build's text in the render
//! cache: decoding it is several times cheaper than parsing the text again, and a rendered
//! build is most of what an editor's run would otherwise parse. Scalars that are slices of the
//! text are stored as their position; the decoder checks every position and length, and any
//! entry it cannot read is `None` (the caller parses the text instead).

use super::text::Text;

use super::yaml::{
    Document, Entry, Node, NodeKind, ParsedYaml, Scalar, Span, Style, Tag, YamlIssue,
};

/// Bump when the layout changes.
const VERSION: u8 = 1;

pub fn encode(p: &ParsedYaml<'_>, text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 2);
    out.push(VERSION);
    put_len(&mut out, p.docs.len());
    for d in &p.docs {
        node(&mut out, &d.root, text);
    }
    put_len(&mut out, p.issues.len());
    for i in &p.issues {
        span(&mut out, i.span);
        string(&mut out, &i.message);
        match &i.related {
            Some((s, m)) => {
                out.push(1);
                span(&mut out, *s);
                string(&mut out, m);
            }
            None => out.push(0),
        }
    }
    out
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn span(out: &mut Vec<u8>, s: Span) {
    out.extend_from_slice(&s.start.to_le_bytes());
    out.extend_from_slice(&s.end.to_le_bytes());
}

fn string(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn node(out: &mut Vec<u8>, n: &Node<'_>, text: &str) {
    match &n.kind {
        NodeKind::Scalar(s) => {
            out.push(0);
            span(out, n.span);
            out.push(style_code(s.style));
            out.push(tag_code(s.tag));
            let base = text.as_ptr() as usize;
            let at = (s.value.as_ptr() as usize).wrapping_sub(base);
            // A slice of the text: its place. Anything else (an unescaped or folded value):
            // its bytes.
            if s.value.is_borrowed() && at <= text.len() && at + s.value.len() <= text.len() {
                out.push(1);
                put_len(out, at);
                put_len(out, s.value.len());
            } else {
                out.push(0);
                string(out, &s.value);
            }
        }
        NodeKind::Seq(items) => {
            out.push(1);
            span(out, n.span);
            put_len(out, items.len());
            for i in items {
                node(out, i, text);
            }
        }
        NodeKind::Map(entries) => {
            out.push(2);
            span(out, n.span);
            put_len(out, entries.len());
            for e in entries {
                node(out, &e.key, text);
                node(out, &e.value, text);
            }
        }
    }
}

fn style_code(s: Style) -> u8 {
    match s {
        Style::Plain => 0,
        Style::SingleQuoted => 1,
        Style::DoubleQuoted => 2,
        Style::Literal => 3,
        Style::Folded => 4,
    }
}

fn tag_code(t: Tag) -> u8 {
    match t {
        Tag::None => 0,
        Tag::Str => 1,
        Tag::Other => 2,
        Tag::Deferred => 3,
    }
}

struct Reader<'b, 't> {
    bytes: &'b [u8],
    at: usize,
    text: &'t str,
    /// Nesting left: a hostile entry cannot recurse without end.
    depth: usize,
}

impl<'b, 't> Reader<'b, 't> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    /// A count, bounded by what is left to read (every item takes at least one byte).
    fn count(&mut self) -> Option<usize> {
        let n = self.u32()? as usize;
        (n <= self.bytes.len() - self.at).then_some(n)
    }
    fn span(&mut self) -> Option<Span> {
        let (start, end) = (self.u32()?, self.u32()?);
        (start <= end && end as usize <= self.text.len()).then_some(Span { start, end })
    }
    fn string(&mut self) -> Option<String> {
        let n = self.count()?;
        Some(std::str::from_utf8(self.take(n)?).ok()?.to_string())
    }
    fn node(&mut self) -> Option<Node<'t>> {
        self.depth = self.depth.checked_sub(1)?;
        let kind = self.byte()?;
        let span = self.span()?;
        let kind = match kind {
            0 => {
                let style = match self.byte()? {
                    0 => Style::Plain,
                    1 => Style::SingleQuoted,
                    2 => Style::DoubleQuoted,
                    3 => Style::Literal,
                    4 => Style::Folded,
                    _ => return None,
                };
                let tag = match self.byte()? {
                    0 => Tag::None,
                    1 => Tag::Str,
                    2 => Tag::Other,
                    3 => Tag::Deferred,
                    _ => return None,
                };
                let value = match self.byte()? {
                    1 => {
                        let (at, len) = (self.u32()? as usize, self.u32()? as usize);
                        Text::borrowed(self.text.get(at..at.checked_add(len)?)?)
                    }
                    0 => Text::owned(self.string()?),
                    _ => return None,
                };
                NodeKind::Scalar(Scalar { value, style, tag })
            }
            1 => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.node()?);
                }
                NodeKind::Seq(items.into_boxed_slice())
            }
            2 => {
                let n = self.count()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.node()?;
                    let value = self.node()?;
                    entries.push(Entry { key, value });
                }
                NodeKind::Map(entries.into_boxed_slice())
            }
            _ => return None,
        };
        self.depth += 1;
        Some(Node { span, kind })
    }
}

/// The parse `encode` wrote for `text`, or `None` when the bytes do not read as one (another
/// version, a truncated or corrupted entry, positions outside the text).
pub fn decode<'t>(bytes: &[u8], text: &'t str, max_depth: usize) -> Option<ParsedYaml<'t>> {
    let mut r = Reader {
        bytes,
        at: 0,
        text,
        depth: max_depth.saturating_add(1),
    };
    if r.byte()? != VERSION {
        return None;
    }
    let n = r.count()?;
    let mut docs = Vec::with_capacity(n);
    for _ in 0..n {
        docs.push(Document { root: r.node()? });
    }
    let n = r.count()?;
    let mut issues = Vec::with_capacity(n);
    for _ in 0..n {
        let span = r.span()?;
        let message = r.string()?;
        let related = match r.byte()? {
            1 => Some((r.span()?, r.string()?)),
            0 => None,
            _ => return None,
        };
        issues.push(YamlIssue {
            span,
            message,
            related,
        });
    }
    (r.at == bytes.len()).then_some(ParsedYaml { docs, issues })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: [&str; 5] = [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"q\\tx\"\n  labels: {a: 'b', c: [1, 2]}\ndata:\n  k: |\n    line\n    two\n  f: >\n    folded\n    text\n---\n- !!str 1\n- ~\n- &a x\n- *a\n",
        "a: 1\na: 2\n",
        "a: [\n",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: w.example.com\nspec:\n  versions:\n    - name: v1\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n",
        "",
    ];

    #[test]
    fn a_parse_reads_back_the_same() {
        for t in TEXTS {
            let p = super::super::yaml::parse(t);
            let bytes = encode(&p, t);
            let back = decode(&bytes, t, 100).expect("decodes");
            assert_eq!(format!("{back:?}"), format!("{p:?}"), "{t}");
        }
    }

    #[test]
    fn damaged_entries_are_refused_not_panics() {
        let t = TEXTS[0];
        let bytes = encode(&super::super::yaml::parse(t), t);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], t, 100).is_none());
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            let _ = decode(&b, t, 100);
        }
        // Positions outside another text.
        assert!(decode(&bytes, "short", 100).is_none());
        // Nesting beyond the limit.
        assert!(decode(&bytes, t, 1).is_none());
    }
}
