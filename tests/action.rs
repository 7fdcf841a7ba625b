//! The GitHub Action's script, `action/run.sh`, run by bash against the real binary, with fake
//! `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files: annotations, outputs, the job summary, SARIF,
//! the exit code, and inputs that try to inject shell commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A PreSync hook Job that needs a ServiceAccount the sync creates only in the Sync phase:
/// exactly one finding, `sync-deadlock` at line 19, columns 27..35 (`migrator`).
const DEADLOCK: &str = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
  annotations:
    argocd.argoproj.io/sync-wave: "-20"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  activeDeadlineSeconds: 600
  backoffLimit: 1
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/example/migrate:1.0.0
"#;

/// The same, done right: the ServiceAccount is a PreSync hook one wave earlier.
const CLEAN: &str = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-wave: "-1"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  activeDeadlineSeconds: 600
  backoffLimit: 1
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/example/migrate:1.0.0
"#;

const INPUTS: &[&str] = &[
    "INPUT_PATHS",
    "INPUT_FAIL_ON",
    "INPUT_SARIF_FILE",
    "INPUT_CONFIG",
    "INPUT_BASELINE",
];

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// bash is needed to run the script at all; without it these tests say so and pass.
fn have_bash() -> bool {
    let ok = have("bash");
    if !ok {
        eprintln!("bash not found: skipping the GitHub Action script tests");
    }
    ok
}

/// A fresh fixture tree. It holds an empty `.synclint.yaml`, so no config above it applies.
fn fixture(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("action")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    // A checkout is a git work tree: findings are reported relative to its root.
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".synclint.yaml"), "").unwrap();
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    root
}

struct Run {
    out: Output,
    /// What the script wrote to `GITHUB_OUTPUT`.
    outputs: String,
    /// What it wrote to `GITHUB_STEP_SUMMARY`.
    summary: String,
}

impl Run {
    fn code(&self) -> i32 {
        self.out
            .status
            .code()
            .expect("run.sh was killed by a signal")
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    fn output(&self, key: &str) -> Option<&str> {
        self.outputs
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
    }

    fn explain(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}\n--- GITHUB_OUTPUT\n{}\n--- GITHUB_STEP_SUMMARY\n{}",
            self.out.status.code(),
            self.stdout(),
            String::from_utf8_lossy(&self.out.stderr),
            self.outputs,
            self.summary
        )
    }
}

/// `bash action/run.sh` in `dir` with the given `INPUT_*` variables (and no others).
fn run_action(dir: &Path, inputs: &[(&str, &str)]) -> Run {
    let gh = dir.join(".github-files");
    std::fs::create_dir_all(&gh).unwrap();
    let output_file = gh.join("output");
    let summary_file = gh.join("summary");
    std::fs::write(&output_file, "").unwrap();
    std::fs::write(&summary_file, "").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .current_dir(dir)
        .env("SYNCLINT_BIN", env!("CARGO_BIN_EXE_synclint"))
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file);
    for k in INPUTS {
        cmd.env_remove(k);
    }
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    Run {
        out,
        outputs: std::fs::read_to_string(&output_file).unwrap(),
        summary: std::fs::read_to_string(&summary_file).unwrap(),
    }
}

