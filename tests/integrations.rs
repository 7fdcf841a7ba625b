//! Where users run synclint: SARIF, GitHub annotations, config, suppressions, baselines,
//! pre-commit (`--report-only`) and editor buffers (`--stdin-filename`), through the real binary.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::tree;

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synclint"))
        .args(args)
        .current_dir(dir)
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
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn rules_lines(v: &serde_json::Value) -> Vec<(String, i64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_i64().unwrap(),
            )
        })
        .collect()
}

const SA: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: migrator\n";

const JOB: &str = r#"apiVersion: batch/v1
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
      containers: [{name: m, image: "m:1"}]
"#;

/// Deadlock (error), a missing backoffLimit (warning) and a comma/colon-laden option typo.
const MIXED: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-options: "Prune=False"
spec:
  activeDeadlineSeconds: 300
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers: [{name: m, image: "m:1"}]
"#;

fn fix_language_patterns(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => {
            let mut n = 0;
            for (k, x) in m.iter_mut() {
                if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *x = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                    n += 1;
                } else {
                    n += fix_language_patterns(x);
                }
            }
            n
        }
        serde_json::Value::Array(a) => a.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let dir = tree(
        "int-sarif",
        &[("deploy/sa.yaml", SA), ("deploy/job.yaml", MIXED)],
    );
    let out = run_in(&dir, &["check", "--format", "sarif", "deploy"], None);
    assert_eq!(out.status.code(), Some(1));
    let sarif = json(&out);
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/sarif-2.1.0.schema.json")).unwrap();
    // The official schema's `language` patterns have a stray `]` that strict regex checkers
    // reject; they constrain fields synclint does not emit.
    assert_eq!(fix_language_patterns(&mut schema), 2);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "sync-deadlock" && r["defaultConfiguration"]["level"] == "error")
    );
    assert!(rules.iter().all(|r| {
        r["helpUri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("rules/{}.md", r["id"].as_str().unwrap()))
    }));
    let results = run["results"].as_array().unwrap();
    let dl = results
        .iter()
        .find(|r| r["ruleId"] == "sync-deadlock")
        .unwrap();
    let loc = &dl["locations"][0]["physicalLocation"];
    // Not in a git work tree of its own, so paths are relative to the linted input's repository.
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("deploy/job.yaml")
    );
    assert_eq!(loc["region"]["startLine"], 12);
    assert_eq!(loc["region"]["startColumn"], 27);
    assert_eq!(loc["region"]["endColumn"], 35);
    assert_eq!(
        dl["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "hook-backoff-limit" && r["level"] == "warning")
    );
}

#[test]
fn github_annotations_are_escaped() {
    let dir = tree(
        "int-github",
        &[("deploy/sa.yaml", SA), ("deploy/job,1:x.yaml", MIXED)],
    );
    // Annotations name files relative to the repository root.
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let out = run_in(&dir, &["check", "--format", "github", "deploy"], None);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let dl = lines
        .iter()
        .find(|l| l.contains("title=sync-deadlock"))
        .unwrap();
    assert!(
        dl.starts_with("::error file=deploy/job%2C1%3Ax.yaml,line=12,col=27,endLine=12,endColumn=35,title=sync-deadlock::PreSync hook Job/migrate needs ServiceAccount/migrator"),
        "{dl}"
    );
    assert!(dl.contains("%0Ahelp: "), "newlines are escaped: {dl}");
    assert!(!dl[2..].contains("::error"), "one command per line");
    assert!(lines.iter().any(
        |l| l.starts_with("::warning file=deploy/job%2C1%3Ax.yaml,line=8,")
            && l.contains("title=hook-backoff-limit::")
    ));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("title=unknown-sync-option::") && l.contains("`Prune=False`"))
    );
}

