//! `check --fix` / `--diff` and the fixes behind them (`synclint::fix`), on fixture copies in
//! scratch directories: each fixed file must equal the original with only the fixed span
//! replaced (comments, quoting and indentation kept), and the finding must be gone afterwards.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use synclint::fix::{self, Fix};

const APP: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/shop-deploy.git
    targetRevision: main
    path: shop
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
";

/// A named PostSync Job with a deadline and a backoff limit: only what a test adds is wrong.
fn job(annotations: &str) -> String {
    format!(
        "\
# Seeds the database after every sync.
apiVersion: batch/v1
kind: Job
metadata:
  name: seed
  annotations:
{annotations}
spec:
  activeDeadlineSeconds: 300  # five minutes
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: seed
          image: ghcr.io/example/seed:1.0.0
"
    )
}

fn synclint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synclint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn run_fix(dir: &Path) -> Output {
    synclint(&[
        "check",
        "--no-config",
        "--no-render",
        "--fix",
        &dir.to_string_lossy(),
    ])
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

/// The rules still reported for `dir`.
fn rules_left(dir: &Path) -> Vec<&'static str> {
    common::report(dir)
        .diagnostics
        .iter()
        .map(|d| d.rule)
        .collect()
}

/// `before` with exactly one occurrence of `from` replaced by `to` (the test's own statement of
/// the fixed span: everything else must be byte-identical).
fn with(before: &str, from: &str, to: &str) -> String {
    assert_eq!(before.matches(from).count(), 1, "`{from}` must be unique");
    before.replacen(from, to, 1)
}

/// Write the fixture, run `--fix`, and compare every file with what it must become.
fn fixes_to(name: &str, files: &[(&str, &str)], expected: &[(&str, String)]) -> PathBuf {
    let dir = common::tree(name, files);
    let out = run_fix(&dir);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (rel, want) in expected {
        assert_eq!(read(&dir, rel), *want, "{rel}");
    }
    dir
}

#[test]
fn misspelled_hook_types_are_respelled() {
    let before = job("    argocd.argoproj.io/hook: postsync  # after the app");
    let dir = fixes_to(
        "fix-hook",
        &[("seed.yaml", &before)],
        &[("seed.yaml", with(&before, "postsync  #", "PostSync  #"))],
    );
    assert!(!rules_left(&dir).contains(&"unknown-hook"));

    let before = job("    helm.sh/hook: \"post-instal\"");
    let dir = fixes_to(
        "fix-helm-hook",
        &[("seed.yaml", &before)],
        &[(
            "seed.yaml",
            with(&before, "post-instal\"", "post-install\""),
        )],
    );
    assert!(!rules_left(&dir).contains(&"unknown-hook"));
}

#[test]
fn ambiguous_corrections_are_not_applied() {
    // `PoDelete` is two edits from both PreDelete and PostDelete.
    let before = job("    argocd.argoproj.io/hook: PoDelete");
    let dir = fixes_to(
        "fix-ambiguous",
        &[("seed.yaml", &before)],
        &[("seed.yaml", before.clone())],
    );
    assert!(rules_left(&dir).contains(&"unknown-hook"));
}

#[test]
fn misspelled_delete_policies_are_respelled() {
    let before = job(
        "    argocd.argoproj.io/hook: PostSync\n    argocd.argoproj.io/hook-delete-policy: 'BeforeHookCreation, hooksucceeded'",
    );
    let dir = fixes_to(
        "fix-policy",
        &[("seed.yaml", &before)],
        &[(
            "seed.yaml",
            with(&before, "hooksucceeded'", "HookSucceeded'"),
        )],
    );
    assert!(!rules_left(&dir).contains(&"unknown-delete-policy"));
}

