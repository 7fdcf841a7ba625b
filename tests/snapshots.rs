//! Golden-file snapshots of every output format on one fixture. To accept a change on purpose:
//! `SYNCLINT_BLESS=1 cargo test --test snapshots`, then review the diff of tests/snapshots/.

mod common;

use std::path::Path;
use std::process::Command;

const JOB: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-options: Prune=False
spec:
  activeDeadlineSeconds: 300
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers:
        - name: migrate
          image: migrate:1
          imagePullPolicy: always
"#;

const SA: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: migrator\n";

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_synclint"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn check_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("SYNCLINT_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with SYNCLINT_BLESS=1", path.display()));
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  - {a}\n  + {b}", i + 1))
            .collect();
        panic!(
            "{name} changed ({} → {} lines):\n{}\nrun with SYNCLINT_BLESS=1 to accept",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// Each test writes its own copy: tests run in parallel.
fn fixture(name: &str) -> std::path::PathBuf {
    let dir = common::tree(
        &format!("snapshots-{name}"),
        &[
            ("deploy/job.yaml", JOB),
            ("deploy/sa.yaml", SA),
            (".synclint.yaml", ""),
        ],
    );
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

#[test]
fn human() {
    check_snapshot(
        "human.txt",
        &run(&fixture("human"), &["check", "--color", "never", "deploy"]),
    );
}

#[test]
fn json() {
    check_snapshot(
        "json.json",
        &run(&fixture("json"), &["check", "--format", "json", "deploy"]),
    );
}

#[test]
fn github() {
    check_snapshot(
        "github.txt",
        &run(
            &fixture("github"),
            &["check", "--format", "github", "deploy"],
        ),
    );
}

#[test]
fn sarif() {
    let text = run(&fixture("sarif"), &["check", "--format", "sarif", "deploy"]);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Rule pages are their own tests; keep the snapshot to the results and rule metadata.
    for r in v["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap()
    {
        r["help"]["markdown"] = serde_json::json!("<the rule page>");
        r["fullDescription"]["text"] = serde_json::json!("<the page summary>");
    }
    check_snapshot(
        "sarif.json",
        &(serde_json::to_string_pretty(&v).unwrap() + "\n"),
    );
}

#[test]
fn plan_formats() {
    let dir = fixture("plan");
    check_snapshot("plan.txt", &run(&dir, &["plan", "deploy"]));
    check_snapshot(
        "plan.json",
        &run(&dir, &["plan", "--format", "json", "deploy"]),
    );
    check_snapshot(
        "plan.mmd",
        &run(&dir, &["plan", "--format", "mermaid", "deploy"]),
    );
}
