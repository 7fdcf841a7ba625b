//! False-positive classes seen on real repositories (issue 8), each as a small tree of our own:
//! the rule must say what it can prove, with the strength of what it knows.

mod common;

use common::{report_with, rows, tree};
use synclint::config::Config;
use synclint::diag::Severity;

const PLATFORM: &str = "https://github.com/example/platform.git";

fn config(version: Option<&str>) -> Config {
    Config {
        argocd_version: version.map(str::to_string),
        ..Config::default()
    }
}

/// (rule, file, line, severity) of the findings of one rule.
fn of_rule(dir: &std::path::Path, cfg: &Config, rule: &str) -> Vec<(String, usize, Severity)> {
    let r = report_with(dir, cfg);
    let mut out: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            let f = &r.files[d.file];
            let rel = f
                .path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, f.line_col(d.span.start).line, d.severity)
        })
        .collect();
    out.sort();
    out
}

const TTL_JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  activeDeadlineSeconds: 600
  backoffLimit: 1
  ttlSecondsAfterFinished: 30
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: m
          image: example/m:1
";

#[test]
fn hook_ttl_follows_the_argocd_version() {
    let dir = tree("precision-ttl", &[("job.yaml", TTL_JOB)]);
    let at = |v| of_rule(&dir, &config(v), "hook-ttl");
    assert_eq!(
        at(Some("2.13.2")),
        vec![("job.yaml".into(), 10, Severity::Warning)]
    );
    assert_eq!(
        at(Some("2.14.2")),
        vec![("job.yaml".into(), 10, Severity::Warning)]
    );
    // The hook finalizer: 2.14.3 and 3.0 hold the hook until its result is recorded.
    assert_eq!(at(Some("2.14.3")), vec![]);
    assert_eq!(at(Some("3.0.0")), vec![]);
    // Unknown release: one info that says how to tell synclint.
    assert_eq!(at(None), vec![("job.yaml".into(), 10, Severity::Info)]);
}

#[test]
fn hook_ttl_ignores_long_ttls() {
    let dir = tree(
        "precision-ttl-long",
        &[(
            "job.yaml",
            &TTL_JOB.replace(
                "ttlSecondsAfterFinished: 30",
                "ttlSecondsAfterFinished: 3600",
            ),
        )],
    );
    assert_eq!(of_rule(&dir, &config(Some("2.9.0")), "hook-ttl"), vec![]);
}

#[test]
fn hook_ttl_version_from_an_install_in_the_tree() {
    let install = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-server
spec:
  selector:
    matchLabels: {app: s}
  template:
    metadata:
      labels: {app: s}
    spec:
      containers:
        - name: s
          image: quay.io/argoproj/argocd:v2.10.4
";
    let dir = tree(
        "precision-ttl-install",
        &[("job.yaml", TTL_JOB), ("argocd/server.yaml", install)],
    );
    assert_eq!(
        of_rule(&dir, &config(None), "hook-ttl"),
        vec![("job.yaml".into(), 10, Severity::Warning)]
    );
}

fn app_of_apps(name: &str, extra: &[(&str, &str)]) -> std::path::PathBuf {
    let root = app("root", "apps", None);
    let (a, b, c) = (
        app("a", "a", Some(1)),
        app("b", "b", Some(2)),
        app("c", "c", Some(3)),
    );
    let mut files: Vec<(&str, &str)> = vec![
        ("root.yaml", &root),
        ("apps/a.yaml", &a),
        ("apps/b.yaml", &b),
        ("apps/c.yaml", &c),
    ];
    files.extend_from_slice(extra);
    let dir = tree(name, &files);
    common::set_origin(&dir, PLATFORM);
    dir
}

#[test]
fn app_wave_no_health_once_per_run_when_the_config_is_elsewhere() {
    let dir = app_of_apps("precision-appwave-unknown", &[]);
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![("apps/a.yaml".into(), 7, Severity::Info)]
    );
}

/// Argo CD's configuration, in the tree, without an Application health check.
const ARGOCD_CM: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  timeout.reconciliation: 180s
";

/// An Argo CD workload: the tree installs Argo CD.
const ARGOCD_CONTROLLER: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: argocd-application-controller
  namespace: argocd
spec:
  serviceName: argocd-application-controller
  selector:
    matchLabels: {app: c}
  template:
    metadata:
      labels: {app: c}
    spec:
      containers:
        - name: c
          image: quay.io/argoproj/argocd:v2.13.1
";

/// Argo CD installed by the tree, its configuration without an Application health check.
fn argocd_install_without_app_health() -> String {
    format!("{ARGOCD_CM}---\n{ARGOCD_CONTROLLER}")
}

#[test]
fn app_wave_no_health_once_per_parent_when_argocd_cm_lacks_it() {
    let dir = app_of_apps(
        "precision-appwave-no",
        &[(
            "argocd/argocd-cm.yaml",
            &argocd_install_without_app_health(),
        )],
    );
    let r = report_with(&dir, &Config::default());
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "app-wave-no-health")
        .collect();
    assert_eq!(d.len(), 1, "{:?}", rows(&dir, &r));
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(
        d[0].message.contains("and 1 other child Application"),
        "{}",
        d[0].message
    );
}

#[test]
fn app_wave_no_health_asks_when_argocd_cm_is_merged_onto_an_install_made_elsewhere() {
    // An argocd-cm of a few keys, synced onto an Argo CD installed by Helm or Terraform outside
    // the tree: merged into the live ConfigMap, whose other keys (perhaps the check) stay.
    let dir = app_of_apps(
        "precision-appwave-cm-patch",
        &[("argocd/argocd-cm-patch.yaml", ARGOCD_CM)],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![("apps/a.yaml".into(), 7, Severity::Info)]
    );
    // The twins: the tree installs Argo CD itself, from its chart or from a remote base, so the
    // argocd-cm it syncs is the whole configuration.
    let chart = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: argocd
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://argoproj.github.io/argo-helm
    chart: argo-cd
    targetRevision: 7.7.0
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
";
    let remote = "resources:
  - https://raw.githubusercontent.com/argoproj/argo-cd/stable/manifests/install.yaml
patches:
  - path: argocd-cm-patch.yaml
";
    for (name, extra) in [
        ("precision-appwave-cm-chart", ("argocd.yaml", chart)),
        (
            "precision-appwave-cm-remote",
            ("argocd/kustomization.yaml", remote),
        ),
    ] {
        let dir = app_of_apps(name, &[("argocd/argocd-cm-patch.yaml", ARGOCD_CM), extra]);
        let found = of_rule(&dir, &Config::default(), "app-wave-no-health");
        assert!(
            found.iter().any(|(_, _, s)| *s == Severity::Warning),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn app_wave_no_health_reads_an_argo_cd_chart_application_that_holds_all_its_values() {
    // Argo CD installed by an Application of the argo-cd chart: its `valuesObject.configs.cm` is
    // argocd-cm, here without an Application health check.
    let chart_app = |helm: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: argocd\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://argoproj.github.io/argo-helm\n    chart: argo-cd\n    targetRevision: 9.0.0\n    helm:\n{helm}  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n"
        )
    };
    let inline = chart_app(
        "      valuesObject:\n        configs:\n          cm:\n            url: https://argo.example.com\n",
    );
    let dir = app_of_apps("precision-appwave-chart-app", &[("argocd.yaml", &inline)]);
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![("apps/a.yaml".into(), 7, Severity::Warning)]
    );
    // With a value file, the rest of argocd-cm may be there: not known.
    let files = chart_app(
        "      valueFiles: [values-prod.yaml]\n      valuesObject:\n        configs:\n          cm:\n            url: https://argo.example.com\n",
    );
    let dir = app_of_apps(
        "precision-appwave-chart-app-files",
        &[("argocd.yaml", &files)],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![("apps/a.yaml".into(), 7, Severity::Info)]
    );
}

#[test]
fn app_wave_no_health_once_for_children_no_application_of_the_tree_syncs() {
    // Two folders of waved Applications that a parent kept elsewhere (Terraform) syncs: their
    // real parent, and its next wave, are not known here; one finding, not one per folder.
    let (a, b, c, d) = (
        app("a", "a", Some(1)),
        app("b", "b", Some(2)),
        app("c", "c", Some(3)),
        app("d", "d", Some(4)),
    );
    let install = argocd_install_without_app_health();
    let dir = tree(
        "precision-appwave-implicit-parents",
        &[
            ("cluster/platform/a.yaml", &a),
            ("cluster/platform/b.yaml", &b),
            ("cluster/apps/c.yaml", &c),
            ("cluster/apps/d.yaml", &d),
            ("cluster/platform/argocd.yaml", &install),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    let r = report_with(&dir, &Config::default());
    let found: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "app-wave-no-health")
        .collect();
    assert_eq!(found.len(), 1, "{:?}", rows(&dir, &r));
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(
        found[0]
            .message
            .contains("no Application of this tree syncs it")
            && found[0].message.contains("and 1 other child Application"),
        "{}",
        found[0].message
    );
}

#[test]
fn app_wave_no_health_sees_the_operator_and_helm_values() {
    let operator = "apiVersion: argoproj.io/v1beta1
kind: ArgoCD
metadata:
  name: argocd
spec:
  resourceHealthChecks:
    - group: argoproj.io
      kind: Application
      check: |
        hs = {status = \"Progressing\"}
        return hs
";
    let dir = app_of_apps(
        "precision-appwave-operator",
        &[("argocd/argocd.yaml", operator)],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![]
    );

    let legacy = "apiVersion: argoproj.io/v1beta1
kind: ArgoCD
metadata:
  name: argocd
spec:
  resourceCustomizations: |
    argoproj.io/Application:
      health.lua: |
        hs = {status = \"Progressing\"}
        return hs
";
    let dir = app_of_apps(
        "precision-appwave-operator-legacy",
        &[("argocd/argocd.yaml", legacy)],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![]
    );

    let values = "configs:
  cm:
    resource.customizations.health.argoproj.io_Application: |
      hs = {status = \"Progressing\"}
      return hs
";
    let dir = app_of_apps(
        "precision-appwave-values",
        &[("argocd/values.yaml", values)],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![]
    );
}

#[test]
fn app_wave_no_health_silent_before_1_8() {
    let dir = app_of_apps("precision-appwave-old", &[]);
    assert_eq!(
        of_rule(&dir, &config(Some("1.7.14")), "app-wave-no-health"),
        vec![]
    );
}

/// The findings of one rule in a tree of `files` whose origin is [`PLATFORM`].
fn rule_in(name: &str, files: &[(&str, &str)], rule: &str) -> Vec<(String, usize, Severity)> {
    let dir = tree(name, files);
    common::set_origin(&dir, PLATFORM);
    of_rule(&dir, &Config::default(), rule)
}

fn app(name: &str, path: &str, wave: Option<i64>) -> String {
    let ann = wave.map_or(String::new(), |w| {
        format!("  annotations:\n    argocd.argoproj.io/sync-wave: \"{w}\"\n")
    });
    common::application(name, path).replacen(
        "  namespace: argocd\n",
        &format!("  namespace: argocd\n{ann}"),
        1,
    )
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
";

/// Two clusters' app-of-apps trees in one repository; `crd_wave`/`cr_wave` are the child apps'
/// waves in the first tree.
fn clusters(name: &str, crd_wave: Option<i64>, cr_wave: Option<i64>) -> std::path::PathBuf {
    clusters_with(name, crd_wave, cr_wave, AUTOMATED_NO_RETRY)
}

/// `spec.syncPolicy` of an automated app, appended to `app()`'s output.
const AUTOMATED: &str = "  syncPolicy:\n    automated: {}\n";

/// An automated app whose `retry` retries nothing (without `retry`, an automated sync is retried
/// 5 times).
const AUTOMATED_NO_RETRY: &str = "  syncPolicy:\n    automated: {}\n    retry:\n      limit: 0\n";

fn clusters_with(
    name: &str,
    crd_wave: Option<i64>,
    cr_wave: Option<i64>,
    widgets_policy: &str,
) -> std::path::PathBuf {
    let files: Vec<(String, String)> = vec![
        (
            "clusters/prod/root.yaml".into(),
            app("root-prod", "clusters/prod/apps", None),
        ),
        (
            "clusters/prod/apps/crds.yaml".into(),
            app("crds", "crds", crd_wave) + AUTOMATED,
        ),
        (
            "clusters/prod/apps/widgets.yaml".into(),
            app("widgets", "widgets", cr_wave) + widgets_policy,
        ),
        (
            "clusters/staging/root.yaml".into(),
            app("root-staging", "clusters/staging/apps", None),
        ),
        (
            "clusters/staging/apps/widgets.yaml".into(),
            app("widgets-staging", "widgets-staging", None),
        ),
        ("crds/widget.yaml".into(), CRD.into()),
        ("widgets/w.yaml".into(), WIDGET.into()),
        ("widgets-staging/w.yaml".into(), WIDGET.into()),
    ];
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = tree(name, &refs);
    common::set_origin(&dir, PLATFORM);
    dir
}

#[test]
fn crd_order_only_within_one_instance_and_cluster() {
    // Unordered in the prod tree: a warning there; the staging tree's Widget is another cluster's.
    let dir = clusters("precision-crd-unordered", None, None);
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Warning)]
    );
    // The message names both apps (it once printed the consumer's internal number).
    let r = report_with(&dir, &Config::default());
    let msg = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "crd-order")
        .map(|d| d.message.clone())
        .unwrap_or_default();
    assert!(
        msg.ends_with("nothing makes `crds` sync before `widgets`"),
        "{msg}"
    );
}

#[test]
fn crd_order_for_a_manual_app_is_info() {
    // Nothing syncs `widgets` until someone asks: the order is theirs, not a certain failure.
    let dir = clusters_with("precision-crd-manual", None, None, "");
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Info)]
    );
    // Automated with retries: the sync fails until the automated `crds` has synced, then a
    // retry succeeds.
    let retry = "  syncPolicy:\n    automated: {}\n    retry:\n      limit: -1\n";
    let dir = clusters_with("precision-crd-retry", None, None, retry);
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Info)]
    );
    // Automated without `retry`: the controller's own 5 retries (`autoSync`), said in the note.
    let dir = clusters_with("precision-crd-retry-default", None, None, AUTOMATED);
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Info)]
    );
    let r = report_with(&dir, &Config::default());
    let note = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "crd-order")
        .and_then(|d| d.note.clone())
        .unwrap_or_default();
    assert!(
        note.contains("retries a failed automated sync 5 times"),
        "{note}"
    );
    // `limit: 0` retries nothing.
    let dir = clusters_with(
        "precision-crd-retry-none",
        None,
        None,
        &retry.replace("-1", "0"),
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Warning)]
    );
}

#[test]
fn crd_order_ignores_argo_cds_own_kinds() {
    // An app that ships Argo CD (its CRDs included) and a sibling whose Applications need them:
    // a controller that syncs either already has the CRDs.
    let crd = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: applications.argoproj.io
spec:
  group: argoproj.io
  names: {kind: Application, plural: applications, singular: application, listKind: ApplicationList}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
";
    let files = [
        ("root.yaml".to_string(), app("root", "apps", None)),
        (
            "apps/argocd.yaml".into(),
            app("argocd", "argocd", None) + AUTOMATED,
        ),
        (
            "apps/team.yaml".into(),
            app("team", "team", None) + AUTOMATED,
        ),
        ("argocd/crd.yaml".into(), crd.into()),
        ("team/child.yaml".into(), app("child", "child", None)),
        (
            "child/cm.yaml".into(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".into(),
        ),
    ];
    let dir = repo("precision-crd-argo-kinds", &files);
    assert_eq!(of_rule(&dir, &Config::default(), "crd-order"), vec![]);
    // The same layout with a kind Argo CD does not define still fires (the twin).
    let widget_files = [
        ("root.yaml".to_string(), app("root", "apps", None)),
        (
            "apps/crds.yaml".into(),
            app("crds", "crds", None) + AUTOMATED,
        ),
        (
            "apps/widgets.yaml".into(),
            app("widgets", "widgets", None) + AUTOMATED_NO_RETRY,
        ),
        ("crds/widget.yaml".into(), CRD.into()),
        ("widgets/w.yaml".into(), WIDGET.into()),
    ];
    let dir = repo("precision-crd-argo-kinds-twin", &widget_files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Warning)]
    );
}

