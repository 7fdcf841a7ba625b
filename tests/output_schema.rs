//! `--format json` is the editor contract (spec/output.md, "JSON format"): run the real binary on small fixture
//! trees and on stdin, validate its stdout against `schemas/output.schema.json`, and check the properties a schema
//! cannot express (ordering, counts, positions that agree with the source text, exit codes, one document on stdout).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_synclint");

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

/// A PreSync hook Job whose ServiceAccount is created only in the Sync phase (wave -20).
const DEADLOCK: &[(&str, &str)] = &[(
    "all.yaml",
    r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
  namespace: shop
  annotations:
    argocd.argoproj.io/sync-wave: "-20"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: schema-migrate
  namespace: shop
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded
spec:
  activeDeadlineSeconds: 600
  backoffLimit: 1
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/example/shop-migrations:1.4.2
"#,
)];

/// A repeated key, and a parse error after non-ASCII text on the same line (columns count scalar values).
const BROKEN: &[(&str, &str)] = &[
    (
        "repeated.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-config
  labels:
    app: shop
  name: shop-settings
data:
  LOG_LEVEL: info
",
    ),
    (
        "unparsable.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: café: crème
data:
  a: b
",
    ),
];

/// An Application with selfHeal, and a Deployment with `replicas` that an HPA scales.
const HPA: &[(&str, &str)] = &[
    (
        "apps/web.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/shop-deploy.git
    targetRevision: main
    path: web
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
",
    ),
    (
        "web/deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/example/shop-web:2.3.0
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 3
  maxReplicas: 20
",
    ),
];

/// Nothing to report.
const CLEAN: &[(&str, &str)] = &[
    (
        "config.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-settings
  namespace: shop
data:
  LOG_LEVEL: info
",
    ),
    (
        "sa.yaml",
        "apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
  namespace: shop
",
    ),
];

/// A fresh base directory holding one subdirectory per named tree; the binary runs with it as the working
/// directory, so every path it prints is relative ("deadlock/all.yaml").
fn fixture(test: &str, trees: &[(&str, &[(&str, &str)])]) -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("output-schema-{test}"));
    let _ = std::fs::remove_dir_all(&base);
    // A repository root of its own: the enclosing checkout's remotes must not leak in.
    std::fs::create_dir_all(base.join(".git")).unwrap();
    for (tree, files) in trees {
        for (rel, text) in *files {
            let p = base.join(tree).join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }
    base
}

// ---------------------------------------------------------------------------------------------------------------
// Running the binary and checking its output

struct Run {
    code: i32,
    out: Value,
}

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/output.schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        jsonschema::validator_for(&schema()).expect("schemas/output.schema.json compiles")
    })
}

/// Schema errors of `v`, one line each.
fn schema_errors(v: &Value) -> Vec<String> {
    validator()
        .iter_errors(v)
        .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
        .collect()
}

fn assert_schema_valid(v: &Value, what: &str) {
    let errors = schema_errors(v);
    assert!(
        errors.is_empty(),
        "{what}: output does not match schemas/output.schema.json:\n  {}\noutput:\n{}",
        errors.join("\n  "),
        serde_json::to_string_pretty(v).unwrap()
    );
    assert!(validator().is_valid(v));
}

/// `synclint check --format json ARGS...` in `cwd`, with `stdin` piped in; checks everything about the output
/// that does not depend on the fixture. Positions are checked against the files under `cwd` (or `stdin`).
fn check(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(BIN)
        .arg("check")
        .arg("--format")
        .arg("json")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run synclint");
    if let Some(text) = stdin {
        // Dropping the handle closes the pipe.
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let what = format!("synclint check --format json {}", args.join(" "));
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("{what}: killed by a signal\n{stderr}"));

    // Exactly one JSON document on stdout, nothing before or after it.
    assert!(
        stdout.starts_with('{'),
        "{what}: stdout does not start with a JSON object:\n{stdout}\nstderr:\n{stderr}"
    );
    let docs: Vec<Value> = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| {
            panic!("{what}: stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}")
        });
    assert_eq!(
        docs.len(),
        1,
        "{what}: stdout holds {} JSON documents:\n{stdout}",
        docs.len()
    );
    let out = docs.into_iter().next().unwrap();

    assert_schema_valid(&out, &what);
    check_semantics(&out, cwd, stdin, &what);

    // Exit code: `--fail-on error` is the default.
    let errors = out["summary"]["errors"].as_u64().unwrap();
    let expected = i32::from(errors > 0);
    assert_eq!(
        code, expected,
        "{what}: exit code with {errors} error(s)\nstderr:\n{stderr}"
    );
    Run { code, out }
}