#[test]
fn misspelled_sync_options_are_respelled_in_annotations_and_applications() {
    let before = job("    argocd.argoproj.io/sync-options: Validate=false,Prune=False");
    let dir = fixes_to(
        "fix-option-annotation",
        &[("seed.yaml", &before)],
        &[("seed.yaml", with(&before, "Prune=False", "Prune=false"))],
    );
    assert!(!rules_left(&dir).contains(&"unknown-sync-option"));

    let app = format!(
        "{APP}  syncPolicy:\n    syncOptions:\n      - \"ServerSideApply=True\"  # big CRDs\n      - Validate=false\n"
    );
    let dir = fixes_to(
        "fix-option-app",
        &[("apps/shop.yaml", &app)],
        &[(
            "apps/shop.yaml",
            with(&app, "ServerSideApply=True", "ServerSideApply=true"),
        )],
    );
    assert!(!rules_left(&dir).contains(&"unknown-sync-option"));
}

#[test]
fn app_only_options_move_into_the_application() {
    let deploy = job(
        "    argocd.argoproj.io/hook: PostSync\n    argocd.argoproj.io/sync-options: CreateNamespace=true, Validate=false  # both",
    );
    // No syncPolicy yet: one is added at the end of spec, indented like the file.
    let dir = fixes_to(
        "fix-move-new-policy",
        &[("apps/shop.yaml", APP), ("shop/seed.yaml", &deploy)],
        &[
            (
                "apps/shop.yaml",
                format!("{APP}  syncPolicy:\n    syncOptions:\n      - CreateNamespace=true\n"),
            ),
            (
                "shop/seed.yaml",
                with(&deploy, "CreateNamespace=true, ", ""),
            ),
        ],
    );
    assert!(!rules_left(&dir).contains(&"ineffective-sync-option"));

    // The only option of the only annotation: the `annotations` key goes; an existing list
    // grows by one item written like its neighbours.
    let deploy = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\n  annotations:\n    argocd.argoproj.io/sync-options: CreateNamespace=true\ndata:\n  a: b\n";
    let app = format!(
        "{APP}  syncPolicy:\n    automated: {{}}\n    syncOptions:\n    - 'Validate=false'\n"
    );
    let dir = fixes_to(
        "fix-move-list",
        &[("apps/shop.yaml", &app), ("shop/cm.yaml", deploy)],
        &[
            (
                "apps/shop.yaml",
                format!("{app}    - 'CreateNamespace=true'\n"),
            ),
            (
                "shop/cm.yaml",
                with(
                    deploy,
                    "  annotations:\n    argocd.argoproj.io/sync-options: CreateNamespace=true\n",
                    "",
                ),
            ),
        ],
    );
    assert!(!rules_left(&dir).contains(&"ineffective-sync-option"));
}

#[test]
fn a_move_is_not_guessed() {
    // The same option with another value already in the Application: no fix.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\n  annotations:\n    argocd.argoproj.io/sync-options: PrunePropagationPolicy=orphan\n";
    let app = format!("{APP}  syncPolicy:\n    syncOptions: [PrunePropagationPolicy=background]\n");
    let dir = fixes_to(
        "fix-move-conflict",
        &[("apps/shop.yaml", &app), ("shop/cm.yaml", cm)],
        &[("apps/shop.yaml", app.clone()), ("shop/cm.yaml", cm.into())],
    );
    assert!(rules_left(&dir).contains(&"ineffective-sync-option"));

    // Two Applications of that name in the tree: which one owns it is not known.
    let other = APP.replace("path: shop", "path: other");
    let cm = cm.replace("PrunePropagationPolicy=orphan", "CreateNamespace=true");
    let dir = fixes_to(
        "fix-move-two-apps",
        &[
            ("apps/shop.yaml", APP),
            ("apps/again.yaml", &other),
            ("shop/cm.yaml", &cm),
        ],
        &[("apps/shop.yaml", APP.into()), ("shop/cm.yaml", cm.clone())],
    );
    assert!(rules_left(&dir).contains(&"ineffective-sync-option"));
}

