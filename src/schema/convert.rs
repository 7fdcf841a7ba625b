//! Spanned YAML → JSON, typed the way the API server reads it (sigs.k8s.io/yaml, YAML 1.1):
//! `on`/`yes`/`no` are booleans and `0755` is octal, so `value: on` in an env var is the type
//! error Kubernetes will raise. Aliases were expanded (under a budget) when the tree was built.

use serde_json::{Map, Value};

pub use crate::load::yaml::resolve_plain;
use crate::load::yaml::{Node, NodeKind, Style, Tag};

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
