//! check: compiles every kind of one or more bundles and validates a tree of YAML manifests against them.
//!
//! ```text
//! check [--show N] [--list] BUNDLE.json [BUNDLE.json ...] -- DIR_OR_FILE [...]
//! ```
//!
//! Prints: documents seen, documents with a schema, failures, the most common distinct messages (with the
//! instance path's numbers and quoted values normalised), and with `--list` every failing document.
//! It also runs built-in probes (known mistakes that must fail, known-good snippets that must pass).
//!
//! This is a development aid for the schema generator; the linter has its own YAML front end.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use serde_json::{Map, Value, json};

struct Schemas {
    validators: HashMap<String, Validator>,
}

impl Schemas {
    fn load(paths: &[String]) -> Schemas {
        let mut validators = HashMap::new();
        for path in paths {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
            let bundle: Value = serde_json::from_str(&text).expect("bundle JSON");
            let defs = bundle["$defs"].clone();
            let started = std::time::Instant::now();
            let kinds = bundle["kinds"].as_object().expect("kinds");
            for (key, reference) in kinds {
                // One schema per kind: the kind's $ref plus the shared $defs.
                let schema = json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$ref": reference["$ref"],
                    "$defs": defs,
                });
                let validator = jsonschema::options()
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{path}: {key}: schema does not compile: {e}"));
                validators.insert(key.clone(), validator);
            }
            eprintln!(
                "{path}: {} bytes, {} kinds compiled in {:?}",
                text.len(),
                kinds.len(),
                started.elapsed()
            );
        }
        Schemas { validators }
    }

    fn errors(&self, doc: &Value) -> Option<Vec<String>> {
        let api_version = doc.get("apiVersion")?.as_str()?;
        let kind = doc.get("kind")?.as_str()?;
        let v = self.validators.get(&format!("{api_version}/{kind}"))?;
        Some(
            v.iter_errors(doc)
                .map(|e| format!("{}: {}", e.instance_path().as_str(), e))
                .collect(),
        )
    }
}

/// YAML → JSON. Non-string keys are stringified; tags dropped.
fn to_json(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                json!(n.as_f64().unwrap())
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(to_json).collect()),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_string(),
                };
                out.insert(key, to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(t) => to_json(t.value),
    }
}

