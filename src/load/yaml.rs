//! A small spanned YAML tree built from granit-parser events.
//!
//! Every key and value keeps its byte span into the file's text. Aliases are expanded under a node
//! budget (a billion-laughs file becomes a finding, not an out-of-memory), merge keys (`<<`) are
//! applied the way go-yaml does, and duplicate keys are recorded instead of aborting the parse.

use foldhash::HashMap;
use std::borrow::Cow;

use serde_json::{Number, Value};

use super::text::Text;
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
    /// A CRD's `openAPIV3Schema`, not parsed with its file (it is most of the bytes of a
    /// typical tree, and only needed when a custom resource of that kind is validated): the
    /// node's span covers the text; [`parse_deferred`] parses it on demand.
    Deferred,
}

#[derive(Clone, Debug)]
pub struct Scalar<'a> {
    pub value: Text<'a>,
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
    Seq(Box<[Node<'a>]>),
    Map(Box<[Entry<'a>]>),
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
        if (s.style == Style::Plain && s.tag == Tag::None && is_null(&s.value))
            || s.tag == Tag::Deferred
        {
            return None;
        }
        Some(&s.value)
    }
    /// A non-empty string value.
    pub fn non_empty_str(&self) -> Option<&str> {
        self.str().filter(|s| !s.is_empty())
    }
    /// Is this a CRD schema left for [`parse_deferred`]?
    pub fn is_deferred(&self) -> bool {
        self.scalar().is_some_and(|s| s.tag == Tag::Deferred)
    }

    /// A plain, untagged scalar typed the way Kubernetes reads YAML (1.1); `None` for quoted,
    /// block and `!!str` scalars, and for collections.
    pub fn resolved(&self) -> Option<Value> {
        let s = self.scalar()?;
        if s.tag == Tag::Deferred {
            return None;
        }
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
    /// The JSON the API server would decode from this node: plain scalars typed the YAML 1.1
    /// way, keys as strings (a bare `on:` key is `"true"`).
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar(s) => {
                if s.style == Style::Plain && s.tag != Tag::Str {
                    resolve_plain(&s.value)
                } else {
                    Value::String(s.value.to_string())
                }
            }
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut m = serde_json::Map::with_capacity(entries.len());
                for e in entries {
                    let Some(k) = e.key.scalar() else { continue };
                    let key = if k.style == Style::Plain && k.tag != Tag::Str {
                        match resolve_plain(&k.value) {
                            Value::String(s) => s,
                            Value::Null => "null".into(),
                            other => other.to_string(),
                        }
                    } else {
                        k.value.to_string()
                    };
                    m.insert(key, e.value.to_json());
                }
                Value::Object(m)
            }
        }
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

/// What a plain scalar is to the API server, without allocating.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// A plain scalar typed the way Kubernetes reads YAML: sigs.k8s.io/yaml decodes with go-yaml v2,
/// whose `resolve` follows YAML 1.1 for booleans and nulls and Go's `strconv` for numbers.
pub fn classify_plain(s: &str) -> Plain {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Plain::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Plain::Bool(false);
        }
        _ => {}
    }
    // go-yaml only tries numbers for scalars that start with a sign, a digit or a dot.
    if !matches!(s.as_bytes()[0], b'+' | b'-' | b'.' | b'0'..=b'9') {
        return Plain::Str;
    }
    if let Some(i) = go_int(s) {
        return Plain::Int(i);
    }
    match go_float(s) {
        Some(f) => Plain::Float(f),
        None => Plain::Str,
    }
}

/// [`classify_plain`] as a JSON value.
pub fn resolve_plain(s: &str) -> Value {
    match classify_plain(s) {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(i) => Value::Number(i.into()),
        Plain::Float(f) => {
            Number::from_f64(f).map_or_else(|| Value::String(s.to_string()), Value::Number)
        }
        Plain::Str => Value::String(s.to_string()),
    }
}

