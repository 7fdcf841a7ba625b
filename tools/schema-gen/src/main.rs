//! schema-gen: writes synclint's bundled, strict JSON Schemas.
//!
//! ```text
//! schema-gen kubernetes OUT.json          # every built-in kind of the k8s-openapi version feature
//! schema-gen argocd SRC.yaml OUT.json     # Argo CD CRDs from the hand-written source (uses ObjectMeta etc.)
//! ```
//!
//! Bundle shape (both commands):
//!
//! ```json
//! {"kubernetes":"1.35",
//!  "kinds":{"apps/v1/Deployment":{"$ref":"#/$defs/io.k8s.api.apps.v1.Deployment"},...},
//!  "scope":{"apps/v1/Deployment":"Namespaced",...},
//!  "$defs":{...}}
//! ```
//!
//! See README.md for what the transforms do and why.

mod kinds;
mod strict;

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use k8s_openapi::{NamespaceResourceScope, Resource};
use schemars::{JsonSchema, SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};

/// One top-level kind found in k8s-openapi.
pub struct KindInfo {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub def: String,
}

pub struct Registry {
    generator: SchemaGenerator,
    kinds: Vec<KindInfo>,
}

impl Registry {
    pub fn add<T: Resource + JsonSchema + 'static>(&mut self) {
        let schema = self.generator.subschema_for::<T>();
        let reference = schema
            .get("$ref")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{} was inlined, expected a $ref", T::KIND));
        let def = reference
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("unexpected $ref {reference}"))
            .to_string();
        self.kinds.push(KindInfo {
            api_version: T::API_VERSION,
            kind: T::KIND,
            namespaced: TypeId::of::<T::Scope>() == TypeId::of::<NamespaceResourceScope>(),
            def,
        });
    }
}

/// The Kubernetes minor this binary was built for (one `v1_NN` feature per build).
fn kubernetes_version() -> &'static str {
    if cfg!(feature = "v1_33") {
        "1.33"
    } else if cfg!(feature = "v1_34") {
        "1.34"
    } else if cfg!(feature = "v1_35") {
        "1.35"
    } else if cfg!(feature = "v1_36") {
        "1.36"
    } else if cfg!(feature = "v1_37") {
        "1.37"
    } else {
        panic!("build with exactly one of the v1_NN features")
    }
}

/// Generates, transforms and returns (kinds, $defs) for every built-in kind.
fn kubernetes() -> (Vec<KindInfo>, Map<String, Value>) {
    let mut registry = Registry {
        generator: SchemaSettings::draft2020_12().into_generator(),
        kinds: Vec::new(),
    };
    kinds::register(&mut registry);
    let mut defs = registry.generator.take_definitions(true);
    let roots: Vec<(String, &str, &str)> = registry
        .kinds
        .iter()
        .map(|k| (k.def.clone(), k.api_version, k.kind))
        .collect();
    strict::kubernetes_defs(&mut defs, &roots);
    (registry.kinds, defs)
}

fn bundle(version: &str, kinds: &[KindInfo], defs: Map<String, Value>) -> Value {
    let mut kind_map = Map::new();
    let mut scope = Map::new();
    for k in kinds {
        let key = format!("{}/{}", k.api_version, k.kind);
        let previous = kind_map.insert(key.clone(), json!({"$ref": format!("#/$defs/{}", k.def)}));
        assert!(previous.is_none(), "duplicate kind {key}");
        scope.insert(key, json!(if k.namespaced { "Namespaced" } else { "Cluster" }));
    }
    json!({
        "kubernetes": version,
        "kinds": kind_map,
        "scope": scope,
        "$defs": defs,
    })
}

fn write(path: &str, value: &Value) {
    let mut text = serde_json::to_string(value).expect("serialize");
    text.push('\n');
    std::fs::write(path, &text).unwrap_or_else(|e| panic!("write {path}: {e}"));
    eprintln!("wrote {path}: {} bytes", text.len());
}