#[test]
fn crd_order_follows_parent_waves_and_app_health() {
    let dir = clusters("precision-crd-waves", Some(1), Some(2));
    // Ordered by waves, but whether the parent waits depends on config not in the tree.
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Info)]
    );
    let declared = Config {
        argocd_health_checks: vec!["argoproj.io/Application".into()],
        ..Config::default()
    };
    assert_eq!(of_rule(&dir, &declared, "crd-order"), vec![]);
    // The CRD's app in a later wave than its consumer, under a parent that waits for each
    // wave's health: the CRD's app is created only once the consumer is healthy, which it
    // never is, so the controller's default retries cannot help.
    let dir = clusters_with("precision-crd-waves-reversed", Some(2), Some(1), AUTOMATED);
    assert_eq!(
        of_rule(&dir, &declared, "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Warning)]
    );
    // The twin in the right order is silent.
    let dir = clusters_with("precision-crd-waves-ordered", Some(1), Some(2), AUTOMATED);
    assert_eq!(of_rule(&dir, &declared, "crd-order"), vec![]);
}

#[test]
fn sync_options_newer_than_the_instance() {
    let cm = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    argocd.argoproj.io/sync-options: ServerSideApply=true,Prune=confirm
data: {}
";
    let dir = tree("precision-option-versions", &[("cm.yaml", cm)]);
    let at = |v| of_rule(&dir, &config(v), "unknown-sync-option");
    // Both read by 2.14; 2.13 ignores `Prune=confirm`; 2.4 ignores both.
    assert_eq!(at(Some("2.14.0")), vec![]);
    assert_eq!(
        at(Some("2.13.5")),
        vec![("cm.yaml".into(), 6, Severity::Error)]
    );
    assert_eq!(
        at(Some("2.4.0")),
        vec![
            ("cm.yaml".into(), 6, Severity::Error),
            ("cm.yaml".into(), 6, Severity::Error)
        ]
    );
    // Unknown release: the newest is assumed, nothing to say.
    assert_eq!(at(None), vec![]);
}

const CM: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {}
";

#[test]
fn duplicates_only_where_an_app_applies_them() {
    // Alternatives side by side in a directory no Application syncs: nothing to prove.
    let app = app("web", "web", None);
    let dir = tree(
        "precision-dup-unclaimed",
        &[
            ("apps/web.yaml", &app),
            ("web/cm.yaml", CM),
            ("alternatives/a.yaml", CM),
            ("alternatives/b.yaml", CM),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "duplicate-resource"),
        vec![]
    );
    // Without any Application, the directory is the unit the user lints.
    let dir = tree(
        "precision-dup-plain",
        &[("alternatives/a.yaml", CM), ("alternatives/b.yaml", CM)],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "duplicate-resource"),
        vec![("alternatives/b.yaml".into(), 4, Severity::Warning)]
    );
}

#[test]
fn fill_in_templates_are_skipped_not_syntax_errors() {
    let freemarker = "apiVersion: v1
kind: ConfigMap
metadata:
  name: issuers
data:
<#if letsencrypt>
  issuer: ${issuer}
</#if>
";
    let placeholder = "apiVersion: v1
kind: Secret
metadata:
  name: repo
stringData:
  url: <REPO_URL>
  - <TOKEN>
";
    let dir = tree(
        "precision-fill-in",
        &[
            ("issuers.ftl.yaml", freemarker),
            ("secret.yaml", placeholder),
        ],
    );
    let r = report_with(&dir, &Config::default());
    let got = rows(&dir, &r);
    assert!(
        !got.iter().any(|(rule, _, _)| rule == "yaml-syntax"),
        "{got:?}"
    );
}

fn kustomized(name: &str, extra: &[(&str, &str)]) -> std::path::PathBuf {
    let app = app("web", "web", None);
    let mut files: Vec<(&str, &str)> = vec![
        ("apps/web.yaml", &app),
        (
            "web/kustomization.yaml",
            "resources:\n  - cm.yaml\n  # - broken.yaml\npatches:\n  - path: patches/cm-patch.yaml\n",
        ),
        ("web/cm.yaml", CM),
        (
            "web/patches/cm-patch.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n",
        ),
    ];
    files.extend_from_slice(extra);
    let dir = tree(name, &files);
    common::set_origin(&dir, PLATFORM);
    dir
}

#[test]
fn files_a_kustomization_leaves_out_are_not_linted() {
    common::require_kustomize();
    let dir = kustomized(
        "precision-left-out",
        &[
            // Commented out of `resources:`, and broken.
            (
                "web/broken.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n",
            ),
            // An unreferenced file in the patch folder: not a whole object, never read.
            (
                "web/patches/unused.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n",
            ),
        ],
    );
    let r = report_with(&dir, &Config::default());
    let got: Vec<_> = rows(&dir, &r)
        .into_iter()
        .filter(|(rule, _, _)| rule != "orphan-manifest")
        .collect();
    assert_eq!(got, vec![], "{:?}", rows(&dir, &r));
}

#[test]
fn files_commented_out_of_a_kustomization_below_it_are_a_menu() {
    // An opt-in menu: the Applications are listed only in comments, and the kustomization's
    // patch would add their repoURL once enabled. Until then nothing applies them.
    let menu = |entry: &str| {
        format!(
            "resources:\n{entry}\npatches:\n  - target: {{kind: Application}}\n    patch: |-\n      - op: add\n        path: /spec/source/repoURL\n        value: {PLATFORM}\n"
        )
    };
    let unfinished = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: monitoring
spec:
  project: default
  source:
    path: monitoring
  destination:
    server: https://kubernetes.default.svc
    namespace: monitoring
";
    let dir = tree(
        "precision-commented-menu",
        &[
            (
                "infra/kustomization.yaml",
                &menu("#- argocd/ace/monitoring.yaml"),
            ),
            ("infra/argocd/ace/monitoring.yaml", unfinished),
            // Not even in the menu, in the menu's folder.
            ("infra/argocd/ace/logging.yaml", unfinished),
        ],
    );
    assert_eq!(of_rule(&dir, &Config::default(), "schema"), vec![]);
    // The twin: the comment names another file, and this one sits outside the kustomization's
    // tree (its patches never reach it): an object of its own.
    let dir = tree(
        "precision-commented-menu-twin",
        &[
            (
                "infra/kustomization.yaml",
                &menu("# - argocd/ace/other.yaml"),
            ),
            ("apps/ace/monitoring.yaml", unfinished),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("apps/ace/monitoring.yaml".into(), 7, Severity::Error)]
    );
}

#[test]
fn duplicate_keys_in_a_built_file_are_kustomizes_business() {
    common::require_kustomize();
    // kustomize (kyaml) builds a second block mapping under a repeated key; the build's output
    // is what Argo CD applies, and it is linted instead.
    let dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    a: b\n  annotations:\n    c: d\ndata: {}\n";
    let dir = kustomized("precision-dup-keys-built", &[("web/cm.yaml", dup)]);
    let r = report_with(&dir, &Config::default());
    let got: Vec<_> = rows(&dir, &r)
        .into_iter()
        .filter(|(rule, _, _)| rule == "yaml-syntax")
        .collect();
    assert_eq!(got, vec![]);
}

#[test]
fn kustomizations_no_application_builds() {
    common::require_kustomize();
    // A broken build that only a bootstrap script runs: an info, not an error.
    let dir = kustomized(
        "precision-unclaimed-build",
        &[
            (
                "bootstrap/kustomization.yaml",
                "resources:\n  - missing.yaml\n",
            ),
            // A template of a kustomization: not built at all.
            (
                "boilerplate/kustomization.yaml",
                "resources:\n  - {{ .Values.name }}.yaml\n",
            ),
        ],
    );
    let r = report_with(&dir, &Config::default());
    let got: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "render-failed")
        .map(|d| {
            (
                r.files[d.file]
                    .path
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                d.severity,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("bootstrap/kustomization.yaml".to_string(), Severity::Info)]
    );
}

#[test]
fn hpa_in_a_directory_no_application_syncs() {
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example/web:1
";
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
";
    let dir = kustomized(
        "precision-hpa-unsynced",
        &[
            ("manifests/deploy.yaml", deploy),
            ("manifests/hpa.yaml", hpa),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "hpa-replicas-fight"),
        vec![]
    );
}

fn project(name: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: {name}
  namespace: argocd
spec:
  sourceRepos: ['*']
  destinations:
    - {{server: '*', namespace: '*'}}
"
    )
}

fn app_in(name: &str, path: &str, project: &str) -> String {
    app(name, path, None).replace("project: default", &format!("project: {project}"))
}

#[test]
fn missing_project_when_the_tree_does_not_deploy_its_projects() {
    // The AppProjects sit in a directory no Application syncs (made by a bootstrap tool): the
    // live projects are elsewhere, so the names the tree lacks are one info, not an error each.
    let (web, api, bad) = (
        app_in("web", "web", "shop"),
        app_in("api", "api", "payments"),
        app_in("db", "db", "data_team"),
    );
    let (stray, typo) = (project("shop-old"), project("payment"));
    let dir = tree(
        "precision-project-elsewhere",
        &[
            ("apps/web.yaml", &web),
            ("apps/api.yaml", &api),
            ("apps/db.yaml", &bad),
            ("projects/old.yaml", &stray),
            ("projects/payment.yaml", &typo),
            ("web/cm.yaml", CM),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "missing-project"),
        vec![
            // A near miss is still a typo; a name no object can have is always wrong.
            ("apps/api.yaml".into(), 7, Severity::Error),
            ("apps/db.yaml".into(), 7, Severity::Error),
            // The rest: one info for the run.
            ("apps/web.yaml".into(), 7, Severity::Info),
        ]
    );
    // The twin: an Application deploys the projects, so the tree is where they come from.
    let projects = app("projects", "projects", None);
    let dir = tree(
        "precision-project-deployed",
        &[
            ("apps/web.yaml", &web),
            ("apps/projects.yaml", &projects),
            ("projects/old.yaml", &stray),
            ("web/cm.yaml", CM),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "missing-project"),
        vec![("apps/web.yaml".into(), 7, Severity::Error)]
    );
}

const BAD_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: example/web:1
";

/// A whole object with a mistake (an unknown field), in a directory no Application syncs.
const BAD_BOOTSTRAP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example/web:1
";

#[test]
fn test_fixtures_and_patch_files_no_application_syncs_are_not_objects() {
    let web = app("web", "web", None);
    let dir = tree(
        "precision-fixtures",
        &[
            ("apps/web.yaml", &web),
            ("web/cm.yaml", CM),
            ("tools/lint/tests/fixtures/no-selector.yaml", BAD_DEPLOY),
            ("pkg/testdata/broken.yaml", "a: [\n"),
            ("cmp/repo-server-patch.yaml", BAD_DEPLOY),
            // The true-positive twins: the same object where Argo CD applies it, and a file in
            // an unsynced directory that nothing marks as a fragment.
            ("web/deploy.yaml", BAD_DEPLOY),
            ("bootstrap/deploy.yaml", BAD_BOOTSTRAP),
            // A workload without a selector where nothing syncs it is the shape of a patch.
            ("ops/keycloak-prod.yaml", BAD_DEPLOY),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    let r = report_with(&dir, &Config::default());
    let mut got: Vec<(String, String, usize)> = rows(&dir, &r)
        .into_iter()
        .filter(|(rule, _, _)| rule == "schema" || rule == "yaml-syntax")
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("schema".into(), "bootstrap/deploy.yaml".into(), 6),
            ("schema".into(), "web/deploy.yaml".into(), 5),
        ]
    );
    // `--verbose` says why each was left out.
    let verbose = r.verbose.join("\n");
    assert!(
        verbose.contains("no-selector.yaml: a test fixture"),
        "{verbose}"
    );
    assert!(
        verbose.contains("repo-server-patch.yaml: named as a patch"),
        "{verbose}"
    );
}

fn hook_job(hook: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: Job
metadata:
  name: hook
  annotations:
    helm.sh/hook: {hook}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: h
          image: example/h:1
"
    )
}

#[test]
fn helm_delete_and_test_hooks_do_not_run_in_a_sync() {
    for (hook, deadline, unknown) in [
        // Runs in every sync (PreSync): no deadline can hang it.
        (
            "pre-install",
            vec![("job.yaml".to_string(), 7, Severity::Warning)],
            vec![],
        ),
        // PreDelete / PostDelete: only when the Application is deleted.
        ("pre-delete", vec![], vec![]),
        ("post-delete", vec![], vec![]),
        // A chart test runs under `helm test` only: leaving it out is what the chart means.
        ("test", vec![], vec![]),
        // A rollback hook is a documented gap; a misspelled hook is a typo.
        (
            "pre-rollback",
            vec![],
            vec![("job.yaml".to_string(), 6, Severity::Info)],
        ),
        (
            "post-instal",
            vec![],
            vec![("job.yaml".to_string(), 6, Severity::Warning)],
        ),
    ] {
        let dir = tree(
            &format!("precision-helm-hook-{hook}"),
            &[("job.yaml", &hook_job(hook))],
        );
        let cfg = Config::default();
        assert_eq!(of_rule(&dir, &cfg, "hook-deadline"), deadline, "{hook}");
        assert_eq!(of_rule(&dir, &cfg, "unknown-hook"), unknown, "{hook}");
        let backoff = of_rule(&dir, &cfg, "hook-backoff-limit");
        assert_eq!(
            backoff.is_empty(),
            hook != "pre-install",
            "{hook}: {backoff:?}"
        );
    }
}

/// A goTemplate ApplicationSet over one list element, with `more` appended to its template spec
/// (indented as its keys).
fn go_template_set(more: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements: [{{name: web, backoff: 15s}}]
  template:
    metadata:
      name: '{{{{.name}}}}'
    spec:
      project: default
      source:
        repoURL: https://github.com/example/other.git
        targetRevision: main
        path: '{{{{.name}}}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: web
{more}"
    )
}

#[test]
fn templated_applicationset_fields_are_checked_after_templating_only() {
    let set = |option: &str, jq: &str| {
        go_template_set(&format!(
            "      ignoreDifferences:
        - group: apps
          kind: Deployment
          jqPathExpressions:
            - '{jq}'
      syncPolicy:
        syncOptions:
          - '{option}'
"
        ))
    };
    let templated = set(
        r#"{{ printf "%s=%s" "ServerSideApply" (dig "ssa" "false" . | toString) }}"#,
        r#"{{ ternary ".spec.replicas" ".x" true }}"#,
    );
    let dir = tree("precision-appset-templated", &[("set.yaml", &templated)]);
    let cfg = Config::default();
    assert_eq!(of_rule(&dir, &cfg, "unknown-sync-option"), vec![]);
    assert_eq!(of_rule(&dir, &cfg, "invalid-ignore-differences"), vec![]);
    // The twin: the same fields written without templates are checked.
    let plain = set("ServerSideAply=true", ".spec.replicas[");
    let dir = tree("precision-appset-plain", &[("set.yaml", &plain)]);
    assert_eq!(
        of_rule(&dir, &cfg, "unknown-sync-option"),
        vec![("set.yaml".into(), 30, Severity::Error)]
    );
    assert_eq!(
        of_rule(&dir, &cfg, "invalid-ignore-differences"),
        vec![("set.yaml".into(), 27, Severity::Error)]
    );
}

#[test]
fn a_release_read_off_an_install_in_the_tree_is_told_not_warned() {
    let cm = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    argocd.argoproj.io/sync-options: Prune=confirm
data: {}
";
    let install = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-server
spec:
  selector:
    matchLabels: {app: argocd-server}
  template:
    metadata:
      labels: {app: argocd-server}
    spec:
      containers:
        - name: argocd-server
          image: quay.io/argoproj/argocd:v2.6.7
";
    let dir = tree(
        "precision-option-version-in-tree",
        &[("cm.yaml", cm), ("legacy/install.yaml", install)],
    );
    assert_eq!(
        of_rule(&dir, &config(None), "unknown-sync-option"),
        vec![("cm.yaml".into(), 6, Severity::Info)]
    );
}

#[test]
fn strategic_merge_patch_directives_are_fragments() {
    let delete = format!("$patch: delete\n{BAD_DEPLOY}");
    let web = app("web", "web", None);
    let dir = tree(
        "precision-patch-directive",
        &[
            ("apps/web.yaml", &web),
            ("web/cm.yaml", CM),
            ("web/drop-setup.yaml", &delete),
            // The twin: the same object without the directive is a whole (invalid) Deployment.
            ("web/setup.yaml", BAD_DEPLOY),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("web/setup.yaml".into(), 5, Severity::Error)]
    );
}

