//! Turn JSON-schema validation errors into one readable finding per problem, on the exact key
//! or value: "unknown field `replcias` in Deployment.spec (did you mean `replicas`?)".

use serde_json::Value;

use crate::load::yaml::{Node, Span, Style};

use super::convert::{key_of, locate};

/// One problem, ready for a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// `Deployment.spec.template.spec.containers[0]` for `/spec/template/spec/containers/0`.
pub fn dotted(kind: &str, pointer: &str) -> String {
    let mut s = kind.to_string();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.bytes().all(|b| b.is_ascii_digit()) && !seg.is_empty() {
            s.push_str(&format!("[{seg}]"));
        } else {
            s.push('.');
            s.push_str(&seg);
        }
    }
    s
}

/// Follow `$ref`s (local, `#/$defs/…` or `#/definitions/…`).
pub fn deref<'s>(root: &'s Value, mut s: &'s Value) -> &'s Value {
    for _ in 0..32 {
        let Some(r) = s.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(ptr) = r.strip_prefix('#') else {
            break;
        };
        match root.pointer(ptr) {
            Some(t) => s = t,
            None => break,
        }
    }
    s
}

/// The (dereferenced) schema that applies at an instance pointer, following properties, items,
/// additionalProperties and the first matching branch of anyOf/allOf.
pub fn schema_at<'s>(root: &'s Value, pointer: &str) -> Option<&'s Value> {
    let mut s = deref(root, root);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        s = step(root, s, &seg)?;
    }
    Some(s)
}

fn step<'s>(root: &'s Value, s: &'s Value, seg: &str) -> Option<&'s Value> {
    let s = deref(root, s);
    if let Some(p) = s.get("properties").and_then(|p| p.get(seg)) {
        return Some(deref(root, p));
    }
    if let Some(i) = s.get("items").filter(|i| i.is_object())
        && seg.parse::<usize>().is_ok()
    {
        return Some(deref(root, i));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for b in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(t) = step(root, b, seg) {
                return Some(t);
            }
        }
    }
    s.get("additionalProperties")
        .filter(|a| a.is_object())
        .map(|a| deref(root, a))
}

/// Property names a schema allows (for "did you mean").
pub fn property_names(root: &Value, s: &Value) -> Vec<String> {
    let s = deref(root, s);
    let mut out: Vec<String> = s
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for key in ["allOf", "anyOf", "oneOf"] {
        for b in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            out.extend(property_names(root, b));
        }
    }
    out
}

/// "integer", "string or integer", … from a schema.
pub fn expected_type(root: &Value, s: &Value) -> String {
    let s = deref(root, s);
    let mut kinds: Vec<String> = Vec::new();
    match s.get("type") {
        Some(Value::String(t)) => kinds.push(t.clone()),
        Some(Value::Array(ts)) => {
            kinds.extend(ts.iter().filter_map(Value::as_str).map(str::to_string))
        }
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        for b in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            let t = expected_type(root, b);
            if !t.is_empty() {
                kinds.extend(t.split(" or ").map(str::to_string));
            }
        }
    }
    kinds.retain(|k| k != "null");
    kinds.dedup();
    kinds.join(" or ")
}