/// go-yaml v2: underscores removed, then `strconv.ParseInt(s, 0, 64)`: optional sign, then
/// `0x`/`0X` hex, `0o`/`0O` or a leading `0` octal, `0b`/`0B` binary, else decimal. Values that
/// only fit `ParseUint` are integers too; they are clamped here (no schema cares).
pub fn go_int(s: &str) -> Option<i64> {
    let owned;
    let plain: &str = if s.contains('_') {
        owned = s.replace('_', "");
        &owned
    } else {
        s
    };
    let (neg, body) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain),
    };
    let (digits, radix) = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(o) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (o, 8)
    } else if let Some(b) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (b, 2)
    } else if body.len() > 1 && body.starts_with('0') {
        (&body[1..], 8)
    } else {
        (body, 10)
    };
    // `from_str_radix` would accept a second sign (`0-3`); Go does not.
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        (v <= i64::MIN.unsigned_abs()).then(|| (v as i64).wrapping_neg())
    } else {
        Some(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

/// go-yaml v2's float test: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (so `1e3`
/// and `1.` are floats), and `.5`-style scalars through `ParseFloat`. `.inf`/`.nan` are not JSON.
pub fn go_float(s: &str) -> Option<f64> {
    let owned;
    let plain: &str = if s.contains('_') {
        owned = s.replace('_', "");
        &owned
    } else {
        s
    };
    let b = plain.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    } else {
        if digits(&mut i) == 0 {
            return None;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// One YAML document of a file.
#[derive(Debug)]
pub struct Document<'a> {
    pub root: Node<'a>,
}

/// A problem found while parsing: a syntax error, a duplicate key, a budget overrun.
#[derive(Debug, Clone)]
pub struct YamlIssue {
    pub span: Span,
    pub message: String,
    pub related: Option<(Span, String)>,
}

#[derive(Debug, Default)]
pub struct ParsedYaml<'a> {
    pub docs: Vec<Document<'a>>,
    pub issues: Vec<YamlIssue>,
}

/// What one parse may spend: the depth of any node, the nodes alias expansion may add (per file,
/// and from a budget shared by the whole run).
#[derive(Clone, Debug)]
pub struct ParseLimits {
    pub depth: usize,
    pub alias_nodes: u64,
    pub run: Option<std::sync::Arc<crate::limits::Budget>>,
}

impl ParseLimits {
    /// The parse limits of a run's limits; `run`: the budget its files share, if any.
    pub fn of(
        l: &crate::limits::Limits,
        run: Option<std::sync::Arc<crate::limits::Budget>>,
    ) -> Self {
        ParseLimits {
            depth: l.depth,
            alias_nodes: l.alias_nodes_per_file,
            run,
        }
    }
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits::of(&crate::limits::Limits::default(), None)
    }
}

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

impl Frame<'_> {
    /// The slot the next child takes: an item index, or `2 × entry + (0 key | 1 value)`.
    fn next_slot(&self) -> usize {
        match self {
            Frame::Seq { items, .. } => items.len(),
            Frame::Map {
                entries,
                pending_key,
                ..
            } => entries.len() * 2 + usize::from(pending_key.is_some()),
        }
    }
}

/// The child of a finished node at `slot` (see `Frame::next_slot`).
fn child<'n, 'a>(n: &'n Node<'a>, slot: usize) -> Option<&'n Node<'a>> {
    match &n.kind {
        NodeKind::Seq(items) => items.get(slot),
        NodeKind::Map(entries) => entries.get(slot / 2).map(|e| {
            if slot.is_multiple_of(2) {
                &e.key
            } else {
                &e.value
            }
        }),
        NodeKind::Scalar(_) => None,
    }
}

struct Builder<'a, 'l> {
    stack: Vec<Frame<'a>>,
    /// Where each anchored node sits (slots from the document root). The node is copied only
    /// when an alias names it, so nested anchors cost nothing.
    anchors: HashMap<usize, (Vec<usize>, usize)>,
    root: Option<Node<'a>>,
    issues: Vec<YamlIssue>,
    limits: &'l ParseLimits,
    /// Alias nodes left for this file.
    alias_left: u64,
}

impl<'a, 'l> Builder<'a, 'l> {
    fn new(limits: &'l ParseLimits, alias_left: u64) -> Self {
        Builder {
            stack: Vec::new(),
            anchors: HashMap::default(),
            root: None,
            issues: Vec::new(),
            limits,
            alias_left,
        }
    }

