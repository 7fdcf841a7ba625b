//! Helm rendering with a real `helm` 3 (required: `.ci/run` installs it), run with the flags of
//! Argo CD's `helm template` (util/helm/cmd.go `template()`): release name, namespace (the
//! source's `helm.namespace` over the destination's), `kubeVersion`/`apiVersions`,
//! `--include-crds` unless `skipCrds`, `--skip-tests`, Argo CD's escaping of commas in
//! parameters. Rendered objects point at their template file and line; the "not rendered" note
//! appears only for charts nothing rendered.

mod common;

use synclint::Report;

const CHART: &str = "apiVersion: v2\nname: web\nversion: 0.1.0\n";

const CONFIGMAP: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ .Release.Name }}-{{ .Release.Namespace }}-{{ .Capabilities.KubeVersion.Minor }}
  labels:
    value: {{ .Values.label | default "none" | replace "," "-" | quote }}
{{- if .Capabilities.APIVersions.Has "example.com/v1" }}
    api: present
{{- end }}
data:
  a: "1"
"#;

const TEST_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
    - name: t
      image: busybox:1.36
"#;

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
"#;

fn app(helm: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/r.git\n    path: chart\n{helm}  destination:\n    server: https://kubernetes.default.svc\n    namespace: dest\n"
    )
}

fn chart(name: &str, helm: &str) -> std::path::PathBuf {
    common::require_helm();
    common::tree(
        name,
        &[
            ("app.yaml", &app(helm)),
            ("chart/Chart.yaml", CHART),
            ("chart/templates/cm.yaml", CONFIGMAP),
            ("chart/templates/tests/test.yaml", TEST_POD),
            ("chart/crds/widget.yaml", CRD),
        ],
    )
}

/// The objects of the app `web`'s plan, as `Kind/name`.
fn objects(r: &Report) -> Vec<String> {
    let view = r.plan.as_ref().expect("plan");
    let app = view.apps.iter().find(|a| a.name == "web").expect("app web");
    let mut out: Vec<String> = app
        .steps
        .iter()
        .flat_map(|s| s.tasks.iter().map(|t| t.label.clone()))
        .collect();
    out.sort();
    out
}

/// The text `helm template` produced.
fn rendered(r: &Report) -> String {
    r.files
        .iter()
        .filter(|f| f.name.ends_with("(helm template)"))
        .map(|f| f.text().to_string())
        .collect()
}

fn notes(r: &Report) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.rule == "skipped-file" || d.rule == "render-failed")
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn argo_cd_defaults_release_name_destination_namespace_crds_and_tests() {
    let dir = chart("helm-defaults", "");
    let r = common::report(&dir);
    let objs = objects(&r);
    // Release `web` (the app's name), namespace `dest`, CRDs included, the test hook rendered.
    assert!(
        objs.iter().any(|o| o.starts_with("ConfigMap/cm-web-dest-")),
        "{objs:?}"
    );
    assert!(!rendered(&r).contains("api: present"));
    assert!(
        objs.contains(&"CustomResourceDefinition/widgets.example.com".to_string()),
        "{objs:?}"
    );
    // The test hook is rendered; Argo CD gives `helm.sh/hook: test` no sync phase
    // (gitops-engine pkg/sync/hook/helm/type.go), so it is not in the plan.
    assert!(rendered(&r).contains("name: web-test"), "{}", rendered(&r));
    assert!(notes(&r).is_empty(), "{:?}", notes(&r));
}

#[test]
fn source_helm_options_change_the_render_as_in_argo_cd() {
    let helm = "    helm:\n      releaseName: rel\n      namespace: other\n      kubeVersion: \"1.31.0\"\n      apiVersions: [example.com/v1]\n      skipCrds: true\n      skipTests: true\n      parameters:\n        - name: label\n          value: a,b\n";
    let dir = chart("helm-options", helm);
    let r = common::report(&dir);
    let objs = objects(&r);
    assert!(
        objs.contains(&"ConfigMap/cm-rel-other-31".to_string()),
        "{objs:?}"
    );
    assert!(
        !objs
            .iter()
            .any(|o| o.starts_with("CustomResourceDefinition/")),
        "skipCrds: {objs:?}"
    );
    assert!(!rendered(&r).contains("name: rel-test"), "skipTests");
    assert!(notes(&r).is_empty(), "{:?}", notes(&r));
    // The comma in `a,b` is escaped as Argo CD does: one value, not a second key.
    assert!(
        rendered(&r).contains("value: \"a-b\"") && rendered(&r).contains("api: present"),
        "{}",
        rendered(&r)
    );
}

