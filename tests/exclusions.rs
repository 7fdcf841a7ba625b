//! The instance's resource filter (argocd-cm `resource.exclusions` / `resource.inclusions`, and
//! the 3.0 install's defaults), read from every place the tree may set it, and what the rules
//! make of it: an excluded object is never applied.

mod common;

use common::{report_with, tree};
use synclint::config::Config;
use synclint::diag::Severity;

/// A selector-less Service with a hand-written v1 Endpoints (deprecated since Kubernetes 1.33),
/// synced by the Application `nas`.
const NAS: &str = "apiVersion: v1
kind: Service
metadata:
  name: nas
spec:
  ports:
    - port: 443
---
apiVersion: v1
kind: Endpoints
metadata:
  name: nas
subsets:
  - addresses:
      - ip: 192.168.1.20
    ports:
      - port: 443
";

/// (rule, line, severity) of `deprecated-api` and `excluded-resource` findings.
fn found(files: &[(&str, &str)], name: &str, cfg: &Config) -> Vec<(String, usize, Severity)> {
    let app = common::application("nas", "nas");
    let mut all: Vec<(&str, &str)> = vec![("apps/nas.yaml", &app), ("nas/service.yaml", NAS)];
    all.extend_from_slice(files);
    let dir = tree(name, &all);
    common::set_origin(&dir, "https://github.com/example/platform.git");
    let r = report_with(&dir, cfg);
    let mut out: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| matches!(d.rule, "deprecated-api" | "excluded-resource"))
        .map(|d| {
            (
                d.rule.to_string(),
                r.files[d.file].line_col(d.span.start).line,
                d.severity,
            )
        })
        .collect();
    out.sort();
    out
}

fn cm(exclusions: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  resource.exclusions: |\n{}",
        exclusions
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    )
}

const VELERO: &str = "- apiGroups: [velero.io]\n  kinds: [Backup]\n";
const ENDPOINTS: &str = "- apiGroups: ['']\n  kinds: [Endpoints]\n";

#[test]
fn without_the_instances_setting_the_3_0_default_probably_excludes_endpoints() {
    let got = found(&[], "excl-default", &Config::default());
    assert_eq!(
        got,
        vec![
            ("deprecated-api".into(), 9, Severity::Info),
            ("excluded-resource".into(), 10, Severity::Info),
        ]
    );
    // Both sides of the release that brought the default list (3.0.0, commit ac50d8e): before
    // it the install has no default list, and the deprecation is certain.
    let at = |v: &str| Config {
        argocd_version: Some(v.into()),
        ..Config::default()
    };
    assert_eq!(
        found(&[], "excl-default-2x", &at("2.14.11")),
        vec![("deprecated-api".into(), 9, Severity::Warning)]
    );
    assert_eq!(
        found(&[], "excl-default-3-0", &at("3.0.0")),
        vec![
            ("deprecated-api".into(), 9, Severity::Info),
            ("excluded-resource".into(), 10, Severity::Info),
        ]
    );
}

#[test]
fn an_argocd_cm_in_the_tree_decides() {
    // Its own list, without Endpoints (it replaces the default): applied, and deprecated.
    let own = cm(VELERO);
    assert_eq!(
        found(
            &[("argocd/argocd-cm.yaml", &own)],
            "excl-cm-other",
            &Config::default()
        ),
        vec![("deprecated-api".into(), 9, Severity::Warning)]
    );
    // A list with Endpoints: never applied, so its apiVersion does not matter.
    let own = cm(ENDPOINTS);
    assert_eq!(
        found(
            &[("argocd/argocd-cm.yaml", &own)],
            "excl-cm-endpoints",
            &Config::default()
        ),
        vec![("excluded-resource".into(), 10, Severity::Warning)]
    );
    // Inclusions that do not name it exclude it too.
    let incl = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  resource.inclusions: |\n    - apiGroups: [apps]\n      kinds: ['*']\n";
    let got = found(
        &[("argocd/argocd-cm.yaml", incl)],
        "excl-cm-incl",
        &Config::default(),
    );
    assert!(
        got.contains(&("excluded-resource".into(), 10, Severity::Warning)),
        "{got:?}"
    );
}