    /// Attach a finished node to its parent (or make it the document root).
    fn push_node(&mut self, node: Node<'a>, anchor: usize, depth: usize) {
        if anchor != 0 {
            let path = self.stack.iter().map(Frame::next_slot).collect();
            self.anchors.insert(anchor, (path, depth));
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

    /// The finished node at `path`, inside the frames still open.
    fn find(&self, path: &[usize]) -> Option<&Node<'a>> {
        let mut finished: Option<&Node<'a>> = None;
        for (depth, &slot) in path.iter().enumerate() {
            finished = match finished {
                Some(n) => Some(child(n, slot)?),
                None => {
                    let frame = self.stack.get(depth)?;
                    if depth + 1 < self.stack.len() && frame.next_slot() == slot {
                        // The ancestor is the next open frame.
                        continue;
                    }
                    match frame {
                        Frame::Seq { items, .. } => Some(items.get(slot)?),
                        Frame::Map {
                            entries,
                            pending_key,
                            ..
                        } => match entries.get(slot / 2) {
                            Some(e) => Some(if slot % 2 == 0 { &e.key } else { &e.value }),
                            None if slot % 2 == 0 => Some(pending_key.as_ref()?),
                            None => None,
                        },
                    }
                }
            };
        }
        finished
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), YamlIssue> {
        let issue = |message: String| YamlIssue {
            span,
            message,
            related: None,
        };
        let Some((path, depth)) = self.anchors.get(&id) else {
            return Err(issue("alias refers to an unknown anchor".into()));
        };
        let depth = *depth + self.stack.len();
        if depth > self.limits.depth {
            return Err(issue(format!(
                "alias expansion nests deeper than {} levels; the document is not linted",
                self.limits.depth
            )));
        }
        let Some(target) = self.find(path) else {
            return Err(issue(
                "alias refers to an anchor that is not complete yet".into(),
            ));
        };
        let cost = count_nodes(target, self.alias_left.saturating_add(1)) as u64;
        let node = (cost <= self.alias_left).then(|| target.clone());
        let in_run = self.limits.run.as_ref().is_none_or(|b| b.take(cost));
        let Some(node) = node.filter(|_| in_run) else {
            return Err(issue(format!(
                "alias expansion exceeds the budget of {} nodes per file and {} per run (a \"billion laughs\" document); the document is not linted",
                self.limits.alias_nodes,
                crate::limits::Limits::default().alias_nodes_per_run
            )));
        };
        self.alias_left -= cost;
        self.push_node(node, 0, depth);
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
        let depth = self.stack.len() + 1;
        self.push_node(
            Node {
                span,
                kind: NodeKind::Map(entries.into_boxed_slice()),
            },
            anchor,
            depth,
        );
    }

    fn end_seq(&mut self, end: usize) {
        let Some(Frame::Seq {
            start,
            flow,
            items,
            anchor,
        }) = self.stack.pop()
        else {
            return;
        };
        let end = if flow {
            end
        } else {
            items.last().map_or(start, |n| n.span.end as usize)
        };
        let depth = self.stack.len() + 1;
        // Boxed: the spare capacity of the doubling is given back (trees are most of the memory).
        self.push_node(
            Node {
                span: Span::new(start, end.max(start)),
                kind: NodeKind::Seq(items.into_boxed_slice()),
            },
            anchor,
            depth,
        );
    }

    /// Apply merge keys and record duplicate keys.
    fn finish_entries(&mut self, entries: Vec<Entry<'a>>) -> Vec<Entry<'a>> {
        let has_merge = entries.iter().any(is_merge_key);
        if !has_merge {
            self.check_duplicates(&entries);
            return entries;
        }
        let mut out: Vec<Entry<'a>> = Vec::with_capacity(entries.len());
        let mut merged: Vec<Entry<'a>> = Vec::new();
        for e in entries {
            if has_merge && is_merge_key(&e) {
                match e.value.kind {
                    NodeKind::Map(m) => merged.extend(m.into_vec()),
                    NodeKind::Seq(items) => {
                        for it in items.into_vec() {
                            if let NodeKind::Map(m) = it.kind {
                                merged.extend(m.into_vec());
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
        if !merged.is_empty() {
            let present: foldhash::HashSet<String> = out
                .iter()
                .filter_map(|e| e.key.str().map(str::to_string))
                .collect();
            for m in merged {
                if m.key.str().is_none_or(|k| !present.contains(k)) {
                    out.push(m);
                }
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
            let mut seen: HashMap<&str, &Entry<'a>> =
                HashMap::with_capacity_and_hasher(entries.len(), Default::default());
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
        // The same key with the same value: keeping the last changes nothing.
        if same_value(&first.value, &again.value) {
            return;
        }
        self.issues.push(YamlIssue {
            span: again.key.span,
            message: format!(
                "mapping repeats the key `{}`: Argo CD silently keeps only the last value",
                crate::report::escape::clip(key, 80)
            ),
            related: Some((first.key.span, "first defined here".into())),
        });
    }
}

/// Do two nodes hold the same data (spans aside)? Scalars compare by value and by whether they
/// are plain (`1` and `"1"` differ in type); an explicit stack, as documents can be deep.
fn same_value(a: &Node<'_>, b: &Node<'_>) -> bool {
    let mut stack = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        match (&a.kind, &b.kind) {
            (NodeKind::Scalar(x), NodeKind::Scalar(y)) => {
                let plain = |s: &Scalar<'_>| s.style == Style::Plain && s.tag == Tag::None;
                // A deferred node's text is not parsed: never known to be the same.
                if x.value != y.value
                    || plain(x) != plain(y)
                    || x.tag != y.tag
                    || x.tag == Tag::Deferred
                {
                    return false;
                }
            }
            (NodeKind::Seq(x), NodeKind::Seq(y)) if x.len() == y.len() => {
                stack.extend(x.iter().zip(y));
            }
            (NodeKind::Map(x), NodeKind::Map(y)) if x.len() == y.len() => {
                for (e, f) in x.iter().zip(y) {
                    stack.push((&e.key, &f.key));
                    stack.push((&e.value, &f.value));
                }
            }
            _ => return false,
        }
    }
    true
}

fn is_merge_key(e: &Entry<'_>) -> bool {
    matches!(&e.key.kind, NodeKind::Scalar(s) if s.style == Style::Plain && s.value == "<<")
}

fn count_nodes(n: &Node<'_>, limit: u64) -> usize {
    let mut count = 0;
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        count += 1;
        if count as u64 > limit {
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
    let mut off = off;
    while !text.is_char_boundary(off) {
        off -= 1;
    }
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

/// Parse every document of `text` with the default limits.
pub fn parse(text: &str) -> ParsedYaml<'_> {
    parse_with(text, &ParseLimits::default())
}

/// Parse every document of `text`. Never panics; a broken document is skipped and parsing resumes
/// at the next `---`. A CRD's block-style `openAPIV3Schema` is left unparsed (a `Deferred` node).
pub fn parse_with<'a>(text: &'a str, limits: &ParseLimits) -> ParsedYaml<'a> {
    match deferred::mask(text) {
        None => parse_unmasked(text, limits),
        Some(masked) => {
            let p = parse_unmasked(&masked.text, limits);
            deferred::rebase(p, &masked, text)
        }
    }
}

/// Parse a `Deferred` node's text (a CRD schema): its spans are positions in the whole file.
pub fn parse_deferred<'a>(text: &'a str, at: Span, limits: &ParseLimits) -> ParsedYaml<'a> {
    let Some(part) = text.get(at.range()) else {
        return ParsedYaml::default();
    };
    let p = parse_unmasked(part, limits);
    let shift = at.start;
    p.shifted(shift)
}

fn parse_unmasked<'a>(text: &'a str, limits: &ParseLimits) -> ParsedYaml<'a> {
    let (out, lenient) = parse_strict(text, limits);
    if !lenient {
        return out;
    }
    // Go's YAML decoder (Kubernetes, Argo CD, kubectl) accepts continuation lines of a quoted
    // scalar that are not indented past their mapping; `kubectl get -o yaml` even writes them.
    // YAML 1.2 does not: indent those lines in one pass, parse once more, and map the spans
    // back. A file Kubernetes accepts must not be a finding.
    match lenient::reindent(text) {
        Some(fixed) => {
            let (p, again) = parse_strict(&fixed.text, limits);
            if again || p.issues.iter().any(|i| i.related.is_none()) {
                out
            } else {
                p.remap(&|m| fixed.to_original(m))
            }
        }
        None => out,
    }
}

impl<'a> ParsedYaml<'a> {
    /// The same tree with every span moved by `by` bytes (borrowed text stays borrowed).
    fn shifted(self, by: u32) -> ParsedYaml<'a> {
        fn node<'a>(mut n: Node<'a>, by: u32) -> Node<'a> {
            n.span = Span {
                start: n.span.start + by,
                end: n.span.end + by,
            };
            n.kind = match n.kind {
                NodeKind::Seq(items) => {
                    NodeKind::Seq(items.into_vec().into_iter().map(|i| node(i, by)).collect())
                }
                NodeKind::Map(entries) => NodeKind::Map(
                    entries
                        .into_vec()
                        .into_iter()
                        .map(|e| Entry {
                            key: node(e.key, by),
                            value: node(e.value, by),
                        })
                        .collect(),
                ),
                k => k,
            };
            n
        }
        let sp = |s: Span| Span {
            start: s.start + by,
            end: s.end + by,
        };
        ParsedYaml {
            docs: self
                .docs
                .into_iter()
                .map(|d| Document {
                    root: node(d.root, by),
                })
                .collect(),
            issues: self
                .issues
                .into_iter()
                .map(|i| YamlIssue {
                    span: sp(i.span),
                    message: i.message,
                    related: i.related.map(|(s, m)| (sp(s), m)),
                })
                .collect(),
        }
    }
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
        }
    }
}

