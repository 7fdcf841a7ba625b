//! A small spanned YAML tree built from granit-parser events.
//!
//! Every key and value keeps its byte span into the file's text. Aliases are expanded under a node
//! budget (a billion-laughs file becomes a finding, not an out-of-memory), merge keys (`<<`) are
//! applied the way go-yaml does, and duplicate keys are recorded instead of aborting the parse.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Number, Value};

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, StructureStyle};

/// Byte range into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// The explicit tag of a scalar, reduced to what resolution needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    None,
    Str,
    Other,
}

#[derive(Clone, Debug)]
pub struct Scalar<'a> {
    pub value: Cow<'a, str>,
    pub style: Style,
    pub tag: Tag,
}

#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub key: Node<'a>,
    pub value: Node<'a>,
}

#[derive(Clone, Debug)]
pub enum NodeKind<'a> {
    Scalar(Scalar<'a>),
    Seq(Vec<Node<'a>>),
    Map(Vec<Entry<'a>>),
}

#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub span: Span,
    pub kind: NodeKind<'a>,
}

impl<'a> Node<'a> {
    /// Value of `key` in a mapping (string keys only).
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.entry(key).map(|e| &e.value)
    }
    pub fn entry(&self, key: &str) -> Option<&Entry<'a>> {
        match &self.kind {
            // Like Go's lenient decoder (Argo CD), the last of repeated keys wins.
            NodeKind::Map(entries) => entries.iter().rev().find(|e| e.key.str() == Some(key)),
            _ => None,
        }
    }
    /// Walk a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node<'a>> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }
    pub fn entries(&self) -> &[Entry<'a>] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node<'a>] {
        match &self.kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }
    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map(_))
    }
    pub fn scalar(&self) -> Option<&Scalar<'a>> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// The scalar's text, whatever its YAML type. `null`/`~`/empty plain scalars give `None`.
    pub fn str(&self) -> Option<&str> {
        let s = self.scalar()?;
        if s.style == Style::Plain && s.tag == Tag::None && is_null(&s.value) {
            return None;
        }
        Some(&s.value)
    }
    /// A non-empty string value.
    pub fn non_empty_str(&self) -> Option<&str> {
        self.str().filter(|s| !s.is_empty())
    }
    /// A plain, untagged scalar typed the way Kubernetes reads YAML (1.1); `None` for quoted,
    /// block and `!!str` scalars, and for collections.
    pub fn resolved(&self) -> Option<Value> {
        let s = self.scalar()?;
        (s.style == Style::Plain && s.tag != Tag::Str).then(|| resolve_plain(&s.value))
    }
    /// A boolean read the way Kubernetes reads YAML (1.1: yes/no/on/off too).
    pub fn as_bool(&self) -> Option<bool> {
        self.resolved()?.as_bool()
    }
    /// An integer read the way Kubernetes reads YAML (1.1: `0755` is octal, `1_000` is 1000).
    pub fn as_i64(&self) -> Option<i64> {
        self.resolved()?.as_i64()
    }
    /// Sub-span of a token inside this scalar's text, when the source spells the value verbatim
    /// (plain or quoted without escapes); otherwise the whole scalar.
    pub fn token_span(&self, text: &str, token_offset: usize, token_len: usize) -> Span {
        let Some(s) = self.scalar() else {
            return self.span;
        };
        let raw = &text[self.span.range()];
        let inner = match s.style {
            Style::Plain => raw,
            Style::SingleQuoted | Style::DoubleQuoted if raw.len() >= 2 => &raw[1..raw.len() - 1],
            _ => return self.span,
        };
        if inner != s.value {
            return self.span;
        }
        let quote = usize::from(s.style != Style::Plain);
        let start = self.span.start as usize + quote + token_offset;
        Span::new(start, start + token_len)
    }
}

fn is_null(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL")
}

/// YAML 1.1 resolution of a plain scalar.
pub fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    if let Some(i) = int_1_1(s) {
        return Value::Number(i.into());
    }
    if let Some(n) = float_1_1(s).and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}

