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

// --- the summary and annotations on a larger run ----------------------------------------------

const DUPLICATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
// Each pod has a deadline (so the hook ends), but with no backoffLimit and no Job deadline it is
// retried six times.
const NO_BACKOFF: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    argocd.argoproj.io/hook: PreSync\nspec:\n  template:\n    spec:\n      activeDeadlineSeconds: 300\n      restartPolicy: Never\n      containers: [{name: m, image: m:1}]\n";
const BAD_SCHEMA: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata: 5\n";

#[test]
fn annotations_errors_first_by_rule_capped_and_the_summary_lists_every_error() {
    if !have_bash() {
        return;
    }
    // File order: sync-deadlock (a, b), warnings (c), then a schema error (z).
    let dir = fixture(
        "sorted",
        &[
            ("a/all.yaml", DEADLOCK),
            ("b/all.yaml", DEADLOCK),
            ("c/dup.yaml", DUPLICATE),
            ("c/job.yaml", NO_BACKOFF),
            ("z/bad.yaml", BAD_SCHEMA),
        ],
    );
    let r = run_action_env(
        &dir,
        &[("INPUT_PATHS", "."), ("INPUT_SARIF_FILE", "out.sarif")],
        &[("SYNCLINT_MAX_ANNOTATIONS", "1")],
    );
    let why = r.explain();
    assert_eq!(r.code(), 1, "{why}");
    let stdout = r.stdout();
    let commands: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    // One per severity: the first error by rule (schema < sync-deadlock), the first warning.
    assert_eq!(commands.len(), 2, "{why}");
    assert!(commands[0].starts_with("::error file=z/bad.yaml,"), "{why}");
    assert!(commands[0].contains("title=schema::"), "{why}");
    assert!(
        commands[1].starts_with("::warning file=c/dup.yaml,"),
        "{why}"
    );
    // The rest are in the log, readable, in the same order, and not workflow commands.
    let rest: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("synclint: GitHub shows at most 1 annotations"))
        .skip(1)
        .collect();
    assert_eq!(rest.len(), 3, "{why}");
    assert!(rest[0].starts_with("  error file=a/all.yaml,"), "{why}");
    assert!(rest[1].starts_with("  error file=b/all.yaml,"), "{why}");
    assert!(rest[2].starts_with("  warning file=c/job.yaml,"), "{why}");
    assert!(
        rest[0].contains("title=sync-deadlock::PreSync hook"),
        "{why}"
    );
    // Outputs count every finding.
    assert_eq!(r.output("errors"), Some("3"), "{why}");
    assert_eq!(r.output("warnings"), Some("2"), "{why}");
    // SARIF from the same single run.
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 5);

    if !have("python3") {
        return;
    }
    let s = &r.summary;
    assert!(
        s.contains("2 errors and 1 warning are not annotated on the diff"),
        "{why}"
    );
    // Every error, by rule then file order, each rule linked; warnings folded.
    let errors = &s[s.find("### Errors").expect("errors section")..s.find("<details>").unwrap()];
    let rows: Vec<&str> = errors.lines().filter(|l| l.starts_with("| ❌")).collect();
    assert_eq!(rows.len(), 3, "{why}");
    assert!(
        rows[0]
            .contains("[`schema`](https://github.com/synclint/synclint/blob/main/rules/schema.md)"),
        "{why}"
    );
    assert!(rows[1].contains("`a/all.yaml:19`"), "{why}");
    assert!(rows[2].contains("`b/all.yaml:19`"), "{why}");
    let details = &s[s
        .find("<details><summary>2 warnings</summary>")
        .expect("folded warnings")..];
    assert!(details.contains("duplicate-resource") && details.contains("hook-backoff-limit"));
    assert!(details.find("</details>").unwrap() < details.find("### Sync plan").unwrap());
}

/// `run_action` with extra environment variables.
fn run_action_env(dir: &Path, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
    let mut all: Vec<(&str, &str)> = inputs.to_vec();
    all.extend_from_slice(env);
    run_action(dir, &all)
}

// --- action/install.sh: the release binary, checksum-verified; cargo only without a release -----

/// The release target of this machine, as install.sh names it.
fn host_target() -> String {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "linux" => format!("{arch}-unknown-linux-musl"),
        "macos" => format!("{arch}-apple-darwin"),
        os => panic!("no release target for {os}"),
    }
}