/// Keeps only the definitions reachable from `roots`.
fn reachable(defs: &Map<String, Value>, roots: impl IntoIterator<Item = String>) -> Map<String, Value> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "$ref" {
                        if let Some(name) = v.as_str().and_then(|s| s.strip_prefix("#/$defs/")) {
                            out.push(name.to_string());
                        }
                    } else {
                        refs(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let def = defs.get(&name).unwrap_or_else(|| panic!("dangling $ref to {name}"));
        refs(def, &mut stack);
    }
    seen.into_iter().map(|n| (n.clone(), defs[&n].clone())).collect()
}

fn cmd_kubernetes(out: &str) {
    let version = kubernetes_version();
    let (kinds, defs) = kubernetes();
    let defs = reachable(&defs, kinds.iter().map(|k| k.def.clone()));
    let namespaced = kinds.iter().filter(|k| k.namespaced).count();
    eprintln!(
        "kubernetes {version}: {} kinds ({namespaced} namespaced, {} cluster-scoped), {} $defs",
        kinds.len(),
        kinds.len() - namespaced,
        defs.len()
    );
    write(out, &bundle(version, &kinds, defs));
}

/// The Argo CD source is a YAML file of the shape
/// `{argocd: "v1alpha1", kinds: {"argoproj.io/v1alpha1/Application": {scope: Namespaced, def: NAME}}, $defs: {...}}`.
/// Its `$defs` may `$ref` Kubernetes definitions (ObjectMeta, LabelSelector, ...), which are copied in.
fn cmd_argocd(src: &str, out: &str) {
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("read {src}: {e}"));
    let source: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("parse {src}: {e}"));
    let (_, k8s_defs) = kubernetes();
    let own: Map<String, Value> = source["$defs"].as_object().expect("$defs").clone();
    let mut kinds = Vec::new();
    let mut roots = Vec::new();
    for (key, entry) in source["kinds"].as_object().expect("kinds") {
        let (api_version, kind) = key.rsplit_once('/').expect("key is apiVersion/kind");
        let def = entry["def"].as_str().expect("def").to_string();
        let namespaced = match entry["scope"].as_str() {
            Some("Namespaced") => true,
            Some("Cluster") => false,
            other => panic!("{key}: bad scope {other:?}"),
        };
        let api_version: &'static str = Box::leak(api_version.to_string().into_boxed_str());
        let kind: &'static str = Box::leak(kind.to_string().into_boxed_str());
        roots.push((def.clone(), api_version, kind));
        kinds.push(KindInfo {
            api_version,
            kind,
            namespaced,
            def,
        });
    }
    let defs = strict::crd_defs(own, k8s_defs, &roots);
    let defs = reachable(&defs, kinds.iter().map(|k| k.def.clone()));
    eprintln!("argocd: {} kinds, {} $defs", kinds.len(), defs.len());
    let mut b = bundle(kubernetes_version(), &kinds, defs);
    let obj = b.as_object_mut().unwrap();
    obj.remove("kubernetes");
    let mut ordered = Map::new();
    ordered.insert("argocd".into(), source["argocd"].clone());
    ordered.insert("kubernetesDefs".into(), json!(kubernetes_version()));
    for (k, v) in std::mem::take(obj) {
        ordered.insert(k, v);
    }
    write(out, &Value::Object(ordered));
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["kubernetes", out] => cmd_kubernetes(out),
        ["argocd", src, out] => cmd_argocd(src, out),
        ["list"] => {
            let (kinds, _) = kubernetes();
            let mut rows: BTreeMap<String, &KindInfo> = BTreeMap::new();
            for k in &kinds {
                rows.insert(format!("{}/{}", k.api_version, k.kind), k);
            }
            for (key, k) in rows {
                println!(
                    "{key}\t{}\t{}",
                    if k.namespaced { "Namespaced" } else { "Cluster" },
                    k.def
                );
            }
        }
        _ => {
            eprintln!("usage: schema-gen kubernetes OUT.json | schema-gen argocd SRC.yaml OUT.json | schema-gen list");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
