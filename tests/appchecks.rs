//! The Application and AppProject checks beyond their rule pages: invalid-retry,
//! invalid-sync-window, invalid-ignore-differences, multiple-source-types, missing-namespace,
//! missing-project and project-denies-resource. Each test pins rule, file and line.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{findings, tree};
use synclint::config::{Config, RuleSetting};
use synclint::diag::Severity;

type Finding = (String, String, usize);

const MINE: &[&str] = &[
    "invalid-ignore-differences",
    "invalid-retry",
    "invalid-sync-window",
    "missing-namespace",
    "missing-project",
    "multiple-source-types",
    "project-denies-resource",
];

/// The findings of this file's rules (other rules, such as `unknown-path` for the made-up paths
/// of these trees, are left out).
fn mine(dir: &Path) -> Vec<Finding> {
    findings(dir)
        .into_iter()
        .filter(|(r, _, _)| MINE.contains(&r.as_str()))
        .collect()
}

/// (rule, file, line, severity) of every finding, with the `schema` rule on or off.
fn lint(dir: &Path, schema: bool) -> Vec<(String, String, usize, Severity)> {
    let mut config = Config::default();
    if !schema {
        config.rules = BTreeMap::from([("schema".to_string(), RuleSetting::Off)]);
    }
    let a = common::run(&[dir], &common::options(&config));
    let loaded = &a;
    let mut out: Vec<_> = a
        .diagnostics
        .iter()
        .map(|d| {
            let f = &loaded.files[d.file];
            let rel = f
                .path
                .strip_prefix(dir)
                .map_or_else(|_| f.name.clone(), |p| p.to_string_lossy().into_owned());
            (
                d.rule.to_string(),
                rel,
                f.line_col(d.span.start).line,
                d.severity,
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    out
}

/// 1-based line of the first occurrence of `needle` (after `from`, itself a needle) in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    text[..i].matches('\n').count() + 1
}

fn line_after(text: &str, from: &str, needle: &str) -> usize {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("`{from}` not in text"));
    let i = text[start..]
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not after `{from}`"))
        + start;
    text[..i].matches('\n').count() + 1
}

fn at(rule: &str, file: &str, line: usize) -> Finding {
    (rule.to_string(), file.to_string(), line)
}

fn sorted(mut v: Vec<Finding>) -> Vec<Finding> {
    v.sort();
    v
}

const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  LOG_LEVEL: info\n";

/// An Application `name` in project `project`, reading `path`, with `more` appended to its spec.
fn application(name: &str, project: &str, path: &str, namespace: &str, more: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
spec:
  project: {project}
  source:
    repoURL: https://github.com/example/deploy.git
    targetRevision: main
    path: {path}
  destination:
    server: https://kubernetes.default.svc
    namespace: {namespace}
{more}"
    )
}

// ---------------------------------------------------------------- invalid-retry