/// What the schema cannot say.
fn check_semantics(out: &Value, cwd: &Path, stdin: Option<&str>, what: &str) {
    let diags = out["diagnostics"].as_array().unwrap();

    // Sorted by (file, line, column, rule).
    let keys: Vec<(String, u64, u64, String)> = diags
        .iter()
        .map(|d| {
            let s = &d["range"]["start"];
            (
                d["file"].as_str().unwrap().to_string(),
                s["line"].as_u64().unwrap(),
                s["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "{what}: diagnostics are not sorted by file, line, column, rule"
    );

    // The summary counts what is listed.
    for (field, severity) in [
        ("errors", "error"),
        ("warnings", "warning"),
        ("infos", "info"),
    ] {
        let n = diags.iter().filter(|d| d["severity"] == severity).count() as u64;
        assert_eq!(
            out["summary"][field].as_u64().unwrap(),
            n,
            "{what}: summary.{field}"
        );
    }
    let summary = &out["summary"];
    assert!(
        summary["resources"].as_u64().unwrap() <= summary["documents"].as_u64().unwrap(),
        "{what}: more resources than documents: {summary}"
    );

    // Every span: relative path (or <stdin>), start <= end, and line/column agree with the byte offset.
    for d in diags {
        let spans = std::iter::once((&d["file"], &d["range"])).chain(
            d["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (&r["file"], &r["range"])),
        );
        for (file, range) in spans {
            let file = file.as_str().unwrap();
            let text = if file == "<stdin>" {
                stdin
                    .unwrap_or_else(|| {
                        panic!("{what}: <stdin> reported but nothing was read from stdin")
                    })
                    .to_string()
            } else {
                assert!(
                    Path::new(file).is_relative(),
                    "{what}: {file}: relative input should give relative paths"
                );
                std::fs::read_to_string(cwd.join(file))
                    .unwrap_or_else(|e| panic!("{what}: {file}: {e}"))
            };
            let start = position(&text, &range["start"], file, what);
            let end = position(&text, &range["end"], file, what);
            assert!(
                start <= end,
                "{what}: {file}: range ends before it starts: {range}"
            );
        }
    }
}

/// Checks that a position's line and column agree with its offset in `text`; returns the offset.
fn position(text: &str, pos: &Value, file: &str, what: &str) -> usize {
    let offset = pos["offset"].as_u64().unwrap() as usize;
    assert!(
        offset <= text.len(),
        "{what}: {file}: offset {offset} past the end ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(offset),
        "{what}: {file}: offset {offset} is inside a UTF-8 sequence"
    );
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() as u64 + 1;
    let column = before[line_start..].chars().count() as u64 + 1;
    assert_eq!(
        (
            pos["line"].as_u64().unwrap(),
            pos["column"].as_u64().unwrap()
        ),
        (line, column),
        "{what}: {file}: line/column disagree with offset {offset}"
    );
    offset
}

fn with_rule<'a>(out: &'a Value, rule: &str) -> Vec<&'a Value> {
    out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// The schema itself

#[test]
fn schema_is_valid_draft_2020_12() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["$id"], "https://synclint.dev/schemas/output.schema.json");
    if let Err(e) = jsonschema::meta::validate(&s) {
        panic!("schemas/output.schema.json is not a valid JSON Schema: {e}");
    }
}

/// Every object in the schema is closed, requires every property it lists, and every property is described.
#[test]
fn schema_is_strict_and_documented() {
    fn walk(v: &Value, at: &str) {
        match v {
            Value::Object(m) => {
                if let Some(props) = m.get("properties").and_then(Value::as_object) {
                    assert_eq!(
                        m.get("type"),
                        Some(&json!("object")),
                        "{at}: properties on a non-object"
                    );
                    assert_eq!(
                        m.get("additionalProperties"),
                        Some(&json!(false)),
                        "{at}: not closed"
                    );
                    let mut required: Vec<&str> = m["required"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap())
                        .collect();
                    let mut listed: Vec<&str> = props.keys().map(String::as_str).collect();
                    required.sort_unstable();
                    listed.sort_unstable();
                    assert_eq!(
                        required, listed,
                        "{at}: every property is always emitted, so all are required"
                    );
                    for (k, p) in props {
                        assert!(
                            p.get("description")
                                .and_then(Value::as_str)
                                .is_some_and(|d| !d.is_empty()),
                            "{at}/properties/{k}: no description"
                        );
                    }
                } else if m.get("type") == Some(&json!("object")) {
                    panic!("{at}: an object without a closed list of properties");
                }
                for (k, child) in m {
                    walk(child, &format!("{at}/{k}"));
                }
            }
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, c)| walk(c, &format!("{at}/{i}"))),
            _ => {}
        }
    }
    walk(&schema(), "#");
}

// ---------------------------------------------------------------------------------------------------------------
// Real output