/// Integers: decimal, `0x` hex, leading-zero octal, `0b` binary; `_` separators; optional sign.
fn int_1_1(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let body = body.replace('_', "");
    if body.is_empty() {
        return None;
    }
    let v = if let Some(h) = body.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = body.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if body.len() > 1 && body.starts_with('0') {
        i64::from_str_radix(&body[1..], 8).ok()?
    } else if body.bytes().all(|b| b.is_ascii_digit()) {
        body.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

/// Floats need a dot in YAML 1.1 (`1e3` is a string); `.inf`/`.nan` are not JSON, so strings.
fn float_1_1(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(['-', '+']);
    if !t.contains('.') || t.starts_with('.') && t.len() == 1 {
        return None;
    }
    let mantissa = t.split(['e', 'E']).next()?;
    if !mantissa
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
    {
        return None;
    }
    s.replace('_', "").parse().ok()
}

/// One YAML document of a file.
#[derive(Debug)]
pub struct Document<'a> {
    pub root: Node<'a>,
}

/// A problem found while parsing: a syntax error, a duplicate key, an alias budget overrun.
#[derive(Debug, Clone)]
pub struct YamlIssue {
    pub span: Span,
    pub message: String,
    pub related: Option<(Span, String)>,
}

/// A comment (`# ...`) with its span; used by suppressions.
#[derive(Debug, Clone)]
pub struct Comment {
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct ParsedYaml<'a> {
    pub docs: Vec<Document<'a>>,
    pub issues: Vec<YamlIssue>,
    pub comments: Vec<Comment>,
}

/// Upper bound on nodes an alias expansion may create per document.
const ALIAS_BUDGET: usize = 250_000;

enum Frame<'a> {
    Seq {
        start: usize,
        flow: bool,
        items: Vec<Node<'a>>,
        anchor: usize,
    },
    Map {
        start: usize,
        flow: bool,
        entries: Vec<Entry<'a>>,
        pending_key: Option<Node<'a>>,
        anchor: usize,
    },
}

struct Builder<'a> {
    stack: Vec<Frame<'a>>,
    anchors: HashMap<usize, Node<'a>>,
    budget: usize,
    root: Option<Node<'a>>,
    issues: Vec<YamlIssue>,
}

impl<'a> Builder<'a> {
    fn new() -> Self {
        Builder {
            stack: Vec::new(),
            anchors: HashMap::new(),
            budget: ALIAS_BUDGET,
            root: None,
            issues: Vec::new(),
        }
    }

    /// Attach a finished node to its parent (or make it the document root).
    fn push_node(&mut self, node: Node<'a>, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), YamlIssue> {
        let Some(target) = self.anchors.get(&id) else {
            return Err(YamlIssue {
                span,
                message: "alias refers to an unknown anchor".into(),
                related: None,
            });
        };
        let cost = count_nodes(target, self.budget + 1);
        if cost > self.budget {
            return Err(YamlIssue {
                span,
                message: format!(
                    "alias expansion exceeds {ALIAS_BUDGET} nodes (a \"billion laughs\" document); the document is not linted"
                ),
                related: None,
            });
        }
        self.budget -= cost;
        let node = target.clone();
        self.push_node(node, 0);
        Ok(())
    }

    fn end_map(&mut self, end: usize) {
        let Some(Frame::Map {
            start,
            flow,
            entries,
            anchor,
            ..
        }) = self.stack.pop()
        else {
            return;
        };
        let entries = self.finish_entries(entries);
        // A block mapping's end event sits at the next token; its last value ends it.
        let end = if flow {
            end
        } else {
            entries.last().map_or(start, |e| e.value.span.end as usize)
        };
        let span = Span::new(start, end.max(start));
        self.push_node(
            Node {
                span,
                kind: NodeKind::Map(entries),
            },
            anchor,
        );
    }