#[test]
fn retry_caps_below_the_duration_in_apps_and_applicationset_templates() {
    let appset = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: dev
  template:
    metadata:
      name: 'web-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://github.com/example/deploy.git
        targetRevision: main
        path: envs
      destination:
        server: https://kubernetes.default.svc
        namespace: 'web-{{env}}'
      syncPolicy:
        retry:
          limit: 3
          backoff:
            duration: 1m
            maxDuration: 10s
";
    let app = application(
        "web",
        "default",
        "web",
        "web",
        "  syncPolicy:
    retry:
      limit: -3
      backoff:
        duration: 5m
",
    );
    let dir = tree(
        "appchecks-retry-bad",
        &[
            ("apps/envs.yaml", appset),
            ("apps/web.yaml", &app),
            ("web/cm.yaml", CONFIGMAP),
            ("envs/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(
        mine(&dir),
        sorted(vec![
            at(
                "invalid-retry",
                "apps/envs.yaml",
                line_of(appset, "maxDuration: 10s")
            ),
            at("invalid-retry", "apps/web.yaml", line_of(&app, "limit: -3")),
            at(
                "invalid-retry",
                "apps/web.yaml",
                line_of(&app, "duration: 5m")
            ),
        ])
    );
    // A limit below -1 still retries (forever): a warning, not an error.
    let sev: Vec<_> = lint(&dir, true)
        .into_iter()
        .filter(|f| f.0 == "invalid-retry")
        .map(|f| (f.2, f.3))
        .collect();
    assert!(
        sev.contains(&(line_of(&app, "limit: -3"), Severity::Warning)),
        "{sev:?}"
    );
    assert!(
        sev.contains(&(line_of(&app, "duration: 5m"), Severity::Error)),
        "{sev:?}"
    );
}

#[test]
fn retry_durations_in_seconds_and_go_units_are_valid() {
    let a = application(
        "a",
        "default",
        "web",
        "web",
        "  syncPolicy:
    retry:
      limit: -1
      backoff:
        duration: \"30\"
        factor: 1
        maxDuration: 90m
",
    );
    let b = application(
        "b",
        "default",
        "web",
        "web",
        "  syncPolicy:
    retry:
      limit: 0
      backoff:
        duration: 1h30m
        factor: 3
        maxDuration: 2h
",
    );
    let dir = tree(
        "appchecks-retry-good",
        &[
            ("apps/a.yaml", &a),
            ("apps/b.yaml", &b),
            ("web/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(mine(&dir), vec![]);
}

#[test]
fn retry_one_day_is_not_a_duration_and_types_are_left_to_schema() {
    let app = application(
        "web",
        "default",
        "web",
        "web",
        "  syncPolicy:
    retry:
      limit: \"3\"
      backoff:
        duration: 1d
        factor: 1.5
",
    );
    let dir = tree(
        "appchecks-retry-types",
        &[("apps/web.yaml", &app), ("web/cm.yaml", CONFIGMAP)],
    );
    let (limit, duration, factor) = (
        line_of(&app, "limit: \"3\""),
        line_of(&app, "duration: 1d"),
        line_of(&app, "factor: 1.5"),
    );
    let of = |schema: bool, rule: &str| -> Vec<usize> {
        lint(&dir, schema)
            .into_iter()
            .filter(|f| f.0 == rule)
            .map(|f| f.2)
            .collect()
    };
    // With the schema rule on, it reports the types; this rule only the duration.
    assert_eq!(of(true, "invalid-retry"), vec![duration]);
    assert_eq!(of(true, "schema"), vec![limit, factor]);
    // With it off, this rule reports them.
    assert_eq!(of(false, "invalid-retry"), vec![limit, duration, factor]);
}

// ---------------------------------------------------------------- invalid-sync-window

const PROJECT_HEAD: &str = "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team
  namespace: argocd
spec:
  sourceRepos:
    - \"*\"
  destinations:
    - server: https://kubernetes.default.svc
      namespace: \"*\"
";

#[test]
fn sync_windows_with_names_steps_and_ninety_minutes_are_valid() {
    let project = format!(
        "{PROJECT_HEAD}  syncWindows:
    - kind: allow
      schedule: \"*/15 9-17 * JAN-MAR,oct mon-fri\"
      duration: 90m
      timeZone: America/New_York
      applications: [\"*\"]
    - kind: deny
      schedule: \"0 22 1,15 * SUN\"
      duration: 1h30m
      namespaces: [\"prod-*\"]
    - kind: deny
      schedule: \"30 2 * 12 0-6/2\"
      duration: 45m
      clusters: [in-cluster]
      manualSync: true
"
    );
    let dir = tree("appchecks-window-good", &[("projects/team.yaml", &project)]);
    assert_eq!(lint(&dir, true), vec![]);
}

#[test]
fn sync_windows_with_descriptors_bad_fields_and_days_are_invalid() {
    let project = format!(
        "{PROJECT_HEAD}  syncWindows:
    - kind: allow
      schedule: \"@daily\"
      duration: 1h
      applications: [\"*\"]
    - kind: deny
      schedule: \"0 0 * * * *\"
      duration: 1h
      applications: [\"*\"]
    - kind: deny
      schedule: \"0 25 * * *\"
      duration: 1h
      applications: [\"*\"]
    - kind: allow
      schedule: \"0 1 * * *\"
      duration: 1d
      applications: [\"*\"]
    - kind: allow
      schedule: \"0 2 * * *\"
      applications: [\"*\"]
    - kind: allow
      schedule: \"0 3 * * *\"
      duration: 1h
      timeZone: CEST
      applications: [\"*\"]
"
    );
    let dir = tree("appchecks-window-bad", &[("projects/team.yaml", &project)]);
    let f = "projects/team.yaml";
    let e = Severity::Error;
    assert_eq!(
        lint(&dir, true),
        vec![
            (
                "invalid-sync-window".into(),
                f.into(),
                line_of(&project, "@daily"),
                e
            ),
            (
                "invalid-sync-window".into(),
                f.into(),
                line_of(&project, "0 0 * * * *"),
                e
            ),
            (
                "invalid-sync-window".into(),
                f.into(),
                line_of(&project, "0 25 * * *"),
                e
            ),
            (
                "invalid-sync-window".into(),
                f.into(),
                line_of(&project, "duration: 1d"),
                e
            ),
            // The window without a duration: reported on its first line.
            (
                "invalid-sync-window".into(),
                f.into(),
                line_of(&project, "\"0 2 * * *\"") - 1,
                e
            ),
            // An unknown time zone falls back to UTC: a warning.
            (
                "invalid-sync-window".into(),
                f.into(),
                line_of(&project, "timeZone: CEST"),
                Severity::Warning
            ),
        ]
    );
}

#[test]
fn sync_window_kind_case_is_the_schema_rule_unless_it_is_off() {
    let project = format!(
        "{PROJECT_HEAD}  syncWindows:
    - kind: Allow
      schedule: \"0 22 * * *\"
      duration: 1h
      applications: [\"*\"]
"
    );
    let dir = tree("appchecks-window-kind", &[("projects/team.yaml", &project)]);
    let line = line_of(&project, "kind: Allow");
    let rules = |schema: bool| -> Vec<(String, usize)> {
        lint(&dir, schema).into_iter().map(|f| (f.0, f.2)).collect()
    };
    assert_eq!(rules(true), vec![("schema".to_string(), line)]);
    assert_eq!(
        rules(false),
        vec![("invalid-sync-window".to_string(), line)]
    );
}

// ---------------------------------------------------------------- invalid-ignore-differences

#[test]
fn ignore_differences_jq_syntax_errors_groups_and_pointers() {
    let appset = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: dev
  template:
    metadata:
      name: 'web-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://github.com/example/deploy.git
        targetRevision: main
        path: envs
      destination:
        server: https://kubernetes.default.svc
        namespace: 'web-{{env}}'
      ignoreDifferences:
        - group: apps
          kind: Deployment
          jqPathExpressions:
            - .spec.template.spec.containers[] | select(.name | test(\"^istio-\")) | .image
            - '.spec.template.spec.containers[0.image'
";
    let app = application(
        "web",
        "default",
        "web",
        "web",
        "  ignoreDifferences:
    - kind: StatefulSet
      jsonPointers:
        - /spec/replicas
    - kind: ConfigMap
      jsonPointers:
        - spec/replicas
        - /data/config.yaml
    - group: \"*\"
      kind: \"*\"
      managedFieldsManagers:
        - kube-controller-manager
    - group: argoproj.io
      kind: Rollout
      jqPathExpressions:
        - .spec.replicas
        - .metadata.annotations[\"notified.notifications.argoproj.io\"]
    - group: apps
      kind: \"\"
      jsonPointers:
        - /spec/replicas
",
    );
    let dir = tree(
        "appchecks-ignore",
        &[
            ("apps/envs.yaml", appset),
            ("apps/web.yaml", &app),
            ("web/cm.yaml", CONFIGMAP),
            ("envs/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(
        mine(&dir),
        sorted(vec![
            at(
                "invalid-ignore-differences",
                "apps/envs.yaml",
                line_of(appset, "containers[0.image")
            ),
            at(
                "invalid-ignore-differences",
                "apps/web.yaml",
                line_of(&app, "kind: StatefulSet")
            ),
            at(
                "invalid-ignore-differences",
                "apps/web.yaml",
                line_of(&app, "- spec/replicas")
            ),
            at(
                "invalid-ignore-differences",
                "apps/web.yaml",
                line_of(&app, "kind: \"\"")
            ),
        ])
    );
}

#[test]
fn ignore_differences_entry_without_kind_is_the_schema_rule_unless_it_is_off() {
    let app = application(
        "web",
        "default",
        "web",
        "web",
        "  ignoreDifferences:
    - group: apps
      jsonPointers:
        - /spec/replicas
",
    );
    let dir = tree(
        "appchecks-ignore-kind",
        &[("apps/web.yaml", &app), ("web/cm.yaml", CONFIGMAP)],
    );
    let line = line_of(&app, "- group: apps");
    let of = |schema: bool| -> Vec<(String, usize)> {
        lint(&dir, schema)
            .into_iter()
            .filter(|f| f.1 == "apps/web.yaml")
            .map(|f| (f.0, f.2))
            .collect()
    };
    assert_eq!(of(true), vec![("schema".to_string(), line)]);
    assert_eq!(
        of(false),
        vec![("invalid-ignore-differences".to_string(), line)]
    );
}

// ---------------------------------------------------------------- multiple-source-types

#[test]
fn multiple_source_types_in_sources_and_applicationset_templates() {
    let app = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://charts.example.com
      chart: web
      targetRevision: 1.2.0
      helm:
        releaseName: web
    - repoURL: https://github.com/example/deploy.git
      targetRevision: main
      path: overlays/prod
      kustomize:
        namePrefix: prod-
      helm:
        valueFiles:
          - values-prod.yaml
  destination:
    server: https://kubernetes.default.svc
    namespace: web
";
    let appset = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: dev
  template:
    metadata:
      name: 'web-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://github.com/example/deploy.git
        targetRevision: main
        path: envs
        plugin:
          name: envsubst
        directory:
          include: '*.yaml'
      destination:
        server: https://kubernetes.default.svc
        namespace: 'web-{{env}}'
";
    let dir = tree(
        "appchecks-sources-bad",
        &[
            ("apps/web.yaml", app),
            ("apps/envs.yaml", appset),
            ("envs/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(
        mine(&dir),
        sorted(vec![
            at(
                "multiple-source-types",
                "apps/envs.yaml",
                line_of(appset, "directory:")
            ),
            at(
                "multiple-source-types",
                "apps/web.yaml",
                line_after(app, "kustomize:", "helm:")
            ),
        ])
    );
}

#[test]
fn empty_source_type_blocks_and_an_ignored_source_do_not_count() {
    let app = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/deploy.git
    path: web
    helm:
      valueFiles: [values.yaml]
    kustomize:
      namePrefix: x-
  sources:
    - repoURL: https://github.com/example/deploy.git
      path: web
      helm: {}
      directory:
        recurse: false
      plugin:
        name: envsubst
  destination:
    server: https://kubernetes.default.svc
    namespace: web
";
    let dir = tree(
        "appchecks-sources-good",
        &[("apps/web.yaml", app), ("web/cm.yaml", CONFIGMAP)],
    );
    assert_eq!(mine(&dir), vec![]);
}

// ---------------------------------------------------------------- missing-namespace

const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: Widget
    plural: widgets
    singular: widget
    listKind: WidgetList
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
";

const PLATFORM: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
        - name: agent
          image: ghcr.io/example/agent:1.0.0
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: agent
  namespace: monitoring
data: {}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: gadget
---
apiVersion: unknown.example.org/v1
kind: Mystery
metadata:
  name: thing
";

#[test]
fn missing_namespace_for_builtin_and_crd_kinds_without_destination_namespace() {
    let app = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/platform.git
    targetRevision: main
    path: platform
  destination:
    server: https://kubernetes.default.svc
    namespace: \"\"
";
    let dir = tree(
        "appchecks-namespace-bad",
        &[
            ("apps/platform.yaml", app),
            ("platform/all.yaml", PLATFORM),
            ("crds/widget.yaml", WIDGET_CRD),
        ],
    );
    // The Deployment and the Widget (namespaced by its CRD); not the ClusterRole, the ConfigMap
    // with a namespace, or the kind whose scope is unknown.
    assert_eq!(
        mine(&dir),
        vec![
            at(
                "missing-namespace",
                "platform/all.yaml",
                line_after(PLATFORM, "kind: Deployment", "metadata:")
            ),
            at(
                "missing-namespace",
                "platform/all.yaml",
                line_after(PLATFORM, "kind: Widget", "metadata:")
            ),
        ]
    );
}

#[test]
fn no_missing_namespace_with_a_destination_namespace() {
    let app = application("platform", "default", "platform", "monitoring", "");
    let dir = tree(
        "appchecks-namespace-good",
        &[
            ("apps/platform.yaml", &app),
            ("platform/all.yaml", PLATFORM),
            ("crds/widget.yaml", WIDGET_CRD),
        ],
    );
    assert_eq!(mine(&dir), vec![]);
}

// ---------------------------------------------------------------- missing-project

const PAYMENTS_PROJECT: &str = "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: payments
  namespace: argocd
spec:
  sourceRepos: [\"*\"]
  destinations:
    - server: \"*\"
      namespace: \"*\"
  clusterResourceWhitelist:
    - group: \"*\"
      kind: \"*\"
";

#[test]
fn missing_project_in_applications_and_applicationset_templates() {
    let app = application("web", "payment", "web", "web", "");
    let appset = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: dev
  template:
    metadata:
      name: 'web-{{env}}'
    spec:
      project: platfrom
      source:
        repoURL: https://github.com/example/deploy.git
        targetRevision: main
        path: envs
      destination:
        server: https://kubernetes.default.svc
        namespace: 'web-{{env}}'
";
    let dir = tree(
        "appchecks-project-bad",
        &[
            ("projects/payments.yaml", PAYMENTS_PROJECT),
            ("apps/web.yaml", &app),
            ("apps/envs.yaml", appset),
            ("web/cm.yaml", CONFIGMAP),
            ("envs/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(
        mine(&dir),
        vec![
            at(
                "missing-project",
                "apps/envs.yaml",
                line_of(appset, "project: platfrom")
            ),
            at(
                "missing-project",
                "apps/web.yaml",
                line_of(&app, "project: payment")
            ),
        ]
    );
}

#[test]
fn default_templated_and_unmanaged_projects_are_not_missing() {
    let default_app = application("web", "default", "web", "web", "");
    let templated = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - project: payments
  template:
    metadata:
      name: 'web-{{.project}}'
    spec:
      project: '{{.project}}'
      source:
        repoURL: https://github.com/example/deploy.git
        targetRevision: main
        path: envs
      destination:
        server: https://kubernetes.default.svc
        namespace: web
";
    let dir = tree(
        "appchecks-project-good",
        &[
            ("projects/payments.yaml", PAYMENTS_PROJECT),
            ("apps/web.yaml", &default_app),
            ("apps/envs.yaml", templated),
            ("web/cm.yaml", CONFIGMAP),
            ("envs/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(mine(&dir), vec![]);
    // No AppProject in the tree: projects are managed elsewhere.
    let other = application("web", "team-x", "web", "web", "");
    let dir = tree(
        "appchecks-project-unmanaged",
        &[("apps/web.yaml", &other), ("web/cm.yaml", CONFIGMAP)],
    );
    assert_eq!(mine(&dir), vec![]);
}

// ---------------------------------------------------------------- project-denies-resource

fn project(body: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team
  namespace: argocd
spec:
{body}"
    )
}

const CLUSTER_ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
";

#[test]
fn cluster_scoped_kind_with_an_empty_cluster_whitelist_is_denied() {
    let proj = project(
        "  sourceRepos: [\"*\"]
  destinations:
    - server: https://kubernetes.default.svc
      namespace: \"*\"
  clusterResourceWhitelist: []
",
    );
    let app = application("web", "team", "web", "web", "");
    let dir = tree(
        "appchecks-deny-cluster",
        &[
            ("projects/team.yaml", &proj),
            ("apps/web.yaml", &app),
            ("web/rbac.yaml", CLUSTER_ROLE),
            ("web/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(
        mine(&dir),
        vec![at(
            "project-denies-resource",
            "web/rbac.yaml",
            line_of(CLUSTER_ROLE, "kind: ClusterRole")
        )]
    );
}

#[test]
fn whitelist_globs_allow_and_blacklists_deny() {
    let proj = project(
        "  sourceRepos: [\"*\"]
  destinations:
    - server: https://kubernetes.default.svc
      namespace: \"*\"
  clusterResourceWhitelist:
    - group: rbac.authorization.k8s.io
      kind: Cluster*
  namespaceResourceWhitelist:
    - group: \"*\"
      kind: \"*\"
  namespaceResourceBlacklist:
    - group: networking.k8s.io
      kind: \"*\"
",
    );
    let objects = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
---
apiVersion: v1
kind: Namespace
metadata:
  name: web
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
spec:
  podSelector: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data: {}
";
    let app = application("web", "team", "web", "web", "");
    let dir = tree(
        "appchecks-deny-lists",
        &[
            ("projects/team.yaml", &proj),
            ("apps/web.yaml", &app),
            ("web/all.yaml", objects),
        ],
    );
    assert_eq!(
        mine(&dir),
        vec![
            at(
                "project-denies-resource",
                "web/all.yaml",
                line_of(objects, "kind: Namespace")
            ),
            at(
                "project-denies-resource",
                "web/all.yaml",
                line_of(objects, "kind: NetworkPolicy")
            ),
        ]
    );
}

#[test]
fn negated_destinations_deny_and_unknown_clusters_are_not_judged() {
    let proj = project(
        "  sourceRepos: [\"*\"]
  destinations:
    - server: \"*\"
      namespace: \"!kube-*\"
    - server: https://kubernetes.default.svc
      namespace: \"*\"
    - server: https://prod.example.com
      namespace: web
",
    );
    let objects = "apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: web
data: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: patch
  namespace: kube-system
data: {}
";
    let app = application("web", "team", "web", "web", "");
    // Only the cluster's name is known: the project lists servers, so it cannot be judged.
    let by_name = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: prod
  namespace: argocd
spec:
  project: team
  source:
    repoURL: https://github.com/example/deploy.git
    path: prod
  destination:
    name: prod-cluster
    namespace: web
";
    let dir = tree(
        "appchecks-deny-destinations",
        &[
            ("projects/team.yaml", &proj),
            ("apps/web.yaml", &app),
            ("apps/prod.yaml", by_name),
            ("web/all.yaml", objects),
            ("prod/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(
        mine(&dir),
        vec![at(
            "project-denies-resource",
            "web/all.yaml",
            line_of(objects, "namespace: kube-system")
        )]
    );
}

#[test]
fn source_repo_globs_stop_at_slashes_and_negations_deny() {
    let projects = "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team
  namespace: argocd
spec:
  sourceRepos:
    - https://github.com/example/*
  destinations:
    - server: https://kubernetes.default.svc
      namespace: \"*\"
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: guarded
  namespace: argocd
spec:
  sourceRepos:
    - \"!https://github.com/example/secrets*\"
    - \"*\"
  destinations:
    - server: https://kubernetes.default.svc
      namespace: \"*\"
";
    let app = |name: &str, project: &str, url: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
spec:
  project: {project}
  source:
    repoURL: {url}
    path: web
  destination:
    server: https://kubernetes.default.svc
    namespace: web
"
        )
    };
    // Case, a trailing `.git` and `/` do not matter; `*` does not cross `/`.
    let ok = app("ok", "team", "https://GitHub.com/example/Deploy.git/");
    let nested = app(
        "nested",
        "team",
        "https://github.com/example/team/deploy.git",
    );
    // A `!` entry denies what it matches, whatever the other entries allow.
    let secret = app(
        "secret",
        "guarded",
        "https://github.com/example/secrets-prod.git",
    );
    let other = app(
        "other",
        "guarded",
        "https://gitlab.com/example/team/deploy.git",
    );
    let dir = tree(
        "appchecks-deny-repos",
        &[
            ("projects/team.yaml", projects),
            ("apps/ok.yaml", &ok),
            ("apps/nested.yaml", &nested),
            ("apps/secret.yaml", &secret),
            ("apps/other.yaml", &other),
            ("web/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(
        mine(&dir),
        vec![
            at(
                "project-denies-resource",
                "apps/nested.yaml",
                line_of(&nested, "repoURL:")
            ),
            at(
                "project-denies-resource",
                "apps/secret.yaml",
                line_of(&secret, "repoURL:")
            ),
        ]
    );
}

#[test]
fn default_project_outside_the_tree_and_open_projects_allow_everything() {
    // `default` is not in the tree: Argo CD's default project allows everything.
    let app = application("web", "default", "web", "kube-system", "");
    let dir = tree(
        "appchecks-deny-default",
        &[
            ("apps/web.yaml", &app),
            ("web/rbac.yaml", CLUSTER_ROLE),
            ("web/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(mine(&dir), vec![]);
    let dir = tree(
        "appchecks-deny-open",
        &[
            ("projects/payments.yaml", PAYMENTS_PROJECT),
            (
                "apps/web.yaml",
                &application("web", "payments", "web", "kube-system", ""),
            ),
            ("web/rbac.yaml", CLUSTER_ROLE),
            ("web/cm.yaml", CONFIGMAP),
        ],
    );
    assert_eq!(mine(&dir), vec![]);
}