/// An app whose kustomization reads a file outside its directory; `build_options` is what
/// the tree's argocd-cm says about kustomize (None: no argocd-cm; `Some("")`: no options).
fn outside_the_kustomization(name: &str, build_options: Option<&str>) -> std::path::PathBuf {
    common::require_kustomize();
    let web = app("web", "web", None);
    let cm_settings = build_options.map(|o| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  kustomize.buildOptions: \"{o}\"\n"
        )
    });
    // Nested bases: kustomize wraps the cause in one accumulation error per level, and the
    // restrictor's words come last (a message clipped from the front loses them).
    let mut files: Vec<(&str, &str)> = vec![
        ("apps/web.yaml", &web),
        ("web/kustomization.yaml", "resources:\n  - region\n"),
        ("web/region/kustomization.yaml", "resources:\n  - cluster\n"),
        (
            "web/region/cluster/kustomization.yaml",
            "resources:\n  - ../../../shared/a-rather-long-directory-name/for-the-shared-configmap/cm.yaml\n",
        ),
        (
            "shared/a-rather-long-directory-name/for-the-shared-configmap/cm.yaml",
            CM,
        ),
    ];
    if let Some(c) = &cm_settings {
        files.push(("argocd/argocd-cm.yaml", c));
    }
    let dir = tree(name, &files);
    common::set_origin(&dir, PLATFORM);
    dir
}

#[test]
fn a_build_argo_cd_runs_without_the_load_restrictor_is_not_a_proven_failure() {
    let dir = outside_the_kustomization(
        "precision-restrictor-off",
        Some("--load-restrictor LoadRestrictionsNone"),
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("apps/web.yaml".into(), 11, Severity::Info)]
    );
    // Without argocd-cm in the tree, its options are unknown.
    let dir = outside_the_kustomization("precision-restrictor-unknown", None);
    let found = of_rule(&dir, &Config::default(), "render-failed");
    assert_eq!(found, vec![("apps/web.yaml".into(), 11, Severity::Info)]);
    // The twin: argocd-cm keeps the restrictor, so Argo CD's build fails too.
    let dir = outside_the_kustomization("precision-restrictor-on", Some(""));
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("apps/web.yaml".into(), 11, Severity::Error)]
    );
}

#[test]
fn prune_false_from_common_annotations_is_not_reported_on_hooks() {
    common::require_kustomize();
    let hook = "apiVersion: batch/v1
kind: Job
metadata:
  name: setup
  annotations:
    argocd.argoproj.io/hook: PreSync
    OWN
spec:
  activeDeadlineSeconds: 600
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: s
          image: example/s:1
";
    let web = app("web", "web", None);
    let kust = "resources:\n  - cm.yaml\n  - job.yaml\ncommonAnnotations:\n  argocd.argoproj.io/sync-options: Prune=false\n";
    let plain = hook.replace("    OWN\n", "");
    let dir = tree(
        "precision-common-annotations",
        &[
            ("apps/web.yaml", &web),
            ("web/kustomization.yaml", kust),
            ("web/cm.yaml", CM),
            ("web/job.yaml", &plain),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "ineffective-sync-option"),
        vec![]
    );
    // The twin: written on the hook itself, it is the author's mistake.
    let own = hook.replace("OWN", "argocd.argoproj.io/sync-options: Prune=false");
    let dir = tree(
        "precision-own-annotation",
        &[
            ("apps/web.yaml", &web),
            (
                "web/kustomization.yaml",
                "resources:\n  - cm.yaml\n  - job.yaml\n",
            ),
            ("web/cm.yaml", CM),
            ("web/job.yaml", &own),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "ineffective-sync-option"),
        vec![("web/job.yaml".into(), 7, Severity::Warning)]
    );
}

fn job_hook(pod_deadline: Option<u32>) -> String {
    let deadline = pod_deadline.map_or(String::new(), |d| {
        format!("      activeDeadlineSeconds: {d}\n")
    });
    format!(
        "apiVersion: batch/v1
kind: Job
metadata:
  name: approve
  annotations:
    argocd.argoproj.io/hook: Sync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
spec:
  backoffLimit: 0
  template:
    spec:
{deadline}      restartPolicy: Never
      containers:
        - name: a
          image: example/a:1
"
    )
}

#[test]
fn a_pod_deadline_bounds_a_hook_job() {
    let dir = tree(
        "precision-pod-deadline",
        &[("job.yaml", &job_hook(Some(300)))],
    );
    assert_eq!(of_rule(&dir, &Config::default(), "hook-deadline"), vec![]);
    // The twin: no deadline anywhere.
    let dir = tree("precision-no-deadline", &[("job.yaml", &job_hook(None))]);
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![("job.yaml".into(), 8, Severity::Warning)]
    );
}

#[test]
fn templated_retry_fields_of_an_applicationset_wait_for_the_generator() {
    let set = |duration: &str| {
        go_template_set(&format!(
            "      syncPolicy:
        retry:
          limit: 3
          backoff:
            duration: '{duration}'
"
        ))
    };
    let dir = tree(
        "precision-retry-templated",
        &[("set.yaml", &set("{{ .backoff }}"))],
    );
    assert_eq!(of_rule(&dir, &Config::default(), "invalid-retry"), vec![]);
    let dir = tree("precision-retry-plain", &[("set.yaml", &set("15 seconds"))]);
    assert_eq!(
        of_rule(&dir, &Config::default(), "invalid-retry"),
        vec![("set.yaml".into(), 27, Severity::Error)]
    );
}

#[test]
fn a_dangling_link_to_something_that_is_not_a_manifest_is_not_an_error() {
    let dir = tree("precision-dangling", &[("cm.yaml", CM)]);
    std::os::unix::fs::symlink("/nonexistent/bin/tool", dir.join("tool")).unwrap();
    assert_eq!(of_rule(&dir, &Config::default(), "read-error"), vec![]);
    // The twin: a dangling link named like a manifest was meant to be read.
    std::os::unix::fs::symlink("/nonexistent/app.yaml", dir.join("app.yaml")).unwrap();
    assert_eq!(
        of_rule(&dir, &Config::default(), "read-error"),
        vec![("app.yaml".into(), 1, Severity::Error)]
    );
}

#[test]
fn a_workload_scaled_to_zero_waits_for_nothing() {
    let app = |replicas: u32| {
        format!(
            "apiVersion: v1
kind: ConfigMap
metadata:
  name: config
  annotations:
    argocd.argoproj.io/sync-wave: \"5\"
data: {{}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: {replicas}
  serviceName: db
  selector:
    matchLabels: {{app: db}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers:
        - name: db
          image: example/db:1
          envFrom:
            - configMapRef: {{name: config}}
"
        )
    };
    let dir = tree("precision-scaled-to-zero", &[("db.yaml", &app(0))]);
    assert_eq!(of_rule(&dir, &Config::default(), "sync-deadlock"), vec![]);
    let dir = tree("precision-scaled-to-one", &[("db.yaml", &app(1))]);
    assert_eq!(
        of_rule(&dir, &Config::default(), "sync-deadlock"),
        vec![("db.yaml".into(), 26, Severity::Error)]
    );
}

#[test]
fn repositories_scoped_to_a_project_are_its_sources() {
    let proj = "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team
  namespace: argocd
spec:
  sourceRepos: ['https://github.com/example/platform.git']
  destinations:
    - {server: '*', namespace: '*'}
";
    let web = app_in("web", "web", "team").replace(
        "repoURL: https://github.com/example/platform.git",
        "repoURL: https://github.com/example/charts.git",
    );
    let secret = "apiVersion: v1
kind: Secret
metadata:
  name: charts-repo
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: https://github.com/example/charts.git
  project: team
";
    let projects = app("projects", "projects", None);
    let files = |with_secret: bool| {
        let mut f: Vec<(&str, &str)> = vec![
            ("apps/web.yaml", &web),
            ("apps/projects.yaml", &projects),
            ("projects/team.yaml", proj),
        ];
        if with_secret {
            f.push(("projects/repo.yaml", secret));
        }
        f
    };
    let dir = tree("precision-scoped-repo", &files(true));
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "project-denies-resource"),
        vec![]
    );
    let dir = tree("precision-unscoped-repo", &files(false));
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "project-denies-resource"),
        vec![("apps/web.yaml".into(), 9, Severity::Error)]
    );
}

#[test]
fn an_application_commented_out_of_its_kustomization_switches_its_directory_off() {
    let (web, db) = (app("web", "web", None), app("db", "db", None));
    let root = app("root", "apps", None);
    let tree_with = |name: &str, kust: &str| {
        let dir = tree(
            name,
            &[
                ("root.yaml", &root),
                ("apps/kustomization.yaml", kust),
                ("apps/web.yaml", &web),
                ("apps/db.yaml", &db),
                ("web/cm.yaml", CM),
                ("db/job.yaml", &job_hook(None)),
            ],
        );
        common::set_origin(&dir, PLATFORM);
        dir
    };
    let dir = tree_with(
        "precision-switched-off",
        "resources:\n  - web.yaml\n  # - db.yaml\n",
    );
    assert_eq!(of_rule(&dir, &Config::default(), "hook-deadline"), vec![]);
    // The twin: the Application is listed, so its hook runs in every sync.
    let dir = tree_with(
        "precision-switched-on",
        "resources:\n  - web.yaml\n  - db.yaml\n",
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![("db/job.yaml".into(), 8, Severity::Warning)]
    );
}

#[test]
fn a_tree_that_itself_lives_under_a_fixtures_directory_is_linted() {
    // Only directories inside the linted tree say "test input": where the user keeps the tree
    // (a CI workspace, a `fixtures/` folder of another project) says nothing about it.
    let web = app("web", "web", None);
    let outer = common::scratch("precision-outer");
    let dir = outer.join("fixtures").join("repo");
    for (rel, text) in [
        ("apps/web.yaml", web.as_str()),
        ("web/cm.yaml", CM),
        ("bootstrap/deploy.yaml", BAD_BOOTSTRAP),
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    common::set_origin(&dir, PLATFORM);
    // Linted, not set aside; no Application syncs `bootstrap/`, so the finding is info.
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("bootstrap/deploy.yaml".into(), 6, Severity::Info)]
    );
}

#[test]
fn docs_examples_and_scaffolds_no_application_syncs_are_not_objects() {
    // A copy of argocd-example-apps under docs/, a kustomization among the examples and a
    // scaffold to copy: in a tree whose Applications say what is applied, none of it is synced.
    let web = app("web", "web", None);
    let job = hook_job("pre-install");
    let kust = "resources:\n  - job.yaml\n";
    let dir = tree(
        "precision-docs",
        &[
            ("apps/web.yaml", &web),
            ("web/job.yaml", &job),
            ("docs/guide/example/sync-waves/manifests.yaml", &job),
            ("docs/guide/example/pre-post-sync/kustomization.yaml", kust),
            ("docs/guide/example/pre-post-sync/job.yaml", &job),
            ("services/_template/job.yaml", &job),
            // Manifests a CUE module vendors for its definitions.
            ("cue/cue.mod/gen/k8s/job.yaml", &job),
            // A scaffold's Application names a placeholder path nothing has created yet.
            (
                "services/_template/apps/SERVICE_NAME-dev.yaml",
                &app(
                    "SERVICE_NAME-dev",
                    "services/SERVICE_NAME/overlays/dev",
                    None,
                ),
            ),
            // Its true-positive twin: a real Application with a path that does not exist.
            (
                "apps/api.yaml",
                &app("api", "services/api/overlays/dev", None),
            ),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    let r = report_with(&dir, &Config::default());
    let of =
        |r: &synclint::Report, dir: &std::path::Path, rule: &str| -> Vec<(String, String, usize)> {
            let mut v: Vec<_> = rows(dir, r)
                .into_iter()
                .filter(|(x, _, _)| x == rule)
                .collect();
            v.sort();
            v
        };
    let paths = of(&r, &dir, "unknown-path");
    assert_eq!(
        paths,
        vec![("unknown-path".into(), "apps/api.yaml".into(), 11)]
    );
    let got = of(&r, &dir, "hook-deadline");
    // The true positive: the same hook where an Application syncs it.
    assert_eq!(
        got,
        vec![("hook-deadline".into(), "web/job.yaml".into(), 7)]
    );
    let verbose = r.verbose.join("\n");
    assert!(
        verbose.contains("manifests.yaml: documentation, an example or a scaffold"),
        "{verbose}"
    );

    // Without Applications in the tree, nothing says what is applied: docs are linted.
    let dir = tree(
        "precision-docs-no-apps",
        &[("docs/guide/example/sync-waves/manifests.yaml", &job)],
    );
    let r = report_with(&dir, &Config::default());
    let got = of(&r, &dir, "hook-deadline");
    assert_eq!(
        got,
        vec![(
            "hook-deadline".into(),
            "docs/guide/example/sync-waves/manifests.yaml".into(),
            7
        )]
    );
}

/// One rule's findings: (file name, line, the finding).
fn findings<'r>(
    r: &'r synclint::Report,
    rule: &str,
) -> Vec<(String, usize, &'r synclint::diag::Diagnostic)> {
    r.diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            let f = &r.files[d.file];
            let name = f.name.rsplit('/').next().unwrap_or("").to_string();
            (name, f.line_col(d.span.start).line, d)
        })
        .collect()
}