#[test]
fn findings_give_annotations_outputs_summary_sarif_and_exit_1() {
    if !have_bash() {
        return;
    }
    let dir = fixture("findings", &[("deploy/all.yaml", DEADLOCK)]);
    let r = run_action(
        &dir,
        &[
            ("INPUT_PATHS", "."),
            ("INPUT_FAIL_ON", "error"),
            ("INPUT_SARIF_FILE", "reports/synclint.sarif"),
        ],
    );
    let why = r.explain();
    assert_eq!(r.code(), 1, "{why}");

    // One workflow command per finding, on stdout, with the finding's exact range.
    let stdout = r.stdout();
    let annotation = stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no ::error annotation\n{why}"));
    assert!(
        annotation.starts_with(
            "::error file=deploy/all.yaml,line=19,col=27,endLine=19,endColumn=35,title=sync-deadlock::"
        ),
        "{annotation}"
    );
    assert!(annotation.contains("Job/db-migrate"), "{annotation}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::")).count(),
        1,
        "{why}"
    );

    assert_eq!(r.output("findings"), Some("1"), "{why}");
    assert_eq!(r.output("errors"), Some("1"), "{why}");
    assert_eq!(r.output("warnings"), Some("0"), "{why}");
    assert_eq!(r.output("exit-code"), Some("1"), "{why}");

    // The job summary: counts, the table row linking the rule page, the plan as mermaid.
    if have("python3") {
        assert!(
            r.summary
                .contains("## synclint: 1 error, 0 warnings, 0 infos"),
            "{why}"
        );
        assert!(
            r.summary
                .contains("| Severity | Rule | Location | Message |"),
            "{why}"
        );
        let row = r
            .summary
            .lines()
            .find(|l| l.contains("sync-deadlock") && l.starts_with('|'))
            .unwrap_or_else(|| panic!("no table row for the finding\n{why}"));
        assert!(
            row.starts_with(
                "| ❌ error | [`sync-deadlock`](https://github.com/synclint/synclint/blob/main/rules/sync-deadlock.md) | `deploy/all.yaml:19` | "
            ),
            "{row}"
        );
        assert!(
            row.contains("Job/db-migrate") && row.ends_with(" |"),
            "{row}"
        );
    } else {
        eprintln!("python3 not found: only the fallback summary is checked");
        assert!(r.summary.contains("## synclint: 1 error(s)"), "{why}");
    }
    let fence = r
        .summary
        .find("```mermaid\nflowchart TD\n")
        .unwrap_or_else(|| panic!("no mermaid block\n{why}"));
    assert!(r.summary[fence..].contains("Job/db-migrate"), "{why}");
    assert!(
        r.summary[fence + 3..].contains("\n```\n"),
        "unclosed block\n{why}"
    );

    // SARIF for code scanning, in a directory the script creates.
    let sarif = std::fs::read_to_string(dir.join("reports/synclint.sarif"))
        .unwrap_or_else(|e| panic!("no SARIF file: {e}\n{why}"));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{sarif}");
    assert_eq!(results[0]["ruleId"], "sync-deadlock");
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 19);
    assert_eq!(region["startColumn"], 27);
}

#[test]
fn clean_tree_gives_no_annotations_and_exit_0() {
    if !have_bash() {
        return;
    }
    let dir = fixture("clean", &[("deploy/all.yaml", CLEAN)]);
    let r = run_action(
        &dir,
        &[
            ("INPUT_PATHS", "."),
            ("INPUT_FAIL_ON", "error"),
            ("INPUT_SARIF_FILE", "clean.sarif"),
        ],
    );
    let why = r.explain();
    assert_eq!(r.code(), 0, "{why}");
    assert!(!r.stdout().contains("::"), "{why}");
    assert_eq!(r.output("findings"), Some("0"), "{why}");
    assert_eq!(r.output("errors"), Some("0"), "{why}");
    assert_eq!(r.output("exit-code"), Some("0"), "{why}");
    assert!(r.summary.contains("```mermaid\nflowchart TD\n"), "{why}");
    if have("python3") {
        assert!(
            r.summary
                .contains("## synclint: 0 errors, 0 warnings, 0 infos"),
            "{why}"
        );
        assert!(r.summary.contains("✅ Passed"), "{why}");
        assert!(
            !r.summary.contains("| Severity |"),
            "no table when clean\n{why}"
        );
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("clean.sarif")).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(0)
    );
}

#[test]
fn fail_on_never_reports_but_exits_0() {
    if !have_bash() {
        return;
    }
    let dir = fixture("never", &[("all.yaml", DEADLOCK)]);
    let r = run_action(&dir, &[("INPUT_PATHS", "."), ("INPUT_FAIL_ON", "never")]);
    let why = r.explain();
    assert_eq!(r.code(), 0, "{why}");
    assert!(r.stdout().contains("title=sync-deadlock::"), "{why}");
    assert_eq!(r.output("findings"), Some("1"), "{why}");
    assert_eq!(r.output("exit-code"), Some("0"), "{why}");
}