/// A release directory as the workflow publishes it (`v<version>/synclint-<target>.tar.gz` and
/// its `.sha256`, made by the workflow's own package.sh), built once per test run from the test
/// binary without its debug info.
fn fake_release() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("action-release");
        let _ = std::fs::remove_dir_all(&base);
        let bin = base.join("build/synclint");
        std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_synclint"), &bin).unwrap();
        let _ = Command::new("strip").arg(&bin).status();
        let out = Command::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/scripts/package.sh"))
            .arg(host_target())
            .arg(&bin)
            .arg(base.join(format!("v{}", env!("CARGO_PKG_VERSION"))))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        base
    })
}

/// A copy of the fake release, with `edit` applied to it.
fn release_copy(name: &str, edit: impl Fn(&Path)) -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&base);
    let v = format!("v{}", env!("CARGO_PKG_VERSION"));
    std::fs::create_dir_all(base.join(&v)).unwrap();
    for e in std::fs::read_dir(fake_release().join(&v))
        .unwrap()
        .flatten()
    {
        std::fs::copy(e.path(), base.join(&v).join(e.file_name())).unwrap();
    }
    edit(&base.join(&v));
    base
}

struct Install {
    out: Output,
    outputs: String,
    home: PathBuf,
}

impl Install {
    fn explain(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}\n--- GITHUB_OUTPUT\n{}",
            self.out.status.code(),
            String::from_utf8_lossy(&self.out.stdout),
            String::from_utf8_lossy(&self.out.stderr),
            self.outputs
        )
    }
    fn output(&self, key: &str) -> Option<&str> {
        self.outputs
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
    }
    fn cargo_calls(&self) -> String {
        std::fs::read_to_string(self.home.join("cargo-calls")).unwrap_or_default()
    }
}

/// `bash action/install.sh` in a clean environment: PATH is /usr/bin:/bin (no Rust; plus a fake
/// `cargo` when `with_cargo`), an empty HOME and CARGO_HOME, downloads from `base`.
fn install(name: &str, base: &Path, with_cargo: bool) -> Install {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("install")
        .join(name);
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("cargo-home")).unwrap();
    std::fs::create_dir_all(home.join("runner-temp")).unwrap();
    let mut path = "/usr/bin:/bin".to_string();
    if with_cargo {
        // Records its arguments and "builds" by copying the test binary to --root/bin.
        let fake = home.join("fake-bin");
        std::fs::create_dir_all(&fake).unwrap();
        let script = format!(
            "#!/bin/bash\necho \"$*\" >>\"$HOME/cargo-calls\"\nwhile [[ $# -gt 0 ]]; do [[ $1 == --root ]] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp '{}' \"$root/bin/synclint\"\n",
            env!("CARGO_BIN_EXE_synclint")
        );
        std::fs::write(fake.join("cargo"), script).unwrap();
        Command::new("chmod")
            .arg("+x")
            .arg(fake.join("cargo"))
            .status()
            .unwrap();
        path = format!("{}:{path}", fake.display());
    }
    let output_file = home.join("github-output");
    std::fs::write(&output_file, "").unwrap();
    let out = Command::new("/bin/bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh"))
        .env_clear()
        .env("PATH", &path)
        .env("HOME", &home)
        .env("CARGO_HOME", home.join("cargo-home"))
        .env("RUNNER_TEMP", home.join("runner-temp"))
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .env("GITHUB_OUTPUT", &output_file)
        .env(
            "SYNCLINT_DOWNLOAD_BASE",
            format!("file://{}", base.display()),
        )
        .output()
        .unwrap();
    Install {
        out,
        outputs: std::fs::read_to_string(&output_file).unwrap(),
        home,
    }
}