#[test]
fn a_project_refusal_names_the_app_whose_project_refuses() {
    // One directory synced by two apps: dev's project permits the object's namespace, prod's
    // does not. The finding belongs to the prod app, not to the first app holding the object.
    let cm = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: web-dev
data: {}
";
    let prod_project = project("prod").replace(
        "- {server: '*', namespace: '*'}",
        "- {server: '*', namespace: 'web-prod'}",
    );
    let dir = tree(
        "precision-project-app",
        &[
            ("apps/a-dev.yaml", &app_in("web-dev", "web", "dev")),
            ("apps/b-prod.yaml", &app_in("web-prod", "web", "prod")),
            ("projects/dev.yaml", &project("dev")),
            ("projects/prod.yaml", &prod_project),
            ("apps/projects.yaml", &app("projects", "projects", None)),
            ("web/cm.yaml", cm),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    let r = report_with(&dir, &Config::default());
    let got: Vec<(String, usize, Option<String>)> = findings(&r, "project-denies-resource")
        .into_iter()
        .map(|(file, line, d)| (file, line, d.app.clone()))
        .collect();
    assert_eq!(got, vec![("cm.yaml".into(), 5, Some("web-prod".into()))]);
}

#[test]
fn a_required_field_at_the_wrong_depth_is_one_finding() {
    // `template.spec` indented as a sibling of `template`: the unknown `spec.spec` says where it
    // is; "missing template.spec" is the same mistake seen from the other side.
    let set = go_template_set("");
    let (head, spec) = set.split_once("    spec:\n").unwrap();
    let dedented: String = spec.lines().map(|l| format!("{}\n", &l[2..])).collect();
    let wrong_depth = format!("{head}  spec:\n{dedented}");
    let spec_line = head.lines().count() + 1;
    let schema = |dir: &std::path::Path| {
        let r = report_with(dir, &Config::default());
        let mut v: Vec<(String, usize, String)> = findings(&r, "schema")
            .into_iter()
            .map(|(file, line, d)| (file, line, d.message.clone()))
            .collect();
        v.sort();
        v
    };
    let dir = tree("precision-wrong-depth", &[("appset.yaml", &wrong_depth)]);
    assert_eq!(
        schema(&dir),
        vec![(
            "appset.yaml".into(),
            spec_line,
            "unknown field `spec` in ApplicationSet.spec".into()
        )]
    );
    // The twin: no `spec` anywhere is a missing field.
    let dir = tree("precision-missing-spec", &[("appset.yaml", head)]);
    let got = schema(&dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0]
            .2
            .starts_with("missing required field `spec` in ApplicationSet.spec.template"),
        "{got:?}"
    );
}

/// A tree of (path, text) pairs with the platform repository's `origin`.
fn repo(name: &str, files: &[(String, String)]) -> std::path::PathBuf {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = tree(name, &refs);
    common::set_origin(&dir, PLATFORM);
    dir
}

/// An app at `path` of this repository.
fn web_app(path: &str) -> String {
    app("web", path, None) + AUTOMATED
}

#[test]
fn a_build_that_needs_a_kustomize_plugin_is_not_rendered_not_failed() {
    common::require_kustomize();
    // ksops (an exec KRM function) and a Helm inflation generator: Argo CD builds them when its
    // buildOptions allow, synclint never runs them. Neither is a proven failure.
    let ksops = "apiVersion: viaduct.ai/v1
kind: ksops
metadata:
  name: secrets
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ksops
files: [secret.enc.yaml]
";
    let inflate = "apiVersion: builtin
kind: HelmChartInflationGenerator
metadata: {name: traefik}
name: traefik
repo: https://traefik.github.io/charts
version: 41.0.2
";
    let legacy = "apiVersion: example.com/v1
kind: SopsSecretGenerator
metadata: {name: legacy}
";
    let files = [
        (
            "apps/ksops.yaml".to_string(),
            app("ksops", "ksops", None) + AUTOMATED,
        ),
        (
            "apps/traefik.yaml".into(),
            app("traefik", "traefik", None) + AUTOMATED,
        ),
        (
            "apps/legacy.yaml".into(),
            app("legacy", "legacy", None) + AUTOMATED,
        ),
        (
            "ksops/kustomization.yaml".into(),
            "resources: [cm.yaml]\ngenerators: [gen.yaml]\n".into(),
        ),
        ("ksops/gen.yaml".into(), ksops.into()),
        ("ksops/cm.yaml".into(), CM.into()),
        (
            "traefik/kustomization.yaml".into(),
            "generators: [helm.yaml]\n".into(),
        ),
        ("traefik/helm.yaml".into(), inflate.into()),
        (
            "legacy/kustomization.yaml".into(),
            "transformers: [t.yaml]\nresources: [cm.yaml]\n".into(),
        ),
        ("legacy/t.yaml".into(), legacy.into()),
        ("legacy/cm.yaml".into(), CM.into()),
    ];
    let dir = repo("precision-kustomize-plugins", &files);
    assert_eq!(of_rule(&dir, &Config::default(), "render-failed"), vec![]);
    let r = report_with(&dir, &Config::default());
    for (app, why) in [
        ("ksops", "runs the KRM function `ksops`"),
        ("traefik", "`HelmChartInflationGenerator`"),
        ("legacy", "the kustomize plugin `SopsSecretGenerator`"),
    ] {
        assert!(
            r.verbose
                .iter()
                .any(|v| v.contains(&format!("{app}: not rendered")) && v.contains(why)),
            "{app}: {:?}",
            r.verbose
        );
    }
    // The twins: a built-in generator renders, and a build that fails for its own reasons is a
    // finding.
    let builtin = "apiVersion: builtin
kind: ConfigMapGenerator
metadata: {name: generated}
literals: [a=b]
";
    let files = [
        ("apps/gen.yaml".to_string(), web_app("web")),
        (
            "web/kustomization.yaml".into(),
            "generators: [gen.yaml]\n".into(),
        ),
        ("web/gen.yaml".into(), builtin.into()),
        (
            "apps/broken.yaml".into(),
            app("broken", "broken", None) + AUTOMATED,
        ),
        (
            "broken/kustomization.yaml".into(),
            "resources: [missing.yaml]\n".into(),
        ),
    ];
    let dir = repo("precision-kustomize-plugins-twin", &files);
    let r = report_with(&dir, &Config::default());
    assert!(
        r.files
            .iter()
            .any(|f| f.text().contains("name: generated-")),
        "the built-in generator's ConfigMap is rendered"
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("apps/broken.yaml".into(), 11, Severity::Error)]
    );
}

#[test]
fn app_health_config_of_one_app_tree_does_not_judge_another() {
    // Two clusters, each with a root app; only tree `a` syncs an argocd-cm (without the
    // Application health check). Tree `b`'s instance is configured elsewhere: a question.
    let cm = argocd_install_without_app_health();
    let layout = |cm_dir: &str| {
        vec![
            ("clusters/a/root.yaml".to_string(), app("root-a", "a", None)),
            ("clusters/b/root.yaml".into(), app("root-b", "b", None)),
            (format!("{cm_dir}/argocd-cm.yaml"), cm.to_string()),
            ("b/first.yaml".into(), app("first", "first", Some(-1))),
            ("b/second.yaml".into(), app("second", "second", Some(1))),
            ("first/cm.yaml".into(), CM.into()),
            ("second/cm.yaml".into(), CM.into()),
        ]
    };
    let files = layout("a");
    let dir = repo("precision-health-other-tree", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![("b/first.yaml".into(), 7, Severity::Info)]
    );
    // The twin: the same tree syncs the configuration, so it is that instance's: a warning.
    let files = layout("b");
    let dir = repo("precision-health-same-tree", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![("b/first.yaml".into(), 7, Severity::Warning)]
    );
    // Two top-level Applications side by side (Argo CD itself, and the root of the apps) are
    // one instance's bootstrap: its configuration judges the other tree too.
    let mut files = layout("a");
    files[0].0 = "clusters/b/argocd.yaml".into();
    let dir = repo("precision-health-side-by-side", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "app-wave-no-health"),
        vec![("b/first.yaml".into(), 7, Severity::Warning)]
    );
}

#[test]
fn crd_order_counts_a_rolling_sync_as_automatic() {
    // An ApplicationSet's RollingSync strategy syncs its apps itself (and removes their
    // automated policy): they race the CRD's app as automated apps do.
    let set = |strategy: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: widgets
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: prod
{strategy}  template:
    metadata:
      name: 'widgets-{{{{env}}}}'
      labels:
        env: '{{{{env}}}}'
    spec:
      project: default
      source:
        repoURL: {PLATFORM}
        targetRevision: main
        path: widgets
      destination:
        server: https://kubernetes.default.svc
        namespace: widgets
"
        )
    };
    let rolling = "  strategy:
    type: RollingSync
    rollingSync:
      steps:
        - matchExpressions:
            - {key: env, operator: In, values: [prod]}
";
    let layout = |strategy: &str| {
        vec![
            ("root.yaml".to_string(), app("root", "apps", None)),
            (
                "apps/crds.yaml".into(),
                app("crds", "crds", None) + AUTOMATED,
            ),
            ("apps/widgets.yaml".into(), set(strategy)),
            ("crds/widget.yaml".into(), CRD.into()),
            ("widgets/w.yaml".into(), WIDGET.into()),
        ]
    };
    let dir = repo("precision-crd-rolling", &layout(rolling));
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Warning)]
    );
    // The twin: without a strategy or a policy, the generated app waits for someone.
    let dir = repo("precision-crd-rolling-none", &layout(""));
    assert_eq!(
        of_rule(&dir, &Config::default(), "crd-order"),
        vec![("widgets/w.yaml".into(), 2, Severity::Info)]
    );
}

#[test]
fn hook_delete_policy_says_which_runs_leave_a_named_hook() {
    let job = |name: &str, policy: &str| {
        format!(
            "apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: {policy}
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 300
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: m, image: busybox:1.36}}]
"
        )
    };
    let files = [
        ("a.yaml".to_string(), job("a", "HookSucceeded")),
        ("b.yaml".into(), job("b", "HookFailed")),
        ("c.yaml".into(), job("c", "HookSucceeded,HookFailed")),
        (
            "d.yaml".into(),
            job("d", "BeforeHookCreation,HookSucceeded"),
        ),
    ];
    let dir = repo("precision-hook-delete-runs", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-delete-policy"),
        vec![
            ("a.yaml".into(), 7, Severity::Warning),
            ("b.yaml".into(), 7, Severity::Warning),
            ("c.yaml".into(), 7, Severity::Info),
        ]
    );
    let r = report_with(&dir, &Config::default());
    let messages: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "hook-delete-policy")
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages[0].contains("a failed run leaves the old Job"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("a successful run leaves the old Job"),
        "{messages:?}"
    );
}

#[test]
fn placeholders_filled_in_before_apply_are_not_type_checked() {
    // `${…}` values are substituted before apply (a Config Management Plugin running envsubst
    // with `${ARGOCD_ENV_*}`, a pipeline): their type is not known offline.
    let pvc = |storage: &str, replicas: &str| {
        format!(
            "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: {storage}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: nginx:1.27}}]
"
        )
    };
    let files = [(
        "pvc.yaml".to_string(),
        pvc("${ARGOCD_ENV_CAPACITY}", "\"${REPLICAS}\""),
    )];
    let dir = repo("precision-placeholders", &files);
    assert_eq!(of_rule(&dir, &Config::default(), "schema"), vec![]);
    // The twin: literal values of the wrong form are still errors.
    let files = [("pvc.yaml".to_string(), pvc("lots", "\"three\""))];
    let dir = repo("precision-placeholders-twin", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![
            ("pvc.yaml".into(), 9, Severity::Error),
            ("pvc.yaml".into(), 16, Severity::Error)
        ]
    );
}

#[test]
fn sops_encrypted_files_are_not_objects() {
    let secret = |key: &str| {
        format!(
            "apiVersion: v1
kind: Secret
metadata:
  name: keys
type: Opaque
stringData:
  key: ENC[AES256_GCM,data:abc=,type:str]
{key}:
  lastmodified: \"2024-01-01T00:00:00Z\"
  mac: ENC[AES256_GCM,data:def=,type:str]
  version: 3.8.1
"
        )
    };
    let dir = repo(
        "precision-sops",
        &[("secret.sops.yaml".to_string(), secret("sops"))],
    );
    assert_eq!(of_rule(&dir, &Config::default(), "schema"), vec![]);
    let r = report_with(&dir, &Config::default());
    assert!(
        r.verbose.iter().any(|v| v.contains("SOPS-encrypted")),
        "{:?}",
        r.verbose
    );
    // The twin: an unknown top-level block that is not SOPS metadata is still reported.
    let dir = repo(
        "precision-sops-twin",
        &[("secret.yaml".to_string(), secret("extra"))],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("secret.yaml".into(), 8, Severity::Error)]
    );
}

#[test]
fn a_build_that_reads_a_gitignored_generated_file_is_info_when_no_application_builds_it() {
    common::require_kustomize();
    // The rendered-manifests pattern: a pipeline writes `.stage/` (ignored by Git), then builds
    // the overlay and publishes the result. No Application builds it from Git: nothing proven.
    let files = [
        (
            ".gitignore".to_string(),
            "# pipeline output\nplatform/*/.stage/\n".to_string(),
        ),
        (
            "platform/dex/overlay/kustomization.yaml".into(),
            "resources: [../.stage/dex.yaml]\n".into(),
        ),
        // The twin in the same tree: a file that is simply missing, not ignored.
        (
            "platform/web/kustomization.yaml".into(),
            "resources:\n  - namespace.yaml\n".into(),
        ),
    ];
    let dir = repo("precision-render-gitignored", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![
            (
                "platform/dex/overlay/kustomization.yaml".into(),
                1,
                Severity::Info
            ),
            ("platform/web/kustomization.yaml".into(), 1, Severity::Error),
        ]
    );
    let r = report_with(&dir, &Config::default());
    assert!(
        r.diagnostics.iter().any(|d| d.rule == "render-failed"
            && d.note
                .as_ref()
                .is_some_and(|n| n.contains("`platform/dex/.stage`")
                    && n.contains(".gitignore leaves out of Git"))),
        "{:?}",
        r.diagnostics
    );
    // An Application that builds it from Git fails: Argo CD's clone has no ignored file.
    let mut files = files.to_vec();
    files.push((
        "apps/dex.yaml".into(),
        app("dex", "platform/dex/overlay", None) + AUTOMATED,
    ));
    let dir = repo("precision-render-gitignored-app", &files);
    assert!(
        of_rule(&dir, &Config::default(), "render-failed").contains(&(
            "apps/dex.yaml".into(),
            11,
            Severity::Error
        ))
    );
    let r = report_with(&dir, &Config::default());
    assert!(
        r.diagnostics.iter().any(|d| d.rule == "render-failed"
            && d.note.as_ref().is_some_and(|n| n.contains("nothing syncs")
                && n.contains("Argo CD's clone of the repository does not have it"))),
        "{:?}",
        r.diagnostics
    );
}

const PRESYNC_JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: m
          image: example/m:1
";

#[test]
fn findings_no_application_syncs_are_info_in_a_tree_whose_applications_all_resolve() {
    // `web` is synced; `ops/` is applied by hand (hooks mean nothing to kubectl) and
    // `leftover/` was left behind. Every Application resolves: the tree says all Argo CD applies.
    let files = vec![
        ("apps/web.yaml".to_string(), web_app("web")),
        ("web/job.yaml".into(), PRESYNC_JOB.into()),
        ("ops/job.yaml".into(), PRESYNC_JOB.into()),
        (
            "leftover/kustomization.yaml".into(),
            "resources: [job.yaml]\n".into(),
        ),
        ("leftover/job.yaml".into(), PRESYNC_JOB.into()),
    ];
    let dir = repo("precision-unsynced-closed", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![
            ("leftover/job.yaml".into(), 7, Severity::Info),
            ("ops/job.yaml".into(), 7, Severity::Info),
            ("web/job.yaml".into(), 7, Severity::Warning),
        ]
    );
    let r = report_with(&dir, &Config::default());
    assert!(r.diagnostics.iter().any(|d| {
        d.rule == "hook-deadline"
            && d.severity == Severity::Info
            && d.note
                .as_deref()
                .is_some_and(|n| n.contains("no Application of this tree syncs this file"))
    }));
    // Twins: the tree is open, so no directory can be ruled out. (1) An Application written in
    // a template whose path is all template; (2) a remote base of this repository's owner
    // (an app of apps kept elsewhere); (3) a placeholder repoURL (a catalog); (4) Flux.
    let template_app = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: '{{ .Values.name }}'
spec:
  source:
    repoURL: https://github.com/example/platform.git
    path: '{{ .Values.path }}'
";
    let flux = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ops}
spec: {path: ./ops, sourceRef: {kind: GitRepository, name: flux-system}}
";
    let open: [(&str, &str, String); 4] = [
        (
            "template",
            "charts/root/templates/app.yaml",
            template_app.into(),
        ),
        (
            "own-remote",
            "bootstrap/kustomization.yaml",
            "resources:\n  - https://github.com/example/bootstrap//apps?ref=main\n".into(),
        ),
        (
            "placeholder",
            "apps/catalog.yaml",
            // Its path is not here: the placeholder names another repository.
            app("catalog", "catalog", None).replace(PLATFORM, "patch-me"),
        ),
        ("flux", "clusters/flux.yaml", flux.into()),
    ];
    for (name, path, text) in open {
        let mut files = files.clone();
        if name == "template" {
            files.push((
                "charts/root/Chart.yaml".into(),
                "apiVersion: v2\nname: root\nversion: 1.0.0\n".into(),
            ));
        }
        files.push((path.into(), text));
        let dir = repo(&format!("precision-unsynced-open-{name}"), &files);
        let found = of_rule(&dir, &Config::default(), "hook-deadline");
        assert!(
            found.contains(&("ops/job.yaml".into(), 7, Severity::Warning)),
            "{name}: {found:?}"
        );
        let r = report_with(&dir, &Config::default());
        assert!(
            r.verbose.iter().any(
                |v| v.starts_with("files no Application syncs are linted as apps of their own")
            ),
            "{name}: {:?}",
            r.verbose
        );
    }
}

#[test]
fn a_required_crd_field_with_a_default_is_never_missing() {
    let crd = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gadget, plural: gadgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [interval, url]
              properties:
                url: {type: string}
                interval: {type: string, default: 5m}
";
    let gadget = |spec: &str| {
        format!("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {{name: g}}\nspec:\n{spec}")
    };
    let dir = tree(
        "precision-crd-default",
        &[
            ("crd.yaml", crd),
            ("defaulted.yaml", &gadget("  url: https://example.com\n")),
            // The twin: `url` has no default, so leaving it out is still an error.
            ("missing.yaml", &gadget("  interval: 1m\n")),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("missing.yaml".into(), 4, Severity::Error)]
    );
}

#[test]
fn a_list_generator_element_that_is_not_a_mapping_generates_nothing() {
    let set = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: svc, namespace: argocd}
spec:
  generators:
    - list:
        elements:
          - green
  template:
    metadata: {name: svc-green}
    spec:
      project: default
      source: {repoURL: 'https://github.com/example/platform.git', path: svc}
      destination: {server: 'https://kubernetes.default.svc', namespace: svc}