#[test]
fn empty_fail_on_defers_to_the_config() {
    if !have_bash() {
        return;
    }
    let dir = fixture(
        "config",
        &[
            ("all.yaml", DEADLOCK),
            (
                "ci.yaml",
                "rules:\n  sync-deadlock: warning\nfail-on: warning\n",
            ),
        ],
    );
    let r = run_action(
        &dir,
        &[
            ("INPUT_PATHS", "all.yaml"),
            ("INPUT_FAIL_ON", ""),
            ("INPUT_CONFIG", "ci.yaml"),
        ],
    );
    let why = r.explain();
    assert_eq!(r.code(), 1, "{why}");
    assert!(r.stdout().starts_with("::warning file=all.yaml,"), "{why}");
    assert_eq!(r.output("errors"), Some("0"), "{why}");
    assert_eq!(r.output("warnings"), Some("1"), "{why}");
    assert_eq!(r.output("exit-code"), Some("1"), "{why}");
}

#[test]
fn paths_with_spaces_and_shell_metacharacters_are_linted_not_run() {
    if !have_bash() {
        return;
    }
    let evil = "a b;$(touch pwned)`touch pwned2` && touch pwned3";
    let dir = fixture(
        "evil",
        &[
            (&format!("{evil}/all.yaml"), DEADLOCK),
            ("other/all.yaml", CLEAN),
        ],
    );
    // Several lines: one path per line, spaces and all (as a YAML `|` block gives it).
    let r = run_action(
        &dir,
        &[
            ("INPUT_PATHS", &format!("{evil}\n  other  \n")),
            ("INPUT_FAIL_ON", "error; touch pwned4"),
            ("INPUT_SARIF_FILE", "$(touch pwned5).sarif"),
        ],
    );
    let why = r.explain();
    for f in ["pwned", "pwned2", "pwned3", "pwned4", "pwned5"] {
        assert!(!dir.join(f).exists(), "the input ran a command: {f}\n{why}");
    }
    // An invalid fail-on level is a usage error, reported as such.
    assert_eq!(r.code(), 2, "{why}");
    assert_eq!(r.output("exit-code"), Some("2"), "{why}");

    let r = run_action(
        &dir,
        &[
            ("INPUT_PATHS", &format!("{evil}\n  other  \n")),
            ("INPUT_SARIF_FILE", "$(touch pwned5).sarif"),
        ],
    );
    let why = r.explain();
    for f in ["pwned", "pwned2", "pwned3", "pwned4", "pwned5"] {
        assert!(!dir.join(f).exists(), "the input ran a command: {f}\n{why}");
    }
    assert_eq!(r.code(), 1, "{why}");
    assert!(
        r.stdout()
            .contains(&format!("::error file={evil}/all.yaml,line=19,")),
        "{why}"
    );
    assert_eq!(r.output("findings"), Some("1"), "{why}");
    assert!(dir.join("$(touch pwned5).sarif").is_file(), "{why}");
}

#[test]
fn one_line_of_paths_splits_on_whitespace() {
    if !have_bash() {
        return;
    }
    let dir = fixture(
        "split",
        &[("one/all.yaml", DEADLOCK), ("two/all.yaml", DEADLOCK)],
    );
    let r = run_action(&dir, &[("INPUT_PATHS", " one \t two ")]);
    let why = r.explain();
    assert_eq!(r.code(), 1, "{why}");
    assert_eq!(r.output("findings"), Some("2"), "{why}");
    let stdout = r.stdout();
    assert!(stdout.contains("::error file=one/all.yaml,"), "{why}");
    assert!(stdout.contains("::error file=two/all.yaml,"), "{why}");
}

#[test]
fn a_missing_path_is_exit_2_with_outputs() {
    if !have_bash() {
        return;
    }
    let dir = fixture("missing", &[("all.yaml", CLEAN)]);
    let r = run_action(&dir, &[("INPUT_PATHS", "no-such-dir")]);
    let why = r.explain();
    assert_eq!(r.code(), 2, "{why}");
    assert_eq!(r.output("exit-code"), Some("2"), "{why}");
    assert!(r.summary.contains("synclint could not run"), "{why}");
}
