//! The engine facts of design.md § Fidelity, each pinned by a test.

mod common;

use common::{findings, tree};

fn rules_of(dir: &std::path::Path) -> Vec<(String, String, usize)> {
    findings(dir)
}

/// Plan of the only app in `dir`, as (phase, wave, Kind/name) rows.
fn plan_rows(dir: &std::path::Path) -> Vec<(String, i64, String)> {
    let r = common::report(dir);
    assert_eq!(r.plan.as_ref().unwrap().apps.len(), 1, "expected one app");
    common::plan_rows(&r, 0)
}

const SA_SYNC_MINUS_20: &str = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
  annotations:
    argocd.argoproj.io/sync-wave: "-20"
"#;

const PRESYNC_JOB: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-wave: "5"
spec:
  activeDeadlineSeconds: 300
  backoffLimit: 1
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers:
      - name: m
        image: migrate:1
"#;

#[test]
fn presync_runs_before_sync_whatever_the_waves() {
    let dir = tree(
        "engine-presync",
        &[("sa.yaml", SA_SYNC_MINUS_20), ("job.yaml", PRESYNC_JOB)],
    );
    assert_eq!(
        plan_rows(&dir),
        vec![
            ("PreSync".into(), 5, "Job/migrate".into()),
            ("Sync".into(), -20, "ServiceAccount/migrator".into()),
        ]
    );
    // …so the hook waits for a ServiceAccount that is only created afterwards.
    assert_eq!(
        rules_of(&dir),
        vec![("sync-deadlock".into(), "job.yaml".into(), 13)]
    );
}

#[test]
fn same_step_dependency_is_fine_because_of_kind_order() {
    let sa = SA_SYNC_MINUS_20.replace(
        "    argocd.argoproj.io/sync-wave: \"-20\"\n",
        "    argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/sync-wave: \"5\"\n",
    );
    let dir = tree(
        "engine-same-step",
        &[("sa.yaml", &sa), ("job.yaml", PRESYNC_JOB)],
    );
    let rows = plan_rows(&dir);
    assert_eq!(
        rows[0].2, "ServiceAccount/migrator",
        "ServiceAccount ranks before Job in one step"
    );
    assert_eq!(rules_of(&dir), vec![]);
}

#[test]
fn namespace_and_crd_moves_are_not_findings() {
    let files = [(
        "all.yaml",
        r#"apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    argocd.argoproj.io/sync-wave: "5"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  annotations:
    argocd.argoproj.io/sync-wave: "3"
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions: [{name: v1, served: true, storage: true}]
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: blue
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
"#,
    )];
    let dir = tree("engine-moves", &files);
    assert_eq!(
        plan_rows(&dir),
        vec![
            // The CRD takes its first instance's phase and wave (§1.3)…
            (
                "Sync".into(),
                -1,
                "CustomResourceDefinition/widgets.example.com".into()
            ),
            ("Sync".into(), -1, "Widget/blue".into()),
            // …and so does the Namespace, before the first object in it.
            ("Sync".into(), 0, "Namespace/shop".into()),
            ("Sync".into(), 0, "ConfigMap/settings".into()),
        ]
    );
    // Legal for the engine: only the info note about the misleading CRD wave.
    assert_eq!(
        rules_of(&dir),
        vec![("crd-order".into(), "all.yaml".into(), 19)]
    );
    let diags = common::report(&dir).diagnostics;
    assert!(
        diags
            .iter()
            .all(|d| d.severity == synclint::diag::Severity::Info)
    );
}

#[test]
fn default_delete_policy_is_before_hook_creation() {
    // A named hook with no policy is deleted and recreated each sync: nothing to report.
    let dir = tree("engine-default-policy", &[("job.yaml", PRESYNC_JOB)]);
    assert_eq!(rules_of(&dir), vec![]);
    // With generateName that default never matches, and hooks pile up.
    let generated = PRESYNC_JOB
        .replace("  name: migrate\n", "  generateName: migrate-\n")
        .replace(
            "serviceAccountName: migrator",
            "serviceAccountName: default",
        );
    let dir = tree("engine-default-policy-gen", &[("job.yaml", &generated)]);
    assert_eq!(
        rules_of(&dir),
        vec![("hook-delete-policy".into(), "job.yaml".into(), 6)]
    );
}

#[test]
fn a_hook_with_no_valid_type_vanishes_from_the_sync() {
    let job = PRESYNC_JOB.replace("hook: PreSync", "hook: presync");
    let dir = tree(
        "engine-dropped",
        &[("sa.yaml", SA_SYNC_MINUS_20), ("job.yaml", &job)],
    );
    assert_eq!(
        plan_rows(&dir),
        vec![("Sync".into(), -20, "ServiceAccount/migrator".into())]
    );
    // The typo is the finding; the dropped Job can no longer deadlock.
    assert_eq!(
        rules_of(&dir),
        vec![("unknown-hook".into(), "job.yaml".into(), 6)]
    );
}

const PAUSED: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    argocd.argoproj.io/sync-wave: "WAVE"
spec:
  paused: true
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1}]
"#;

const CM_WAVE_1: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\n";