";
    let dir = repo(
        "precision-list-generator-string",
        &[
            ("sets/svc.yaml".to_string(), set.to_string()),
            ("svc/cm.yaml".into(), CM.into()),
        ],
    );
    let found = of_rule(&dir, &Config::default(), "unresolved-generator");
    assert_eq!(found, vec![("sets/svc.yaml".into(), 8, Severity::Info)]);
    let r = report_with(&dir, &Config::default());
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.rule == "unresolved-generator" && d.message.contains("not a mapping"))
    );
}

#[test]
fn a_stray_application_no_build_lists_is_not_live() {
    // The root app builds `apps/` (kustomize), which lists `web.yaml`; `apps/media/old.yaml`
    // was never added. Argo CD never creates `old`: its missing path is not a sync failure.
    let files = vec![
        (
            "bootstrap/root.yaml".to_string(),
            app("root", "apps", None) + AUTOMATED,
        ),
        (
            "apps/kustomization.yaml".into(),
            "resources: [web.yaml]\n".into(),
        ),
        ("apps/web.yaml".into(), web_app("web")),
        ("apps/media/old.yaml".into(), app("old", "gone", None)),
        ("web/cm.yaml".into(), CM.into()),
    ];
    let dir = repo("precision-stray-application", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("apps/media/old.yaml".into(), 11, Severity::Info)]
    );
    // The twin: listed by the kustomization, the same Application is live and its path fails.
    let mut files = files;
    files[1].1 = "resources: [web.yaml, media/old.yaml]\n".into();
    let dir = repo("precision-stray-application-listed", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("apps/media/old.yaml".into(), 11, Severity::Error)]
    );
    // A tree whose Applications all read other repositories is synced from elsewhere: open.
    let files = vec![
        (
            "apps/ext.yaml".to_string(),
            app("ext", "web", None).replace(PLATFORM, "https://github.com/example/other.git"),
        ),
        ("ops/job.yaml".into(), PRESYNC_JOB.into()),
    ];
    let dir = repo("precision-synced-from-elsewhere", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![("ops/job.yaml".into(), 7, Severity::Warning)]
    );
}

#[test]
fn unknown_path_skips_placeholders_and_the_dropped_copy_of_a_duplicate() {
    // `${ENV}` in a path is filled in before apply (a terraform template). The root app lists
    // `relay` twice: Argo CD keeps the last copy, whose path exists; the first is never created.
    let dropped = app("relay", "k8s/relay", None);
    let kept = app("relay", "k8s/games/relay", None);
    let files = vec![
        ("bootstrap/root.yaml".to_string(), app("root", "apps", None)),
        ("apps/relay.yaml".into(), format!("{dropped}---\n{kept}")),
        ("k8s/games/relay/cm.yaml".into(), CM.into()),
        ("tf/env.tmpl.yaml".into(), app("env", "envs/${env}", None)),
        // The twin: a plain missing path still fails.
        ("apps/gone.yaml".into(), app("gone", "k8s/gone", None)),
    ];
    let dir = repo("precision-unknown-path-placeholders", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("apps/gone.yaml".into(), 11, Severity::Error)]
    );
}

#[test]
fn an_optional_field_written_empty_is_pruned_not_a_type_error() {
    let crd = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gizmo, plural: gizmos}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          required: [size]
          properties:
            size: {type: string}
            spec:
              type: object
              properties:
                replicas: {type: integer}
";
    let dir = tree(
        "precision-null-pruned",
        &[
            ("crd.yaml", crd),
            // `spec:` with no value: the API server drops the null.
            (
                "empty.yaml",
                "apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: a}\nsize: s\nspec:\n",
            ),
            // The twin: a required field written empty is still an error, on the null.
            (
                "required.yaml",
                "apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: b}\nsize:\n",
            ),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("required.yaml".into(), 4, Severity::Error)]
    );
}

#[test]
fn hook_delete_policy_is_info_when_a_ttl_removes_the_finished_job() {
    let job = |ttl: &str| {
        format!(
            "apiVersion: batch/v1
kind: Job
metadata:
  name: seed
  annotations:
    argocd.argoproj.io/hook: PostSync
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
{ttl}  activeDeadlineSeconds: 60
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: s
          image: example/s:1
"
        )
    };
    let dir = tree(
        "precision-hook-delete-ttl",
        &[
            ("ttl/job.yaml", &job("  ttlSecondsAfterFinished: 100\n")),
            ("plain/job.yaml", &job("")),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-delete-policy"),
        vec![
            ("plain/job.yaml".into(), 7, Severity::Warning),
            ("ttl/job.yaml".into(), 7, Severity::Info),
        ]
    );
}

#[test]
fn a_v1beta1_crd_keeps_unknown_fields() {
    // apiextensions.k8s.io/v1beta1 defaults `preserveUnknownFields` to true: the API server
    // keeps `colour`. The v1 twin prunes it, and strict validation rejects it.
    let v1beta1 = "apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: widgets.old.example.com}
spec:
  group: old.example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  version: v1alpha1
  validation:
    openAPIV3Schema:
      type: object
      properties:
        spec: {type: object, properties: {size: {type: string}}}
";
    let v1 = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.new.example.com}
spec:
  group: new.example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: string}}}
";
    let widget = |group: &str| {
        format!(
            "apiVersion: {group}/v1alpha1\nkind: Widget\nmetadata: {{name: w}}\nspec:\n  size: big\n  colour: red\n"
        )
    };
    let dir = tree(
        "precision-v1beta1-crd",
        &[
            ("old/crd.yaml", v1beta1),
            ("old/widget.yaml", &widget("old.example.com")),
            ("new/crd.yaml", v1),
            ("new/widget.yaml", &widget("new.example.com")),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("new/widget.yaml".into(), 6, Severity::Error)]
    );
}

#[test]
fn stub_and_retired_applications_are_not_apps() {
    // A stub to copy (`dash-{{TEAM}}`) names no object; an Application parked in
    // `apps/00-disabled/` that no app syncs is never created. Their twins are live.
    let project = "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: teams, namespace: argocd}
spec:
  sourceRepos: ['https://github.com/example/platform.git']
  destinations: [{server: 'https://kubernetes.default.svc', namespace: '*'}]
";
    let stub = |name: &str| {
        app(name, "web", None)
            .replace("project: default", "project: teams")
            .replace(PLATFORM, "https://github.com/your-org/platform.git")
    };
    let files = vec![
        (
            "bootstrap/root.yaml".to_string(),
            app("root", "apps/live", None),
        ),
        ("platform/project.yaml".into(), project.into()),
        ("apps/live/web.yaml".into(), web_app("web")),
        ("web/cm.yaml".into(), CM.into()),
        ("scaffolds/team/app.yaml".into(), stub("dash-{{TEAM}}")),
        (
            "apps/00-disabled/legacy.yaml".into(),
            app("legacy", "gone", None),
        ),
        // The twins: a filled-in copy is denied; a live Application's missing path fails.
        ("apps/live/dash.yaml".into(), stub("dash-red")),
        ("apps/live/broken.yaml".into(), app("broken", "gone", None)),
    ];
    let dir = repo("precision-stub-retired", &files);
    let r = report_with(&dir, &Config::default());
    let found: Vec<(&str, String, Severity)> = r
        .diagnostics
        .iter()
        .filter(|d| matches!(d.rule, "project-denies-resource" | "unknown-path"))
        .map(|d| {
            let f = &r.files[d.file];
            let rel = f
                .path
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (d.rule, rel, d.severity)
        })
        .collect();
    assert!(
        found.contains(&(
            "project-denies-resource",
            "apps/live/dash.yaml".into(),
            Severity::Error
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "unknown-path",
            "apps/live/broken.yaml".into(),
            Severity::Error
        )),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(_, f, s)| !f.starts_with("scaffolds/")
            && (!f.contains("00-disabled") || *s == Severity::Info)),
        "{found:?}"
    );
}

#[test]
fn registry_hosts_are_addresses_and_example_applications_do_not_close_a_tree() {
    // An OCI chart registry without a scheme is an address, not a placeholder: the tree stays
    // closed and `ops/` (applied by hand) is info.
    let oci = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: db, namespace: argocd}
spec:
  project: default
  source: {repoURL: registry-1.docker.io/bitnamicharts, chart: mariadb, targetRevision: 20.0.0}
  destination: {server: 'https://kubernetes.default.svc', namespace: db}
";
    let files = vec![
        ("apps/web.yaml".to_string(), web_app("web")),
        ("apps/db.yaml".into(), oci.into()),
        ("web/cm.yaml".into(), CM.into()),
        ("ops/job.yaml".into(), PRESYNC_JOB.into()),
    ];
    let dir = repo("precision-oci-host", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![("ops/job.yaml".into(), 7, Severity::Info)]
    );
    // The only Applications are examples (reading material): they say nothing of what Argo
    // CD applies, so the tree is open and the hook warns.
    let files = vec![
        ("charts/web/examples/app.yaml".to_string(), web_app("web")),
        ("ops/job.yaml".into(), PRESYNC_JOB.into()),
    ];
    let dir = repo("precision-example-apps-only", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![("ops/job.yaml".into(), 7, Severity::Warning)]
    );
}

/// The help of the `unknown-sync-option` finding on a sync option written in `syncOptions`.
fn sync_option_help(name: &str, option: &str) -> Option<String> {
    sync_option_finding(name, option).help
}

/// The `unknown-sync-option` finding on a sync option written in `syncOptions`.
fn sync_option_finding(name: &str, option: &str) -> synclint::diag::Diagnostic {
    let app = web_app("web").replace(
        "  syncPolicy:\n    automated: {}\n",
        &format!("  syncPolicy:\n    automated: {{}}\n    syncOptions: [{option}]\n"),
    );
    let dir = repo(
        name,
        &[
            ("apps/web.yaml".to_string(), app),
            ("web/cm.yaml".into(), CM.into()),
        ],
    );
    let r = report_with(&dir, &Config::default());
    r.diagnostics
        .iter()
        .find(|d| d.rule == "unknown-sync-option")
        .expect("the option is reported")
        .clone()
}

#[test]
fn a_compare_option_among_sync_options_is_named_as_misplaced() {
    let d = sync_option_finding(
        "precision-misplaced-compare-option-msg",
        "ServerSideDiff=true",
    );
    assert_eq!(
        d.message,
        "`ServerSideDiff=true` is a compare option, not a sync option: Argo CD ignores it here"
    );
    let help = sync_option_help("precision-misplaced-compare-option", "ServerSideDiff=true");
    assert!(
        help.as_deref()
            .is_some_and(|h| h.contains("is a compare option")
                && h.contains("argocd.argoproj.io/compare-options")),
        "{help:?}"
    );
    // `allowEmpty=true` among sync options: a field of the automated policy.
    let help = sync_option_help("precision-misplaced-allow-empty", "allowEmpty=true");
    assert!(
        help.as_deref()
            .is_some_and(|h| h.contains("syncPolicy.automated.allowEmpty: true")),
        "{help:?}"
    );
}

#[test]
fn placeholders_to_fill_in_by_hand_are_not_compared_with_project_repos() {
    let project = "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: platform, namespace: argocd}
spec:
  sourceRepos: ['<<platform_url>>']
  destinations: [{server: 'https://kubernetes.default.svc', namespace: '*'}]
";
    let with_url = |name: &str, url: &str| {
        app(name, "web", None)
            .replace("project: default", "project: platform")
            .replace(PLATFORM, url)
    };
    let files = vec![
        ("bootstrap/project.yaml".to_string(), project.to_string()),
        ("bootstrap/app.yaml".into(), with_url("boot", "<<url>>")),
        // A bootstrap script's `sed` fills this one in.
        ("bootstrap/sed.yaml".into(), with_url("sed", "__REPO_URL__")),
        // The twin: a real URL the project does not list is denied.
        (
            "bootstrap/real.yaml".into(),
            with_url("real", "https://github.com/example/other.git"),
        ),
    ];
    let dir = repo("precision-hand-placeholders", &files);
    let denied: Vec<String> = report_with(&dir, &Config::default())
        .diagnostics
        .iter()
        .filter(|d| d.rule == "project-denies-resource")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert!(denied[0].contains("example/other.git"), "{denied:?}");
}

#[test]
fn an_application_wrapped_in_another_object_makes_unbuilt_kustomizations_info() {
    common::require_kustomize();
    // Crossplane's provider-kubernetes creates the Application inside `Object`: the tree has
    // Applications synclint cannot read as such, so a kustomization none builds proves nothing.
    let object = "apiVersion: kubernetes.crossplane.io/v1alpha2
kind: Object
metadata: {name: workflows-app}
spec:
  forProvider:
    manifest:
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: {name: workflows, namespace: argocd}
      spec:
        project: default
        source: {repoURL: 'https://github.com/example/apps.git', path: apps}
        destination: {server: 'https://kubernetes.default.svc', namespace: argo}
";
    let files = vec![
        ("crossplane/app.yaml".to_string(), object.to_string()),
        (
            "models/base/kustomization.yaml".into(),
            "resources: [missing.yaml]\n".into(),
        ),
    ];
    let dir = repo("precision-wrapped-application", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("models/base/kustomization.yaml".into(), 1, Severity::Info)]
    );
    // The twin: without the wrapped Application the tree has none, and the failure is an error.
    let dir = repo("precision-wrapped-application-twin", &files[1..]);
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("models/base/kustomization.yaml".into(), 1, Severity::Error)]
    );
}

#[test]
fn a_partial_manifest_of_an_object_the_cluster_creates_is_a_patch() {
    // Only the fields to change on kube-system/coredns: kubectl's three-way merge applies it
    // onto the live Deployment. The twin, a Deployment of the tree's own, is missing its fields.
    let partial = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: kube-system\nspec:\n  replicas: 3\n"
        )
    };
    let dir = tree(
        "precision-cluster-made",
        &[
            ("coredns.yaml", &partial("coredns")),
            ("web.yaml", &partial("web")),
        ],
    );
    let found = of_rule(&dir, &Config::default(), "schema");
    assert!(found.iter().all(|(f, _, _)| f == "web.yaml"), "{found:?}");
    assert!(!found.is_empty());
}

#[test]
fn an_archived_argocd_cm_configures_nothing() {
    // The only argocd-cm sits in `_archived/`: the instance's configuration is not in the tree,
    // so waved child Applications get the info, not a warning.
    let files = vec![
        ("root.yaml".to_string(), app("root", "apps", None)),
        ("apps/first.yaml".into(), app("first", "first", Some(-1))),
        ("apps/second.yaml".into(), app("second", "second", Some(1))),
        ("first/cm.yaml".into(), CM.into()),
        ("second/cm.yaml".into(), CM.into()),
        (
            "_archived/old-cluster/argocd-cm.yaml".into(),
            argocd_install_without_app_health(),
        ),
    ];
    let dir = repo("precision-archived-argocd-cm", &files);
    let found = of_rule(&dir, &Config::default(), "app-wave-no-health");
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|(_, _, s)| *s == Severity::Info),
        "{found:?}"
    );
    // The twin: the same argocd-cm where the tree keeps its config is the instance's.
    let mut files = files;
    files[5].0 = "argocd/argocd-cm.yaml".into();
    let dir = repo("precision-live-argocd-cm", &files);
    let found = of_rule(&dir, &Config::default(), "app-wave-no-health");
    assert!(
        found.iter().any(|(_, _, s)| *s == Severity::Warning),
        "{found:?}"
    );
}

#[test]
fn self_heal_does_not_fight_over_an_ignored_replica_count() {
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: 'example/web:1'}]}
";
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
";
    let healing = |ignore: bool| {
        let mut a = app("web", "web", None) + "  syncPolicy:\n    automated: {selfHeal: true}\n";
        if ignore {
            a += "  ignoreDifferences:\n    - group: apps\n      kind: Deployment\n      jsonPointers: [/spec/replicas]\n";
        }
        a
    };
    // /spec/replicas ignored, RespectIgnoreDifferences missing: self-heal sees no diff, but a
    // sync still writes Git's count back: a warning. Without the ignore, the fight: an error.
    for (ignore, severity) in [(true, Severity::Warning), (false, Severity::Error)] {
        let files = vec![
            ("apps/web.yaml".to_string(), healing(ignore)),
            ("web/deploy.yaml".into(), deploy.into()),
            ("web/hpa.yaml".into(), hpa.into()),
        ];
        let dir = repo(&format!("precision-hpa-ignored-{ignore}"), &files);
        let found = of_rule(&dir, &Config::default(), "hpa-replicas-fight");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2, severity, "ignore={ignore}: {found:?}");
    }
}