#[test]
fn config_turns_rules_off_changes_severity_excludes_and_fails_on() {
    let config = "rules:\n  hook-backoff-limit: error\n  unknown-sync-option: off\nexclude:\n  - vendor\nfail-on: warning\n";
    let dir = tree(
        "int-config",
        &[
            (".synclint.yaml", config),
            ("deploy/sa.yaml", SA),
            ("deploy/job.yaml", MIXED),
            ("vendor/job.yaml", MIXED),
        ],
    );
    let v = json(&run_in(&dir, &["check", "--format", "json"], None));
    let found = rules_lines(&v);
    assert_eq!(
        found,
        vec![
            ("hook-backoff-limit".into(), 8),
            ("sync-deadlock".into(), 12)
        ],
        "{found:?}"
    );
    assert_eq!(v["diagnostics"][0]["severity"], "error");
    // --no-config restores the defaults, including vendor/.
    let v = json(&run_in(
        &dir,
        &["check", "--format", "json", "--no-config"],
        None,
    ));
    // deploy: deadlock, backoffLimit, option typo; vendor: backoffLimit, option typo.
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 5);
    // fail-on: warning from the config…
    let warn_only = tree(
        "int-config-failon",
        &[
            (".synclint.yaml", "fail-on: warning\n"),
            ("job.yaml", JOB.replace("  backoffLimit: 1\n", "").as_str()),
        ],
    );
    assert_eq!(run_in(&warn_only, &["check"], None).status.code(), Some(1));
    // …and the flag wins over it.
    assert_eq!(
        run_in(&warn_only, &["check", "--fail-on", "error"], None)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn bad_config_is_a_usage_error_with_a_position() {
    let dir = tree(
        "int-config-bad",
        &[
            (".synclint.yaml", "rules:\n  hook-tll: off\n"),
            ("a.yaml", SA),
        ],
    );
    let out = run_in(&dir, &["check"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".synclint.yaml:2:3: unknown rule `hook-tll` (did you mean `hook-ttl`?)"),
        "{err}"
    );
    // An explicit --config that does not exist is an error too.
    let out = run_in(&dir, &["check", "--config", "missing.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn suppressions_by_annotation_and_comment() {
    let annotated = JOB.replace(
        "    argocd.argoproj.io/hook: PreSync\n",
        "    argocd.argoproj.io/hook: PreSync\n    synclint.io/ignore: \"sync-deadlock -- the SA is created by the platform team\"\n",
    );
    let commented = JOB.replace(
        "      serviceAccountName: migrator\n",
        "      # synclint: ignore sync-deadlock -- created out of band\n      serviceAccountName: migrator\n",
    );
    let trailing = JOB.replace(
        "      serviceAccountName: migrator\n",
        "      serviceAccountName: migrator  # synclint: ignore sync-deadlock\n",
    );
    for (name, job) in [
        ("annotation", annotated),
        ("comment", commented),
        ("trailing", trailing),
    ] {
        let dir = tree(
            &format!("int-suppress-{name}"),
            &[("sa.yaml", SA), ("job.yaml", &job)],
        );
        let out = run_in(&dir, &["check", "--format", "json", "."], None);
        let v = json(&out);
        assert_eq!(rules_lines(&v), vec![], "{name}: {v}");
        assert_eq!(v["summary"]["suppressed"], 1, "{name}");
        assert_eq!(out.status.code(), Some(0), "{name}");
    }
    // A comment above a key covers the whole entry.
    let whole = JOB.replace(
        "spec:\n  activeDeadlineSeconds: 300\n",
        "# synclint: ignore all\nspec:\n  activeDeadlineSeconds: 300\n",
    );
    let dir = tree(
        "int-suppress-entry",
        &[("sa.yaml", SA), ("job.yaml", &whole)],
    );
    let v = json(&run_in(&dir, &["check", "--format", "json", "."], None));
    assert_eq!(rules_lines(&v), vec![]);
    let human = stdout(&run_in(&dir, &["check", "--color", "never", "."], None));
    assert!(
        human.contains("0 errors, 0 warnings in 2 files (2 documents, 2 resources); 1 suppressed"),
        "{human}"
    );
}

#[test]
fn unused_suppressions_are_reported() {
    let stale = SA.replace(
        "  name: migrator\n",
        "  name: migrator\n  annotations:\n    synclint.io/ignore: \"hook-ttl, hook-tll\"\n",
    );
    let comment =
        "# synclint: ignore stuck-wave\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    let dir = tree("int-unused", &[("sa.yaml", &stale), ("cm.yaml", comment)]);
    let v = json(&run_in(&dir, &["check", "--format", "json", "."], None));
    let d = v["diagnostics"].as_array().unwrap();
    let msgs: Vec<(&str, &str, i64, i64)> = d
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                d["range"]["start"]["line"].as_i64().unwrap(),
                d["range"]["start"]["column"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        msgs,
        vec![
            (
                "./cm.yaml",
                "suppression of `stuck-wave` matches no finding",
                1,
                20
            ),
            (
                "./sa.yaml",
                "suppression of `hook-ttl` matches no finding",
                6,
                26
            ),
            (
                "./sa.yaml",
                "suppression names unknown rule `hook-tll` (did you mean `hook-ttl`?)",
                6,
                36
            ),
        ]
        .into_iter()
        .map(|(f, m, l, c)| (f.trim_start_matches("./"), m, l, c))
        .collect::<Vec<_>>()
    );
    assert!(
        d.iter()
            .all(|d| d["rule"] == "unused-suppression" && d["severity"] == "warning")
    );
    // Turning a rule off in the config does not make its suppressions "unused".
    let dir2 = tree(
        "int-unused-off",
        &[
            (".synclint.yaml", "rules:\n  stuck-wave: off\n"),
            ("cm.yaml", comment),
        ],
    );
    assert_eq!(
        rules_lines(&json(&run_in(&dir2, &["check", "--format", "json"], None))),
        vec![]
    );
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tree(
        "int-baseline",
        &[("deploy/sa.yaml", SA), ("deploy/job.yaml", MIXED)],
    );
    let out = run_in(
        &dir,
        &[
            "check",
            "--write-baseline",
            "synclint-baseline.json",
            "deploy",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("synclint-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(b["findings"].as_array().unwrap().len(), 3);
    assert_eq!(b["findings"][0]["file"], "deploy/job.yaml");
    // Same findings, moved down by edits elsewhere in the file: still known.
    std::fs::write(
        dir.join("deploy/job.yaml"),
        format!("# a comment\n# and another\n{MIXED}"),
    )
    .unwrap();
    let out = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "synclint-baseline.json",
            "deploy",
        ],
        None,
    );
    let v = json(&out);
    assert_eq!(rules_lines(&v), vec![]);
    assert_eq!(v["summary"]["baselined"], 3);
    assert_eq!(out.status.code(), Some(0));
    // A new finding is reported.
    std::fs::write(
        dir.join("deploy/job2.yaml"),
        JOB.replace("name: migrate", "name: migrate-two")
            .replace("  backoffLimit: 1\n", ""),
    )
    .unwrap();
    let v = json(&run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "synclint-baseline.json",
            "deploy",
        ],
        None,
    ));
    let found = rules_lines(&v);
    assert!(
        found.contains(&("hook-backoff-limit".into(), 7)),
        "{found:?}"
    );
    assert!(found.contains(&("sync-deadlock".into(), 11)), "{found:?}");
    assert_eq!(found.len(), 2);
    // A corrupt baseline is a usage error.
    std::fs::write(dir.join("bad.json"), "{").unwrap();
    assert_eq!(
        run_in(&dir, &["check", "--baseline", "bad.json", "deploy"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn pre_commit_lints_a_staged_file_in_the_context_of_its_app() {
    let dir = tree(
        "int-precommit",
        &[
            ("deploy/sa.yaml", SA),
            ("deploy/job.yaml", JOB),
            (
                "other/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    argocd.argoproj.io/sync-wave: first\n",
            ),
        ],
    );
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .map(|o| o.status.success());
        ok.unwrap_or(false)
    };
    if !git(&["init", "-q"]) {
        eprintln!("git not available: skipping");
        return;
    }
    // pre-commit passes only the staged file; its ServiceAccount lives in an unstaged one.
    let out = run_in(
        &dir,
        &[
            "check",
            "--report-only",
            "--format",
            "json",
            "deploy/job.yaml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(rules_lines(&v), vec![("sync-deadlock".into(), 12)], "{v}");
    // Run from a subdirectory, the whole repository is still the context.
    let out = run_in(
        &dir.join("deploy"),
        &["check", "--report-only", "--format", "json", "job.yaml"],
        None,
    );
    assert_eq!(rules_lines(&json(&out)), vec![("sync-deadlock".into(), 12)]);
    // Findings about other files are not reported (other/cm.yaml has an invalid wave).
    let out = run_in(&dir, &["check", "--report-only", "deploy/sa.yaml"], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the SA is the related object of the deadlock"
    );
    let out = run_in(
        &dir,
        &[
            "check",
            "--report-only",
            "--format",
            "json",
            "other/cm.yaml",
        ],
        None,
    );
    assert_eq!(
        rules_lines(&json(&out)),
        vec![("invalid-sync-wave".into(), 6)]
    );
}

#[test]
fn an_editor_buffer_is_linted_in_its_tree() {
    let dir = tree(
        "int-stdin-filename",
        &[
            ("deploy/sa.yaml", SA),
            (
                "deploy/job.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n",
            ),
        ],
    );
    // Editors work inside a repository: the buffer's tree is its git work tree.
    if !Command::new("git")
        .args(["init", "-q"])
        .current_dir(&dir)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("git not available: skipping");
        return;
    }
    // The unsaved buffer for deploy/job.yaml holds the Job; the SA comes from disk.
    let out = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "deploy/job.yaml",
            "-",
        ],
        Some(JOB),
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(rules_lines(&v), vec![("sync-deadlock".into(), 12)]);
    assert_eq!(v["diagnostics"][0]["file"], "deploy/job.yaml");
    // A new file that is not on disk yet works too.
    let out = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "deploy/new.yaml",
            "-",
        ],
        Some(&JOB.replace("migrate", "migrate-new")),
    );
    let v = json(&out);
    assert_eq!(rules_lines(&v), vec![("sync-deadlock".into(), 12)]);
    assert_eq!(v["diagnostics"][0]["file"], "deploy/new.yaml");
}

#[test]
fn config_schema_matches_the_loader() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/config.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // Every rule is configurable, and nothing else is.
    let ids: Vec<&str> = synclint::rules::RULES.iter().map(|r| r.info().id).collect();
    let names: Vec<&str> = schema["properties"]["rules"]["propertyNames"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        names, ids,
        "regenerate schemas/config.schema.json after adding a rule"
    );
    let good = serde_json::json!({"rules": {"hook-ttl": "off", "hook-deadline": "error"}, "exclude": ["vendor"], "fail-on": "warning", "kubernetes-version": "1.34"});
    assert!(validator.is_valid(&good));
    for bad in [
        serde_json::json!({"rules": {"hook-tll": "off"}}),
        serde_json::json!({"fail_on": "error"}),
        serde_json::json!({"rules": {"hook-ttl": "loud"}}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
        // The loader agrees.
        let yaml = serde_json::to_string(&bad).unwrap();
        assert!(
            synclint::config::parse(&yaml, Path::new("c.yaml")).is_err(),
            "{bad}"
        );
    }
    assert!(
        synclint::config::parse(&serde_json::to_string(&good).unwrap(), Path::new("c.yaml"))
            .is_ok()
    );
}
