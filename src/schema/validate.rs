//! A JSON Schema validator that reads the spanned YAML tree directly: no JSON copy of the object,
//! values typed as the API server reads YAML (YAML 1.1 through go-yaml), and each problem found on
//! the exact key or value, explained ("unknown field `replcias` in Deployment.spec (did you mean
//! `replicas`?)"). It implements the keywords Kubernetes schemas use — `type`, `properties`,
//! `additionalProperties`, `patternProperties`, `required`, `items`, `enum`, `const`, `anyOf`,
//! `oneOf`, `allOf`, `not`, `$ref` (local), `pattern`, and the numeric, length and size bounds —
//! and ignores annotations (`description`, `format`, `x-kubernetes-*`).
//!
//! A schema is compiled once per kind, with only the definitions it references.

use foldhash::HashMap;

use serde_json::Value;

use crate::load::yaml::{Node, NodeKind, Plain, Span, Style, Tag, classify_plain, resolve_plain};

type SId = usize;

const T_NULL: u8 = 1;
const T_BOOL: u8 = 2;
const T_INT: u8 = 4;
const T_NUM: u8 = 8;
const T_STR: u8 = 16;
const T_ARR: u8 = 32;
const T_OBJ: u8 = 64;

#[derive(Default, Debug)]
enum Additional {
    #[default]
    Any,
    Deny,
    Schema(SId),
}

#[derive(Default, Debug)]
struct S {
    /// Allowed types (bit set), `None` for any.
    types: Option<u8>,
    properties: Vec<(String, SId)>,
    pattern_properties: Vec<(regex::Regex, SId)>,
    additional: Additional,
    required: Vec<String>,
    items: Option<SId>,
    enumeration: Option<Vec<Value>>,
    any_of: Vec<SId>,
    one_of: Vec<SId>,
    all_of: Vec<SId>,
    not: Option<SId>,
    reference: Option<SId>,
    pattern: Option<(regex::Regex, String)>,
    minimum: Option<(f64, bool)>,
    maximum: Option<(f64, bool)>,
    multiple_of: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    /// `false` as a schema: nothing is valid.
    never: bool,
}

/// A schema compiled for one kind.
#[derive(Debug)]
pub struct Compiled {
    nodes: std::sync::Arc<Vec<S>>,
    root: SId,
}

/// Why a schema could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError(pub String);

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a schema's local `$ref`s (`#/...`) resolve.
#[derive(Clone, Copy)]
pub enum Refs<'v> {
    /// A whole document: the reference is a JSON pointer into it.
    Doc(&'v Value),
    /// A bundle that parses a definition when it is first referenced.
    Lookup(&'v (dyn Lookup + Sync)),
}

/// Resolves a JSON pointer without a whole parsed document.
pub trait Lookup {
    fn pointer(&self, pointer: &str) -> Option<&Value>;
}

impl<'v> Refs<'v> {
    fn pointer(self, pointer: &str) -> Option<&'v Value> {
        match self {
            Refs::Doc(v) => v.pointer(pointer),
            Refs::Lookup(l) => l.pointer(pointer),
        }
    }
}

struct Compiler<'v> {
    root: Refs<'v>,
    nodes: Vec<S>,
    /// `$ref` target → compiled id (each definition once, recursion allowed).
    refs: HashMap<String, SId>,
    depth: usize,
    max_depth: usize,
}