#[test]
fn argo_cd_chart_values_set_the_filter() {
    // An umbrella chart's values, under the dependency's key (not a manifest: read for this).
    let values = format!(
        "argo-cd:\n  configs:\n    cm:\n      resource.exclusions: |\n{}",
        VELERO
            .lines()
            .map(|l| format!("        {l}\n"))
            .collect::<String>()
    );
    assert_eq!(
        found(
            &[
                (
                    "bootstrap/argocd/Chart.yaml",
                    "apiVersion: v2\nname: argocd\nversion: 1.0.0\ndependencies:\n  - name: argo-cd\n    version: 9.0.0\n    repository: https://argoproj.github.io/argo-helm\n"
                ),
                ("bootstrap/argocd/values.yaml", &values),
            ],
            "excl-umbrella",
            &Config::default()
        ),
        vec![("deprecated-api".into(), 9, Severity::Warning)]
    );
    // An Application's inline `helm.values` string that keeps Endpoints excluded.
    let app = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: argocd\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://argoproj.github.io/argo-helm\n    chart: argo-cd\n    targetRevision: 9.0.0\n    helm:\n      values: |\n        configs:\n          cm:\n            resource.exclusions: |\n{}  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n",
        ENDPOINTS
            .lines()
            .map(|l| format!("              {l}\n"))
            .collect::<String>()
    );
    assert_eq!(
        found(
            &[("apps/argocd.yaml", &app)],
            "excl-inline-values",
            &Config::default()
        ),
        vec![("excluded-resource".into(), 10, Severity::Warning)]
    );
}

#[test]
fn copies_that_disagree_prove_nothing() {
    let a = cm(VELERO);
    let b = cm(ENDPOINTS);
    assert_eq!(
        found(
            &[
                ("clusters/a/argocd-cm.yaml", &a),
                ("clusters/b/argocd-cm.yaml", &b)
            ],
            "excl-disagree",
            &Config::default()
        ),
        vec![
            ("deprecated-api".into(), 9, Severity::Info),
            ("excluded-resource".into(), 10, Severity::Info),
        ]
    );
}

#[test]
fn built_in_exclusions_hold_whatever_argocd_cm_says() {
    let lease = "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: leader\n";
    let own = cm(VELERO);
    let app = common::application("nas", "nas");
    let dir = tree(
        "excl-core",
        &[
            ("apps/nas.yaml", &app),
            ("nas/lease.yaml", lease),
            ("argocd/argocd-cm.yaml", &own),
        ],
    );
    common::set_origin(&dir, "https://github.com/example/platform.git");
    let r = report_with(&dir, &Config::default());
    let got: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "excluded-resource")
        .map(|d| (r.files[d.file].line_col(d.span.start).line, d.severity))
        .collect();
    assert_eq!(got, vec![(2, Severity::Warning)]);
}

#[test]
fn the_finding_shows_the_list_that_leaves_the_kind_out() {
    let own = cm(ENDPOINTS);
    let app = common::application("nas", "nas");
    let dir = tree(
        "excl-related",
        &[
            ("apps/nas.yaml", &app),
            ("nas/service.yaml", NAS),
            ("argocd/argocd-cm.yaml", &own),
        ],
    );
    common::set_origin(&dir, "https://github.com/example/platform.git");
    let r = report_with(&dir, &Config::default());
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "excluded-resource")
        .expect("the Endpoints is reported");
    let related: Vec<(String, usize)> = d
        .related
        .iter()
        .map(|l| {
            let f = &r.files[l.file];
            let rel = f
                .path
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, f.line_col(l.span.start).line)
        })
        .collect();
    // The list, on the line after `resource.exclusions: |`.
    assert_eq!(related, vec![("argocd/argocd-cm.yaml".to_string(), 8)]);
}