#[test]
fn sync_deadlock_with_related_span() {
    let base = fixture("deadlock", &[("deadlock", DEADLOCK)]);
    let run = check(&base, &["deadlock"], None);
    assert_eq!(run.code, 1);
    let found = with_rule(&run.out, "sync-deadlock");
    assert_eq!(
        found.len(),
        1,
        "one sync-deadlock finding expected:\n{:#}",
        run.out
    );
    let d = found[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "deadlock/all.yaml");
    assert_eq!(
        d["resource"],
        json!({"apiVersion": "batch/v1", "kind": "Job", "name": "schema-migrate", "namespace": "shop"})
    );
    assert_eq!(d["app"], Value::Null, "no Application in this tree");
    // The primary span is the `migrator` value of serviceAccountName (line 22), the related one the
    // ServiceAccount's name (line 4).
    assert_eq!(d["range"]["start"]["line"], 22);
    let related = d["related"].as_array().unwrap();
    assert!(
        !related.is_empty(),
        "sync-deadlock has a related span:\n{d:#}"
    );
    assert_eq!(related[0]["file"], "deadlock/all.yaml");
    assert_eq!(related[0]["range"]["start"]["line"], 4);
    assert!(
        related[0]["message"]
            .as_str()
            .unwrap()
            .contains("ServiceAccount/migrator")
    );
    assert!(d["help"].is_string());
    let s = &run.out["summary"];
    assert_eq!(
        (
            s["files"].as_u64(),
            s["documents"].as_u64(),
            s["resources"].as_u64()
        ),
        (Some(1), Some(2), Some(2))
    );
}

#[test]
fn yaml_syntax_is_a_file_level_finding() {
    let base = fixture("broken", &[("broken", BROKEN)]);
    let run = check(&base, &["broken"], None);
    assert_eq!(
        run.code, 1,
        "a YAML error is a finding (exit 1), not a usage error (exit 2)"
    );
    let found = with_rule(&run.out, "yaml-syntax");
    let files: Vec<&str> = found.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        ["broken/repeated.yaml", "broken/unparsable.yaml"],
        "{:#}",
        run.out
    );
    for d in &found {
        assert_eq!(d["severity"], "error");
        assert_eq!(
            d["resource"],
            Value::Null,
            "yaml-syntax is file-level:\n{d:#}"
        );
        assert_eq!(d["app"], Value::Null);
    }
    // Repeated key: at the second `name`, with the first one as a related span.
    assert_eq!(found[0]["range"]["start"]["line"], 7);
    assert_eq!(found[0]["related"][0]["range"]["start"]["line"], 4);
    // Parse error on line 4 after "café", which is 4 columns but 5 bytes (checked against the offset above).
    assert_eq!(found[1]["range"]["start"]["line"], 4);
    assert_eq!(run.out["summary"]["files"], 2);
}

#[test]
fn hpa_and_deployment_with_replicas() {
    let base = fixture("hpa", &[("hpa", HPA)]);
    let run = check(&base, &["hpa"], None);
    let found = with_rule(&run.out, "hpa-replicas-fight");
    assert_eq!(found.len(), 1, "{:#}", run.out);
    let d = found[0];
    assert_eq!(d["severity"], "error", "selfHeal makes the fight an error");
    assert_eq!(run.code, 1);
    assert_eq!(d["file"], "hpa/web/deploy.yaml");
    assert_eq!(d["range"]["start"]["line"], 6, "the `replicas` key");
    assert_eq!(d["app"], "web");
    assert_eq!(
        d["resource"],
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "namespace": null})
    );
    let related_files: Vec<&str> = d["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert!(
        related_files.contains(&"hpa/web/deploy.yaml"),
        "the HPA is a related span: {related_files:?}"
    );
}

#[test]
fn clean_tree_has_no_diagnostics() {
    let base = fixture("clean", &[("clean", CLEAN)]);
    let run = check(&base, &["clean"], None);
    assert_eq!(run.code, 0);
    assert_eq!(run.out["diagnostics"], json!([]));
    assert_eq!(
        run.out["summary"],
        json!({"files": 2, "documents": 2, "resources": 2, "errors": 0, "warnings": 0, "infos": 0, "suppressed": 0, "baselined": 0, "unvalidated": 0})
    );
    assert_eq!(run.out["version"], 1);
    assert_eq!(run.out["tool"]["name"], "synclint");
    assert_eq!(run.out["tool"]["version"], env!("CARGO_PKG_VERSION"));
}

/// All trees in one run, given out of order: diagnostics from several files, sorted, and counted together.
#[test]
fn several_paths_in_one_run() {
    let base = fixture(
        "all",
        &[
            ("hpa", HPA),
            ("clean", CLEAN),
            ("deadlock", DEADLOCK),
            ("broken", BROKEN),
        ],
    );
    let run = check(&base, &["hpa", "deadlock", "clean", "broken"], None);
    assert_eq!(run.code, 1);
    let files: Vec<&str> = run.out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    for f in [
        "broken/repeated.yaml",
        "broken/unparsable.yaml",
        "deadlock/all.yaml",
        "hpa/web/deploy.yaml",
    ] {
        assert!(files.contains(&f), "no finding in {f}: {files:?}");
    }
    assert_eq!(run.out["summary"]["files"], 7);
}