impl<'v> Compiler<'v> {
    fn compile(&mut self, v: &'v Value) -> Result<SId, CompileError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(CompileError(format!(
                "the schema nests deeper than {} levels",
                self.max_depth
            )));
        }
        let id = self.nodes.len();
        self.nodes.push(S::default());
        let mut s = S::default();
        match v {
            Value::Bool(true) => {}
            Value::Bool(false) => s.never = true,
            Value::Object(o) => {
                for (k, x) in o {
                    self.keyword(&mut s, k, x)?;
                }
                // The API server fills in a property's `default` before it validates: a
                // required field with a default is never missing.
                if let Some(props) = o.get("properties").and_then(Value::as_object) {
                    s.required
                        .retain(|r| props.get(r).and_then(|p| p.get("default")).is_none());
                }
                // OpenAPI's `nullable` (CRDs converted elsewhere; schema-dir files may use it).
                if o.get("nullable") == Some(&Value::Bool(true))
                    && let Some(t) = s.types.as_mut()
                {
                    *t |= T_NULL;
                }
            }
            _ => {
                return Err(CompileError(
                    "a schema must be an object or a boolean".into(),
                ));
            }
        }
        self.nodes[id] = s;
        self.depth -= 1;
        Ok(id)
    }

    fn keyword(&mut self, s: &mut S, k: &str, x: &'v Value) -> Result<(), CompileError> {
        let num = |x: &Value| x.as_f64();
        let count = |x: &Value| x.as_u64();
        match k {
            "type" => {
                let mut bits = 0;
                let names: Vec<&str> = match x {
                    Value::String(t) => vec![t],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => vec![],
                };
                for n in names {
                    bits |= match n {
                        "null" => T_NULL,
                        "boolean" => T_BOOL,
                        "integer" => T_INT,
                        "number" => T_NUM | T_INT,
                        "string" => T_STR,
                        "array" => T_ARR,
                        "object" => T_OBJ,
                        other => return Err(CompileError(format!("unknown type `{other}`"))),
                    };
                }
                s.types = Some(bits);
            }
            "properties" => {
                if let Some(o) = x.as_object() {
                    for (name, sub) in o {
                        let id = self.compile(sub)?;
                        s.properties.push((name.clone(), id));
                    }
                }
            }
            "patternProperties" => {
                if let Some(o) = x.as_object() {
                    for (pat, sub) in o {
                        let re = regex::Regex::new(pat)
                            .map_err(|e| CompileError(format!("patternProperties `{pat}`: {e}")))?;
                        let id = self.compile(sub)?;
                        s.pattern_properties.push((re, id));
                    }
                }
            }
            "additionalProperties" => {
                s.additional = match x {
                    Value::Bool(true) => Additional::Any,
                    Value::Bool(false) => Additional::Deny,
                    other => Additional::Schema(self.compile(other)?),
                };
            }
            "required" => {
                s.required = x
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
            }
            "items" if x.is_object() || x.is_boolean() => s.items = Some(self.compile(x)?),
            "enum" => s.enumeration = x.as_array().cloned(),
            "const" => s.enumeration = Some(vec![x.clone()]),
            "anyOf" | "oneOf" | "allOf" => {
                let mut ids = Vec::new();
                for b in x.as_array().into_iter().flatten() {
                    ids.push(self.compile(b)?);
                }
                match k {
                    "anyOf" => s.any_of = ids,
                    "oneOf" => s.one_of = ids,
                    _ => s.all_of = ids,
                }
            }
            "not" => s.not = Some(self.compile(x)?),
            "$ref" => {
                let r = x.as_str().unwrap_or("");
                s.reference = Some(self.reference(r)?);
            }
            "pattern" => {
                if let Some(p) = x.as_str() {
                    // ECMA-262 patterns the regex crate cannot run (look-around) are not checked.
                    if let Ok(re) = regex::RegexBuilder::new(p).size_limit(1 << 20).build() {
                        s.pattern = Some((re, p.to_string()));
                    }
                }
            }
            "minimum" => s.minimum = num(x).map(|n| (n, false)),
            "maximum" => s.maximum = num(x).map(|n| (n, false)),
            "exclusiveMinimum" => {
                if let Some(n) = num(x) {
                    s.minimum = Some((n, true));
                }
            }
            "exclusiveMaximum" => {
                if let Some(n) = num(x) {
                    s.maximum = Some((n, true));
                }
            }
            "multipleOf" => s.multiple_of = num(x).filter(|n| *n > 0.0),
            "minLength" => s.min_length = count(x),
            "maxLength" => s.max_length = count(x),
            "minItems" => s.min_items = count(x),
            "maxItems" => s.max_items = count(x),
            "uniqueItems" => s.unique_items = x.as_bool() == Some(true),
            "minProperties" => s.min_properties = count(x),
            "maxProperties" => s.max_properties = count(x),
            _ => {}
        }
        Ok(())
    }

    fn reference(&mut self, r: &str) -> Result<SId, CompileError> {
        if let Some(&id) = self.refs.get(r) {
            return Ok(id);
        }
        let Some(ptr) = r.strip_prefix('#') else {
            return Err(CompileError(format!(
                "`$ref: {r}` points outside the schema (only local references are followed offline)"
            )));
        };
        let target = self
            .root
            .pointer(ptr)
            .ok_or_else(|| CompileError(format!("`$ref: {r}` points at nothing")))?;
        // Reserve the id first: a recursive definition refers back to itself.
        let id = self.nodes.len();
        self.nodes.push(S::default());
        self.refs.insert(r.to_string(), id);
        let inner = self.compile(target)?;
        self.nodes[id] = S {
            reference: Some(inner),
            ..S::default()
        };
        Ok(id)
    }
}