#[test]
fn value_files_from_a_ref_source_of_this_repository_are_read_from_the_checkout() {
    // `$values/envs/web.yaml` names the `ref: values` source; it is this repository, so the file
    // is the checkout's `envs/web.yaml`.
    common::require_helm();
    let multi = |ref_repo: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  sources:\n    - repoURL: {ref_repo}\n      targetRevision: main\n      ref: values\n    - repoURL: https://example.com/r.git\n      targetRevision: main\n      path: chart\n      helm:\n        valueFiles:\n          - $values/envs/web.yaml\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: dest\n"
        )
    };
    let tree = |name: &str, app: &str| {
        let dir = common::tree(
            name,
            &[
                ("app.yaml", app),
                ("chart/Chart.yaml", CHART),
                ("chart/templates/cm.yaml", CONFIGMAP),
                ("envs/web.yaml", "label: from-env\n"),
            ],
        );
        common::set_origin(&dir, "https://example.com/r.git");
        dir
    };
    let dir = tree("helm-values-ref-here", &multi("https://example.com/r.git"));
    let r = common::report(&dir);
    assert!(
        rendered(&r).contains("value: \"from-env\""),
        "{:?}",
        notes(&r)
    );
    // A ref to another repository is not in this checkout: not rendered, and said once.
    let dir = tree(
        "helm-values-ref-elsewhere",
        &multi("https://example.com/values.git"),
    );
    let r = common::report(&dir);
    assert!(rendered(&r).is_empty());
    assert!(
        notes(&r)
            .iter()
            .any(|n| n.contains("comes from another source or repository")),
        "{:?}",
        notes(&r)
    );
}

#[test]
fn subchart_templates_are_rendered_not_reported_as_skipped_and_point_at_their_file() {
    common::require_helm();
    let bad_port = r#"apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-sub
spec:
  ports:
    - port: {{ .Values.port | default "eighty" }}
"#;
    let dir = common::tree(
        "helm-subchart",
        &[
            ("app.yaml", &app("")),
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n",
            ),
            ("chart/templates/cm.yaml", CONFIGMAP),
            (
                "chart/charts/sub/Chart.yaml",
                "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            ),
            ("chart/charts/sub/templates/svc.yaml", bad_port),
        ],
    );
    let r = common::report(&dir);
    assert!(notes(&r).is_empty(), "{:?}", notes(&r));
    let objs = objects(&r);
    assert!(objs.contains(&"Service/web-sub".to_string()), "{objs:?}");
    // The Service's task points at the subchart's template.
    let view = r.plan.as_ref().unwrap();
    let task = view
        .apps
        .iter()
        .flat_map(|a| a.steps.iter().flat_map(|s| s.tasks.iter()))
        .find(|t| t.label == "Service/web-sub")
        .unwrap();
    let at = task.at.as_ref().expect("a location");
    assert!(
        r.files[at.file]
            .path
            .ends_with("chart/charts/sub/templates/svc.yaml"),
        "{}",
        r.files[at.file].path.display()
    );
    // The schema finding on `port` is on the template's line 7.
    let rows = common::rows(&dir, &r);
    assert!(
        rows.iter().any(|(rule, f, line)| rule == "schema"
            && f == "chart/charts/sub/templates/svc.yaml"
            && *line == 7),
        "{rows:?}"
    );
}

#[test]
fn a_chart_no_app_renders_gets_the_note_once() {
    common::require_helm();
    let dir = common::tree(
        "helm-unused",
        &[
            ("chart/Chart.yaml", CHART),
            ("chart/templates/cm.yaml", CONFIGMAP),
        ],
    );
    let r = common::report(&dir);
    let n = notes(&r);
    assert_eq!(n.len(), 1, "{n:?}");
    assert!(n[0].starts_with("Helm chart not rendered"), "{n:?}");
}

