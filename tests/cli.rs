//! The real binary: exit codes, output formats, stdin, `plan`, `rules`, `explain`, bad input.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{scratch, tree};

fn synclint(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synclint"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const DEADLOCK: &str = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  activeDeadlineSeconds: 300
  backoffLimit: 1
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers: [{name: m, image: m:1}]
"#;

// Pods with a deadline, but no backoffLimit and no Job deadline: retried six times (a warning).
const WARN_ONLY: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  template:
    spec:
      activeDeadlineSeconds: 300
      restartPolicy: Never
      containers: [{name: m, image: m:1}]
"#;

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tree("cli-exit", &[("a.yaml", DEADLOCK)]);
    let d = dir.to_str().unwrap();
    assert_eq!(synclint(&["check", d], None).status.code(), Some(1));
    assert_eq!(
        synclint(&["check", "--fail-on", "never", d], None)
            .status
            .code(),
        Some(0)
    );
    let warn = tree("cli-exit-warn", &[("a.yaml", WARN_ONLY)]);
    let w = warn.to_str().unwrap();
    assert_eq!(
        synclint(&["check", w], None).status.code(),
        Some(0),
        "warnings pass by default"
    );
    assert_eq!(
        synclint(&["check", "--fail-on", "warning", w], None)
            .status
            .code(),
        Some(1)
    );
    let clean = tree(
        "cli-exit-clean",
        &[(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        )],
    );
    let out = synclint(&["check", clean.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("0 errors, 0 warnings in 1 file (1 document, 1 resource)"),
        "{}",
        text(&out)
    );
}

#[test]
fn usage_errors_and_missing_paths_exit_2() {
    assert_eq!(
        synclint(&["check", "/nonexistent/synclint-test"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        synclint(&["check", "--format", "xml", "."], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(synclint(&["frobnicate"], None).status.code(), Some(2));
    let out = synclint(&["explain", "sync-dedlock"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `sync-deadlock`"));
}

#[test]
fn human_output_is_rustc_style() {
    let dir = tree("cli-human", &[("a.yaml", DEADLOCK)]);
    let out = text(&synclint(
        &["check", "--color", "never", dir.to_str().unwrap()],
        None,
    ));
    assert!(
        out.contains(
            "error[sync-deadlock]: PreSync hook Job/migrate needs ServiceAccount/migrator"
        ),
        "{out}"
    );
    assert!(out.contains("a.yaml:17:27"), "{out}");
    assert!(
        out.contains("= help: make ServiceAccount/migrator a PreSync hook"),
        "{out}"
    );
    assert!(out.contains("= note: "), "{out}");
    assert!(
        out.contains("ServiceAccount/migrator is created here, in the Sync phase (wave 0)"),
        "{out}"
    );
    assert!(
        out.contains("1 error, 0 warnings in 1 file (2 documents, 2 resources)"),
        "{out}"
    );
    assert!(!out.contains("\u{1b}["), "no colour when --color never");
    let colored = text(&synclint(
        &["check", "--color", "always", dir.to_str().unwrap()],
        None,
    ));
    assert!(colored.contains("\u{1b}["));
}

#[test]
fn stdin_is_linted_as_one_app() {
    let out = synclint(
        &["check", "--format", "json", "-"],
        Some(DEADLOCK.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["file"], "<stdin>");
    assert_eq!(v["diagnostics"][0]["rule"], "sync-deadlock");
    assert_eq!(v["diagnostics"][0]["range"]["start"]["line"], 17);
    assert_eq!(v["diagnostics"][0]["app"], serde_json::Value::Null);
}

#[test]
fn rules_and_explain() {
    let out = text(&synclint(&["rules"], None));
    for id in [
        "sync-deadlock",
        "hook-deadline",
        "yaml-syntax",
        "duplicate-resource",
    ] {
        assert!(out.contains(id), "{id} missing from `synclint rules`");
    }
    let page = text(&synclint(&["explain", "hook-ttl"], None));
    assert!(page.starts_with("# `hook-ttl`"));
    assert!(page.contains("## Why Argo CD fails"));
}

const PLAN_TREE: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: smoke
  annotations:
    argocd.argoproj.io/hook: PostSync
spec:
  activeDeadlineSeconds: 60
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: t, image: t:1}]
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-wave: "-1"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  activeDeadlineSeconds: 300
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: m
        image: m:1
        envFrom: [{secretRef: {name: db}}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    argocd.argoproj.io/sync-wave: "2"
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
"#;

#[test]
fn plan_prints_the_engine_order() {
    let dir = tree("cli-plan", &[("all.yaml", PLAN_TREE)]);
    let d = dir.to_str().unwrap();
    let out = synclint(&["plan", d], None);
    assert_eq!(out.status.code(), Some(0));
    let table = text(&out);
    let order: Vec<usize> = [
        "Secret/db",
        "Job/migrate",
        "ConfigMap/web-config",
        "Deployment/web",
        "Job/smoke",
    ]
    .iter()
    .map(|n| {
        table
            .find(n)
            .unwrap_or_else(|| panic!("{n} missing:\n{table}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "wrong order:\n{table}"
    );
    assert!(table.contains("needs Secret/db (step 1)"), "{table}");

    let json: serde_json::Value =
        serde_json::from_slice(&synclint(&["plan", "--format", "json", d], None).stdout).unwrap();
    let steps = &json["apps"][0]["steps"];
    let got: Vec<(String, i64, String)> = steps
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["tasks"].as_array().unwrap().iter().map(move |t| {
                (
                    s["phase"].as_str().unwrap().to_string(),
                    s["wave"].as_i64().unwrap(),
                    format!(
                        "{}/{}",
                        t["kind"].as_str().unwrap(),
                        t["name"].as_str().unwrap()
                    ),
                )
            })
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("PreSync".into(), -1, "Secret/db".into()),
            ("PreSync".into(), 0, "Job/migrate".into()),
            ("Sync".into(), 0, "ConfigMap/web-config".into()),
            ("Sync".into(), 2, "Deployment/web".into()),
            ("PostSync".into(), 0, "Job/smoke".into()),
        ]
    );
    assert_eq!(json["apps"][0]["multiStep"], true);
    assert!(
        steps.as_array().unwrap().iter().all(|s| s["gated"] == true),
        "every step here is waited on"
    );
    assert_eq!(json["apps"][0]["dependencies"][0]["from"], "Job/migrate");
    assert_eq!(json["apps"][0]["dependencies"][0]["to"], "Secret/db");
    assert_eq!(json["apps"][0]["dependencies"][0]["deadlock"], false);

    let mermaid = text(&synclint(&["plan", "--format", "mermaid", d], None));
    assert!(mermaid.starts_with("flowchart TD\n"), "{mermaid}");
    assert!(
        mermaid.contains("[\"1. PreSync wave -1 · waits\"]"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("([\"Job/migrate\"])"),
        "hooks are drawn as stadiums: {mermaid}"
    );
    assert!(mermaid.contains("-.->|needs|"), "{mermaid}");
    assert_eq!(
        mermaid.matches("subgraph").count(),
        mermaid.matches("\n    end").count() + 1
    );
}

#[test]
fn mermaid_marks_deadlocks() {
    let dir = tree("cli-plan-deadlock", &[("a.yaml", DEADLOCK)]);
    let mermaid = text(&synclint(
        &["plan", "--format", "mermaid", dir.to_str().unwrap()],
        None,
    ));
    assert!(mermaid.contains("|needs, deadlock|"), "{mermaid}");
    assert!(mermaid.contains("linkStyle"), "{mermaid}");
}

/// Every kind of bad input gets a finding or message with its path; the rest is still linted.
#[test]
fn bad_input_never_panics_and_the_rest_is_linted() {
    let dir = scratch("cli-bad-input");
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    w(
        "broken.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  bad: : y\n",
    );
    w(
        "latin1.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
    );
    w("binary.yaml", b"\x00\x01\x02apiVersion kind\x00");
    w("empty.yaml", b"");
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    w("bomb.yaml", bomb.as_bytes());
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: deep}}\ndata: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    w("deep.yaml", deep.as_bytes());
    w("template.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n  labels: {{- include \"x\" . | nindent 4 }}\n");
    // A template that happens to parse: `{{ .Values.x }}` is a nested flow mapping in YAML.
    w(
        "parsed-template.yaml",
        b"apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  type: {{ .Values.type }}\n",
    );
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    w("good.yaml", DEADLOCK.as_bytes());

    let out = synclint(&["check", "--format", "json", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let found: Vec<(String, String, i64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let base = file.rsplit('/').next().unwrap().to_string();
            (
                d["rule"].as_str().unwrap().to_string(),
                base,
                d["range"]["start"]["line"].as_i64().unwrap(),
            )
        })
        .collect();
    let has = |rule: &str, file: &str| found.iter().any(|(r, f, _)| r == rule && f == file);
    assert!(
        found.contains(&("yaml-syntax".into(), "broken.yaml".into(), 5)),
        "{found:?}"
    );
    assert!(
        found.contains(&("yaml-syntax".into(), "latin1.yaml".into(), 4)),
        "{found:?}"
    );
    assert!(has("skipped-file", "binary.yaml"), "{found:?}");
    assert!(has("yaml-syntax", "bomb.yaml"), "{found:?}");
    assert!(has("yaml-syntax", "deep.yaml"), "{found:?}");
    assert!(has("skipped-file", "template.yaml"), "{found:?}");
    assert!(has("skipped-file", "parsed-template.yaml"), "{found:?}");
    assert!(
        !has("schema", "parsed-template.yaml"),
        "a template is not schema-checked: {found:?}"
    );
    assert!(has("read-error", "loop"), "symlink loop: {found:?}");
    // Nothing is left unread through a link back to a parent directory: an info.
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "read-error"
                && d["file"].as_str().unwrap().ends_with("loop")
                && d["severity"] == "info"),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, f, _)| f == "empty.yaml"),
        "an empty file is fine"
    );
    assert!(
        has("sync-deadlock", "good.yaml"),
        "the rest of the tree is still linted: {found:?}"
    );
}

#[test]
fn a_large_file_is_linted() {
    let dir = scratch("cli-large");
    let mut s = String::new();
    for i in 0..20_000 {
        s.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  key: \"{}\"\n", "v".repeat(200)));
    }
    std::fs::write(dir.join("big.yaml"), &s).unwrap();
    let out = synclint(&["check", "--format", "json", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["resources"], 20_000);
}

#[test]
fn implicit_apps_per_path_syncs_a_whole_tree_together() {
    // The hook and the ServiceAccount it needs live in different directories.
    let job = DEADLOCK.split("---\n").nth(1).unwrap();
    let sa = DEADLOCK.split("---\n").next().unwrap();
    let dir = tree(
        "cli-per-path",
        &[("hooks/job.yaml", job), ("base/sa.yaml", sa)],
    );
    let d = dir.to_str().unwrap();
    assert_eq!(
        synclint(&["check", d], None).status.code(),
        Some(0),
        "per directory: two apps"
    );
    let out = synclint(
        &[
            "check",
            "--implicit-apps",
            "per-path",
            "--color",
            "never",
            d,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("error[sync-deadlock]"),
        "{}",
        text(&out)
    );
}

// --- CLI conventions: every flag and subcommand users expect from a linter ----------------------

/// `synclint ARGS` in `dir`, with extra environment variables.
fn synclint_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_synclint"));
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    for k in ["NO_COLOR", "CLICOLOR_FORCE", "CI"] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _synclint"),
        ("zsh", "#compdef synclint"),
        ("fish", "complete -c synclint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = synclint(&["completions", shell], None);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let s = text(&o);
        assert!(s.contains(marker), "{shell}: no `{marker}`\n{s}");
        // Subcommands and their flags are completed.
        assert!(s.contains("check") && s.contains("sarif-file"), "{shell}");
    }
    let o = synclint(&["completions", "tcsh"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_page_from_clap() {
    let o = synclint(&["man"], None);
    assert_eq!(o.status.code(), Some(0));
    let page = text(&o);
    assert!(page.contains(".TH synclint 1"), "{page}");
    assert!(page.contains("synclint\\-check"), "{page}");
    let dir = scratch("cli-man");
    let o = synclint(&["man", "--dir", dir.join("man").to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0));
    for page in ["synclint.1", "synclint-check.1", "synclint-plan.1"] {
        let text = std::fs::read_to_string(dir.join("man").join(page)).unwrap();
        assert!(text.starts_with(".ie"), "{page}");
    }
    // Hidden: not in the help.
    assert!(!text(&synclint(&["--help"], None)).contains("man "));
}

#[test]
fn output_format_alias_and_output_files_in_one_run() {
    let dir = tree("cli-outputs", &[("all.yaml", DEADLOCK)]);
    let json = synclint_in(&dir, &["check", "--format", "json", "."], &[]);
    let alias = synclint_in(&dir, &["check", "--output-format", "json", "."], &[]);
    assert_eq!(text(&json), text(&alias));
    assert_eq!(alias.status.code(), Some(1));

    // -o: the main output goes to the file, nothing to stdout; --sarif-file and --json-file in
    // the same run see every finding.
    let o = synclint_in(
        &dir,
        &[
            "check",
            "--format",
            "github",
            "-o",
            "annotations.txt",
            "--sarif-file",
            "x.sarif",
            "--json-file",
            "y.json",
            "all.yaml",
        ],
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o2 = synclint_in(
        &dir,
        &[
            "check",
            "--format",
            "github",
            "--output-file",
            "z.txt",
            "all.yaml",
        ],
        &[],
    );
    assert_eq!(o2.status.code(), Some(1));
    assert!(text(&o2).is_empty());
    let annotations = std::fs::read_to_string(dir.join("z.txt")).unwrap();
    assert!(
        annotations.starts_with("::error file=all.yaml,line=17,"),
        "{annotations}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("x.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "sync-deadlock");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("y.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["diagnostics"][0]["rule"], "sync-deadlock");
}

#[test]
fn select_extend_select_and_ignore_take_ids_and_prefixes() {
    let dir = tree(
        "cli-select",
        &[
            ("all.yaml", DEADLOCK),
            ("off.yaml", "rules:\n  sync-deadlock: off\n"),
        ],
    );
    let rules_of = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["check", "--format", "json"];
        a.extend_from_slice(args);
        a.push("all.yaml");
        let v: serde_json::Value =
            serde_json::from_slice(&synclint_in(&dir, &a, &[]).stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules_of(&[]), ["sync-deadlock"]);
    assert!(rules_of(&["--select", "hook-"]).is_empty());
    assert_eq!(rules_of(&["--select", "sync-"]), ["sync-deadlock"]);
    assert_eq!(
        rules_of(&["--select", "hook-ttl,sync-deadlock"]),
        ["sync-deadlock"]
    );
    assert!(rules_of(&["--ignore", "sync-"]).is_empty());
    assert!(rules_of(&["--ignore", "sync-deadlock"]).is_empty());
    // The config turns it off; --extend-select turns it back on.
    assert!(rules_of(&["--config", "off.yaml"]).is_empty());
    assert_eq!(
        rules_of(&["--config", "off.yaml", "--extend-select", "sync-dead"]),
        ["sync-deadlock"]
    );
}

#[test]
fn rules_as_json() {
    let o = synclint(&["rules", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    let d = list.iter().find(|r| r["id"] == "sync-deadlock").unwrap();
    assert_eq!(d["severity"], "error");
    assert!(
        d["url"]
            .as_str()
            .unwrap()
            .ends_with("/rules/sync-deadlock.md")
    );
    assert_eq!(list.len(), synclint::rules::RULES.len());
}

#[test]
fn no_color_and_clicolor_force() {
    let dir = tree("cli-color", &[("all.yaml", DEADLOCK)]);
    let plain = synclint_in(&dir, &["check", "."], &[]);
    assert!(!text(&plain).contains('\x1b'), "no colour into a pipe");
    let forced = synclint_in(&dir, &["check", "."], &[("CLICOLOR_FORCE", "1")]);
    assert!(
        text(&forced).contains("\x1b["),
        "CLICOLOR_FORCE colours a pipe"
    );
    let both = synclint_in(
        &dir,
        &["check", "."],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!text(&both).contains('\x1b'), "NO_COLOR wins");
    let flag = synclint_in(
        &dir,
        &["check", "--color", "never", "."],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!text(&flag).contains('\x1b'), "--color never wins");
}

#[test]
fn no_progress_indicator_unless_stderr_is_a_terminal() {
    let dir = tree("cli-progress", &[("all.yaml", DEADLOCK)]);
    for format in ["human", "json", "sarif", "github"] {
        let o = synclint_in(&dir, &["check", "--format", format, "."], &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains("linting") && !err.contains('\r'),
            "{format}: {err}"
        );
    }
}

#[test]
fn config_is_found_from_the_linted_path_upwards() {
    let dir = tree(
        "cli-config-discovery",
        &[
            ("team/deploy/all.yaml", DEADLOCK),
            (
                "team/.synclint.yaml",
                "fail-on: never\nrules:\n  sync-deadlock: warning\n",
            ),
            ("elsewhere/.keep", ""),
        ],
    );
    // Run from a directory without a config: the one above the linted path applies.
    let o = synclint_in(
        &dir.join("elsewhere"),
        &["check", "--format", "json", "../team/deploy"],
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    // --no-config ignores it.
    let o = synclint_in(
        &dir.join("elsewhere"),
        &["check", "--no-config", "../team/deploy"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
}

/// The README's quick start prints what the README says in any clone: the demo's Applications
/// name the repository by a placeholder URL, which its `.synclint.yaml` declares as this one.
#[test]
fn readme_quick_start_in_a_clone_with_another_origin() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str| {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(from);
        let mut stack = vec![src.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                let to = dir.path().join(from).join(p.strip_prefix(&src).unwrap());
                if p.is_dir() {
                    stack.push(p);
                } else {
                    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                    std::fs::copy(&p, &to).unwrap();
                }
            }
        }
    };
    copy("examples/shop");
    copy("examples/fixed");
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".git/config"),
        "[remote \"origin\"]\n\turl = https://github.com/someone/fork-of-synclint.git\n",
    )
    .unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(
            "check examples/shop   # lint the demo repo: 4 errors, 1 warning, exit code 1"
        )
    );
    let out = synclint_in(dir.path(), &["check", "--no-cache", "examples/shop"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("4 errors, 1 warning in 4 files"), "{text}");
    let out = synclint_in(dir.path(), &["check", "--no-cache", "examples/fixed"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A cluster older than the bundled schemas is a target too: `deprecated-api` judges against
/// it, and the oldest bundle validates. A version newer than every bundle is refused.
#[test]
fn kubernetes_versions_older_than_the_bundles_are_targets() {
    let plc = b"apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: PriorityLevelConfiguration\nmetadata:\n  name: p\nspec:\n  type: Exempt\n";
    let rule_severity = |version: &str| {
        let o = synclint(
            &[
                "check",
                "--kubernetes-version",
                version,
                "--format",
                "json",
                "-",
            ],
            Some(plc),
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "deprecated-api")
            .map(|d| d["severity"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // Removed in 1.32: an error at 1.35, only deprecated at 1.31.
    assert_eq!(rule_severity("1.35"), vec!["error"]);
    assert_eq!(rule_severity("1.31"), vec!["warning"]);
    // No input: the usage error comes before stdin is read.
    let o = synclint(&["check", "--kubernetes-version", "1.99", "-"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not one synclint knows"));
}

/// A warm run reads a build's output and its parse from the render cache: the findings are
/// the same as the cold run's. A damaged parse is parsed again from the text, a damaged entry
/// rendered again: neither is trusted.
#[test]
fn render_cache_runs_report_what_a_cold_run_does() {
    common::require_kustomize();
    let dir = tree(
        "cli-render-cache",
        &[
            (
                "app/kustomization.yaml",
                "resources:\n  - job.yaml\nnamespace: web\n",
            ),
            ("app/job.yaml", WARN_ONLY),
        ],
    );
    let cache = scratch("cli-render-cache-dir");
    let cache_dir = cache.to_string_lossy().into_owned();
    let run = || {
        let o = synclint_in(
            &dir,
            &["check", "--no-config", "--format", "json", "app"],
            &[("SYNCLINT_CACHE_DIR", &cache_dir)],
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let cold = run();
    assert!(cold.contains("\"rule\": \"hook-"), "{cold}");
    let entries: Vec<_> = walk_files(&cache.join("render"));
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(run(), cold);
    // Damaged: a cut parse, then garbage after the header.
    let bytes = std::fs::read(&entries[0]).unwrap();
    std::fs::write(&entries[0], &bytes[..bytes.len() - 7]).unwrap();
    assert_eq!(run(), cold);
    std::fs::write(
        &entries[0],
        b"synclint-render-cache-v5 output 99999 /x\nshort",
    )
    .unwrap();
    assert_eq!(run(), cold);
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}