/// Compile `schema` (a root, or a kind's entry inside `root` whose `$ref`s resolve in `root`).
pub fn compile<'v>(
    root: Refs<'v>,
    schema: &'v Value,
    max_depth: usize,
) -> Result<Compiled, CompileError> {
    let mut a = Arena::new(root, max_depth);
    let top = a.add(schema)?;
    Ok(a.finish(&[top]).pop().unwrap_or(Compiled {
        nodes: Default::default(),
        root: 0,
    }))
}

/// Several schemas of one bundle compiled together: the definitions they share (a PodSpec for
/// every workload kind) are compiled once.
pub struct Arena<'v> {
    c: Compiler<'v>,
}

impl<'v> Arena<'v> {
    pub fn new(root: Refs<'v>, max_depth: usize) -> Arena<'v> {
        Arena {
            c: Compiler {
                root,
                nodes: Vec::new(),
                refs: HashMap::default(),
                depth: 0,
                max_depth,
            },
        }
    }

    /// Compile one schema (whose `$ref`s resolve in the arena's root); its root id.
    pub fn add(&mut self, schema: &'v Value) -> Result<usize, CompileError> {
        self.c.depth = 0;
        self.c.compile(schema)
    }

    /// The compiled schemas of `roots`, sharing one node table.
    pub fn finish(self, roots: &[usize]) -> Vec<Compiled> {
        let nodes = std::sync::Arc::new(self.c.nodes);
        roots
            .iter()
            .map(|&root| Compiled {
                nodes: nodes.clone(),
                root,
            })
            .collect()
    }
}

/// One problem, ready for a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// One step of the path to a node, for messages.
#[derive(Clone)]
enum Seg<'n> {
    Key(&'n str),
    Index(usize),
}

/// A node's JSON value as the API server reads it, without copying it.
#[derive(Clone, Copy)]
enum Val<'n> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'n str),
    Arr,
    Obj,
}

impl<'n> Val<'n> {
    fn of(n: &'n Node<'n>) -> Val<'n> {
        match &n.kind {
            NodeKind::Seq(_) => Val::Arr,
            NodeKind::Map(_) => Val::Obj,
            NodeKind::Scalar(s) if s.style == Style::Plain && s.tag != Tag::Str => {
                match classify_plain(&s.value) {
                    Plain::Null => Val::Null,
                    Plain::Bool(b) => Val::Bool(b),
                    Plain::Int(i) => Val::Int(i),
                    Plain::Float(f) => Val::Float(f),
                    Plain::Str => Val::Str(&s.value),
                }
            }
            NodeKind::Scalar(s) => Val::Str(&s.value),
        }
    }

    fn bit(self) -> u8 {
        match self {
            Val::Null => T_NULL,
            Val::Bool(_) => T_BOOL,
            Val::Int(_) => T_INT,
            Val::Float(f) if f.fract() == 0.0 => T_INT,
            Val::Float(_) => T_NUM,
            Val::Str(_) => T_STR,
            Val::Arr => T_ARR,
            Val::Obj => T_OBJ,
        }
    }

    fn as_f64(self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(i as f64),
            Val::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The JSON value (collections as empty placeholders).
    fn json(self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Int(i) => Value::Number(i.into()),
            Val::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Val::Str(s) => Value::String(s.to_string()),
            Val::Arr => Value::Array(Vec::new()),
            Val::Obj => Value::Object(Default::default()),
        }
    }
}

fn type_names(bits: u8) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (b, n) in [
        (T_BOOL, "boolean"),
        (T_INT, "integer"),
        (T_NUM, "number"),
        (T_STR, "string"),
        (T_ARR, "array"),
        (T_OBJ, "object"),
    ] {
        if bits & b != 0 && !(b == T_INT && bits & T_NUM != 0) {
            out.push(n);
        }
    }
    out.join(" or ")
}