#[test]
fn stdin_stream() {
    let base = fixture("stdin", &[]);
    std::fs::create_dir_all(&base).unwrap();
    let stream = format!("{}---\n{}", DEADLOCK[0].1, HPA[1].1);
    let run = check(&base, &["-"], Some(&stream));
    assert_eq!(run.code, 1);
    let d = with_rule(&run.out, "sync-deadlock");
    assert_eq!(d.len(), 1, "{:#}", run.out);
    assert_eq!(d[0]["file"], "<stdin>");
    assert_eq!(d[0]["related"][0]["file"], "<stdin>");
    assert_eq!(run.out["summary"]["files"], 1);
    assert_eq!(run.out["summary"]["documents"], 4);
    for d in run.out["diagnostics"].as_array().unwrap() {
        assert_eq!(d["file"], "<stdin>");
    }
}

#[test]
fn clean_stdin_exits_zero() {
    let base = fixture("stdin-clean", &[]);
    std::fs::create_dir_all(&base).unwrap();
    let run = check(&base, &["-"], Some(CLEAN[0].1));
    assert_eq!(run.code, 0);
    assert_eq!(run.out["diagnostics"], json!([]));
}

// ---------------------------------------------------------------------------------------------------------------
// The schema is not vacuous

#[test]
fn schema_rejects_broken_output() {
    let base = fixture("negative", &[("deadlock", DEADLOCK)]);
    let valid = check(&base, &["deadlock"], None).out;
    assert!(!valid["diagnostics"].as_array().unwrap().is_empty());

    type Mutation = fn(&mut Value);
    let mutations: &[(&str, Mutation)] = &[
        ("a diagnostic without `rule`", |v| {
            v["diagnostics"][0].as_object_mut().unwrap().remove("rule");
        }),
        ("a diagnostic without `note`", |v| {
            v["diagnostics"][0].as_object_mut().unwrap().remove("note");
        }),
        ("an unknown top-level field", |v| v["extra"] = json!(true)),
        ("an unknown diagnostic field", |v| {
            v["diagnostics"][0]["fix"] = json!("…")
        }),
        ("an unknown position field", |v| {
            v["diagnostics"][0]["range"]["start"]["utf16"] = json!(3)
        }),
        ("an unknown resource field", |v| {
            v["diagnostics"][0]["resource"]["uid"] = json!("x")
        }),
        ("a rule id that is not kebab-case", |v| {
            v["diagnostics"][0]["rule"] = json!("Sync_Deadlock")
        }),
        ("an unknown severity", |v| {
            v["diagnostics"][0]["severity"] = json!("fatal")
        }),
        ("line 0", |v| {
            v["diagnostics"][0]["range"]["start"]["line"] = json!(0)
        }),
        ("column 0", |v| {
            v["diagnostics"][0]["range"]["end"]["column"] = json!(0)
        }),
        ("a negative offset", |v| {
            v["diagnostics"][0]["range"]["start"]["offset"] = json!(-1)
        }),
        ("a fractional line", |v| {
            v["diagnostics"][0]["range"]["start"]["line"] = json!(1.5)
        }),
        ("a resource without namespace", |v| {
            v["diagnostics"][0]["resource"]
                .as_object_mut()
                .unwrap()
                .remove("namespace");
        }),
        ("a resource that is a string", |v| {
            v["diagnostics"][0]["resource"] = json!("Job/schema-migrate")
        }),
        ("app as a number", |v| v["diagnostics"][0]["app"] = json!(1)),
        ("a related span without a message", |v| {
            v["diagnostics"][0]["related"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("related as null", |v| {
            v["diagnostics"][0]["related"] = Value::Null
        }),
        ("version 2", |v| v["version"] = json!(2)),
        ("a different tool", |v| {
            v["tool"]["name"] = json!("kubeconform")
        }),
        ("a summary without infos", |v| {
            v["summary"].as_object_mut().unwrap().remove("infos");
        }),
        ("a negative count", |v| v["summary"]["errors"] = json!(-1)),
        ("diagnostics as an object", |v| v["diagnostics"] = json!({})),
    ];
    for (name, mutate) in mutations {
        let mut v = valid.clone();
        mutate(&mut v);
        assert_ne!(v, valid, "{name}: the mutation changed nothing");
        assert!(!validator().is_valid(&v), "the schema accepts {name}");
        assert!(!schema_errors(&v).is_empty(), "{name}: no error reported");
    }
}