#[test]
fn generate_name_hooks_and_ttls_get_unsafe_suggestions() {
    let before = job("    argocd.argoproj.io/hook: PostSync  # seed")
        .replace("  name: seed\n", "  generateName: seed-\n")
        .replace(
            "  backoffLimit: 1\n",
            "  backoffLimit: 1\n  ttlSecondsAfterFinished: 60\n",
        );
    let dir = fixes_to(
        "fix-generate-name",
        &[("seed.yaml", &before)],
        &[("seed.yaml", before.clone())],
    );
    let (report, fixes) = offered(&dir, "hook-delete-policy");
    let add = fixes
        .iter()
        .find(|f| f.title.contains("HookSucceeded"))
        .unwrap();
    assert!(!add.safe);
    apply_on_disk(&report, add);
    let now = with(
        &before,
        "PostSync  # seed\n",
        "PostSync  # seed\n    argocd.argoproj.io/hook-delete-policy: HookSucceeded\n",
    );
    assert_eq!(read(&dir, "seed.yaml"), now);
    assert!(!rules_left(&dir).contains(&"hook-delete-policy"));

    let (report, fixes) = offered(&dir, "hook-ttl");
    let remove = fixes
        .iter()
        .find(|f| f.title.contains("ttlSecondsAfterFinished"))
        .unwrap();
    assert!(!remove.safe);
    apply_on_disk(&report, remove);
    assert_eq!(
        read(&dir, "seed.yaml"),
        with(&now, "  ttlSecondsAfterFinished: 60\n", "")
    );
    assert!(!rules_left(&dir).contains(&"hook-ttl"));
}

#[test]
fn named_hooks_get_before_hook_creation() {
    let before = job(
        "    argocd.argoproj.io/hook: PostSync\n    argocd.argoproj.io/hook-delete-policy: \"HookSucceeded\"  # keep logs on failure",
    );
    let dir = fixes_to(
        "fix-bhc",
        &[("seed.yaml", &before)],
        &[(
            "seed.yaml",
            with(
                &before,
                "\"HookSucceeded\"",
                "\"BeforeHookCreation,HookSucceeded\"",
            ),
        )],
    );
    assert!(!rules_left(&dir).contains(&"hook-delete-policy"));
}

#[test]
fn overlapping_fixes_land_in_later_rounds() {
    // The misspelled policy and the missing BeforeHookCreation edit the same scalar.
    let before = job(
        "    argocd.argoproj.io/hook: PostSync\n    argocd.argoproj.io/hook-delete-policy: HookSucceded",
    );
    let dir = fixes_to(
        "fix-rounds",
        &[("seed.yaml", &before)],
        &[(
            "seed.yaml",
            with(&before, "HookSucceded", "BeforeHookCreation,HookSucceeded"),
        )],
    );
    let left = rules_left(&dir);
    assert!(!left.contains(&"hook-delete-policy") && !left.contains(&"unknown-delete-policy"));
}

/// The fixes offered for the first finding of `rule` in `dir`.
fn offered(dir: &Path, rule: &str) -> (synclint::Report, Vec<Fix>) {
    let report = common::report(dir);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} finding"))
        .clone();
    let fixes = fix::fixes(&d, &report.files);
    (report, fixes)
}

/// Apply one fix to the files of `report` on disk (as an editor would).
fn apply_on_disk(report: &synclint::Report, f: &Fix) {
    let mut files: Vec<usize> = f.edits.iter().map(|e| e.file).collect();
    files.dedup();
    for id in files {
        let file = &report.files[id];
        let edits: Vec<_> = f.edits.iter().filter(|e| e.file == id).cloned().collect();
        let new = fix::apply(file.text(), &edits).unwrap();
        fix::write_if_unchanged(&file.path, file.text(), &new).unwrap();
    }
}