fn found_type(v: Val<'_>) -> String {
    match v {
        Val::Null => "null".into(),
        Val::Bool(b) => format!("boolean {b}"),
        Val::Str(s) => format!("string {:?}", crate::report::escape::clip(s, 60)),
        Val::Arr => "a list".into(),
        Val::Obj => "a mapping".into(),
        n => format!("number {}", n.json()),
    }
}

/// A YAML 1.1 word that Kubernetes reads as a boolean or number but the author meant as text.
pub fn yaml11_surprise(n: &Node<'_>) -> Option<String> {
    let s = n.scalar()?;
    if s.style != Style::Plain || s.tag == Tag::Str {
        return None;
    }
    let v = resolve_plain(&s.value);
    let shown = crate::report::escape::clip(&s.value, 40);
    match v {
        Value::Bool(_) | Value::Number(_) => Some(format!(
            "quote it: `\"{shown}\"` (YAML 1.1, which Kubernetes uses, reads a bare `{shown}` as {})",
            if v.is_boolean() {
                "a boolean"
            } else {
                "a number"
            }
        )),
        _ => None,
    }
}

/// The key of a mapping entry as JSON reads it (`on:` is `"true"` in Kubernetes).
pub fn json_key<'k>(k: &'k Node<'_>) -> std::borrow::Cow<'k, str> {
    match k.scalar() {
        Some(s) if s.style == Style::Plain && s.tag != Tag::Str => match classify_plain(&s.value) {
            Plain::Str => std::borrow::Cow::Borrowed(&s.value),
            Plain::Null => "null".into(),
            _ => resolve_plain(&s.value).to_string().into(),
        },
        Some(s) => std::borrow::Cow::Borrowed(&s.value),
        None => "".into(),
    }
}

struct Run<'c, 'n> {
    c: &'c Compiled,
    kind: &'n str,
    kind_span: Span,
    path: Vec<Seg<'n>>,
    out: Vec<Problem>,
    seen: foldhash::HashSet<Span>,
    limit: usize,
    /// The key the current node sits under (missing fields point at it).
    key_span: Option<Span>,
}

