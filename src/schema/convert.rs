//! Spanned YAML → JSON, typed the way the API server reads it (sigs.k8s.io/yaml, YAML 1.1):
//! `on`/`yes`/`no` are booleans and `0755` is octal, so `value: on` in an env var is the type
//! error Kubernetes will raise. Aliases were expanded (under a budget) when the tree was built.

use serde_json::{Map, Number, Value};

use crate::load::yaml::{Node, NodeKind, Style, Tag};

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

/// The JSON the API server would decode from this node.
pub fn to_json(n: &Node<'_>) -> Value {
    match &n.kind {
        NodeKind::Scalar(s) => {
            if s.style == Style::Plain && s.tag != Tag::Str {
                resolve_plain(&s.value)
            } else {
                Value::String(s.value.to_string())
            }
        }
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => {
            let mut m = Map::with_capacity(entries.len());
            for e in entries {
                // Keys are strings in JSON; a YAML 1.1 `on:` key becomes "true" in Kubernetes.
                let key = match e.key.scalar() {
                    Some(k) if k.style == Style::Plain && k.tag != Tag::Str => {
                        match resolve_plain(&k.value) {
                            Value::String(s) => s,
                            Value::Null => "null".into(),
                            other => other.to_string(),
                        }
                    }
                    Some(k) => k.value.to_string(),
                    None => continue,
                };
                m.insert(key, to_json(&e.value));
            }
            Value::Object(m)
        }
    }
}

/// The node a JSON pointer (from a validation error) designates, following our own tree.
pub fn locate<'n, 'a>(root: &'n Node<'a>, pointer: &str) -> &'n Node<'a> {
    let mut cur = root;
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let next = match &cur.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|e| e.key.scalar().is_some_and(|k| json_key(k) == seg))
                .map(|e| &e.value),
            NodeKind::Seq(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
            NodeKind::Scalar(_) => None,
        };
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    cur
}

fn json_key(k: &crate::load::yaml::Scalar<'_>) -> String {
    if k.style == Style::Plain && k.tag != Tag::Str {
        match resolve_plain(&k.value) {
            Value::String(s) => s,
            Value::Null => "null".into(),
            other => other.to_string(),
        }
    } else {
        k.value.to_string()
    }
}

/// The key node of `name` in the mapping `map` (for unknown-field errors).
pub fn key_of<'n, 'a>(map: &'n Node<'a>, name: &str) -> Option<&'n Node<'a>> {
    map.entries()
        .iter()
        .rev()
        .find(|e| e.key.scalar().is_some_and(|k| json_key(k) == name))
        .map(|e| &e.key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_1_1_typing() {
        assert_eq!(resolve_plain("on"), json!(true));
        assert_eq!(resolve_plain("No"), json!(false));
        assert_eq!(resolve_plain("0755"), json!(493));
        assert_eq!(resolve_plain("0x1F"), json!(31));
        assert_eq!(resolve_plain("1_000"), json!(1000));
        assert_eq!(resolve_plain("1e3"), json!("1e3"));
        assert_eq!(resolve_plain("1.5"), json!(1.5));
        assert_eq!(resolve_plain("8080"), json!(8080));
        assert_eq!(resolve_plain("100m"), json!("100m"));
        assert_eq!(resolve_plain("~"), json!(null));
        assert_eq!(resolve_plain("1.2.3"), json!("1.2.3"));
    }

    #[test]
    fn quoted_and_tagged_stay_strings() {
        let p = crate::load::yaml::parse("a: \"on\"\nb: !!str 0755\nc: on\n");
        let v = to_json(&p.docs[0].root);
        assert_eq!(v, json!({"a": "on", "b": "0755", "c": true}));
    }

    #[test]
    fn pointers_find_nodes() {
        let text = "spec:\n  ports:\n  - port: eighty\n";
        let p = crate::load::yaml::parse(text);
        let n = locate(&p.docs[0].root, "/spec/ports/0/port");
        assert_eq!(&text[n.span.range()], "eighty");
    }
}