    /// Apply merge keys and record duplicate keys.
    fn finish_entries(&mut self, entries: Vec<Entry<'a>>) -> Vec<Entry<'a>> {
        let has_merge = entries.iter().any(is_merge_key);
        let mut out: Vec<Entry<'a>> = Vec::with_capacity(entries.len());
        let mut merged: Vec<Entry<'a>> = Vec::new();
        for e in entries {
            if has_merge && is_merge_key(&e) {
                match e.value.kind {
                    NodeKind::Map(m) => merged.extend(m),
                    NodeKind::Seq(items) => {
                        for it in items {
                            if let NodeKind::Map(m) = it.kind {
                                merged.extend(m);
                            }
                        }
                    }
                    NodeKind::Scalar(_) => {}
                }
                continue;
            }
            out.push(e);
        }
        self.check_duplicates(&out);
        for m in merged {
            let k = m.key.str();
            if k.is_none() || !out.iter().any(|e| e.key.str() == k) {
                out.push(m);
            }
        }
        out
    }

    fn check_duplicates(&mut self, entries: &[Entry<'a>]) {
        if entries.len() < 2 {
            return;
        }
        if entries.len() <= 24 {
            for (i, e) in entries.iter().enumerate().skip(1) {
                let Some(k) = e.key.scalar() else { continue };
                if let Some(first) = entries[..i]
                    .iter()
                    .find(|p| p.key.scalar().is_some_and(|pk| pk.value == k.value))
                {
                    self.dup(first, e, &k.value);
                }
            }
        } else {
            let mut seen: HashMap<&str, &Entry<'a>> = HashMap::with_capacity(entries.len());
            for e in entries {
                let Some(k) = e.key.scalar() else { continue };
                if let Some(first) = seen.get(&*k.value) {
                    self.dup(first, e, &k.value);
                } else {
                    seen.insert(&k.value, e);
                }
            }
        }
    }

    fn dup(&mut self, first: &Entry<'a>, again: &Entry<'a>, key: &str) {
        self.issues.push(YamlIssue {
            span: again.key.span,
            message: format!(
                "mapping repeats the key `{key}`: Argo CD silently keeps only the last value"
            ),
            related: Some((first.key.span, "first defined here".into())),
        });
    }
}

fn is_merge_key(e: &Entry<'_>) -> bool {
    matches!(&e.key.kind, NodeKind::Scalar(s) if s.style == Style::Plain && s.value == "<<")
}

fn count_nodes(n: &Node<'_>, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        count += 1;
        if count > limit {
            return count;
        }
        match &n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => stack.extend(items.iter()),
            NodeKind::Map(entries) => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
        }
    }
    count
}

fn style(s: ScalarStyle) -> Style {
    match s {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    }
}

fn byte_range(sp: &granit_parser::Span) -> (usize, usize) {
    sp.byte_range().map_or((0, 0), |r| (r.start, r.end))
}

fn scan_issue(e: &ScanError, text: &str) -> YamlIssue {
    let off = e.marker().byte_offset().unwrap_or(0).min(text.len());
    // Point at one character so the caret is visible.
    let end = text[off..]
        .chars()
        .next()
        .map_or(off, |c| if c == '\n' { off } else { off + c.len_utf8() });
    YamlIssue {
        span: Span::new(off, end),
        message: e.info().to_string(),
        related: None,
    }
}

/// Parse every document of `text`. Never panics; a broken document is skipped and parsing resumes
/// at the next `---`.
pub fn parse(text: &str) -> ParsedYaml<'_> {
    let (out, lenient) = parse_strict(text);
    if lenient.is_none() {
        return out;
    }
    // Go's YAML decoder (Kubernetes, Argo CD, kubectl) accepts continuation lines of a quoted
    // scalar that are not indented past their mapping; `kubectl get -o yaml` even writes them.
    // YAML 1.2 does not, so re-parse with those lines indented one more column, and map the
    // spans back: a file Kubernetes accepts must not be a finding.
    parse_lenient(text).unwrap_or(out)
}