#[test]
fn helm_gets_the_target_kubernetes_version_as_argo_cd_passes_the_clusters() {
    // Helm's built-in default is older than the clusters synclint targets: a chart that requires
    // a recent Kubernetes must render, as Argo CD passes the destination cluster's version.
    common::require_helm();
    let dir = common::tree(
        "helm-kube-version-default",
        &[
            ("app.yaml", &app("")),
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\nkubeVersion: \">=1.33.0-0\"\n",
            ),
            ("chart/templates/cm.yaml", CONFIGMAP),
        ],
    );
    let r = common::report(&dir);
    assert!(notes(&r).is_empty(), "{:?}", notes(&r));
    let minor = synclint::schema::set::DEFAULT_KUBERNETES
        .split('.')
        .nth(1)
        .unwrap();
    assert!(
        objects(&r).contains(&format!("ConfigMap/cm-web-dest-{minor}")),
        "{:?}",
        objects(&r)
    );
}

#[test]
fn local_file_dependencies_are_vendored_as_argo_cds_dependency_build_does() {
    common::require_helm();
    // Argo CD runs `helm dependency build` when charts/ lacks a dependency; a `file://` one is
    // packaged from the checkout, offline. Its templates render and findings point at them.
    let bad_port = r#"apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
spec:
  ports:
    - port: {{ .Values.port | default "eighty" }}
"#;
    let dir = common::tree(
        "helm-file-dependency",
        &[
            ("app.yaml", &app("")),
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: \"*\"\n    repository: file://../libs/lib\n",
            ),
            ("chart/templates/cm.yaml", CONFIGMAP),
            (
                "libs/lib/Chart.yaml",
                "apiVersion: v2\nname: lib\nversion: 0.1.0\ndependencies:\n  - name: base\n    alias: foundation\n    version: \"*\"\n    repository: file://../base\n",
            ),
            ("libs/lib/templates/svc.yaml", bad_port),
            (
                "libs/base/Chart.yaml",
                "apiVersion: v2\nname: base\nversion: 0.1.0\n",
            ),
            (
                "libs/base/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  count: 1\n",
            ),
        ],
    );
    let r = common::report(&dir);
    assert!(
        r.diagnostics.iter().all(|d| d.rule != "render-failed"),
        "{:?}",
        notes(&r)
    );
    let objs = objects(&r);
    assert!(objs.contains(&"Service/web-lib".to_string()), "{objs:?}");
    assert!(
        objs.contains(&"ConfigMap/web-foundation".to_string()),
        "{objs:?}"
    );
    // The dependencies' templates were rendered: no "not rendered" note for them.
    assert!(notes(&r).is_empty(), "{:?}", notes(&r));
    // Findings point at the dependencies' templates, also through an alias (`# Source:` names
    // a subchart by its alias).
    let mut rows = common::rows(&dir, &r);
    rows.retain(|(rule, _, _)| rule == "schema");
    assert_eq!(
        rows,
        vec![
            ("schema".into(), "libs/base/templates/cm.yaml".into(), 6),
            ("schema".into(), "libs/lib/templates/svc.yaml".into(), 7),
        ]
    );
    // Nothing is written into the repository.
    assert!(!dir.join("chart/charts").exists());
    // The twin: a dependency from a chart repository cannot be fetched offline.
    let dir = common::tree(
        "helm-remote-dependency",
        &[
            ("app.yaml", &app("")),
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: 1.0.0\n    repository: https://charts.example.com\n",
            ),
            ("chart/templates/cm.yaml", CONFIGMAP),
        ],
    );
    let r = common::report(&dir);
    assert!(objs_or_empty(&r).is_empty());
    assert!(
        r.verbose
            .iter()
            .any(|v| v.contains("not vendored in charts/")),
        "{:?}",
        r.verbose
    );
}