#[test]
fn a_wave_a_plugin_fills_in_is_not_checked() {
    // `${ARGOCD_ENV_WAVE}`: an envsubst plugin writes the number before Argo CD reads the
    // annotation. The twin, a decimal, is what Argo CD reads and rejects.
    let cm = |wave: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{wave}\"\n"
        )
    };
    let dir = tree(
        "precision-wave-plugin",
        &[
            ("a/cm.yaml", &cm("${ARGOCD_ENV_WAVE}")),
            ("b/cm.yaml", &cm("1.5")),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "invalid-sync-wave"),
        vec![("b/cm.yaml".into(), 6, Severity::Error)]
    );
}

#[test]
fn required_fields_the_server_fills_in_or_a_live_object_holds_are_not_missing() {
    // `roleRef.apiGroup` defaults to rbac.authorization.k8s.io; a manifest of nothing but
    // metadata (flipping the default StorageClass the installer made) is a patch onto the live
    // object. The twins leave out what nothing fills in.
    let binding = |role_ref: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: b, namespace: team}}\nroleRef:\n{role_ref}\nsubjects: [{{kind: ServiceAccount, name: s, namespace: team}}]\n"
        )
    };
    let flip = "apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3-csi
  annotations:
    storageclass.kubernetes.io/is-default-class: \"false\"
";
    let dir = tree(
        "precision-server-defaults",
        &[
            (
                "rbac/ok.yaml",
                &binding("  kind: ClusterRole\n  name: view"),
            ),
            (
                "rbac/bad.yaml",
                &binding("  apiGroup: rbac.authorization.k8s.io\n  name: view"),
            ),
            ("sc/flip.yaml", flip),
            (
                "sc/new.yaml",
                "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nreclaimPolicy: Delete\n",
            ),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![
            ("rbac/bad.yaml".into(), 4, Severity::Error),
            ("sc/new.yaml".into(), 2, Severity::Error),
        ]
    );
}

#[test]
fn yaml_that_holds_no_object_is_not_argo_cds_to_reject() {
    // Helm values that mention `kind:` and `apiVersion:` in nested data, with a repeated key,
    // and a broken file without `metadata:`: Argo CD decodes neither as objects. The twins are
    // manifests.
    let values = "controllers:
  main:
    annotations: {}
  main:
    replicas: 1
raw:
  spec:
    kind: PrometheusRule
    apiVersion: monitoring.coreos.com/v1
";
    let broken_values = "rule:\n  kind: Alert\n  apiVersion: v1\n  labels: [\n";
    let manifest = "apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a: b
data:
  c: d
";
    let broken_manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: [\n";
    let dir = tree(
        "precision-yaml-no-object",
        &[
            ("chart/values.yaml", values),
            ("chart/rule.yaml", broken_values),
            ("app/cm.yaml", manifest),
            ("app/broken.yaml", broken_manifest),
        ],
    );
    let found: Vec<String> = of_rule(&dir, &Config::default(), "yaml-syntax")
        .into_iter()
        .map(|(f, _, _)| f)
        .collect();
    assert_eq!(found, vec!["app/broken.yaml", "app/cm.yaml"]);
}

#[test]
fn a_fork_is_the_repository_its_applications_name() {
    // A clone of a fork: the Applications name the upstream repository (same host and name,
    // another owner), with paths that exist here. The tree is closed, so a hook in a folder no
    // Application syncs is info. The twin names an unrelated repository: the tree is open.
    let layout = |url: &str| {
        vec![
            (
                "root.yaml".to_string(),
                app("root", "apps", None).replace("https://github.com/example/platform.git", url),
            ),
            ("apps/cm.yaml".into(), CM.into()),
            (
                "vendored/job.yaml".into(),
                TTL_JOB.replace("  activeDeadlineSeconds: 600\n", ""),
            ),
        ]
    };
    let dir = repo(
        "precision-fork",
        &layout("https://github.com/upstream/platform"),
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![("vendored/job.yaml".into(), 7, Severity::Info)]
    );
    // A self-hosted mirror (another host), and a placeholder a bootstrap script fills in.
    for (name, url) in [
        (
            "precision-mirror",
            "ssh://git@git.home.lan:2222/me/platform.git",
        ),
        ("precision-placeholder-url", "__GITOPS_REPO_URL__"),
    ] {
        let dir = repo(name, &layout(url));
        assert_eq!(
            of_rule(&dir, &Config::default(), "hook-deadline"),
            vec![("vendored/job.yaml".into(), 7, Severity::Info)],
            "{name}"
        );
    }
    let dir = repo(
        "precision-fork-twin",
        &layout("https://github.com/upstream/elsewhere"),
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![("vendored/job.yaml".into(), 7, Severity::Warning)]
    );
}

#[test]
fn a_path_a_patch_of_an_unbuilt_kustomization_may_set_is_not_unknown() {
    common::require_kustomize();
    // The overlay's patch sets the path, but the build fails on an unrelated missing base, so
    // the file is linted as written, with the base's `replaceme`. The twin's overlay has no
    // patch: its path is what Argo CD reads.
    let overlay =
        |patches: &str| format!("resources:\n  - ../../base\n  - root-app.yaml\n{patches}");
    let patch = "patches:
  - target: {kind: Application, name: root}
    patch: |-
      - op: replace
        path: /spec/source/path
        value: clusters/prod
";
    let layout = |patches: &str| {
        vec![
            (
                "bootstrap/base/kustomization.yaml".to_string(),
                "resources:\n  - ../../components/renamed\n".to_string(),
            ),
            (
                "bootstrap/overlays/prod/kustomization.yaml".into(),
                overlay(patches),
            ),
            (
                "bootstrap/overlays/prod/root-app.yaml".into(),
                app("root", "replaceme", None),
            ),
            ("clusters/prod/cm.yaml".into(), CM.into()),
        ]
    };
    let dir = repo("precision-unbuilt-patch-path", &layout(patch));
    assert_eq!(of_rule(&dir, &Config::default(), "unknown-path"), vec![]);
    let dir = repo("precision-unbuilt-patch-path-twin", &layout(""));
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![(
            "bootstrap/overlays/prod/root-app.yaml".into(),
            11,
            Severity::Error
        )]
    );
}

#[test]
fn a_templated_sync_option_value_after_an_unknown_name_is_reported() {
    // `syncTimeout={{.timeout}}`: whatever the generator fills in, no option has that name. The
    // twin's name is an option's, so only its value waits for the generator.
    let set = |option: &str| {
        go_template_set(&format!(
            "      syncPolicy:\n        syncOptions:\n          - '{option}'\n"
        ))
    };
    let dir = tree(
        "precision-appset-option-name",
        &[
            ("a/set.yaml", &set("syncTimeout={{.timeout}}")),
            ("b/set.yaml", &set("ServerSideApply={{.ssa}}")),
        ],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-sync-option"),
        vec![("a/set.yaml".into(), 25, Severity::Error)]
    );
}

#[test]
fn generator_values_are_templated_over_the_generators_parameters() {
    // `values:` of a generator is filled from its own parameters and read as `.values.<key>`.
    // The twin's values name a folder that does not exist: unknown-path sees the filled value.
    let set = |dir: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: apps, namespace: argocd}}
spec:
  goTemplate: true
  generators:
    - list:
        elements: [{{name: web}}]
        values:
          dir: '{dir}/{{{{ .name }}}}'
  template:
    metadata: {{name: '{{{{ .name }}}}'}}
    spec:
      project: default
      source:
        repoURL: {PLATFORM}
        targetRevision: main
        path: '{{{{ .values.dir }}}}'
      destination: {{server: 'https://kubernetes.default.svc', namespace: web}}
"
        )
    };
    let files = |dir: &str| {
        vec![
            ("sets/apps.yaml".to_string(), set(dir)),
            ("apps/web/cm.yaml".into(), CM.into()),
        ]
    };
    let dir = repo("precision-generator-values", &files("apps"));
    assert_eq!(of_rule(&dir, &Config::default(), "unknown-path"), vec![]);
    let dir = repo("precision-generator-values-twin", &files("gone"));
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("sets/apps.yaml".into(), 18, Severity::Error)]
    );
}

#[test]
fn a_bootstrap_bundle_with_the_root_application_is_applied_by_hand() {
    // `install/bundle.yaml`, applied by a provisioner, holds the root Application beside an
    // install's hook Job. The root's own findings stand (Argo CD reads it once applied); the
    // Job, which no Application syncs, is info. The twin's Job is in the synced folder.
    let root = app("root", "apps", None).replace(
        "    namespace: root\n",
        "    namespace: root\n  syncPolicy:\n    syncOptions: [Prune=False]\n",
    );
    let job = TTL_JOB.replace("  activeDeadlineSeconds: 600\n", "");
    let bundle = format!("{root}---\n{job}");
    let dir = repo(
        "precision-bootstrap-bundle",
        &[
            ("install/bundle.yaml".to_string(), bundle),
            ("apps/job.yaml".into(), job.clone()),
        ],
    );
    let job_line = root.lines().count() + 1 + 7;
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![
            ("apps/job.yaml".into(), 7, Severity::Warning),
            ("install/bundle.yaml".into(), job_line, Severity::Info),
        ]
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-sync-option"),
        vec![("install/bundle.yaml".into(), 16, Severity::Error)]
    );
}

#[test]
fn a_chart_whose_values_schema_needs_the_network_is_not_a_failed_render() {
    common::require_helm();
    // The chart's values schema `$ref`s a URL: Argo CD's repo server fetches it, synclint
    // offline cannot, so the chart is not rendered (info), not failed. The twin's schema is
    // local and the values break it: a real failure.
    let schema = |reference: &str| {
        format!(
            "{{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\", \"properties\": {{\"replicas\": {reference}}}}}"
        )
    };
    let files = |reference: &str| {
        vec![
            ("apps/web.yaml".to_string(), web_app("chart")),
            (
                "chart/Chart.yaml".into(),
                "apiVersion: v2\nname: web\nversion: 1.0.0\n".into(),
            ),
            ("chart/values.yaml".into(), "replicas: two\n".into()),
            ("chart/values.schema.json".into(), schema(reference)),
            ("chart/templates/cm.yaml".into(), CM.into()),
        ]
    };
    let dir = repo(
        "precision-helm-remote-schema",
        &files("{\"$ref\": \"https://schemas.example.invalid/replicas.json\"}"),
    );
    assert_eq!(of_rule(&dir, &Config::default(), "render-failed"), vec![]);
    let r = report_with(&dir, &Config::default());
    assert!(
        r.verbose.iter().any(|v| v.contains("fetches a URL")),
        "{:?}",
        r.verbose
    );
    let dir = repo(
        "precision-helm-local-schema",
        &files("{\"type\": \"integer\"}"),
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("apps/web.yaml".into(), 11, Severity::Error)]
    );
}

/// An app of apps whose child `crds` ships the Widget CRD and whose child `user` holds `user`
/// (both automated, nothing ordering them).
fn crd_apart(user: &[(&str, String)]) -> Vec<(String, String)> {
    let mut files = vec![
        ("root.yaml".to_string(), app("root", "apps", None)),
        (
            "apps/crds.yaml".into(),
            app("crds", "crds", None) + AUTOMATED,
        ),
        (
            "apps/user.yaml".into(),
            app("user", "user", None) + AUTOMATED_NO_RETRY,
        ),
        ("crds/crd.yaml".into(), CRD.into()),
    ];
    files.extend(user.iter().map(|(p, t)| (p.to_string(), t.clone())));
    files
}

#[test]
fn crds_the_cluster_has_before_any_sync_do_not_race() {
    // The CRD ships in another app with nothing to order the two, but the config says the
    // cluster has it from bootstrap (`kubectl apply` before Argo CD), by name or group/Kind.
    let dir = repo(
        "precision-cluster-crds",
        &crd_apart(&[("user/cr.yaml", WIDGET.into())]),
    );
    let before = of_rule(&dir, &Config::default(), "crd-order");
    assert!(
        before
            .iter()
            .any(|(f, _, s)| f == "user/cr.yaml" && *s == Severity::Warning),
        "{before:?}"
    );
    for declared in ["widgets.example.com", "example.com/Widget"] {
        let cfg = Config {
            cluster_crds: vec![declared.into()],
            ..Config::default()
        };
        assert_eq!(of_rule(&dir, &cfg, "crd-order"), vec![], "{declared}");
    }
}

#[test]
fn an_explicit_directory_source_reads_a_kustomization_folder_as_plain_yaml() {
    common::require_kustomize();
    // `directory:` set explicitly wins over detection: Argo CD reads every YAML file of the
    // folder as it is and never runs kustomize there, so the kustomization's broken build and
    // its namespace are not what gets applied, and a file it does not list is applied.
    let files = |directory: &str| {
        vec![
            (
                "root.yaml".to_string(),
                app("root", "apps", None)
                    .replace("    path: apps\n", &format!("    path: apps\n{directory}")),
            ),
            (
                "apps/kustomization.yaml".into(),
                "namespace: elsewhere\nresources:\n  - web.yaml\n  - removed.yaml\n".into(),
            ),
            ("apps/web.yaml".into(), web_app("web")),
            (
                "apps/extra.yaml".into(),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: root\n"
                    .into(),
            ),
            (
                "web/cm.yaml".into(),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n".into(),
            ),
        ]
    };
    let dir = repo(
        "precision-explicit-directory",
        &files("    directory:\n      recurse: false\n"),
    );
    let r = report_with(&dir, &Config::default());
    assert_eq!(rows(&dir, &r), vec![]);
    let view = r.plan.as_ref().unwrap();
    let root = view.apps.iter().position(|a| a.name == "root").unwrap();
    let objects: Vec<String> = common::plan_rows(&r, root)
        .into_iter()
        .map(|(_, _, o)| o)
        .collect();
    assert_eq!(objects, vec!["ConfigMap/extra", "Application/web"]);
    // The twin without `directory:` is a Kustomize app, whose build fails.
    let dir = repo("precision-detected-kustomize", &files(""));
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("root.yaml".into(), 11, Severity::Error)]
    );
}

#[test]
fn an_applicationset_whose_paths_match_nothing_here_is_unresolved_not_empty() {
    common::require_kustomize();
    // The generator's path holds a placeholder a copy script fills in: what it generates is
    // unknown, so a broken kustomization no app is known to build is not a proven failure.
    let appset = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: platform
  namespace: argocd
spec:
  generators:
    - git:
        repoURL: https://github.com/example/platform.git
        revision: main
        files:
          - path: clusters/CLUSTER_NAME/cluster.yaml
  template:
    metadata:
      name: '{{name}}'
    spec:
      project: default
      source:
        repoURL: https://github.com/example/platform.git
        targetRevision: main
        path: 'overlays/{{channel}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: platform
";
    let broken = (
        "overlays/alt/kustomization.yaml".to_string(),
        "resources:\n  - ../../base-made-by-a-script\n".to_string(),
    );
    let dir = repo(
        "precision-appset-matches-nothing",
        &[("appset.yaml".into(), appset.into()), broken.clone()],
    );
    let r = report_with(&dir, &Config::default());
    let found: Vec<(String, Severity)> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule.to_string(), d.severity))
        .collect();
    assert_eq!(
        found,
        vec![
            ("unresolved-generator".into(), Severity::Info),
            ("render-failed".into(), Severity::Info)
        ]
    );
    // Without the ApplicationSet the tree is a plain Kustomize repository: the build fails.
    let dir = repo("precision-no-appset", &[broken]);
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("overlays/alt/kustomization.yaml".into(), 1, Severity::Error)]
    );
}

#[test]
fn crd_order_reports_each_app_once_per_crd_it_lacks() {
    // Three Widgets in one app, whose CRD another app ships: one cause, one fix (the app's
    // syncOptions, or the CRD in the same app), so one finding at the first, naming the others.
    let widget = |n: &str| WIDGET.replace("name: w", &format!("name: {n}"));
    let dir = repo(
        "precision-crd-order-once-per-app",
        &crd_apart(&[
            ("user/a.yaml", widget("a")),
            ("user/b.yaml", widget("b")),
            ("user/c.yaml", widget("c")),
        ]),
    );
    let r = report_with(&dir, &Config::default());
    let found: Vec<&synclint::diag::Diagnostic> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "crd-order")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        rows(&dir, &r)
            .into_iter()
            .filter(|(rule, _, _)| rule == "crd-order")
            .collect::<Vec<_>>(),
        vec![("crd-order".into(), "user/a.yaml".into(), 2)]
    );
    let d = found[0];
    assert_eq!(d.severity, Severity::Warning);
    let related: Vec<&str> = d.related.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        related,
        vec![
            "CRD shipped by app `crds`",
            "Widget/b needs it too",
            "Widget/c needs it too"
        ]
    );
    assert!(
        d.note
            .as_deref()
            .is_some_and(|n| n.contains("2 more custom resource(s)")),
        "{:?}",
        d.note
    );
}