#[test]
fn unsafe_suggestions_are_offered_but_never_applied_by_fix() {
    let before = job("    argocd.argoproj.io/hook: PostSync")
        .replace("  activeDeadlineSeconds: 300  # five minutes\n", "")
        .replace("  backoffLimit: 1\n", "  backoffLimit: 10\n");
    let dir = fixes_to(
        "fix-unsafe",
        &[("seed.yaml", &before)],
        &[("seed.yaml", before.clone())],
    );
    let (report, fixes) = offered(&dir, "hook-backoff-limit");
    let limit = fixes
        .iter()
        .find(|f| f.title.contains("backoffLimit"))
        .unwrap();
    assert!(!limit.safe);
    let now = read(&dir, "seed.yaml");
    apply_on_disk(&report, limit);
    assert_eq!(
        read(&dir, "seed.yaml"),
        with(&now, "backoffLimit: 10", "backoffLimit: 3")
    );
    assert!(!rules_left(&dir).contains(&"hook-backoff-limit"));

    let (report, fixes) = offered(&dir, "hook-deadline");
    let deadline = fixes
        .iter()
        .find(|f| f.title.contains("activeDeadlineSeconds"))
        .unwrap();
    assert!(!deadline.safe);
    let now = read(&dir, "seed.yaml");
    apply_on_disk(&report, deadline);
    assert_eq!(
        read(&dir, "seed.yaml"),
        with(
            &now,
            "          image: ghcr.io/example/seed:1.0.0\n",
            "          image: ghcr.io/example/seed:1.0.0\n  activeDeadlineSeconds: 600\n"
        )
    );
    assert!(!rules_left(&dir).contains(&"hook-deadline"));
}

#[test]
fn every_finding_can_be_suppressed_with_a_comment_in_the_editor() {
    let before = job("    argocd.argoproj.io/hook: PostSync")
        .replace("  activeDeadlineSeconds: 300  # five minutes\n", "");
    let dir = common::tree("fix-suppress", &[("seed.yaml", &before)]);
    let (report, fixes) = offered(&dir, "hook-deadline");
    let sup = fixes
        .iter()
        .find(|f| f.title.starts_with("Suppress"))
        .unwrap();
    assert!(
        !sup.safe,
        "a suppression changes intent: never applied by --fix"
    );
    apply_on_disk(&report, sup);
    assert_eq!(
        read(&dir, "seed.yaml"),
        with(
            &before,
            "\nspec:\n",
            "\n# synclint: ignore hook-deadline -- TODO: why this is fine\nspec:\n"
        )
    );
    let after = common::report(&dir);
    assert!(after.diagnostics.iter().all(|d| d.rule != "hook-deadline"));
    assert_eq!(after.summary.suppressed, 1);

    // Indented like the line it sits above.
    let before = job("    argocd.argoproj.io/hook: Presync");
    let dir = common::tree("fix-suppress-indent", &[("seed.yaml", &before)]);
    let (report, fixes) = offered(&dir, "unknown-hook");
    let sup = fixes
        .iter()
        .find(|f| f.title.starts_with("Suppress"))
        .unwrap();
    apply_on_disk(&report, sup);
    assert_eq!(
        read(&dir, "seed.yaml"),
        with(
            &before,
            "    argocd.argoproj.io/hook: Presync\n",
            "    # synclint: ignore unknown-hook -- TODO: why this is fine\n    argocd.argoproj.io/hook: Presync\n"
        )
    );
    assert!(
        common::report(&dir)
            .diagnostics
            .iter()
            .all(|d| d.rule != "unknown-hook")
    );
}