/// The objects of app `web`, or none when it has no plan entries.
fn objs_or_empty(r: &Report) -> Vec<String> {
    r.plan
        .as_ref()
        .and_then(|v| v.apps.iter().find(|a| a.name == "web"))
        .map(|a| {
            a.steps
                .iter()
                .flat_map(|s| s.tasks.iter().map(|t| t.label.clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_template_without_template_syntax_is_linted_once_where_it_is_written() {
    // A chart template with no `{{ }}` parses as YAML: the rendered copy is what Argo CD
    // applies, and its finding points at the template's own line, once.
    common::require_helm();
    let job = "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 60
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: busybox:1.36}]
";
    let dir = common::tree(
        "helm-plain-template",
        &[
            ("app.yaml", &app("")),
            ("chart/Chart.yaml", CHART),
            ("chart/templates/job.yaml", job),
        ],
    );
    let r = common::report(&dir);
    assert_eq!(
        common::rows(&dir, &r)
            .into_iter()
            .filter(|(rule, _, _)| rule == "hook-delete-policy")
            .collect::<Vec<_>>(),
        vec![(
            "hook-delete-policy".into(),
            "chart/templates/job.yaml".into(),
            7
        )]
    );
}

#[test]
fn applicationset_parameters_fill_the_helm_values_and_unevaluated_functions_block_the_render() {
    common::require_helm();
    let appset = |values: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: web
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - label: green
  template:
    metadata:
      name: web
    spec:
      project: default
      source:
        repoURL: https://example.com/r.git
        path: chart
        helm:
          values: |
            {values}
      destination:
        server: https://kubernetes.default.svc
        namespace: dest
"
        )
    };
    let files = |values: &str| {
        vec![
            ("appset.yaml".to_string(), appset(values)),
            ("chart/Chart.yaml".to_string(), CHART.to_string()),
            ("chart/templates/cm.yaml".to_string(), CONFIGMAP.to_string()),
        ]
    };
    let tree = |name: &str, values: &str| {
        let f = files(values);
        let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        common::tree(name, &refs)
    };
    // `{{ .label }}` is the generator's parameter: substituted, the chart renders with it.
    let dir = tree("helm-appset-values", "label: '{{ .label }}'");
    let r = common::report(&dir);
    assert!(
        rendered(&r).contains("value: \"green\""),
        "{}",
        rendered(&r)
    );
    assert!(notes(&r).is_empty(), "{:?}", notes(&r));
    // A Sprig pipeline synclint does not evaluate: not rendered (info), not a failed build.
    let dir = tree(
        "helm-appset-values-pipeline",
        "{{- toYaml . | nindent 12 }}",
    );
    let r = common::report(&dir);
    assert!(
        common::rows(&dir, &r)
            .iter()
            .all(|(rule, _, _)| rule != "render-failed"),
        "{:?}",
        common::rows(&dir, &r)
    );
    assert!(
        r.verbose.iter().any(|v| v.contains("does not evaluate")),
        "{:?}",
        r.verbose
    );
}

/// A key a template writes again in an `if` block (an override) is the chart's intent, not a
/// lost value; the same key written twice in a template that is plain YAML is a mistake.
#[test]
fn repeated_keys_in_helm_output_are_findings_only_where_the_template_writes_them_twice() {
    common::require_helm();
    let lint = |name: &str, template: &str| {
        let dir = common::tree(
            name,
            &[
                ("app.yaml", &app("")),
                ("chart/Chart.yaml", CHART),
                ("chart/values.yaml", "search: true\n"),
                ("chart/templates/env.yaml", template),
            ],
        );
        common::findings(&dir)
            .into_iter()
            .filter(|(rule, _, _)| rule == "yaml-syntax")
            .collect::<Vec<_>>()
    };
    let overridden = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: env\ndata:\n  SEARCH: \"false\"\n{{- if .Values.search }}\n  SEARCH: \"true\"\n{{- end }}\n";
    assert_eq!(lint("helm-dup-override", overridden), vec![]);
    let twice = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: env\ndata:\n  SEARCH: \"false\"\n  SEARCH: \"true\"\n";
    assert_eq!(
        lint("helm-dup-plain", twice),
        vec![("yaml-syntax".into(), "chart/templates/env.yaml".into(), 7)]
    );
}