#[test]
fn a_global_project_lends_its_lists_to_the_projects_it_selects() {
    // argocd-cm's globalProjects: `team` carries the label the selector picks, so Argo CD
    // appends `global`'s namespaceResourceWhitelist to team's own (GetAppVirtualProject).
    let team = |label: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team
  namespace: argocd
  labels: {{template: {label}}}
spec:
  sourceRepos: ['*']
  destinations:
    - {{server: '*', namespace: '*'}}
  namespaceResourceWhitelist:
    - {{group: '', kind: ConfigMap}}
"
        )
    };
    let global = "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: global
  namespace: argocd
spec:
  namespaceResourceWhitelist:
    - {group: apps, kind: Deployment}
";
    let cm = "apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  globalProjects: |-
    - labelSelector:
        matchExpressions:
          - {key: template, operator: In, values: [global]}
      projectName: global
";
    let deployment = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
";
    let files = |label: &str| {
        vec![
            ("root.yaml".to_string(), app("root", "argocd", None)),
            ("argocd/cm.yaml".into(), cm.into()),
            ("argocd/team.yaml".into(), team(label)),
            ("argocd/global.yaml".into(), global.into()),
            (
                "argocd/web.yaml".into(),
                app_in("web", "web", "team") + AUTOMATED,
            ),
            ("web/deployment.yaml".into(), deployment.into()),
        ]
    };
    let dir = repo("precision-global-project", &files("global"));
    assert_eq!(
        of_rule(&dir, &Config::default(), "project-denies-resource"),
        vec![]
    );
    // A project the selector does not pick keeps its own list only.
    let dir = repo("precision-not-a-global-project", &files("own"));
    assert_eq!(
        of_rule(&dir, &Config::default(), "project-denies-resource"),
        vec![("web/deployment.yaml".into(), 2, Severity::Error)]
    );
}

#[test]
fn children_of_a_parent_its_kustomization_leaves_out_are_not_created() {
    // bootstrap/ builds only parent-a; parent-b.yaml sits beside it, unlisted (retired), so
    // nothing creates parent-b nor the child Application in its directory.
    let parent = |name: &str, path: &str| app(name, path, None);
    let files = |listed: &str| {
        vec![
            ("root.yaml".to_string(), app("root", "bootstrap", None)),
            (
                "bootstrap/kustomization.yaml".into(),
                format!("resources:\n  - parent-a.yaml\n{listed}"),
            ),
            (
                "bootstrap/parent-a.yaml".into(),
                parent("parent-a", "envs/a"),
            ),
            (
                "bootstrap/parent-b.yaml".into(),
                parent("parent-b", "envs/b"),
            ),
            ("envs/a/svc.yaml".into(), app("svc-a", "svc", None)),
            ("envs/b/svc.yaml".into(), app("svc-b", "overlays/b", None)),
            (
                "svc/cm.yaml".into(),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc\n".into(),
            ),
        ]
    };
    let dir = repo("precision-parent-left-out", &files(""));
    assert_eq!(of_rule(&dir, &Config::default(), "unknown-path"), vec![]);
    let dir = repo("precision-parent-listed", &files("  - parent-b.yaml\n"));
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("envs/b/svc.yaml".into(), 11, Severity::Error)]
    );
}

#[test]
fn applications_in_a_build_nothing_syncs_and_nobody_can_run_are_not_live() {
    common::require_kustomize();
    // envs/dev is built by no Application and its build fails (an empty kustomization among
    // its resources): nobody can apply it, so the Application inside it is never created.
    let files = |retired: &str| {
        vec![
            ("root.yaml".to_string(), app("root", "envs/prod", None)),
            ("envs/prod/svc.yaml".into(), app("svc-prod", "svc", None)),
            (
                "envs/dev/kustomization.yaml".into(),
                "resources:\n  - team\n  - retired\n".into(),
            ),
            ("envs/dev/retired/kustomization.yaml".into(), retired.into()),
            (
                "envs/dev/team/kustomization.yaml".into(),
                "resources:\n  - app.yaml\n".into(),
            ),
            (
                "envs/dev/team/app.yaml".into(),
                app("svc-dev", "overlays/dev", None),
            ),
            (
                "svc/cm.yaml".into(),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc\n".into(),
            ),
        ]
    };
    let dir = repo(
        "precision-unbuildable-env",
        &files("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"),
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("envs/dev/team/app.yaml".into(), 11, Severity::Info)]
    );
    // When it builds, someone may apply it by hand: the Application stands.
    let dir = repo("precision-buildable-env", &files("resources: []\n"));
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("envs/dev/team/app.yaml".into(), 11, Severity::Error)]
    );
}

#[test]
fn an_app_of_apps_chart_makes_samples_beside_it_reading_material() {
    // The Applications are Helm templates (an app of apps installed with `helm install`):
    // the tree has Applications all the same, so a samples folder is not an app.
    let pod = |n: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: example\n  labels: {{v: {n}}}\nspec:\n  containers: [{{name: c, image: nginx}}]\n"
        )
    };
    let mut files = vec![
        ("policy/samples/allowed.yaml".to_string(), pod("a")),
        ("policy/samples/disallowed.yaml".to_string(), pod("b")),
    ];
    let dir = repo("precision-samples-no-apps", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "duplicate-resource"),
        vec![(
            "policy/samples/disallowed.yaml".into(),
            4,
            Severity::Warning
        )]
    );
    files.push((
        "apps/Chart.yaml".into(),
        "apiVersion: v2\nname: apps\nversion: 0.1.0\n".into(),
    ));
    files.push((
        "apps/templates/policy.yaml".into(),
        app("policy", "policy", None)
            .replace("name: policy\n", "name: {{ .Values.prefix }}policy\n"),
    ));
    let dir = repo("precision-samples-chart-apps", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "duplicate-resource"),
        vec![]
    );
}

#[test]
fn a_failing_kustomization_that_is_also_a_chart_nothing_here_builds_is_info() {
    common::require_kustomize();
    let files = |chart: bool| {
        let mut f = vec![(
            "charts/ds/kustomization.yaml".to_string(),
            "resources:\n  - cm.yaml\n".to_string(),
        )];
        if chart {
            f.push((
                "charts/ds/Chart.yaml".into(),
                "apiVersion: v2\nname: ds\nversion: 0.1.0\n".into(),
            ));
        }
        f
    };
    let dir = repo("precision-chart-and-kustomization", &files(true));
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("charts/ds/kustomization.yaml".into(), 1, Severity::Info)]
    );
    let dir = repo("precision-kustomization-only", &files(false));
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("charts/ds/kustomization.yaml".into(), 1, Severity::Error)]
    );
}

#[test]
fn a_root_app_beside_the_kustomization_of_its_children_is_applied_by_hand() {
    // root-app.yaml is not in bootstrap/kustomization.yaml, which lists the child Applications:
    // it points at its own folder, so it is the root someone applies, not a switched-off app.
    let files = vec![
        (
            "bootstrap/root-app.yaml".to_string(),
            app("root", "bootstrap", None),
        ),
        (
            "bootstrap/kustomization.yaml".into(),
            "resources:\n  - child.yaml\n".into(),
        ),
        (
            "bootstrap/child.yaml".into(),
            app("child", "missing/dir", None),
        ),
    ];
    let dir = repo("precision-root-beside-children", &files);
    assert_eq!(
        of_rule(&dir, &Config::default(), "unknown-path"),
        vec![("bootstrap/child.yaml".into(), 11, Severity::Error)]
    );
}

#[test]
fn a_redeclared_default_project_keeps_the_lists_it_does_not_write() {
    // argocd-server creates `default` permitting everything; a copy in the tree that writes no
    // lists (here only to drop one setting) is applied over it, and the apply keeps them.
    let redeclared = |name: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: {name}\n  namespace: argocd\nspec: {{}}\n"
        )
    };
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n";
    let files = |p: &str| {
        vec![
            ("projects/project.yaml".to_string(), redeclared(p)),
            (
                "apps/projects.yaml".into(),
                app("projects", "projects", None),
            ),
            ("apps/web.yaml".into(), app_in("web", "web", p)),
            ("web/ns.yaml".into(), ns.to_string()),
        ]
    };
    let dir = repo("precision-default-project-merged", &files("default"));
    assert_eq!(
        of_rule(&dir, &Config::default(), "project-denies-resource"),
        vec![]
    );
    // Any other project is only what it writes: it permits nothing.
    let dir = repo("precision-empty-project", &files("team"));
    let got = of_rule(&dir, &Config::default(), "project-denies-resource");
    assert!(
        got.iter()
            .any(|(f, _, s)| f == "apps/web.yaml" && *s == Severity::Error),
        "{got:?}"
    );
    assert!(got.iter().any(|(f, _, _)| f == "web/ns.yaml"), "{got:?}");
    // A list `default` writes is its own (`sourceRepos` elsewhere refuses this repository).
    let narrowed = redeclared("default").replace(
        "spec: {}",
        "spec:\n  sourceRepos: ['https://github.com/example/other.git']",
    );
    let mut f = files("default");
    f[0].1 = narrowed;
    let dir = repo("precision-default-project-narrowed", &f);
    assert_eq!(
        of_rule(&dir, &Config::default(), "project-denies-resource"),
        vec![
            ("apps/projects.yaml".into(), 9, Severity::Error),
            ("apps/web.yaml".into(), 9, Severity::Error)
        ]
    );
}

#[test]
fn a_test_suites_data_folder_is_not_deployed() {
    // `tests/data/` holds a test suite's inputs (a recorded `kubectl get -o json`), in a tree
    // whose Applications are templates synclint cannot resolve.
    let dump = r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "x", "annotations": {"n": 1}}},
  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "x"}}
]}
"#;
    let chart = "apiVersion: v2\nname: environments\nversion: 1.0.0\n";
    let template = "{{- range .Values.apps }}\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ .name }}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/example/platform.git\n    path: applications/{{ .name }}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {{ .name }}\n{{- end }}\n";
    let files = |dump_at: &str| -> Vec<(String, String)> {
        vec![
            ("environments/Chart.yaml".into(), chart.into()),
            ("environments/templates/apps.yaml".into(), template.into()),
            (dump_at.into(), dump.into()),
        ]
    };
    let dir = repo(
        "precision-tests-data",
        &files("tests/data/kubectl/get.json"),
    );
    let got = common::findings(&dir);
    assert!(
        got.iter().all(|(_, f, _)| !f.starts_with("tests/")),
        "{got:?}"
    );
    // The same file in a folder named for an environment is linted.
    let dir = repo("precision-tests-env", &files("test/kubectl/get.json"));
    let got = common::findings(&dir);
    assert!(
        got.iter()
            .any(|(r, f, _)| r == "schema" && f.starts_with("test/")),
        "{got:?}"
    );
}

#[test]
fn kustomize_quotes_the_annotations_of_a_build_that_did_not_run() {
    // A kustomization with `helmCharts` is not built offline: its files are read as written,
    // but kustomize would write the annotation value as the string "false".
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: upgrade\n  annotations:\n    example.com/inject: false\n";
    let kust = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: podinfo\n    repo: https://stefanprodan.github.io/podinfo\n    version: 6.7.1\n    releaseName: podinfo\nresources:\n  - namespace.yaml\n";
    let dir = repo(
        "precision-raw-kustomize-annotation",
        &[
            ("upgrade/kustomization.yaml".into(), kust.into()),
            ("upgrade/namespace.yaml".into(), ns.into()),
        ],
    );
    assert_eq!(of_rule(&dir, &Config::default(), "schema"), vec![]);
    // Read as a plain directory, the boolean is what the API server gets.
    let dir = repo(
        "precision-plain-annotation",
        &[("upgrade/namespace.yaml".into(), ns.into())],
    );
    assert_eq!(
        of_rule(&dir, &Config::default(), "schema"),
        vec![("upgrade/namespace.yaml".into(), 6, Severity::Error)]
    );
}

#[test]
fn an_application_set_read_from_a_patched_build_that_did_not_run_is_not_judged() {
    // The overlay's build reads a remote file, so it does not run here; its base is read as
    // written, and the base's placeholder list is what the overlay's patch replaces.
    let appset = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: operators
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - patch-me-see-overlays
  template:
    metadata:
      name: '{{cluster}}-op'
    spec:
      project: default
      source:
        repoURL: https://github.com/example/platform.git
        targetRevision: main
        path: operators
      destination:
        server: '{{url}}'
        namespace: operators
";
    let patch = "- op: replace\n  path: /spec/generators/0/list/elements\n  value:\n    - {cluster: local, url: https://kubernetes.default.svc}\n";
    let overlay = "resources:\n  - ../../base\n  - https://example.com/controller.yaml\npatches:\n  - path: patch.yaml\n    target:\n      kind: ApplicationSet\n      name: operators\n";
    let dir = repo(
        "precision-appset-patched-raw",
        &[
            ("apps/base/appset.yaml".into(), appset.into()),
            (
                "apps/base/kustomization.yaml".into(),
                "resources:\n  - appset.yaml\n".into(),
            ),
            (
                "apps/overlays/prod/kustomization.yaml".into(),
                overlay.into(),
            ),
            ("apps/overlays/prod/patch.yaml".into(), patch.into()),
        ],
    );
    let r = report_with(&dir, &Config::default());
    let msgs: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unresolved-generator")
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        !msgs.is_empty()
            && msgs
                .iter()
                .all(|m| m.contains("a Kustomize build that did not run here")),
        "{msgs:?}"
    );
}

/// Go template functions and `if` blocks that ApplicationSets use in paths and names (`dig`
/// with a default, pipelines through `lower`/`normalize`, an optional prefix) are evaluated;
/// a path that is missing after evaluation is still reported.
#[test]
fn applicationset_go_template_functions_are_evaluated() {
    let set = |elements: &str| {
        format!(
            r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements: {elements}
  template:
    metadata:
      name: '{{{{- if index . "prefix" -}}}}{{{{ .prefix }}}}-{{{{ end }}}}{{{{ .name | normalize }}}}'
    spec:
      project: default
      source:
        repoURL: {PLATFORM}
        targetRevision: main
        path: '{{{{dig "path" "charts" .}}}}/{{{{ .name | lower }}}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{{{ .name | lower }}}}'
"#
        )
    };
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    let files = |elements: &str| {
        vec![
            ("apps/set.yaml".to_string(), set(elements)),
            ("charts/web/cm.yaml".to_string(), cm.to_string()),
            ("services/api/cm.yaml".to_string(), cm.to_string()),
        ]
    };
    let lint = |name: &str, elements: &str| {
        let owned = files(elements);
        let refs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let dir = tree(name, &refs);
        common::set_origin(&dir, PLATFORM);
        let messages: Vec<String> = common::report_raw(&dir)
            .diagnostics
            .iter()
            .filter(|d| d.rule == "unknown-path")
            .map(|d| d.message.clone())
            .collect();
        (of_rule(&dir, &Config::default(), "unknown-path"), messages)
    };
    let (found, _) = lint(
        "precision-gotemplate-ok",
        "[{name: Web}, {name: api, path: services, prefix: x}]",
    );
    assert_eq!(found, vec![]);
    // The twin: an element whose directory does not exist.
    let (found, messages) = lint(
        "precision-gotemplate-missing",
        "[{name: Web}, {name: Gone_1}]",
    );
    assert_eq!(found, vec![("apps/set.yaml".into(), 20, Severity::Error)]);
    assert_eq!(
        messages,
        vec!["app `gone-1` reads `charts/gone_1`, which does not exist in this repository"]
    );
}