fn parse_lenient(text: &str) -> Option<ParsedYaml<'static>> {
    let mut inserts: Vec<usize> = Vec::new();
    for _ in 0..512 {
        let mut patched = String::with_capacity(text.len() + inserts.len());
        let mut last = 0;
        for &p in &inserts {
            patched.push_str(&text[last..p]);
            patched.push(' ');
            last = p;
        }
        patched.push_str(&text[last..]);
        let to_orig = |m: u32| -> u32 {
            let m = m as usize;
            let shift = inserts
                .iter()
                .enumerate()
                .filter(|&(i, &p)| p + i < m)
                .count();
            (m - shift) as u32
        };
        let (p, bad) = parse_strict(&patched);
        match bad {
            None => return Some(p.remap(&to_orig)),
            Some(off) => {
                let orig = (to_orig(off as u32) as usize).min(text.len());
                let line_start = text[..orig].rfind('\n').map_or(0, |i| i + 1);
                inserts.push(line_start);
                inserts.sort_unstable();
            }
        }
    }
    None
}

impl ParsedYaml<'_> {
    /// Owned copy with every span passed through `f`.
    fn remap(self, f: &dyn Fn(u32) -> u32) -> ParsedYaml<'static> {
        let span = |s: Span| Span {
            start: f(s.start),
            end: f(s.end),
        };
        ParsedYaml {
            docs: self
                .docs
                .into_iter()
                .map(|d| Document {
                    root: remap_node(d.root, &span),
                })
                .collect(),
            issues: self
                .issues
                .into_iter()
                .map(|i| YamlIssue {
                    span: span(i.span),
                    message: i.message,
                    related: i.related.map(|(s, m)| (span(s), m)),
                })
                .collect(),
            comments: self
                .comments
                .into_iter()
                .map(|c| Comment { span: span(c.span) })
                .collect(),
        }
    }
}

fn remap_node(n: Node<'_>, f: &dyn Fn(Span) -> Span) -> Node<'static> {
    let kind = match n.kind {
        NodeKind::Scalar(s) => NodeKind::Scalar(Scalar {
            value: Cow::Owned(s.value.into_owned()),
            style: s.style,
            tag: s.tag,
        }),
        NodeKind::Seq(items) => {
            NodeKind::Seq(items.into_iter().map(|i| remap_node(i, f)).collect())
        }
        NodeKind::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|e| Entry {
                    key: remap_node(e.key, f),
                    value: remap_node(e.value, f),
                })
                .collect(),
        ),
    };
    Node {
        span: f(n.span),
        kind,
    }
}