#[test]
fn install_from_the_release_and_lint_in_a_clean_environment_under_10_s() {
    let base = fake_release();
    let start = std::time::Instant::now();
    let i = install("release", base, false);
    let why = i.explain();
    assert_eq!(i.out.status.code(), Some(0), "{why}");
    assert_eq!(i.output("source"), Some("release"), "{why}");
    let bin = PathBuf::from(i.output("bin").expect("bin output"));
    assert!(bin.starts_with(i.home.join("runner-temp")), "{why}");

    // Then the action's run step, with that binary, in the same clean environment.
    let dir = fixture("installed", &[("deploy/all.yaml", DEADLOCK)]);
    let gh = i.home.join("github-step");
    std::fs::create_dir_all(&gh).unwrap();
    std::fs::write(gh.join("output"), "").unwrap();
    std::fs::write(gh.join("summary"), "").unwrap();
    let run = Command::new("/bin/bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh"))
        .current_dir(&dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &i.home)
        .env("SYNCLINT_BIN", &bin)
        .env("INPUT_PATHS", ".")
        .env("GITHUB_OUTPUT", gh.join("output"))
        .env("GITHUB_STEP_SUMMARY", gh.join("summary"))
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.starts_with("::error file=deploy/all.yaml,line=19,"),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(gh.join("summary")).unwrap();
    assert!(summary.contains("sync-deadlock"), "{summary}");
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "install and run took {elapsed:?}"
    );
    eprintln!("install from the release and lint: {elapsed:?}");

    // A second install finds the binary in place.
    let again = install("release", base, false);
    assert_eq!(again.out.status.code(), Some(0), "{}", again.explain());
}

#[test]
fn a_checksum_mismatch_fails_and_never_falls_back_to_building() {
    let base = release_copy("release-bad-sum", |v| {
        let f = v.join(format!("synclint-{}.tar.gz.sha256", host_target()));
        let text = std::fs::read_to_string(&f).unwrap();
        std::fs::write(&f, format!("{}{}", "0".repeat(64), &text[64..])).unwrap();
    });
    let i = install("bad-sum", &base, true);
    let why = i.explain();
    assert_eq!(i.out.status.code(), Some(1), "{why}");
    assert!(
        String::from_utf8_lossy(&i.out.stderr).contains("checksum mismatch"),
        "{why}"
    );
    assert_eq!(i.output("bin"), None, "{why}");
    assert_eq!(i.cargo_calls(), "", "cargo ran\n{why}");
    assert!(
        !i.home
            .join(format!(
                "runner-temp/synclint-{}/synclint",
                env!("CARGO_PKG_VERSION")
            ))
            .exists()
    );

    // A tampered archive with the published checksum: the same.
    let base = release_copy("release-bad-archive", |v| {
        let f = v.join(format!("synclint-{}.tar.gz", host_target()));
        let mut data = std::fs::read(&f).unwrap();
        let n = data.len();
        data[n / 2] ^= 0xff;
        std::fs::write(&f, data).unwrap();
    });
    let i = install("bad-archive", &base, true);
    assert_eq!(i.out.status.code(), Some(1), "{}", i.explain());
    assert_eq!(i.cargo_calls(), "");

    // No checksum file at all: refused.
    let base = release_copy("release-no-sum", |v| {
        std::fs::remove_file(v.join(format!("synclint-{}.tar.gz.sha256", host_target()))).unwrap();
    });
    let i = install("no-sum", &base, true);
    assert_eq!(i.out.status.code(), Some(1), "{}", i.explain());
    assert!(String::from_utf8_lossy(&i.out.stderr).contains("unverified"));
    assert_eq!(i.cargo_calls(), "");
}

#[test]
fn without_a_release_it_builds_from_the_action_source_with_cargo_locked() {
    let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-none");
    std::fs::create_dir_all(&empty).unwrap();
    let i = install("no-release", &empty, true);
    let why = i.explain();
    assert_eq!(i.out.status.code(), Some(0), "{why}");
    assert_eq!(i.output("source"), Some("cargo"), "{why}");
    let root = i.home.join(".cache/synclint-action/build");
    assert_eq!(
        i.cargo_calls().trim(),
        format!(
            "install --locked --force --root {} --path {}",
            root.display(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "{why}"
    );
    assert_eq!(
        i.output("bin"),
        Some(root.join("bin/synclint").to_str().unwrap())
    );

    // Without cargo either: a clear error.
    let i = install("no-release-no-cargo", &empty, false);
    assert_eq!(i.out.status.code(), Some(1), "{}", i.explain());
    assert!(String::from_utf8_lossy(&i.out.stderr).contains("pin the action to a release tag"));
}