/// A source with a `plugin:` block is built by a Config Management Plugin, often from a file
/// the plugin writes first: Argo CD never runs kustomize there, and neither does synclint.
#[test]
fn a_plugin_source_is_not_built_with_kustomize() {
    common::require_kustomize();
    let lint = |name: &str, plugin: bool| {
        let mut web = app("web", "stack", None);
        if plugin {
            web = web.replace(
                "    path: stack\n",
                "    path: stack\n    plugin:\n      env:\n        - {name: ARGS, value: -f values.yaml}\n",
            );
        }
        let files = [
            ("apps/web.yaml", web.as_str()),
            // `manifest.yaml` is what the plugin writes before its own build.
            (
                "stack/kustomization.yaml",
                "resources:\n  - manifest.yaml\n",
            ),
        ];
        let dir = tree(name, &files);
        common::set_origin(&dir, PLATFORM);
        of_rule(&dir, &Config::default(), "render-failed")
    };
    assert_eq!(lint("precision-plugin-source", true), vec![]);
    // The twin: the same path as a Kustomize source fails to build.
    assert_eq!(
        lint("precision-plugin-twin", false),
        vec![("apps/web.yaml".into(), 11, Severity::Error)]
    );
}

/// With `ServerSideApply=true`, a partial object patches the live one (server-side apply
/// merges it), so a missing required field proves nothing; with `Validate=false` an unknown
/// field is dropped, not rejected.
#[test]
fn schema_follows_server_side_apply_and_validate_false() {
    let lint = |name: &str, options: &str| {
        let mut web = app("web", "patches", None);
        if !options.is_empty() {
            web.push_str(&format!("  syncPolicy:\n    syncOptions: [{options}]\n"));
        }
        let partial = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-server
spec:
  replicas: 2
  replica: 3
";
        let dir = tree(
            name,
            &[
                ("apps/web.yaml", web.as_str()),
                ("patches/server.yaml", partial),
            ],
        );
        common::set_origin(&dir, PLATFORM);
        of_rule(&dir, &Config::default(), "schema")
    };
    let found = lint(
        "precision-ssa-partial",
        "ServerSideApply=true, Validate=false",
    );
    assert_eq!(
        found,
        vec![("patches/server.yaml".into(), 7, Severity::Warning)]
    );
    let found = lint("precision-ssa-only", "ServerSideApply=true");
    assert_eq!(
        found,
        vec![("patches/server.yaml".into(), 7, Severity::Error)]
    );
    // The twin: a client-side apply of the partial object is rejected for what it lacks.
    assert_eq!(
        lint("precision-ssa-twin", ""),
        vec![
            ("patches/server.yaml".into(), 5, Severity::Error),
            ("patches/server.yaml".into(), 7, Severity::Error)
        ]
    );
}

/// Files that are never applied by their place or name, whether the tree has Applications
/// or not: a `patches/` folder of a kustomization (used yet or not), a test's expected output;
/// and, in a tree with Applications, a folder of old copies (`deploy-old/`).
#[test]
fn patch_folders_test_outputs_and_old_copies_are_not_applied() {
    let partial_job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n";
    let schema = |name: &str, folder: &str| {
        let patch = format!("deploy/web/{folder}/job.yaml");
        let dir = tree(
            name,
            &[
                ("deploy/web/kustomization.yaml", "resources:\n  - cm.yaml\n"),
                ("deploy/web/cm.yaml", CM),
                (patch.as_str(), partial_job),
            ],
        );
        of_rule(&dir, &Config::default(), "schema")
    };
    assert_eq!(schema("precision-patch-folder", "patches"), vec![]);
    // The twin: another folder below the kustomization is linted.
    assert_eq!(
        schema("precision-patch-folder-twin", "extra"),
        vec![("deploy/web/extra/job.yaml".into(), 7, Severity::Error)]
    );
    let hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    argocd.argoproj.io/hook: PreSync\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: c:1}]\n";
    let deadline = |name: &str, file: &str| {
        let dir = tree(name, &[(file, hook)]);
        of_rule(&dir, &Config::default(), "hook-deadline")
    };
    assert_eq!(
        deadline("precision-snapshot", "chart/tests/__out/default.snap.yaml"),
        vec![]
    );
    assert_eq!(
        deadline("precision-golden", "tests/app.expected.yaml"),
        vec![]
    );
    assert_eq!(
        deadline("precision-snapshot-twin", "chart/tests/__out/default.yaml").len(),
        1
    );
    let paths = |name: &str, folder: &str| {
        let old = app("web", "deploy/yaml/web", None);
        let live = app("web", "deploy/web", None);
        let at = format!("{folder}/web.yaml");
        let dir = tree(
            name,
            &[
                ("apps/web.yaml", live.as_str()),
                ("deploy/web/cm.yaml", CM),
                (at.as_str(), old.as_str()),
            ],
        );
        common::set_origin(&dir, PLATFORM);
        of_rule(&dir, &Config::default(), "unknown-path")
    };
    assert_eq!(paths("precision-old-copies", "deploy-old"), vec![]);
    assert_eq!(
        paths("precision-deprecated-copies", "deploy_deprecated"),
        vec![]
    );
    assert_eq!(
        paths("precision-old-copies-twin", "deploy-next"),
        vec![("deploy-next/web.yaml".into(), 11, Severity::Error)]
    );
}

/// An AppProject written in a file a kustomization leaves out is defined, just not applied:
/// the Application that names it is told so, as an info, not that no AppProject exists.
#[test]
fn a_project_in_a_left_out_file_is_not_missing() {
    let project = |name: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  sourceRepos: ['*']\n"
        )
    };
    let lint = |name: &str, listed: &str| {
        let web = app("web", "web", None).replace("project: default", "project: clusters");
        let kust = format!("resources:\n  - infra.yaml\n{listed}");
        let (infra, clusters) = (project("infra"), project("clusters"));
        rule_in(
            name,
            &[
                ("hub/kustomization.yaml", kust.as_str()),
                ("hub/infra.yaml", infra.as_str()),
                ("hub/clusters.yaml", clusters.as_str()),
                ("apps/web.yaml", web.as_str()),
                ("web/cm.yaml", CM),
            ],
            "missing-project",
        )
    };
    assert_eq!(
        lint("precision-project-left-out", "  # - clusters.yaml\n"),
        vec![("apps/web.yaml".into(), 7, Severity::Info)]
    );
    // The twin: listed, the project exists and nothing is reported.
    assert_eq!(
        lint("precision-project-listed", "  - clusters.yaml\n"),
        vec![]
    );
}

/// A manifest below a kustomization whose patches select it (by kind and label) is an entry of
/// that layer not listed yet: what the patches add (a `repoURL`) is not missing. One the
/// patches do not select is linted as written.
#[test]
fn a_manifest_below_a_patching_kustomization_is_completed_by_its_patches() {
    let lint = |name: &str, tier: &str| {
        let kust = "resources: []\npatches:\n  - target:\n      group: argoproj.io\n      kind: Application\n      labelSelector: \"layer=clusters,team!=ops\"\n    patch: |-\n      - op: add\n        path: /spec/source/repoURL\n        value: https://github.com/example/clusters.git\n";
        let pool = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: small-pool\n  namespace: argocd\n  labels:\n    layer: {tier}\nspec:\n  project: default\n  source:\n    path: pools/small\n  destination:\n    server: https://kubernetes.default.svc\n"
        );
        rule_in(
            name,
            &[
                ("hub/clusters/kustomization.yaml", kust),
                ("hub/clusters/argocd/pools/sizes/small.yaml", pool.as_str()),
            ],
            "schema",
        )
    };
    assert_eq!(lint("precision-layer-patched", "clusters"), vec![]);
    assert_eq!(
        lint("precision-layer-not-selected", "apps"),
        vec![(
            "hub/clusters/argocd/pools/sizes/small.yaml".into(),
            10,
            Severity::Error
        )]
    );
}

/// Argo CD reads `sources` only when it lists something (`HasMultipleSources`): an empty
/// `sources: []` leaves `source` in force, and a non-empty one makes `source` ignored.
#[test]
fn an_empty_sources_list_leaves_source_in_force() {
    let lint = |name: &str, sources: &str| {
        let web = app("web", "missing", None).replace(
            "  destination:",
            &format!("  sources:{sources}\n  destination:"),
        );
        let dir = tree(
            name,
            &[("apps/web.yaml", web.as_str()), ("web/cm.yaml", CM)],
        );
        common::set_origin(&dir, PLATFORM);
        of_rule(&dir, &Config::default(), "unknown-path")
    };
    assert_eq!(
        lint("precision-sources-empty", " []"),
        vec![("apps/web.yaml".into(), 11, Severity::Error)]
    );
    let listed = format!("\n    - repoURL: {PLATFORM}\n      path: web");
    assert_eq!(lint("precision-sources-listed", &listed), vec![]);
}

/// A rendered Application is mapped back to the one written with its name: of `web` and
/// `web-certs` in one file, `web-certs`'s finding points at its own `path:`.
#[test]
fn a_rendered_object_maps_back_to_the_object_with_its_name() {
    common::require_kustomize();
    let web = app("web", "one", None);
    let certs = app("web-certs", "two", None);
    let both = format!("{web}---\n{certs}");
    let dir = tree(
        "precision-origin-prefix",
        &[
            (
                "apps/kustomization.yaml",
                "resources:\n  - ./sub/apps.yaml\n",
            ),
            ("apps/sub/apps.yaml", both.as_str()),
            ("one/kustomization.yaml", "resources:\n  - cm.yaml\n"),
            ("one/cm.yaml", CM),
            ("two/kustomization.yaml", "resources:\n  - missing.yaml\n"),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "render-failed"),
        vec![("apps/sub/apps.yaml".into(), 26, Severity::Error)]
    );
}

/// A value file of a chart in this repository that the repository does not have: Helm cannot
/// open it and the app never generates, unless `ignoreMissingValueFiles` is set.
#[test]
fn a_missing_helm_value_file_is_an_unknown_path() {
    let lint = |name: &str, helm: &str| {
        let web = app("web", "charts/web", None).replace(
            "    path: charts/web\n",
            &format!("    path: charts/web\n    helm:\n{helm}"),
        );
        let dir = tree(
            name,
            &[
                ("apps/web.yaml", web.as_str()),
                (
                    "charts/web/Chart.yaml",
                    "apiVersion: v2\nname: web\nversion: 1.0.0\n",
                ),
                ("charts/web/values.yaml", "replicas: 1\n"),
                ("charts/web/values-staging.yaml", "replicas: 2\n"),
                ("envs/shared.yaml", "team: web\n"),
                ("charts/web/templates/cm.yaml", CM),
            ],
        );
        common::set_origin(&dir, PLATFORM);
        of_rule(&dir, &Config::default(), "unknown-path")
    };
    let files = "      valueFiles:\n        - values.yaml\n        - /envs/shared.yaml\n        - values-prod.yaml\n";
    assert_eq!(
        lint("precision-values-missing", files),
        vec![("apps/web.yaml".into(), 16, Severity::Error)]
    );
    let ignored = format!("{files}      ignoreMissingValueFiles: true\n");
    assert_eq!(lint("precision-values-ignored", &ignored), vec![]);
    let present = files.replace("values-prod", "values-staging");
    assert_eq!(lint("precision-values-present", &present), vec![]);
}

/// A root Application applied by hand that does not parse fails that apply: its syntax error
/// stays an error, even in a tree whose Applications sync other files.
#[test]
fn a_broken_root_application_applied_by_hand_stays_an_error() {
    let web = app("web", "web", None);
    let broken = app("root", "apps", None).replace("    path: apps\n", "    path: apps\n\t- x\n");
    let lint = |name: &str, root: &str| {
        rule_in(
            name,
            &[
                ("apps/web.yaml", web.as_str()),
                ("web/cm.yaml", CM),
                ("install/root.yaml", root),
            ],
            "yaml-syntax",
        )
    };
    assert_eq!(
        lint("precision-broken-root", &broken),
        vec![("install/root.yaml".into(), 11, Severity::Error)]
    );
    // A broken file of other objects that nothing syncs stays an info.
    let other = CM.replace("data: {}", "data:\n\t- x");
    assert_eq!(
        lint("precision-broken-unsynced", &other),
        vec![("install/root.yaml".into(), 6, Severity::Info)]
    );
}

/// An ApplicationSet's `templatePatch` is filled in and merged into each generated app, as
/// Argo CD does: a source it adds is read, and its findings point into the patch. A patch
/// beyond the template subset synclint evaluates leaves the app partial, with no finding.
#[test]
fn an_applicationset_template_patch_sets_the_generated_sources() {
    let lint = |name: &str, patch_path: &str| {
        let set = format!(
            "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: services
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - name: web
  template:
    metadata:
      name: '{{{{ .name }}}}'
    spec:
      project: default
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{{{ .name }}}}'
  templatePatch: |
    spec:
      source:
        repoURL: {PLATFORM}
        targetRevision: main
        path: {patch_path}
"
        );
        rule_in(
            name,
            &[
                ("appsets/services.yaml", set.as_str()),
                ("services/web/cm.yaml", CM),
            ],
            "unknown-path",
        )
    };
    assert_eq!(
        lint("precision-patch-missing", "apps/{{ .name }}"),
        vec![("appsets/services.yaml".into(), 25, Severity::Error)]
    );
    assert_eq!(
        lint("precision-patch-present", "services/{{ .name }}"),
        vec![]
    );
    assert_eq!(
        lint(
            "precision-patch-unevaluated",
            "apps/{{ .name | sha256sum }}"
        ),
        vec![]
    );
}

/// A matrix's second generator may read the first's parameters (`{{.path.path}}/config.json`):
/// Argo CD fills them in per element, and the generated apps are linted.
#[test]
fn a_matrix_child_reads_the_parameters_of_the_first() {
    let lint = |name: &str, overlay: &str| {
        let set = format!(
            "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - git:
              repoURL: {PLATFORM}
              revision: HEAD
              directories:
                - path: apps/*
          - git:
              repoURL: {PLATFORM}
              revision: HEAD
              files:
                - path: '{{{{.path.path}}}}/config.json'
  template:
    metadata:
      name: '{{{{.path.basename}}}}'
    spec:
      project: default
      source:
        repoURL: {PLATFORM}
        targetRevision: HEAD
        path: '{{{{.path.path}}}}/{{{{.overlay}}}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{{{.path.basename}}}}'
"
        );
        let config = format!("{{\"overlay\": \"{overlay}\"}}");
        rule_in(
            name,
            &[
                ("appsets/apps.yaml", set.as_str()),
                ("apps/web/config.json", config.as_str()),
                ("apps/web/dev/cm.yaml", CM),
            ],
            "unknown-path",
        )
    };
    assert_eq!(
        lint("precision-matrix-missing", "prod"),
        vec![("appsets/apps.yaml".into(), 29, Severity::Error)]
    );
    assert_eq!(lint("precision-matrix-present", "dev"), vec![]);
}

/// An ApplicationSet whose generator needs a live cluster still says where its apps read: its
/// template's path, each `{{ … }}` a wildcard. A directory outside those paths that nothing
/// else syncs is not an app Argo CD runs: its findings are infos.
#[test]
fn an_unresolved_applicationset_template_path_says_what_it_syncs() {
    let set = format!(
        "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  generators:
    - clusters: {{}}
  template:
    metadata:
      name: '{{{{name}}}}-env'
    spec:
      project: default
      source:
        repoURL: {PLATFORM}
        targetRevision: HEAD
        path: 'clusters/{{{{name}}}}'
      destination:
        server: '{{{{server}}}}'
        namespace: platform
"
    );
    let job = job_hook(None);
    let dir = tree(
        "precision-unresolved-template-path",
        &[
            ("apps/envs.yaml", set.as_str()),
            ("clusters/prod/job.yaml", job.as_str()),
            ("components/retired/job.yaml", job.as_str()),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    assert_eq!(
        of_rule(&dir, &Config::default(), "hook-deadline"),
        vec![
            ("clusters/prod/job.yaml".into(), 8, Severity::Warning),
            ("components/retired/job.yaml".into(), 8, Severity::Info),
        ]
    );
}

/// A failed build's message names files from the repository root, not by the absolute path of
/// the checkout it ran in (which differs on every machine and CI runner).
#[test]
fn render_failures_name_files_from_the_repository_root() {
    common::require_kustomize();
    let web = app("web", "web", None);
    let dir = tree(
        "precision-render-relative",
        &[
            ("apps/web.yaml", web.as_str()),
            ("web/kustomization.yaml", "resources:\n  - missing.yaml\n"),
        ],
    );
    common::set_origin(&dir, PLATFORM);
    let r = report_with(&dir, &Config::default());
    let msgs: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "render-failed")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    // What kustomize says, after the command synclint shows.
    let said = msgs[0].split_once("fails: ").unwrap().1;
    assert!(said.contains("'web/missing.yaml'"), "{said}");
    assert!(!said.contains(&*dir.to_string_lossy()), "{said}");
}