fn files(root: &Path, out: &mut Vec<PathBuf>) {
    if root.is_file() {
        out.push(root.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != ".git") {
                files(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// `/spec/template/spec/containers/0/image: 5 is not ...` → a message with indices and quoted values folded,
/// so identical problems group together.
fn normalise(msg: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in msg.split('/') {
        out.push(if !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()) {
            "N"
        } else {
            part
        });
    }
    let mut out = out.join("/");
    if out.len() > 220 {
        let mut cut = 220;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn probes(schemas: &Schemas) -> bool {
    let deployment = |spec: &str| -> Value {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations: null\n  creationTimestamp: null\nspec:\n{spec}"
        );
        to_json(serde_yaml::from_str(&text).unwrap())
    };
    let good = "  replicas: 2\n  selector: {matchLabels: {app: web}}\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}\n  template:\n    metadata: {labels: {app: web}, creationTimestamp: null}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        imagePullPolicy: IfNotPresent\n        resources: {limits: {cpu: 500m, memory: 128Mi}, requests: {cpu: 0.1, memory: 64M}}\n        ports: [{containerPort: 80, protocol: TCP}]\n        livenessProbe: {httpGet: {port: http, path: /}}\n      tolerations: [{operator: Exists}]\n";
    let service = |port: &str| -> Value {
        let text = format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  type: ClusterIP\n  ports:\n  - port: {port}\n    targetPort: http\n"
        );
        to_json(serde_yaml::from_str(&text).unwrap())
    };
    let cases: Vec<(&str, Value, bool)> = vec![
        ("good Deployment", deployment(good), true),
        (
            "Deployment spec.replcias",
            deployment(&good.replace("replicas:", "replcias:")),
            false,
        ),
        (
            "imagePullPolicy: always",
            deployment(&good.replace("IfNotPresent", "always")),
            false,
        ),
        (
            "maxSurge: {a: 1}",
            deployment(&good.replace("maxSurge: 25%", "maxSurge: {a: 1}")),
            false,
        ),
        (
            "cpu: 1 core",
            deployment(&good.replace("cpu: 500m", "cpu: 1 core")),
            false,
        ),
        (
            "template: null",
            deployment(&good.replace("  template:\n", "  template: null\n  x:\n")),
            false,
        ),
        ("good Service", service("80"), true),
        ("Service port \"eighty\"", service("eighty"), false),
        ("Service port \"80\" (string)", service("\"80\""), false),
    ];
    let mut ok = true;
    let mut cases = cases;
    if schemas.validators.contains_key("argoproj.io/v1alpha1/Application") {
        let app = |spec: &str| -> Value {
            let text = format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web, namespace: argocd}}\nspec:\n  project: default\n  destination: {{server: https://kubernetes.default.svc, namespace: web}}\n  source:\n    repoURL: https://example.com/repo.git\n    path: web\n    targetRevision: HEAD\n    helm: {{valuesObject: {{any: {{thing: [1, x]}}}}}}\n{spec}"
            );
            to_json(serde_yaml::from_str(&text).unwrap())
        };
        let good = "  syncPolicy:\n    automated: {prune: true, selfHeal: true}\n    syncOptions: [CreateNamespace=true]\n    retry: {limit: 5, backoff: {duration: 5s, factor: 2, maxDuration: 3m}}\n  ignoreDifferences:\n  - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}\n";
        cases.extend([
            ("good Application", app(good), true),
            ("Application syncPolicy: null", app("  syncPolicy: null\n"), true),
            (
                "Application spec.syncOptions beside syncPolicy",
                app("  syncOptions: [CreateNamespace=true]\n"),
                false,
            ),
            (
                "Application automated.selfheal",
                app(&good.replace("selfHeal", "selfheal")),
                false,
            ),
            (
                "Application ignoreDifferences as a map",
                app("  ignoreDifferences: {group: apps, kind: Deployment}\n"),
                false,
            ),
            (
                "Application ignoreDifferences without kind",
                app("  ignoreDifferences: [{group: apps, jsonPointers: [/spec/replicas]}]\n"),
                false,
            ),
            (
                "Application retry.backoff.factor: \"2\"",
                app(&good.replace("factor: 2", "factor: \"2\"")),
                false,
            ),
        ]);
    }
    for (name, doc, expect_valid) in cases {
        let errors = schemas.errors(&doc).expect("probe kind has a schema");
        let pass = errors.is_empty() == expect_valid;
        ok &= pass;
        println!(
            "probe {}: {name}: {}",
            if pass { "ok  " } else { "FAIL" },
            if errors.is_empty() {
                "valid".to_string()
            } else {
                errors.join(" | ")
            }
        );
    }
    ok
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut show = 20;
    let mut list = false;
    let mut bundles = Vec::new();
    let mut roots = Vec::new();
    let mut after = false;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--" => after = true,
            "--show" => show = it.next().and_then(|n| n.parse().ok()).expect("--show N"),
            "--list" => list = true,
            _ if after => roots.push(a),
            _ => bundles.push(a),
        }
    }
    let schemas = Schemas::load(&bundles);
    let probes_ok = if schemas.validators.contains_key("apps/v1/Deployment") {
        probes(&schemas)
    } else {
        true
    };

    let mut paths = Vec::new();
    for r in &roots {
        files(Path::new(r), &mut paths);
    }
    let (mut docs, mut parse_failures, mut with_schema, mut failing) = (0usize, 0usize, 0usize, 0usize);
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut messages: HashMap<String, (usize, String)> = HashMap::new();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for de in serde_yaml::Deserializer::from_str(&text) {
            let value = match serde_yaml::Value::deserialize_value(de) {
                Ok(v) => v,
                Err(_) => {
                    parse_failures += 1;
                    break;
                }
            };
            docs += 1;
            let doc = to_json(value);
            let Some(errors) = schemas.errors(&doc) else { continue };
            with_schema += 1;
            let key = format!(
                "{}/{}",
                doc["apiVersion"].as_str().unwrap(),
                doc["kind"].as_str().unwrap()
            );
            let entry = per_kind.entry(key.clone()).or_default();
            entry.0 += 1;
            if errors.is_empty() {
                continue;
            }
            failing += 1;
            entry.1 += 1;
            let name = doc["metadata"]["name"].as_str().unwrap_or("?");
            if list {
                println!("FAIL {} {key} {name}: {}", path.display(), errors.join(" | "));
            }
            for e in errors {
                let n = messages
                    .entry(format!("{key} {}", normalise(&e)))
                    .or_insert((0, String::new()));
                n.0 += 1;
                if n.1.is_empty() {
                    n.1 = path.display().to_string();
                }
            }
        }
    }
    let mut top: Vec<_> = messages.into_iter().collect();
    top.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    println!(
        "files: {}  documents: {docs} (+{parse_failures} files stopped at a YAML error)  with a schema: {with_schema}  failing: {failing}",
        paths.len()
    );
    println!("kinds validated (docs/failing):");
    for (k, (n, f)) in &per_kind {
        println!("  {k}: {n}/{f}");
    }
    println!("top {show} distinct messages ({} distinct):", top.len());
    for (msg, (n, example)) in top.iter().take(show) {
        println!("{n:5}  {msg}\n       e.g. {example}");
    }
    if !probes_ok {
        eprintln!("some probes failed");
        std::process::exit(1);
    }
}

trait DeserializeValue {
    fn deserialize_value(de: serde_yaml::Deserializer) -> Result<serde_yaml::Value, serde_yaml::Error>;
}
impl DeserializeValue for serde_yaml::Value {
    fn deserialize_value(de: serde_yaml::Deserializer) -> Result<serde_yaml::Value, serde_yaml::Error> {
        serde::Deserialize::deserialize(de)
    }
}