#[test]
fn the_final_step_of_a_hookless_plan_is_not_waited_on() {
    let last = PAUSED.replace("WAVE", "2");
    let dir = tree(
        "engine-final-step",
        &[("d.yaml", &last), ("cm.yaml", CM_WAVE_1)],
    );
    assert_eq!(rules_of(&dir), vec![]);
    // The same Deployment before a later wave gates it forever.
    let gated = PAUSED.replace("WAVE", "0");
    let dir = tree(
        "engine-gated-step",
        &[("d.yaml", &gated), ("cm.yaml", CM_WAVE_1)],
    );
    assert_eq!(
        rules_of(&dir),
        vec![("stuck-wave".into(), "d.yaml".into(), 8)]
    );
    // A single-step plan is never gated.
    let dir = tree("engine-single-step", &[("d.yaml", &gated)]);
    assert_eq!(rules_of(&dir), vec![]);
}

fn app(extra: &str) -> String {
    format!(
        r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  project: default
  source:
    repoURL: https://example.com/repo.git
    path: web
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  syncPolicy:
    automated:
      selfHeal: true
{extra}"#
    )
}

const WEB: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
"#;

const IGNORE: &str = "  ignoreDifferences:\n  - group: apps\n    kind: Deployment\n    jsonPointers: [/spec/replicas]\n";

#[test]
fn ignore_differences_alone_does_not_stop_the_write_back() {
    let dir = tree(
        "engine-ignore-only",
        &[("apps/web.yaml", &app(IGNORE)), ("web/web.yaml", WEB)],
    );
    let loaded = common::report(&dir);
    let diags = loaded.diagnostics.clone();
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d.rule, "hpa-replicas-fight");
    // The ignored field never makes the app OutOfSync, so selfHeal starts no sync over it
    // (spec/argocd.md §7.2): only other syncs write Git's count back, a warning.
    assert_eq!(
        d.severity,
        synclint::diag::Severity::Warning,
        "an ignored difference starts no self-heal"
    );
    assert!(
        d.message.contains("lacks RespectIgnoreDifferences=true"),
        "{}",
        d.message
    );
    assert_eq!(loaded.files[d.file].line_col(d.span.start).line, 6);
    assert_eq!(d.app.as_deref(), Some("web"));
    // Both halves: silent.
    let both = app(IGNORE).replace(
        "      selfHeal: true\n",
        "      selfHeal: true\n    syncOptions: [RespectIgnoreDifferences=true]\n",
    );
    assert!(both.contains("RespectIgnoreDifferences=true") && both.contains("/spec/replicas"));
    let dir = tree(
        "engine-ignore-respect",
        &[("apps/web.yaml", &both), ("web/web.yaml", WEB)],
    );
    assert_eq!(rules_of(&dir), vec![]);
}

#[test]
fn spans_point_at_the_exact_value() {
    let dir = tree(
        "engine-spans",
        &[("sa.yaml", SA_SYNC_MINUS_20), ("job.yaml", PRESYNC_JOB)],
    );
    let loaded = common::report(&dir);
    let diags = loaded.diagnostics.clone();
    let d = &diags[0];
    let f = &loaded.files[d.file];
    assert_eq!(&f.text()[d.span.range()], "migrator");
    assert_eq!(f.line_col(d.span.start).column, 27);
    let rel = &d.related[0];
    assert_eq!(&loaded.files[rel.file].text()[rel.span.range()], "migrator");
    assert!(d.help.is_some() && d.note.is_some());
}

#[test]
fn kustomize_refuses_duplicates_unless_it_renames_them() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";
    let files = [
        ("app/kustomization.yaml", "resources:\n- a\n- b\n"),
        ("app/a/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("app/a/cm.yaml", cm),
        ("app/b/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("app/b/cm.yaml", cm),
    ];
    let dir = tree("engine-kustomize-dup", &files);
    common::require_kustomize();
    // A kustomization root is built as Argo CD would build it at that path, and the build fails.
    let diags = common::report(&dir).diagnostics;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        (diags[0].rule, diags[0].severity),
        ("render-failed", synclint::diag::Severity::Error)
    );
    assert!(
        diags[0].message.contains("already registered id"),
        "{}",
        diags[0].message
    );
    // Linted as written (no renderer): the model sees both copies, which Kustomize refuses.
    let diags = common::report_raw(&dir).diagnostics;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        (diags[0].rule, diags[0].severity),
        ("duplicate-resource", synclint::diag::Severity::Error)
    );
    assert!(diags[0].message.contains("Kustomize builds"));
    // With an Application that builds it, the failure is reported on the Application's path.
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: dup\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/r.git\n    path: app\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: dup\n";
    let mut with_app = files.to_vec();
    with_app.push(("argo/app.yaml", app));
    let dir = tree("engine-kustomize-dup-app", &with_app);
    assert_eq!(
        findings(&dir),
        vec![("render-failed".into(), "argo/app.yaml".into(), 9)]
    );
    // `namespace:` in b re-namespaces its copy: no longer the same object.
    let mut renamed = files;
    renamed[3] = (
        "app/b/kustomization.yaml",
        "namespace: other\nresources:\n- cm.yaml\n",
    );
    let dir = tree("engine-kustomize-renamed", &renamed);
    assert_eq!(rules_of(&dir), vec![]);
}

/// The final step holds a paused Deployment and a hook: the engine waits on that step
/// (`case successful` needs `!tasks.Any(isHook)`), so it is stuck; this used to panic.
#[test]
fn paused_deployment_beside_a_hook_in_the_final_step_is_stuck_not_a_crash() {
    let first = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: early
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
"#;
    let last = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  paused: true
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:1
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: marker
  annotations:
    argocd.argoproj.io/hook: Sync
"#;
    let dir = tree(
        "engine-final-step-hook",
        &[("a.yaml", first), ("b.yaml", last)],
    );
    assert_eq!(
        rules_of(&dir),
        vec![("stuck-wave".into(), "b.yaml".into(), 6)]
    );
}
