//! Engine fidelity, round two (issue 10): each disagreement with the engine and each new rule,
//! pinned by a fixture of its own with the exact findings (rule, file, line).

mod common;

use std::path::Path;

use common::{findings, tree};
use synclint::diag::Severity;

type Row = (String, String, usize);

fn row(rule: &str, file: &str, line: usize) -> Row {
    (rule.into(), file.into(), line)
}

/// The task views of the only app of a report, as (label, waited on, waits).
fn waits(dir: &Path) -> Vec<(String, bool, Option<String>)> {
    let r = common::report(dir);
    let view = r.plan.expect("plan");
    assert_eq!(view.apps.len(), 1, "expected one app");
    view.apps[0]
        .steps
        .iter()
        .flat_map(|s| s.tasks.iter())
        .map(|t| (t.label.clone(), t.waited_on, t.waits.clone()))
        .collect()
}

fn severity_of(dir: &Path, rule: &str) -> Vec<Severity> {
    common::report(dir)
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.severity)
        .collect()
}

const CM_WAVE_1: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\n";

/// A Job whose pod reads `REF` (a Secret) through envFrom.
fn job(name: &str, annotations: &str, secret: &str) -> String {
    format!(
        r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  annotations:
{annotations}spec:
  activeDeadlineSeconds: 300
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: run
        image: tool:1
        envFrom:
        - secretRef:
            name: {secret}
"#
    )
}

fn secret(meta: &str) -> String {
    format!("apiVersion: v1\nkind: Secret\nmetadata:\n{meta}stringData:\n  token: x\n")
}

// 1. An empty hook value: a hook with no type, dropped by the engine.
#[test]
fn an_empty_hook_value_is_an_unknown_hook() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    argocd.argoproj.io/hook: \"\"\n";
    let dir = tree("fidelity-empty-hook", &[("cm.yaml", cm)]);
    assert_eq!(findings(&dir), vec![row("unknown-hook", "cm.yaml", 6)]);
    let r = common::report(&dir);
    let app = &r.plan.as_ref().unwrap().apps[0];
    assert!(app.steps.is_empty());
    assert_eq!(app.not_synced.len(), 1, "the plan says it is not synced");
    // Whitespace and commas only: the same.
    let dir = tree(
        "fidelity-blank-hook",
        &[("cm.yaml", &cm.replace("\"\"", "\" , \""))],
    );
    assert_eq!(findings(&dir), vec![row("unknown-hook", "cm.yaml", 6)]);
    // An empty Argo value with a valid Helm hook: Helm's types are used, nothing is dropped.
    let helm = cm.replace(
        "hook: \"\"\n",
        "hook: \"\"\n    helm.sh/hook: pre-install\n",
    );
    let dir = tree("fidelity-empty-hook-helm", &[("cm.yaml", &helm)]);
    assert_eq!(findings(&dir), vec![]);
}