impl<'c, 'n> Run<'c, 'n> {
    fn here(&self) -> String {
        let mut s = self.kind.to_string();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => {
                    s.push('.');
                    s.push_str(&crate::report::escape::clip(k, 60));
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn push(&mut self, p: Problem) {
        if self.out.len() < self.limit && self.seen.insert(p.span) {
            self.out.push(p);
        }
    }

    fn full(&self) -> bool {
        self.out.len() >= self.limit
    }

    /// Resolve `$ref` chains: the schemas that apply at once to one node.
    fn applicable(&self, mut id: SId, into: &mut Vec<SId>) {
        for _ in 0..64 {
            into.push(id);
            match self.c.nodes[id].reference {
                Some(r) => id = r,
                None => return,
            }
        }
    }

    /// Does `node` validate against `id`, without reporting anything?
    fn valid(&self, id: SId, node: &'n Node<'n>) -> bool {
        let mut probe = Run {
            c: self.c,
            kind: self.kind,
            kind_span: self.kind_span,
            path: Vec::new(),
            out: Vec::new(),
            seen: Default::default(),
            limit: 1,
            key_span: None,
        };
        probe.check(id, node);
        probe.out.is_empty()
    }

    fn types_of(&self, id: SId) -> u8 {
        let mut ids = Vec::new();
        self.applicable(id, &mut ids);
        let mut bits = 0xff;
        for i in ids {
            let s = &self.c.nodes[i];
            if let Some(t) = s.types {
                bits &= t;
            }
            if !s.any_of.is_empty() || !s.one_of.is_empty() {
                let union = s
                    .any_of
                    .iter()
                    .chain(&s.one_of)
                    .fold(0, |acc, &b| acc | self.types_of(b));
                bits &= union;
            }
        }
        bits
    }

    fn property_names(&self, id: SId, out: &mut Vec<String>) {
        let mut ids = Vec::new();
        self.applicable(id, &mut ids);
        for i in ids {
            let s = &self.c.nodes[i];
            out.extend(s.properties.iter().map(|(n, _)| n.clone()));
            for &b in s.all_of.iter().chain(&s.any_of).chain(&s.one_of) {
                self.property_names(b, out);
            }
        }
    }

    fn type_problem(&mut self, node: &'n Node<'n>, expected: u8, v: Val<'_>) {
        let here = self.here();
        let expected_s = type_names(expected);
        let message = if expected_s.is_empty() {
            format!("{here} does not match its schema ({})", found_type(v))
        } else {
            format!("expected {expected_s} at {here}, found {}", found_type(v))
        };
        let help = if expected & T_STR != 0 {
            yaml11_surprise(node)
        } else {
            None
        };
        self.push(Problem {
            span: node.span,
            message,
            label: format!(
                "not {}",
                if expected_s.is_empty() {
                    "valid".to_string()
                } else {
                    expected_s
                }
            ),
            help,
        });
    }

    fn check(&mut self, id: SId, node: &'n Node<'n>) {
        // A CRD's schema, left unparsed: not validated against JSONSchemaProps.
        if self.full() || node.is_deferred() {
            return;
        }
        let value = Val::of(node);
        // A placeholder (`${VAR}`) is filled in before anything applies the object (envsubst in
        // a Config Management Plugin reading `${ARGOCD_ENV_*}`, a pipeline): its value is not
        // known here, so neither is its type.
        if let Val::Str(text) = value
            && text.contains("${")
        {
            return;
        }
        let mut ids = Vec::new();
        self.applicable(id, &mut ids);
        let bit = value.bit();
        // Types first: a value of the wrong type is one problem, not a cascade.
        let allowed = ids
            .iter()
            .filter_map(|&i| self.c.nodes[i].types)
            .fold(0xffu8, |acc, t| acc & t);
        if ids.iter().any(|&i| self.c.nodes[i].never) || allowed & bit == 0 {
            let expected = if allowed == 0xff { 0 } else { allowed };
            self.type_problem(node, expected, value);
            return;
        }
        for &i in &ids {
            self.keywords(i, node, value);
            if self.full() {
                return;
            }
        }
    }

    fn keywords(&mut self, id: SId, node: &'n Node<'n>, value: Val<'n>) {
        let c = self.c;
        let s = &c.nodes[id];
        if let Some(options) = &s.enumeration {
            let v = if matches!(node.kind, NodeKind::Scalar(_)) {
                value.json()
            } else {
                node.to_json()
            };
            if !options.iter().any(|o| json_eq(o, &v)) {
                let opts: Vec<String> = options
                    .iter()
                    .filter(|o| !o.is_null() && o.as_str() != Some(""))
                    .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_string))
                    .collect();
                let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                let shown = crate::report::escape::clip(&shown, 60);
                let message = if options.len() == 1 {
                    format!(
                        "`{shown}` is not valid for {}: expected `{}`",
                        self.here(),
                        opts.first().cloned().unwrap_or_default()
                    )
                } else {
                    format!(
                        "`{shown}` is not a valid value for {}: expected one of {}{}",
                        self.here(),
                        opts.join(", "),
                        crate::rules::did_you_mean(
                            &shown,
                            &opts.iter().map(String::as_str).collect::<Vec<_>>()
                        )
                    )
                };
                self.push(Problem {
                    span: node.span,
                    message,
                    label: "not allowed here".into(),
                    help: Some("values are case-sensitive".into()),
                });
                return;
            }
        }
        match &node.kind {
            NodeKind::Map(entries) => self.object(s, id, node, entries),
            NodeKind::Seq(items) => self.array(s, node, items),
            NodeKind::Scalar(_) => self.scalar(s, node, value),
        }
        if !s.all_of.is_empty() {
            for &b in &s.all_of {
                self.check(b, node);
            }
        }
        for (branches, one) in [(&s.any_of, false), (&s.one_of, true)] {
            if branches.is_empty() {
                continue;
            }
            let matching = branches.iter().filter(|&&b| self.valid(b, node)).count();
            let ok = if one { matching >= 1 } else { matching > 0 };
            if ok {
                continue;
            }
            // The branches whose type fits explain best; else a type problem.
            let bit = value.bit();
            let fitting: Vec<SId> = branches
                .iter()
                .copied()
                .filter(|&b| self.types_of(b) & bit != 0)
                .collect();
            match fitting.as_slice() {
                [only] => self.check(*only, node),
                _ => {
                    let union = branches.iter().fold(0, |a, &b| a | self.types_of(b));
                    self.type_problem(node, if union == 0xff { 0 } else { union }, value);
                }
            }
        }
        if let Some(n) = s.not
            && self.valid(n, node)
        {
            self.push(Problem {
                span: node.span,
                message: format!("{} must not match this form", self.here()),
                label: "not allowed".into(),
                help: None,
            });
        }
    }