/// The YAML 1.2 parse, and the offset of an under-indented quoted-scalar line if that stopped it.
fn parse_strict(text: &str) -> (ParsedYaml<'_>, Option<usize>) {
    let mut lenient = None;
    let mut out = ParsedYaml::default();
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder::new();
    let mut abandoned = false;
    loop {
        let next = parser.next_event();
        let (ev, sp) = match next {
            None => break,
            Some(Ok(x)) => x,
            Some(Err(e)) => {
                if lenient.is_none() && *e.kind() == ErrorKind::InvalidQuotedScalarIndent {
                    lenient = e.marker().byte_offset();
                }
                out.issues.push(scan_issue(&e, text));
                b = Builder::new();
                match parser.proceed_next_document() {
                    Ok(true) => continue,
                    _ => break,
                }
            }
        };
        let (start, end) = byte_range(&sp);
        if abandoned {
            if matches!(ev, Event::DocumentEnd) {
                abandoned = false;
                b = Builder::new();
            }
            continue;
        }
        match ev {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => b = Builder::new(),
            Event::DocumentEnd => {
                let finished = std::mem::replace(&mut b, Builder::new());
                out.issues.extend(finished.issues);
                if let Some(root) = finished.root {
                    out.docs.push(Document { root });
                }
            }
            Event::Comment(..) => out.comments.push(Comment {
                span: Span::new(start, end),
            }),
            Event::Scalar(value, st, anchor, tag) => {
                let tag = match tag {
                    None => Tag::None,
                    Some(t) if t.is_yaml_core_schema_tag("str") => Tag::Str,
                    Some(_) => Tag::Other,
                };
                b.push_node(
                    Node {
                        span: Span::new(start, end),
                        kind: NodeKind::Scalar(Scalar {
                            value,
                            style: style(st),
                            tag,
                        }),
                    },
                    anchor,
                );
            }
            Event::Alias(id) => {
                if let Err(issue) = b.alias(id, Span::new(start, end)) {
                    out.issues.push(issue);
                    abandoned = true;
                    b = Builder::new();
                }
            }
            Event::UnresolvedAlias(_) => {}
            Event::SequenceStart(style, anchor, _) => b.stack.push(Frame::Seq {
                start,
                flow: style == StructureStyle::Flow,
                items: Vec::new(),
                anchor,
            }),
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    start: s,
                    flow,
                    items,
                    anchor,
                }) = b.stack.pop()
                {
                    let e = if flow {
                        end
                    } else {
                        items.last().map_or(s, |n| n.span.end as usize)
                    };
                    b.push_node(
                        Node {
                            span: Span::new(s, e.max(s)),
                            kind: NodeKind::Seq(items),
                        },
                        anchor,
                    );
                }
            }
            Event::MappingStart(style, anchor, _) => b.stack.push(Frame::Map {
                start,
                flow: style == StructureStyle::Flow,
                entries: Vec::new(),
                pending_key: None,
                anchor,
            }),
            Event::MappingEnd => b.end_map(end),
            // `Event` is non-exhaustive; nothing else carries data we need.
            _ => {}
        }
    }
    out.issues.extend(b.issues);
    (out, lenient)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "a: 1\nb:\n  c: [x, \"y\"]\n";
        let p = parse(text);
        let root = &p.docs[0].root;
        let c = root.path(&["b", "c"]).unwrap();
        assert_eq!(&text[c.span.range()], "[x, \"y\"]");
        let y = &c.items()[1];
        assert_eq!(&text[y.span.range()], "\"y\"");
        assert_eq!(y.str(), Some("y"));
    }

    #[test]
    fn recovers_after_a_broken_document() {
        let p = parse("a: 1\n---\nbad: : x\n---\nok: 2\n");
        assert_eq!(p.docs.len(), 2);
        assert_eq!(p.issues.len(), 1);
        assert_eq!(p.docs[1].root.get("ok").and_then(Node::as_i64), Some(2));
    }

    #[test]
    fn duplicate_keys_are_issues_with_both_spans() {
        let text = "metadata:\n  name: a\n  name: b\n";
        let p = parse(text);
        assert_eq!(p.issues.len(), 1);
        assert_eq!(&text[p.issues[0].span.range()], "name");
        assert_eq!(p.issues[0].span.start, 22);
    }

    #[test]
    fn alias_bomb_is_an_issue_not_an_oom() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let p = parse(&s);
        assert!(
            p.issues
                .iter()
                .any(|i| i.message.contains("billion laughs"))
        );
        assert!(p.docs.is_empty());
    }

    #[test]
    fn merge_keys_are_applied_and_explicit_keys_win() {
        let p = parse("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let m = p.docs[0].root.get("m").unwrap();
        assert_eq!(m.get("x").and_then(Node::as_i64), Some(1));
        assert_eq!(m.get("y").and_then(Node::as_i64), Some(3));
        assert!(p.issues.is_empty());
    }

    #[test]
    fn underindented_quoted_continuation_is_accepted_like_go_yaml() {
        let text = "a:\n  - m: 'one two\n    three'\n    b: 'x\n    y'\n    c: 1\n";
        let p = parse(text);
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        let item = &p.docs[0].root.get("a").unwrap().items()[0];
        assert_eq!(item.get("m").and_then(Node::str), Some("one two three"));
        let c = item.get("c").unwrap();
        assert_eq!(&text[c.span.range()], "1");
    }

    #[test]
    fn token_span_inside_quoted_csv() {
        let text = "k: \"PreSync, Bogus\"\n";
        let p = parse(text);
        let v = p.docs[0].root.get("k").unwrap();
        let sp = v.token_span(text, 9, 5);
        assert_eq!(&text[sp.range()], "Bogus");
    }
}

#[cfg(test)]
mod lenient_tests {
    use super::*;

    #[test]
    fn trailing_tab_after_a_scalar_is_accepted() {
        let p = parse("a: b\t\nc: d\n");
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        assert_eq!(p.docs[0].root.get("a").and_then(Node::str), Some("b"));
    }
}