// 2. A dependency that exists only as a SyncFail hook never exists on the normal path.
#[test]
fn a_dependency_created_only_as_a_syncfail_hook_deadlocks() {
    let dir = tree(
        "fidelity-syncfail-provider",
        &[
            (
                "job.yaml",
                &job(
                    "migrate",
                    "    argocd.argoproj.io/hook: PreSync\n",
                    "alert-token",
                ),
            ),
            (
                "secret.yaml",
                &secret(
                    "  name: alert-token\n  annotations:\n    argocd.argoproj.io/hook: SyncFail\n",
                ),
            ),
        ],
    );
    assert_eq!(findings(&dir), vec![row("sync-deadlock", "job.yaml", 18)]);
    let r = common::report(&dir);
    let d = &r.diagnostics[0];
    assert!(
        d.message.contains("only as a SyncFail hook"),
        "{}",
        d.message
    );
    assert_eq!(common::spanned(&r, d), "alert-token");
    // The plan links nothing: the Secret is never created before the Job.
    assert!(r.plan.as_ref().unwrap().apps[0].dependencies.is_empty());
    // Also needed in PreSync: fine.
    let both = secret(
        "  name: alert-token\n  annotations:\n    argocd.argoproj.io/hook: PreSync,SyncFail\n",
    );
    let dir = tree(
        "fidelity-syncfail-provider-both",
        &[
            (
                "job.yaml",
                &job(
                    "migrate",
                    "    argocd.argoproj.io/hook: PreSync\n",
                    "alert-token",
                ),
            ),
            ("secret.yaml", &both),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
}

const SUSPENDED_SYNCFAIL: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: rollback
  annotations:
    argocd.argoproj.io/hook: SyncFail
spec:
  suspend: true
  activeDeadlineSeconds: 300
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: rollback
        image: tool:1
"#;

// 3. SyncFail hooks are waited on once a sync fails.
#[test]
fn a_suspended_syncfail_job_keeps_a_failed_sync_running() {
    let dir = tree(
        "fidelity-syncfail-suspended",
        &[("hook.yaml", SUSPENDED_SYNCFAIL), ("cm.yaml", CM_WAVE_1)],
    );
    assert_eq!(findings(&dir), vec![row("stuck-wave", "hook.yaml", 8)]);
    let r = common::report(&dir);
    assert!(
        r.diagnostics[0].message.contains("SyncFail hook"),
        "{}",
        r.diagnostics[0].message
    );
}

const PAUSED_WEB: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  paused: true
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
"#;

const SYNC_HOOK_CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: marker\n  annotations:\n    argocd.argoproj.io/hook: Sync\n";

// The engine's `multiStep` counts SyncFail tasks: with one, a single step that holds a hook
// waits on its non-hooks too.
#[test]
fn a_syncfail_hook_makes_a_single_step_with_a_hook_wait_on_everything() {
    let without = tree(
        "fidelity-single-step-hook",
        &[("web.yaml", PAUSED_WEB), ("hook.yaml", SYNC_HOOK_CM)],
    );
    assert_eq!(findings(&without), vec![]);
    let notify = SUSPENDED_SYNCFAIL.replace("  suspend: true\n", "");
    let with = tree(
        "fidelity-single-step-hook-syncfail",
        &[
            ("web.yaml", PAUSED_WEB),
            ("hook.yaml", SYNC_HOOK_CM),
            ("notify.yaml", &notify),
        ],
    );
    assert_eq!(findings(&with), vec![row("stuck-wave", "web.yaml", 6)]);
}

const GENERATED_HOOK: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  generateName: report-
  annotations:
    argocd.argoproj.io/hook: HOOK
    argocd.argoproj.io/hook-delete-policy: POLICY
spec:
  activeDeadlineSeconds: 300
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: report
        image: tool:1
"#;

// 4. Only HookSucceeded deletes after a successful sync (HookFailed only after a failed one).
#[test]
fn a_generated_hook_with_only_hook_failed_leaks_on_every_successful_sync() {
    let case = |name: &str, hook: &str, policy: &str| {
        let text = GENERATED_HOOK
            .replace("HOOK", hook)
            .replace("POLICY", policy);
        findings(&tree(name, &[("job.yaml", &text)]))
    };
    assert_eq!(
        case("fidelity-gen-failed", "PostSync", "HookFailed"),
        vec![row("hook-delete-policy", "job.yaml", 7)]
    );
    assert_eq!(
        case("fidelity-gen-succeeded", "PostSync", "HookSucceeded"),
        vec![]
    );
    assert_eq!(
        case("fidelity-gen-both", "PostSync", "HookFailed,HookSucceeded"),
        vec![]
    );
    // A SyncFail-only hook runs only in failed syncs: HookFailed is what deletes it.
    assert_eq!(
        case("fidelity-gen-syncfail-failed", "SyncFail", "HookFailed"),
        vec![]
    );
    assert_eq!(
        case(
            "fidelity-gen-syncfail-succeeded",
            "SyncFail",
            "HookSucceeded"
        ),
        vec![row("hook-delete-policy", "job.yaml", 7)]
    );
}

// 7. `generateName` is not a name: the engine appends a suffix.
#[test]
fn a_generated_name_never_satisfies_a_reference() {
    let plan_cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: migrate-plan-\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/hook-delete-policy: HookSucceeded\ndata:\n  a: b\n";
    let consumer = job("migrate", "    argocd.argoproj.io/hook: PreSync\n", "x")
        .replace("secretRef", "configMapRef")
        .replace("name: x", "name: migrate-plan-");
    let dir = tree(
        "fidelity-generated-ref",
        &[("job.yaml", &consumer), ("plan.yaml", plan_cm)],
    );
    assert_eq!(
        findings(&dir),
        vec![row("dependency-never-synced", "job.yaml", 18)]
    );
    let r = common::report(&dir);
    assert!(r.plan.as_ref().unwrap().apps[0].dependencies.is_empty());
    // The prefix without its trailing dash reads as the same intent.
    let dir = tree(
        "fidelity-generated-ref-trimmed",
        &[
            (
                "job.yaml",
                &consumer.replace("migrate-plan-\n", "migrate-plan\n"),
            ),
            ("plan.yaml", plan_cm),
        ],
    );
    assert_eq!(
        findings(&dir),
        vec![row("dependency-never-synced", "job.yaml", 18)]
    );
}

#[test]
fn dependencies_on_deletion_hooks_and_skipped_objects_are_never_synced() {
    let consumer = job(
        "migrate",
        "    argocd.argoproj.io/hook: PreSync\n",
        "db-admin",
    );
    let deletion =
        secret("  name: db-admin\n  annotations:\n    argocd.argoproj.io/hook: PostDelete\n");
    let dir = tree(
        "fidelity-never-deletion",
        &[("job.yaml", &consumer), ("secret.yaml", &deletion)],
    );
    assert_eq!(
        findings(&dir),
        vec![row("dependency-never-synced", "job.yaml", 18)]
    );
    assert_eq!(
        severity_of(&dir, "dependency-never-synced"),
        vec![Severity::Error]
    );
    let skip = secret("  name: db-admin\n  annotations:\n    argocd.argoproj.io/hook: Skip\n");
    let dir = tree(
        "fidelity-never-skip",
        &[("job.yaml", &consumer), ("secret.yaml", &skip)],
    );
    assert_eq!(
        findings(&dir),
        vec![row("dependency-never-synced", "job.yaml", 18)]
    );
    assert_eq!(
        severity_of(&dir, "dependency-never-synced"),
        vec![Severity::Warning]
    );
    // A deletion hook that is also a sync hook is created.
    let both = secret(
        "  name: db-admin\n  annotations:\n    argocd.argoproj.io/hook: PreSync,PostDelete\n",
    );
    let dir = tree(
        "fidelity-never-both",
        &[("job.yaml", &consumer), ("secret.yaml", &both)],
    );
    assert_eq!(findings(&dir), vec![]);
    // A plain Deployment in the last step of a hookless plan is not waited on.
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: web:1\n        envFrom:\n        - secretRef: {name: db-admin}\n";
    let dir = tree(
        "fidelity-never-not-waited",
        &[("web.yaml", web), ("secret.yaml", &skip)],
    );
    assert_eq!(findings(&dir), vec![]);
}

fn stateful(kind_doc: &str, annotations: &str) -> String {
    kind_doc.replace("ANN", annotations)
}

const NAMESPACE: &str =
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\nANN";
const PVC: &str = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  annotations:\nANNspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
const PV: &str = "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: data\n  annotations:\nANNspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /data}\n";
const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n  annotations:\nANNspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]\n";

#[test]
fn stateful_kinds_as_sync_hooks_are_recreated() {
    let cases = [("ns", NAMESPACE), ("pvc", PVC), ("pv", PV), ("crd", CRD)];
    for (name, doc) in cases {
        let hooked = stateful(doc, "    argocd.argoproj.io/hook: PreSync\n");
        let dir = tree(&format!("fidelity-stateful-{name}"), &[("x.yaml", &hooked)]);
        assert_eq!(
            findings(&dir),
            vec![row("hook-recreates-stateful", "x.yaml", 6)],
            "{name}"
        );
        // Silent: Skip, Helm crd-install alone, deletion hooks only.
        for (i, ann) in [
            "    argocd.argoproj.io/hook: Skip\n",
            "    helm.sh/hook: crd-install\n",
            "    argocd.argoproj.io/hook: PreDelete,PostDelete\n",
            "    argocd.argoproj.io/sync-wave: \"-1\"\n",
        ]
        .iter()
        .enumerate()
        {
            let dir = tree(
                &format!("fidelity-stateful-{name}-silent-{i}"),
                &[("x.yaml", &stateful(doc, ann))],
            );
            assert_eq!(findings(&dir), vec![], "{name}: {ann}");
        }
    }
    // crd-install with another Helm hook type is a PreSync hook; any policy deletes it.
    let helm = stateful(
        CRD,
        "    helm.sh/hook: crd-install,pre-install\n    helm.sh/hook-delete-policy: hook-succeeded\n",
    );
    let dir = tree("fidelity-stateful-helm", &[("crd.yaml", &helm)]);
    assert_eq!(
        findings(&dir),
        vec![row("hook-recreates-stateful", "crd.yaml", 6)]
    );
    let r = common::report(&dir);
    assert!(
        r.diagnostics[0]
            .message
            .contains("after every successful sync"),
        "{}",
        r.diagnostics[0].message
    );
}

#[test]
fn a_syncfail_hook_needing_a_later_object_is_reported() {
    let hook = job(
        "notify",
        "    argocd.argoproj.io/hook: SyncFail\n",
        "chat-webhook",
    );
    let early = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: early\n  annotations:\n    argocd.argoproj.io/sync-wave: \"-1\"\n";
    let late =
        secret("  name: chat-webhook\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\n");
    let dir = tree(
        "fidelity-syncfail-dep",
        &[
            ("hook.yaml", &hook),
            ("cm.yaml", early),
            ("secret.yaml", &late),
        ],
    );
    assert_eq!(
        findings(&dir),
        vec![row("syncfail-hook-dependency", "hook.yaml", 18)]
    );
    // Created in the first step: silent.
    let first =
        secret("  name: chat-webhook\n  annotations:\n    argocd.argoproj.io/sync-wave: \"-1\"\n");
    let dir = tree(
        "fidelity-syncfail-dep-first",
        &[
            ("hook.yaml", &hook),
            ("cm.yaml", early),
            ("secret.yaml", &first),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
}

const WFFC_CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: local\n  annotations:\n    argocd.argoproj.io/sync-wave: \"-2\"\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n";

fn claim(spec: &str, wave: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{wave}\"\nspec:\n{spec}  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
    )
}

const CONSUMER: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: db, image: db:1}]\n      volumes:\n      - name: data\n        persistentVolumeClaim: {claimName: data}\n";

