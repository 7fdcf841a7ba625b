//! A CRD's `openAPIV3Schema` → a strict JSON Schema, the way the API server applies it:
//! unknown fields are rejected (pruned, and an error under strict field validation) unless
//! `x-kubernetes-preserve-unknown-fields`; `x-kubernetes-int-or-string` accepts both; `nullable`
//! accepts null; `apiVersion`, `kind` and `metadata` are always allowed at the root.

use serde_json::{Map, Value, json};

pub fn to_json_schema(openapi: &Value) -> Value {
    let mut root = convert(openapi);
    if let Some(obj) = root.as_object_mut() {
        let props = obj
            .entry("properties")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .map(|p| {
                for k in ["apiVersion", "kind"] {
                    p.entry(k).or_insert_with(|| json!({"type": "string"}));
                }
                p.entry("metadata")
                    .or_insert_with(|| json!({"type": "object"}));
                p.entry("status").or_insert_with(|| json!({}));
            });
        let _ = props;
        obj.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
    }
    root
}

/// Mark every object schema `x-kubernetes-preserve-unknown-fields`, as a v1beta1 CRD with
/// `preserveUnknownFields` (its default) behaves.
pub fn keep_unknown(s: &mut Value) {
    match s {
        Value::Object(o) => {
            if o.contains_key("properties") || o.get("type") == Some(&json!("object")) {
                o.entry("x-kubernetes-preserve-unknown-fields")
                    .or_insert(Value::Bool(true));
            }
            o.values_mut().for_each(keep_unknown);
        }
        Value::Array(a) => a.iter_mut().for_each(keep_unknown),
        _ => {}
    }
}

fn convert(s: &Value) -> Value {
    let Some(obj) = s.as_object() else {
        return json!({});
    };
    let preserve = obj
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true);
    if obj
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        == Some(true)
    {
        return json!({"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]});
    }
    let mut out = Map::new();
    for (k, v) in obj {
        match k.as_str() {
            "properties" => {
                let props: Map<String, Value> = v
                    .as_object()
                    .map(|p| p.iter().map(|(n, s)| (n.clone(), convert(s))).collect())
                    .unwrap_or_default();
                out.insert(k.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" if v.is_object() => {
                out.insert(k.clone(), convert(v));
            }
            "allOf" | "anyOf" | "oneOf" => {
                // Structural schemas use these only for value validation; keep them lenient.
                let list: Vec<Value> = v.as_array().into_iter().flatten().map(convert).collect();
                out.insert(k.clone(), Value::Array(list));
            }
            "type" | "enum" | "required" | "minimum" | "maximum" | "exclusiveMinimum"
            | "exclusiveMaximum" | "minLength" | "maxLength" | "minItems" | "maxItems"
            | "minProperties" | "maxProperties" | "uniqueItems" | "pattern" | "multipleOf" => {
                out.insert(k.clone(), v.clone());
            }
            // description, format, default, example, x-kubernetes-* (validations, list types…):
            // not checked offline.
            _ => {}
        }
    }
    // Defaulting runs before validation: a required property with a `default` is never missing.
    if let (Some(Value::Array(req)), Some(props)) = (
        out.get("required").cloned(),
        obj.get("properties").and_then(Value::as_object),
    ) {
        let kept: Vec<Value> = req
            .into_iter()
            .filter(|r| {
                r.as_str()
                    .and_then(|n| props.get(n))
                    .is_none_or(|p| p.get("default").is_none())
            })
            .collect();
        out.insert("required".into(), Value::Array(kept));
    }
    // OpenAPI v3 exclusiveMinimum/Maximum are booleans; JSON Schema 2020-12 wants numbers.
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(b)) = out.get(flag).cloned() {
            out.remove(flag);
            if b && let Some(m) = out.remove(bound) {
                out.insert(flag.into(), m);
            }
        }
    }
    let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true);
    if nullable && let Some(Value::String(t)) = out.get("type").cloned() {
        out.insert("type".into(), json!([t, "null"]));
    }
    if preserve {
        out.remove("additionalProperties");
        if out.get("type") == Some(&json!("object")) && !out.contains_key("properties") {
            out.remove("type");
            out.insert("type".into(), json!(["object", "null"]));
        }
    } else if out.get("type").is_some_and(|t| {
        t == "object" || t.as_array().is_some_and(|a| a.contains(&json!("object")))
    }) && out.contains_key("properties")
        && !out.contains_key("additionalProperties")
    {
        out.insert("additionalProperties".into(), json!(false));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_but_honours_extensions() {
        let s = to_json_schema(&json!({
            "type": "object",
            "properties": {
                "spec": {"type": "object", "properties": {
                    "size": {"x-kubernetes-int-or-string": true},
                    "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                    "note": {"type": "string", "nullable": true}
                }}
            }
        }));
        let c = crate::schema::validate::compile(crate::schema::validate::Refs::Doc(&s), &s, 64)
            .unwrap();
        let valid = |yaml: &str| {
            let p = crate::load::yaml::parse(yaml);
            c.problems(&p.docs[0].root, "W", Default::default(), 10)
                .is_empty()
        };
        assert!(valid(
            "apiVersion: x/v1\nkind: W\nmetadata: {name: a}\nspec: {size: 1Gi, extra: {any: 1}, note: null}\n"
        ));
        assert!(valid("spec: {size: 3}\n"));
        assert!(!valid("spec: {sise: 3}\n"));
        assert!(!valid("spec: {note: 3}\n"));
    }
}