fn remap_node(n: Node<'_>, f: &dyn Fn(Span) -> Span) -> Node<'static> {
    let kind = match n.kind {
        NodeKind::Scalar(s) => NodeKind::Scalar(Scalar {
            value: s.value.into_static(),
            style: s.style,
            tag: s.tag,
        }),
        NodeKind::Seq(items) => NodeKind::Seq(
            items
                .into_vec()
                .into_iter()
                .map(|i| remap_node(i, f))
                .collect(),
        ),
        NodeKind::Map(entries) => NodeKind::Map(
            entries
                .into_vec()
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

/// The YAML 1.2 parse, and whether an under-indented quoted-scalar line stopped it.
fn parse_strict<'a>(text: &'a str, limits: &ParseLimits) -> (ParsedYaml<'a>, bool) {
    let mut lenient = false;
    let mut out = ParsedYaml::default();
    let options = granit_parser::options! {
        emit_comments: false,
        block_nesting_limit: limits.depth,
        flow_nesting_limit: limits.depth,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut alias_left = limits.alias_nodes;
    let mut b = Builder::new(limits, alias_left);
    let mut abandoned = false;
    loop {
        let next = parser.next_event();
        let (ev, sp) = match next {
            None => break,
            Some(Ok(x)) => x,
            Some(Err(e)) => {
                if *e.kind() == ErrorKind::InvalidQuotedScalarIndent {
                    lenient = true;
                }
                out.issues.push(scan_issue(&e, text));
                alias_left = b.alias_left;
                b = Builder::new(limits, alias_left);
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
                b = Builder::new(limits, alias_left);
            }
            continue;
        }
        match ev {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => {
                alias_left = b.alias_left;
                b = Builder::new(limits, alias_left);
            }
            Event::DocumentEnd => {
                alias_left = b.alias_left;
                let finished = std::mem::replace(&mut b, Builder::new(limits, alias_left));
                out.issues.extend(finished.issues);
                if let Some(root) = finished.root {
                    out.docs.push(Document { root });
                }
            }
            Event::Scalar(value, st, anchor, tag) => {
                // A scalar the scanner had to build (block, folded, escaped) grew by doubling.
                let value = match value {
                    Cow::Owned(v) => Text::owned(v),
                    Cow::Borrowed(b) => Text::borrowed(b),
                };
                let tag = match tag {
                    None => Tag::None,
                    Some(t) if t.is_yaml_core_schema_tag("str") => Tag::Str,
                    Some(_) => Tag::Other,
                };
                let depth = b.stack.len() + 1;
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
                    depth,
                );
            }
            Event::Alias(id) => {
                if let Err(issue) = b.alias(id, Span::new(start, end)) {
                    out.issues.push(issue);
                    abandoned = true;
                    alias_left = b.alias_left;
                    b = Builder::new(limits, alias_left);
                }
            }
            Event::UnresolvedAlias(_) => {}
            Event::SequenceStart(style, anchor, _) => b.stack.push(Frame::Seq {
                start,
                flow: style == StructureStyle::Flow,
                items: Vec::new(),
                anchor,
            }),
            Event::SequenceEnd => b.end_seq(end),
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

/// CRD schemas left unparsed: the block values of `openAPIV3Schema:` keys (whole lines, most of
/// a typical tree's bytes) are cut out of the text before parsing, so the parser never scans them;
/// then every span and borrowed string of the tree is moved back to its place in the real text,
/// and the schema's node is marked `Deferred`, spanning its text.
mod deferred {
    use super::Text;

    use super::{Document, Entry, Node, NodeKind, ParsedYaml, Scalar, Span, Style, Tag, YamlIssue};

    const KEY: &str = "openAPIV3Schema:";

    pub struct Masked {
        /// The text without the cut ranges.
        pub text: String,
        /// (key offset, cut range) in the original text, in order.
        pub ranges: Vec<(usize, std::ops::Range<usize>)>,
        /// For each cut: its offset in `text`, and the bytes cut up to and including it.
        cuts: Vec<(usize, usize)>,
    }

    impl Masked {
        /// An offset in `text` as an offset in the original.
        pub fn to_original(&self, m: usize) -> usize {
            // The cuts at or before `m` shift it right.
            let k = self.cuts.partition_point(|&(at, _)| at <= m);
            m + if k == 0 { 0 } else { self.cuts[k - 1].1 }
        }
    }

    /// Cut the block values of `openAPIV3Schema:` keys, or `None` when there are none.
    pub fn mask(text: &str) -> Option<Masked> {
        let bytes = text.as_bytes();
        let indent = |line: &[u8]| line.iter().take_while(|&&b| b == b' ').count();
        let line_end =
            |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i);
        let mut ranges: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let mut from = 0;
        while let Some(i) = memchr::memmem::find(&bytes[from..], KEY.as_bytes()) {
            let at = from + i;
            from = at + KEY.len();
            let ls = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            let le = line_end(at);
            let line = &bytes[ls..le];
            // The key starts its line, after indentation and perhaps `- `.
            let mut col = indent(line);
            if line[col..].starts_with(b"- ") {
                col += 2;
                col += indent(&line[col..]);
            }
            if ls + col != at {
                continue;
            }
            let after = &line[col + KEY.len()..];
            let after = &after[after.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
            if !after.is_empty() && after[0] != b'#' {
                continue; // a flow or inline value: parsed as usual
            }
            // The block: every following line indented past the key (blank and comment-only
            // lines included), up to the first line that is not.
            let start = (le + 1).min(bytes.len());
            let mut end = start;
            let mut pos = start;
            while pos < bytes.len() {
                let lend = line_end(pos);
                let l = &bytes[pos..lend];
                // Leading spaces, then any mix of spaces and tabs: one pass over the indent.
                let spaces = indent(l);
                let ind = spaces
                    + l[spaces..]
                        .iter()
                        .take_while(|b| matches!(b, b' ' | b'\t'))
                        .count();
                let t = &l[ind..];
                let next = (lend + 1).min(bytes.len());
                let blank = t.iter().all(|b| b.is_ascii_whitespace()) || t[0] == b'#';
                if !blank {
                    if spaces <= col || l.starts_with(b"---") || l.starts_with(b"...") {
                        break;
                    }
                    end = next;
                }
                pos = next;
            }
            if end > start {
                ranges.push((at, start..end));
                from = from.max(end);
            }
        }
        if ranges.is_empty() {
            return None;
        }
        let mut out =
            String::with_capacity(text.len() - ranges.iter().map(|(_, r)| r.len()).sum::<usize>());
        let mut cuts = Vec::with_capacity(ranges.len());
        let mut last = 0;
        let mut total = 0;
        for (_, r) in &ranges {
            out.push_str(&text[last..r.start]);
            total += r.len();
            cuts.push((out.len(), total));
            last = r.end;
        }
        out.push_str(&text[last..]);
        Some(Masked {
            text: out,
            ranges,
            cuts,
        })
    }

    /// Point every span and borrowed string at `original`, and mark the cut values.
    pub fn rebase<'o>(p: ParsedYaml<'_>, m: &Masked, original: &'o str) -> ParsedYaml<'o> {
        let base = m.text.as_ptr() as usize;
        let span = |s: Span| Span {
            start: m.to_original(s.start as usize) as u32,
            end: m.to_original(s.end as usize) as u32,
        };
        let cow = |c: Text<'_>| -> Text<'o> {
            c.rebind(|s| {
                let off = (s.as_ptr() as usize).wrapping_sub(base);
                let o = m.to_original(off);
                original
                    .get(o..o + s.len())
                    .filter(|x| off <= m.text.len() && *x == s)
            })
        };
        struct Cx<'c, 'o> {
            cow: &'c dyn Fn(Text<'_>) -> Text<'o>,
            span: &'c dyn Fn(Span) -> Span,
            m: &'c Masked,
        }
        fn node<'o>(n: Node<'_>, cx: &Cx<'_, 'o>) -> Node<'o> {
            let kind = match n.kind {
                NodeKind::Scalar(s) => NodeKind::Scalar(Scalar {
                    value: (cx.cow)(s.value),
                    style: s.style,
                    tag: s.tag,
                }),
                NodeKind::Seq(items) => {
                    NodeKind::Seq(items.into_vec().into_iter().map(|i| node(i, cx)).collect())
                }
                NodeKind::Map(entries) => NodeKind::Map(
                    entries
                        .into_vec()
                        .into_iter()
                        .map(|e| {
                            let key = node(e.key, cx);
                            let mut value = node(e.value, cx);
                            if let Some((_, r)) =
                                cx.m.ranges
                                    .iter()
                                    .find(|(k, _)| *k == key.span.start as usize)
                                && value.str().is_none()
                                && value.scalar().is_some()
                            {
                                value = Node {
                                    span: Span::new(r.start, r.end),
                                    kind: NodeKind::Scalar(Scalar {
                                        value: Text::borrowed(""),
                                        style: Style::Plain,
                                        tag: Tag::Deferred,
                                    }),
                                };
                            }
                            Entry { key, value }
                        })
                        .collect(),
                ),
            };
            Node {
                span: (cx.span)(n.span),
                kind,
            }
        }
        let cx = Cx {
            cow: &cow,
            span: &span,
            m,
        };
        ParsedYaml {
            docs: p
                .docs
                .into_iter()
                .map(|d| Document {
                    root: node(d.root, &cx),
                })
                .collect(),
            issues: p
                .issues
                .into_iter()
                .map(|i| YamlIssue {
                    span: span(i.span),
                    message: i.message,
                    related: i.related.map(|(s, msg)| (span(s), msg)),
                })
                .collect(),
        }
    }
}

/// The one-pass repair of under-indented quoted-scalar continuation lines.
mod lenient {
    /// A copy of the text with spaces inserted, and where (original offsets, ascending).
    pub struct Reindented {
        pub text: String,
        /// (original offset, spaces inserted there), ascending.
        inserts: Vec<(usize, usize)>,
        /// Inserted spaces before each insert point, cumulative (same order).
        before: Vec<usize>,
    }

    impl Reindented {
        /// Map an offset in the repaired text back to the original.
        pub fn to_original(&self, m: u32) -> u32 {
            let m = m as usize;
            // The last insertion point at or before `m` in the repaired text.
            let (mut lo, mut hi) = (0, self.inserts.len());
            while lo < hi {
                let mid = (lo + hi) / 2;
                if self.inserts[mid].0 + self.before[mid] <= m {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if lo == 0 {
                return m as u32;
            }
            let k = lo - 1;
            let (orig, n) = self.inserts[k];
            let start = orig + self.before[k];
            // Inside an inserted run (never a node boundary): the insertion point.
            let mapped = if m < start + n {
                orig
            } else {
                m - self.before[k] - n
            };
            mapped as u32
        }
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Quote {
        Single,
        Double,
    }

    /// Where a quoted scalar closes on `line` starting at `from`, or `None` if it runs on.
    fn close(line: &[u8], from: usize, q: Quote) -> Option<usize> {
        let mut i = from;
        while i < line.len() {
            match (q, line[i]) {
                (Quote::Double, b'\\') => i += 2,
                (Quote::Double, b'"') => return Some(i + 1),
                (Quote::Single, b'\'') => {
                    if line.get(i + 1) == Some(&b'\'') {
                        i += 2;
                    } else {
                        return Some(i + 1);
                    }
                }
                _ => i += 1,
            }
        }
        None
    }

    /// A quoted value that starts on `line` and does not close there: (quote, column of the
    /// node that owns it).
    fn opens(line: &[u8]) -> Option<(Quote, usize)> {
        let mut i = line.iter().take_while(|&&b| b == b' ').count();
        // `- - key:` prefixes.
        while line.get(i) == Some(&b'-') && matches!(line.get(i + 1), Some(b' ') | None) {
            i += 1;
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
        }
        let owner = i;
        let quote_at = |j: usize| match line.get(j) {
            Some(b'"') => Some(Quote::Double),
            Some(b'\'') => Some(Quote::Single),
            _ => None,
        };
        let mut j = i;
        if let Some(q) = quote_at(j) {
            match close(line, j + 1, q) {
                None => return Some((q, owner)),
                // A quoted key: the value follows its colon.
                Some(after) => j = after,
            }
        }
        // The value after the first `: ` outside quotes, before a comment.
        while j < line.len() {
            match line[j] {
                b'#' if j > 0 && line[j - 1] == b' ' => return None,
                b':' if matches!(line.get(j + 1), Some(b' ' | b'\t')) => {
                    let mut v = j + 1;
                    while matches!(line.get(v), Some(b' ' | b'\t')) {
                        v += 1;
                    }
                    let q = quote_at(v)?;
                    return close(line, v + 1, q).is_none().then_some((q, owner));
                }
                _ => j += 1,
            }
        }
        None
    }

    /// Indent every continuation line of a multi-line quoted scalar one column past the node
    /// that owns the scalar. `None` when nothing needed it.
    pub fn reindent(text: &str) -> Option<Reindented> {
        let mut inserts: Vec<(usize, usize)> = Vec::new();
        let mut open: Option<(Quote, usize)> = None;
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let line = raw.trim_end_matches(['\n', '\r']).as_bytes();
            match open {
                None => open = opens(line),
                Some((q, owner)) => {
                    let indent = line.iter().take_while(|&&b| b == b' ').count();
                    if indent < line.len() && indent <= owner {
                        inserts.push((offset, owner + 1 - indent));
                    }
                    if close(line, indent, q).is_some() {
                        open = None;
                    }
                }
            }
            offset += raw.len();
        }
        if inserts.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len() + inserts.len() * 4);
        let mut last = 0;
        let mut before = Vec::with_capacity(inserts.len());
        let mut total = 0;
        for &(at, n) in &inserts {
            out.push_str(&text[last..at]);
            out.extend(std::iter::repeat_n(' ', n));
            before.push(total);
            total += n;
            last = at;
        }
        out.push_str(&text[last..]);
        Some(Reindented {
            text: out,
            inserts,
            before,
        })
    }
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
    fn a_key_repeated_with_the_same_value_is_no_issue() {
        // Last wins, and the last is the same: nothing is lost.
        let same = "spec:\n  serviceAccountName: a\n  x: {b: [1, c]}\n  serviceAccountName: a\n  x: {b: [1, c]}\n";
        assert!(parse(same).issues.is_empty(), "{:?}", parse(same).issues);
        // A different value, or the same text as another type, is still one.
        for text in [
            "a: 1\na: 2\n",
            "a: 1\na: \"1\"\n",
            "a: {b: 1}\na: {b: 1, c: 2}\n",
            "a: [x]\na: [y]\n",
        ] {
            assert_eq!(parse(text).issues.len(), 1, "{text}");
        }
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

#[cfg(test)]
mod deferred_tests {
    use super::*;

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        type: object\n\n        # a comment at any indent\n# here too\n        properties:\n          size: {type: string}\n    served: true\n";

    #[test]
    fn crd_schemas_are_parsed_on_demand_with_file_positions() {
        let p = parse(CRD);
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        let v = &p.docs[0].root.path(&["spec", "versions"]).unwrap().items()[0];
        let s = v.path(&["schema", "openAPIV3Schema"]).unwrap();
        assert!(s.is_deferred());
        assert_eq!(s.str(), None);
        // The rest of the document is parsed as usual.
        assert_eq!(v.get("served").and_then(Node::as_bool), Some(true));
        let d = parse_deferred(CRD, s.span, &ParseLimits::default());
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        let size = d.docs[0]
            .root
            .path(&["properties", "size", "type"])
            .unwrap();
        assert_eq!(&CRD[size.span.range()], "string");
    }

    #[test]
    fn inline_schemas_are_parsed_at_once() {
        let t = "spec:\n  openAPIV3Schema: {type: object}\n";
        let p = parse(t);
        let s = p.docs[0].root.path(&["spec", "openAPIV3Schema"]).unwrap();
        assert!(!s.is_deferred() && s.is_map());
    }
}