    fn object(
        &mut self,
        s: &S,
        id: SId,
        node: &'n Node<'n>,
        entries: &'n [crate::load::yaml::Entry<'n>],
    ) {
        // A null where the schema allows none is pruned before validation (apiextensions
        // defaulting; Go's decoder leaves the field zero): an optional field written empty
        // (`spec:`) is as if absent. A required one is still reported, on the null.
        let compiled = self.c;
        let pruned = |e: &crate::load::yaml::Entry<'n>, sub: SId, key: &str| {
            matches!(Val::of(&e.value), Val::Null)
                && compiled.nodes[sub].types.is_some_and(|t| t & T_NULL == 0)
                && !s.required.iter().any(|r| r == key)
        };
        for req in &s.required {
            if !entries.iter().any(|e| json_key(&e.key) == req.as_str()) {
                let (span, label) = match self.path.last() {
                    None => (self.kind_span, "in this object"),
                    Some(_) => (node.span, "in this mapping"),
                };
                // The key of the mapping, where there is one.
                let span = self.key_span.unwrap_or(span);
                let message = format!("missing required field `{req}` in {}", self.here());
                self.push(Problem {
                    span,
                    message,
                    label: label.into(),
                    help: Some(format!("add `{req}`")),
                });
            }
        }
        let n = entries.len() as u64;
        if let Some(m) = s.min_properties.filter(|&m| n < m) {
            self.bound(
                node,
                format!("{} has fewer than {m} properties", self.here()),
            );
        }
        if let Some(m) = s.max_properties.filter(|&m| n > m) {
            self.bound(
                node,
                format!("{} has more than {m} properties", self.here()),
            );
        }
        // Go's decoder (and the API server) keeps the last of repeated keys. Repeats are rare:
        // small mappings compare in place, large ones through a map.
        let keys: Vec<std::borrow::Cow<'n, str>> =
            entries.iter().map(|e| json_key(&e.key)).collect();
        let last: Option<HashMap<&str, usize>> = (keys.len() > 16).then(|| {
            keys.iter()
                .enumerate()
                .map(|(i, k)| (k.as_ref(), i))
                .collect()
        });
        let is_last = |i: usize| match &last {
            Some(m) => m.get(keys[i].as_ref()) == Some(&i),
            None => !keys[i + 1..].contains(&keys[i]),
        };
        for (i, e) in entries.iter().enumerate() {
            if self.full() {
                return;
            }
            let key = &keys[i];
            if e.key.scalar().is_none() || !is_last(i) {
                continue;
            }
            // Shown as written (`on`, which JSON reads as "true").
            let k: &'n str = e.key.scalar().map_or("", |s| &s.value);
            let mut matched = false;
            if let Some((_, sub)) = s.properties.iter().find(|(p, _)| *p == **key) {
                matched = true;
                if !pruned(e, *sub, key) {
                    self.descend(Seg::Key(k), Some(e.key.span), *sub, &e.value);
                }
            }
            for (re, sub) in &s.pattern_properties {
                if re.is_match(key) {
                    matched = true;
                    self.descend(Seg::Key(k), Some(e.key.span), *sub, &e.value);
                }
            }
            if matched {
                continue;
            }
            match s.additional {
                Additional::Any => {}
                Additional::Schema(sub) => {
                    self.descend(Seg::Key(k), Some(e.key.span), sub, &e.value)
                }
                Additional::Deny => {
                    let mut allowed = Vec::new();
                    self.property_names(id, &mut allowed);
                    let c: Vec<&str> = allowed.iter().map(String::as_str).collect();
                    let dym = crate::rules::did_you_mean(key, &c);
                    let message = format!(
                        "unknown field `{}` in {}{dym}",
                        crate::report::escape::clip(key, 60),
                        self.here()
                    );
                    self.push(Problem {
                        span: e.key.span,
                        message,
                        label: "unknown field".into(),
                        help: Some(if dym.is_empty() {
                            "remove it: the API server rejects unknown fields (strict field validation), or silently drops them".into()
                        } else {
                            "fix the spelling: the API server rejects unknown fields (strict field validation), or silently drops them".into()
                        }),
                    });
                }
            }
        }
    }

    fn array(&mut self, s: &S, node: &'n Node<'n>, items: &'n [Node<'n>]) {
        let n = items.len() as u64;
        if let Some(m) = s.min_items.filter(|&m| n < m) {
            self.bound(node, format!("{} has fewer than {m} items", self.here()));
        }
        if let Some(m) = s.max_items.filter(|&m| n > m) {
            self.bound(node, format!("{} has more than {m} items", self.here()));
        }
        if s.unique_items {
            let mut seen = foldhash::HashSet::default();
            if items.iter().any(|i| !seen.insert(i.to_json().to_string())) {
                self.bound(node, format!("{} has repeated items", self.here()));
            }
        }
        if let Some(sub) = s.items {
            for (i, item) in items.iter().enumerate() {
                if self.full() {
                    return;
                }
                self.descend(Seg::Index(i), None, sub, item);
            }
        }
    }

    fn scalar(&mut self, s: &S, node: &'n Node<'n>, value: Val<'n>) {
        if let Val::Str(text) = value {
            let len = text.chars().count() as u64;
            if let Some(m) = s.min_length.filter(|&m| len < m) {
                self.bound(
                    node,
                    format!("{} is shorter than {m} characters", self.here()),
                );
            }
            if let Some(m) = s.max_length.filter(|&m| len > m) {
                self.bound(
                    node,
                    format!("{} is longer than {m} characters", self.here()),
                );
            }
            if let Some((re, pat)) = &s.pattern
                && !re.is_match(text)
            {
                let what = if pat.contains("[KMGTPE]") || pat.contains("Ki|Mi") {
                    "a quantity (e.g. 500m, 128Mi, 2)".to_string()
                } else {
                    format!("`{}`", crate::report::escape::clip(pat, 80))
                };
                self.push(Problem {
                    span: node.span,
                    message: format!(
                        "`{}` is not valid for {}: expected {what}",
                        crate::report::escape::clip(text, 60),
                        self.here()
                    ),
                    label: "invalid format".into(),
                    help: None,
                });
            }
        }
        if let Some(x) = value.as_f64() {
            if let Some((m, excl)) = s.minimum
                && (x < m || (excl && x == m))
            {
                let rel = if excl { "greater than" } else { "at least" };
                self.bound(
                    node,
                    format!("{} must be {rel} {m}, found {x}", self.here()),
                );
            }
            if let Some((m, excl)) = s.maximum
                && (x > m || (excl && x == m))
            {
                let rel = if excl { "less than" } else { "at most" };
                self.bound(
                    node,
                    format!("{} must be {rel} {m}, found {x}", self.here()),
                );
            }
            if let Some(m) = s.multiple_of
                && (x / m).fract() != 0.0
            {
                self.bound(
                    node,
                    format!("{} must be a multiple of {m}, found {x}", self.here()),
                );
            }
        }
    }

    fn bound(&mut self, node: &'n Node<'n>, message: String) {
        self.push(Problem {
            span: node.span,
            message,
            label: "out of range".into(),
            help: None,
        });
    }

    fn descend(&mut self, seg: Seg<'n>, key: Option<Span>, id: SId, node: &'n Node<'n>) {
        if self.path.len() > 512 {
            return;
        }
        self.path.push(seg);
        let saved = std::mem::replace(&mut self.key_span, key);
        self.check(id, node);
        self.key_span = saved;
        self.path.pop();
    }
}

fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

impl Compiled {
    /// Every problem of `obj` (the document root), at most `limit`.
    pub fn problems(
        &self,
        obj: &Node<'_>,
        kind: &str,
        kind_span: Span,
        limit: usize,
    ) -> Vec<Problem> {
        let mut run = Run {
            c: self,
            kind,
            kind_span,
            path: Vec::new(),
            out: Vec::new(),
            seen: Default::default(),
            limit,
            key_span: None,
        };
        run.check(self.root, obj);
        run.out
    }
}