#[test]
fn rendered_output_gets_no_fix() {
    let before = job("    argocd.argoproj.io/hook: presync");
    let dir = common::tree("fix-rendered", &[("seed.yaml", &before)]);
    let report = common::report(&dir);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-hook")
        .unwrap();
    assert!(fix::fixes(d, &report.files).iter().any(|f| f.safe));
    // The same text as kustomize output (what a finding that could not be mapped back points at).
    let mut files = report.files.clone();
    let f = &files[d.file];
    files[d.file] = Arc::new(synclint::load::SourceFile::new(
        format!("{} (kustomize build)", f.name),
        f.path.with_file_name(synclint::render::RENDERED_KUSTOMIZE),
        f.text().to_string(),
        synclint::load::FileClass::Yaml,
        &Default::default(),
    ));
    assert!(fix::fixes(d, &files).is_empty());
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let before = job("    argocd.argoproj.io/hook: presync");
    let dir = common::tree("fix-diff", &[("seed.yaml", &before)]);
    let out = synclint(&[
        "check",
        "--no-config",
        "--no-render",
        "--diff",
        &dir.to_string_lossy(),
    ]);
    let name = dir.join("seed.yaml").to_string_lossy().into_owned();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "--- {name}\n+++ {name}\n@@ -4,7 +4,7 @@\n metadata:\n   name: seed\n   annotations:\n-    argocd.argoproj.io/hook: presync\n+    argocd.argoproj.io/hook: PreSync\n spec:\n   activeDeadlineSeconds: 300  # five minutes\n   backoffLimit: 1\n"
        )
    );
    assert_eq!(out.status.code(), Some(1), "fixes available");
    assert_eq!(read(&dir, "seed.yaml"), before);

    // Nothing to fix: no output, exit 0.
    let clean = job("    argocd.argoproj.io/hook: PreSync");
    let dir = common::tree("fix-diff-clean", &[("seed.yaml", &clean)]);
    let out = synclint(&[
        "check",
        "--no-config",
        "--no-render",
        "--diff",
        &dir.to_string_lossy(),
    ]);
    assert_eq!(out.stdout, b"");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fix_reports_what_remains_and_exits_on_it() {
    let before =
        job("    argocd.argoproj.io/hook: presync\n    argocd.argoproj.io/sync-wave: \"x\"");
    let dir = common::tree("fix-remaining", &[("seed.yaml", &before)]);
    let out = run_fix(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("invalid-sync-wave"), "{stdout}");
    assert!(!stdout.contains("unknown-hook"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 1 finding(s) in 1 file(s)"));
    assert_eq!(read(&dir, "seed.yaml"), with(&before, "presync", "PreSync"));
}

#[test]
fn fix_keeps_crlf_and_permissions() {
    let before = job("    argocd.argoproj.io/hook: presync").replace('\n', "\r\n");
    let dir = common::tree("fix-crlf", &[("seed.yaml", &before)]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("seed.yaml"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    run_fix(&dir);
    assert_eq!(read(&dir, "seed.yaml"), with(&before, "presync", "PreSync"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("seed.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}"); // seed.yaml and .git
}

#[test]
fn a_file_changed_since_it_was_read_is_not_touched() {
    // The library guard.
    let dir = common::tree("fix-changed-lib", &[("a.yaml", "a: 1\n")]);
    let p = dir.join("a.yaml");
    let err = fix::write_if_unchanged(&p, "a: 0\n", "a: 2\n").unwrap_err();
    assert!(matches!(err, fix::WriteError::Changed));
    assert_eq!(read(&dir, "a.yaml"), "a: 1\n");

    // The command line: the file is edited while synclint waits at its (test-only) gate,
    // after linting and before writing.
    let before = job("    argocd.argoproj.io/hook: presync");
    let dir = common::tree("fix-changed-cli", &[("seed.yaml", &before)]);
    let gate = dir.join("gate");
    let child = Command::new(env!("CARGO_BIN_EXE_synclint"))
        .args(["check", "--no-config", "--no-render", "--fix"])
        .arg(dir.join("seed.yaml"))
        .env("SYNCLINT_INTERNAL_FIX_GATE", &gate)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let ready = gate.with_extension("ready");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !ready.exists() {
        assert!(
            std::time::Instant::now() < until,
            "synclint never reached the gate"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let edited = format!("{before}# edited meanwhile\n");
    std::fs::write(dir.join("seed.yaml"), &edited).unwrap();
    std::fs::write(&gate, "").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("changed since it was read"));
    assert_eq!(read(&dir, "seed.yaml"), edited);
}

#[test]
fn stdin_cannot_be_fixed() {
    let out = synclint(&["check", "--fix", "-"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The yaml blocks under a rule page's `## Example` heading, as (file, text).
fn page_example(page: &str) -> Vec<(String, String)> {
    let section = page
        .split("\n## ")
        .find(|s| s.starts_with("Example"))
        .unwrap_or("");
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(fence) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let file = fence
            .split_whitespace()
            .find_map(|w| w.strip_prefix("file="))
            .unwrap_or("example.yaml");
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.trim_start().starts_with("```"))
            .collect();
        if fence.starts_with("yaml") {
            out.push((file.to_string(), body.join("\n") + "\n"));
        }
    }
    out
}

/// Every fix offered for a finding of `dir`, safe or not, applied alone: the files still parse,
/// and that finding is gone (one fewer of its rule in its file). Returns how many were tried.
fn every_fix_works(dir: &Path) -> usize {
    let mut opts = common::options(&synclint::config::Config::default());
    opts.render = None;
    let ws = synclint::load_with(
        &[dir.to_string_lossy().into_owned()],
        None,
        &Default::default(),
    )
    .unwrap();
    let report = synclint::check(&ws, &opts);
    let count = |r: &synclint::Report, rule: &str, path: &Path| {
        r.diagnostics
            .iter()
            .filter(|d| d.rule == rule && r.files[d.file].path == path)
            .count()
    };
    let syntax = |r: &synclint::Report| {
        r.diagnostics
            .iter()
            .filter(|d| d.rule == "yaml-syntax")
            .count()
    };
    let mut tried = 0;
    for d in &report.diagnostics {
        for f in fix::fixes(d, &report.files) {
            let mut ws = ws.clone();
            let mut ids: Vec<usize> = f.edits.iter().map(|e| e.file).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                let file = &report.files[id];
                let edits: Vec<_> = f.edits.iter().filter(|e| e.file == id).cloned().collect();
                let new = fix::apply(file.text(), &edits).unwrap();
                ws.set_overlay(&file.path, file.name.clone(), new, &opts.settings.limits);
            }
            let after = synclint::check(&ws, &opts);
            let path = &report.files[d.file].path;
            let what = format!("{} in {}: `{}`", d.rule, report.files[d.file].name, f.title);
            assert!(syntax(&after) <= syntax(&report), "{what} broke the YAML");
            assert!(
                count(&after, d.rule, path) < count(&report, d.rule, path),
                "{what} left the finding"
            );
            tried += 1;
        }
    }
    tried
}

#[test]
fn every_offered_fix_parses_and_removes_its_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut tried = 0;
    for tree in ["examples/shop", "tests/fixtures/platform"] {
        let dir = common::scratch(&format!("fix-all-{}", tree.replace('/', "-")));
        copy_dir(&root.join(tree), &dir);
        tried += every_fix_works(&dir);
    }
    for page in std::fs::read_dir(root.join("rules")).unwrap() {
        let page = page.unwrap().path();
        let stem = page.file_stem().unwrap().to_string_lossy().into_owned();
        let files = page_example(&std::fs::read_to_string(&page).unwrap());
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        tried += every_fix_works(&common::tree(&format!("fix-page-{stem}"), &files));
    }
    assert!(tried > 50, "only {tried} fixes tried");
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn a_suppression_comment_goes_after_a_byte_order_mark() {
    let before = format!("\u{feff}{}", job("    argocd.argoproj.io/hook: Presync"))
        .replace("# Seeds the database after every sync.\n", "");
    let dir = common::tree("fix-suppress-bom", &[("seed.yaml", &before)]);
    let report = common::report(&dir);
    // A finding on the first line (`apiVersion`, after the mark).
    let mut d = report.diagnostics.first().cloned().expect("a finding");
    d.span = synclint::load::yaml::Span::new(3, 13);
    let sup = fix::fixes(&d, &report.files)
        .into_iter()
        .find(|f| f.title.starts_with("Suppress"))
        .unwrap();
    assert_eq!(sup.edits[0].start, 3);
}