#[test]
fn a_gated_claim_waiting_for_a_later_consumer_hangs() {
    let pvc = claim("  storageClassName: local\n", "-1");
    let dir = tree(
        "fidelity-pvc-tree-class",
        &[
            ("class.yaml", WFFC_CLASS),
            ("pvc.yaml", &pvc),
            ("db.yaml", CONSUMER),
        ],
    );
    assert_eq!(
        findings(&dir),
        vec![row("pvc-waits-for-consumer", "pvc.yaml", 8)]
    );
    // The plan says what the claim waits for.
    let w = waits(&dir);
    let pvc_row = w
        .iter()
        .find(|(l, _, _)| l == "PersistentVolumeClaim/data")
        .unwrap();
    assert_eq!(
        pvc_row.2.as_deref(),
        Some("Healthy when Bound; fails when Lost")
    );
    // Same step as the consumer: the pod is created, the claim binds.
    let same = claim("  storageClassName: local\n", "0");
    let dir = tree(
        "fidelity-pvc-same-step",
        &[
            ("class.yaml", WFFC_CLASS),
            ("pvc.yaml", &same),
            ("db.yaml", CONSUMER),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
    // Bound to a volume directly, or no class at all: silent.
    for (i, spec) in [
        "  storageClassName: local\n  volumeName: pv-1\n",
        "  storageClassName: \"\"\n",
    ]
    .iter()
    .enumerate()
    {
        let dir = tree(
            &format!("fidelity-pvc-direct-{i}"),
            &[
                ("class.yaml", WFFC_CLASS),
                ("pvc.yaml", &claim(spec, "-1")),
                ("db.yaml", CONSUMER),
            ],
        );
        assert_eq!(findings(&dir), vec![], "{spec}");
    }
    // An Immediate class: silent.
    let immediate = WFFC_CLASS.replace("WaitForFirstConsumer", "Immediate");
    let dir = tree(
        "fidelity-pvc-immediate",
        &[
            ("class.yaml", &immediate),
            ("pvc.yaml", &pvc),
            ("db.yaml", CONSUMER),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
    // A consumer scaled to zero starts no pod: it does not count.
    let zero = CONSUMER.replace("spec:\n  selector", "spec:\n  replicas: 0\n  selector");
    let dir = tree(
        "fidelity-pvc-zero",
        &[
            ("class.yaml", WFFC_CLASS),
            ("pvc.yaml", &pvc),
            ("db.yaml", &zero),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
}

#[test]
fn claim_classes_come_from_config_or_the_default_class() {
    // A class the cluster provides, named in `storage-classes`.
    let pvc = claim("  storageClassName: gp3\n", "-1");
    let dir = tree(
        "fidelity-pvc-config",
        &[("pvc.yaml", &pvc), ("db.yaml", CONSUMER)],
    );
    assert_eq!(findings(&dir), vec![]);
    let config = synclint::config::Config {
        storage_classes: vec!["gp3".into()],
        ..Default::default()
    };
    let r = common::report_with(&dir, &config);
    assert_eq!(
        common::rows(&dir, &r),
        vec![row("pvc-waits-for-consumer", "pvc.yaml", 8)]
    );
    // No class named: the tree's default class.
    let default = WFFC_CLASS.replace(
        "  annotations:\n",
        "  annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"\n",
    );
    let unnamed = claim("", "-1");
    let dir = tree(
        "fidelity-pvc-default",
        &[
            ("class.yaml", &default),
            ("pvc.yaml", &unnamed),
            ("db.yaml", CONSUMER),
        ],
    );
    assert_eq!(
        findings(&dir),
        vec![row("pvc-waits-for-consumer", "pvc.yaml", 4)]
    );
}

fn wave_cm(name: &str, ann: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations:\n{ann}")
}

#[test]
fn waves_too_far_apart_overflow_the_engine_sort() {
    let dir = tree(
        "fidelity-wave-overflow",
        &[
            (
                "a.yaml",
                &wave_cm("a", "    argocd.argoproj.io/sync-wave: \"-1\"\n"),
            ),
            (
                "b.yaml",
                &wave_cm(
                    "b",
                    "    argocd.argoproj.io/sync-wave: \"9223372036854775807\"\n",
                ),
            ),
        ],
    );
    assert_eq!(findings(&dir), vec![row("invalid-sync-wave", "b.yaml", 6)]);
    // -1 and 9223372036854775806 still fit; so do extremes in different phases.
    let dir = tree(
        "fidelity-wave-fits",
        &[
            (
                "a.yaml",
                &wave_cm("a", "    argocd.argoproj.io/sync-wave: \"-1\"\n"),
            ),
            (
                "b.yaml",
                &wave_cm(
                    "b",
                    "    argocd.argoproj.io/sync-wave: \"9223372036854775806\"\n",
                ),
            ),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
    let dir = tree(
        "fidelity-wave-phases",
        &[
            (
                "a.yaml",
                &wave_cm(
                    "a",
                    "    argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/sync-wave: \"-9223372036854775808\"\n",
                ),
            ),
            (
                "b.yaml",
                &wave_cm(
                    "b",
                    "    argocd.argoproj.io/sync-wave: \"9223372036854775807\"\n",
                ),
            ),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
}

#[test]
fn the_plan_says_what_each_waited_on_step_waits_for() {
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: web:1}]\n";
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 3 * * *\"\n  suspend: true\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: job, image: job:1}]\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";
    let dir = tree(
        "fidelity-waits",
        &[
            ("web.yaml", web),
            ("cron.yaml", cron),
            ("cm.yaml", cm),
            ("later.yaml", CM_WAVE_1),
        ],
    );
    assert_eq!(findings(&dir), vec![]);
    let w = waits(&dir);
    let get = |l: &str| w.iter().find(|(x, _, _)| x == l).unwrap().clone();
    assert_eq!(
        get("Deployment/web"),
        (
            "Deployment/web".into(),
            true,
            Some(
                "Healthy when all replicas are available; fails after progressDeadlineSeconds 600 s"
                    .into()
            )
        )
    );
    // No health check: done once applied, nothing waited for.
    assert_eq!(
        get("ConfigMap/settings"),
        ("ConfigMap/settings".into(), false, None)
    );
    // A suspended CronJob is Healthy (bundled Lua): not stuck.
    assert_eq!(
        get("CronJob/nightly").2.as_deref(),
        Some("Healthy once the controller writes its status (suspended too)")
    );
    // The last step of a hookless plan is not waited on.
    assert_eq!(
        get("ConfigMap/later"),
        ("ConfigMap/later".into(), false, None)
    );
}

#[test]
fn an_instance_health_override_replaces_the_built_in_check() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\n  labels: {app.kubernetes.io/part-of: argocd}\ndata:\n  resource.customizations.health.apps_Deployment: |\n    hs = {status = \"Healthy\"}\n    return hs\n";
    let dir = tree(
        "fidelity-override",
        &[
            ("web.yaml", PAUSED_WEB),
            ("later.yaml", CM_WAVE_1),
            ("argocd-cm.yaml", cm),
        ],
    );
    assert_eq!(findings(&dir), vec![], "the override decides, not `paused`");
    let w = waits(&dir);
    let web = w.iter().find(|(l, _, _)| l == "Deployment/web").unwrap();
    assert_eq!(
        web.2.as_deref(),
        Some("Healthy when the instance's own health check says so (Degraded fails)")
    );
    // Without the override the same tree is stuck.
    let dir = tree(
        "fidelity-no-override",
        &[("web.yaml", PAUSED_WEB), ("later.yaml", CM_WAVE_1)],
    );
    assert_eq!(findings(&dir), vec![row("stuck-wave", "web.yaml", 6)]);
}

// 5. App-level `ServerSideApply=false` is never read; Application-only compare options on a
// resource are ignored.
#[test]
fn options_argo_cd_never_reads_where_they_are_written() {
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/elsewhere.git\n    path: web\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n  syncPolicy:\n    syncOptions:\n    - ServerSideApply=false\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    argocd.argoproj.io/compare-options: IgnoreExtraneous,ServerSideDiff=true\n";
    let dir = tree(
        "fidelity-ineffective",
        &[("apps/web.yaml", app), ("cm/cm.yaml", cm)],
    );
    assert_eq!(
        findings(&dir),
        vec![
            row("ineffective-sync-option", "apps/web.yaml", 16),
            row("ineffective-sync-option", "cm/cm.yaml", 6),
        ]
    );
    // `=true` at the app level, and ServerSideDiff on the Application itself, are read.
    let read = app.replace("ServerSideApply=false", "ServerSideApply=true").replace(
        "  namespace: argocd\n",
        "  namespace: argocd\n  annotations:\n    argocd.argoproj.io/compare-options: ServerSideDiff=true\n",
    );
    let dir = tree("fidelity-effective", &[("apps/web.yaml", &read)]);
    assert_eq!(findings(&dir), vec![]);
}

const GIT_CONFIG: &str = "[remote \"origin\"]\n\turl = https://github.com/example/platform.git\n";

fn child(name: &str, path: &str, wave: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{wave}\"\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/example/platform.git\n    path: {path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n"
    )
}

// 6. `crd-order` stays silent when its own fix is in place: the CRD's app is in an earlier app
// wave and Applications have a health check, so the parent waits for it.
#[test]
fn crd_order_accepts_an_earlier_app_wave_with_application_health() {
    let root = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: root\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/example/platform.git\n    path: apps\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n";
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]\n";
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: blue\n";
    let split = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  resource.customizations.health.argoproj.io_Application: |\n    hs = {}\n    hs.status = \"Progressing\"\n    if obj.status ~= nil and obj.status.health ~= nil then\n      hs.status = obj.status.health.status\n    end\n    return hs\n";
    let legacy = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  resource.customizations: |\n    argoproj.io/Application:\n      health.lua: |\n        hs = {}\n        hs.status = \"Progressing\"\n        return hs\n";
    let base = |cm: Option<&str>, crd_wave: &str| {
        let mut files: Vec<(&str, String)> = vec![
            (".git/config", GIT_CONFIG.into()),
            ("root.yaml", root.into()),
            ("apps/crds.yaml", child("crds", "crds", crd_wave)),
            ("apps/widgets.yaml", child("widgets", "widgets", "1")),
            ("crds/crd.yaml", crd.into()),
            ("widgets/blue.yaml", widget.into()),
        ];
        if let Some(cm) = cm {
            files.push(("argocd/argocd-cm.yaml", cm.into()));
        }
        files
    };
    let lint = |name: &str, files: Vec<(&str, String)>| {
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        findings(&tree(name, &refs))
            .into_iter()
            .filter(|(r, _, _)| r == "crd-order")
            .collect::<Vec<_>>()
    };
    // Earlier app wave, but no Application health check: the parent does not wait.
    assert_eq!(
        lint("fidelity-crd-no-health", base(None, "0")),
        vec![row("crd-order", "widgets/blue.yaml", 2)]
    );
    // Split-key and legacy health checks: the parent waits, the CRD exists in time.
    assert_eq!(lint("fidelity-crd-split", base(Some(split), "0")), vec![]);
    assert_eq!(lint("fidelity-crd-legacy", base(Some(legacy), "0")), vec![]);
    // Same app wave: nothing orders them, even with the health check.
    assert_eq!(
        lint("fidelity-crd-same-wave", base(Some(split), "1")),
        vec![row("crd-order", "widgets/blue.yaml", 2)]
    );
}