pub fn found_type(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

/// A YAML 1.1 word that Kubernetes reads as a boolean or number but the author meant as text.
pub fn yaml11_surprise(n: &Node<'_>) -> Option<String> {
    let s = n.scalar()?;
    if s.style != Style::Plain {
        return None;
    }
    let v = super::convert::resolve_plain(&s.value);
    match v {
        Value::Bool(_) | Value::Number(_) => Some(format!(
            "quote it: `\"{}\"` (YAML 1.1, which Kubernetes uses, reads a bare `{}` as {})",
            s.value,
            s.value,
            if v.is_boolean() {
                "a boolean"
            } else {
                "a number"
            }
        )),
        _ => None,
    }
}

pub fn suggest(name: &str, candidates: &[String]) -> String {
    let c: Vec<&str> = candidates.iter().map(String::as_str).collect();
    crate::rules::did_you_mean(name, &c)
}

/// The mapping key node for an unknown field, else the value node.
pub fn unknown_field_span(root: &Node<'_>, pointer: &str, name: &str) -> Span {
    let map = locate(root, pointer);
    key_of(map, name).map_or(map.span, |k| k.span)
}

/// Explain every validation error of one object, one problem per location.
pub fn problems(
    compiled: &super::set::Compiled,
    obj: &Node<'_>,
    kind: &str,
    kind_span: Span,
) -> Vec<Problem> {
    use jsonschema::error::ValidationErrorKind as K;
    let instance = super::convert::to_json(obj);
    let root = &compiled.root;
    let mut out: Vec<Problem> = Vec::new();
    let mut seen_paths: Vec<String> = Vec::new();
    for err in compiled.validator.iter_errors(&instance) {
        let pointer = err.instance_path().as_str().to_string();
        // A problem inside a value already reported is a cascade.
        if seen_paths
            .iter()
            .any(|p| pointer.starts_with(&format!("{p}/")) || *p == pointer)
            && !matches!(
                err.kind(),
                K::AdditionalProperties { .. } | K::Required { .. }
            )
        {
            continue;
        }
        let here = dotted(kind, &pointer);
        let node = locate(obj, &pointer);
        let schema = schema_at(root, &pointer);
        let mut push = |p: Problem, path: &str| {
            if !out.iter().any(|o| o.span == p.span) {
                out.push(p);
            }
            seen_paths.push(path.to_string());
        };
        match err.kind() {
            K::AdditionalProperties { unexpected } => {
                let allowed = schema.map(|s| property_names(root, s)).unwrap_or_default();
                for name in unexpected {
                    let span = unknown_field_span(obj, &pointer, name);
                    let dym = suggest(name, &allowed);
                    push(
                        Problem {
                            span,
                            message: format!("unknown field `{name}` in {here}{dym}"),
                            label: "unknown field".into(),
                            help: Some(if dym.is_empty() {
                                "remove it: the API server rejects unknown fields (strict field validation), or silently drops them".into()
                            } else {
                                "fix the spelling: the API server rejects unknown fields (strict field validation), or silently drops them".into()
                            }),
                        },
                        &format!("{pointer}/{name}"),
                    );
                }
            }
            K::Required { property } => {
                let name = property.as_str().unwrap_or("?");
                let (span, label) = if pointer.is_empty() {
                    (kind_span, "in this object")
                } else {
                    let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
                    let last = pointer.rsplit('/').next().unwrap_or("");
                    let pm = locate(obj, parent);
                    let span = if last.parse::<usize>().is_ok() {
                        node.span
                    } else {
                        key_of(pm, last).map_or(node.span, |k| k.span)
                    };
                    (span, "in this mapping")
                };
                push(
                    Problem {
                        span,
                        message: format!("missing required field `{name}` in {here}"),
                        label: label.into(),
                        help: Some(format!("add `{name}`")),
                    },
                    &format!("{pointer}/#required-{name}"),
                );
            }
            K::Enum { options } => {
                let opts: Vec<String> = options
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|o| !o.is_null() && o.as_str() != Some(""))
                    .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_string))
                    .collect();
                let v = err.instance();
                let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                push(
                    Problem {
                        span: node.span,
                        message: format!(
                            "`{shown}` is not a valid value for {here}: expected one of {}{}",
                            opts.join(", "),
                            suggest(&shown, &opts)
                        ),
                        label: "not allowed here".into(),
                        help: Some("values are case-sensitive".into()),
                    },
                    &pointer,
                );
            }
            K::Type { .. } | K::AnyOf { .. } | K::OneOfNotValid { .. } => {
                let expected = schema.map(|s| expected_type(root, s)).unwrap_or_default();
                let found = found_type(err.instance());
                let message = if expected.is_empty() {
                    format!("{here} does not match its schema ({found})")
                } else {
                    format!("expected {expected} at {here}, found {found}")
                };
                let help = if expected.contains("string") {
                    yaml11_surprise(node)
                } else {
                    None
                };
                push(
                    Problem {
                        span: node.span,
                        message,
                        label: format!(
                            "not {}",
                            if expected.is_empty() {
                                "valid"
                            } else {
                                &expected
                            }
                        ),
                        help,
                    },
                    &pointer,
                );
            }
            K::Pattern { pattern } => {
                let v = err.instance();
                let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                let what = if pattern.contains("[KMGTPE]") || pattern.contains("Ki|Mi") {
                    "a quantity (e.g. 500m, 128Mi, 2)".to_string()
                } else {
                    format!("`{pattern}`")
                };
                push(
                    Problem {
                        span: node.span,
                        message: format!("`{shown}` is not valid for {here}: expected {what}"),
                        label: "invalid format".into(),
                        help: None,
                    },
                    &pointer,
                );
            }
            _ => {
                push(
                    Problem {
                        span: node.span,
                        message: format!("{here}: {err}"),
                        label: "invalid".into(),
                        help: None,
                    },
                    &pointer,
                );
            }
        }
    }
    out
}
