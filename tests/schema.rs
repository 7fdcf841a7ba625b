//! Schema validation (issue 3): each case asserts the rule, the object and the exact line.

mod common;

use common::tree;

/// (rule, kind/name, file, line) of every finding in a tree.
fn findings(dir: &std::path::Path) -> Vec<(String, String, String, usize, String)> {
    let loaded = common::report(dir);
    let diags = loaded.diagnostics.clone();
    diags
        .iter()
        .map(|d| {
            let f = &loaded.files[d.file];
            let rel = f
                .path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let obj = d
                .resource
                .as_ref()
                .map_or(String::new(), |r| format!("{}/{}", r.kind, r.name));
            (
                d.rule.to_string(),
                obj,
                rel,
                f.line_col(d.span.start).line,
                d.message.clone(),
            )
        })
        .collect()
}

fn one(files: &[(&str, &str)], name: &str) -> (String, String, String, usize, String) {
    let dir = tree(name, files);
    let mut f = findings(&dir);
    assert_eq!(f.len(), 1, "{f:#?}");
    f.remove(0)
}

fn clean(files: &[(&str, &str)], name: &str) {
    let dir = tree(name, files);
    assert_eq!(findings(&dir), vec![], "{name}");
}

const DEPLOY: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  strategy:
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 1, memory: 1Gi}
        volumeMounts:
        - {name: conf, mountPath: /etc/web}
      volumes:
      - name: conf
        configMap: {name: web, defaultMode: 0644}
"#;

#[test]
fn a_valid_deployment_is_clean() {
    clean(&[("d.yaml", DEPLOY)], "schema-valid");
}

#[test]
fn typo_d_field_with_suggestion() {
    let (rule, obj, file, line, msg) = one(
        &[("d.yaml", &DEPLOY.replace("  replicas: 2", "  replcias: 2"))],
        "schema-typo",
    );
    assert_eq!(
        (rule.as_str(), obj.as_str(), file.as_str(), line),
        ("schema", "Deployment/web", "d.yaml", 6)
    );
    assert_eq!(
        msg,
        "unknown field `replcias` in Deployment.spec (did you mean `replicas`?)"
    );
}

#[test]
fn wrong_type() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: eighty\n";
    let (rule, obj, _, line, msg) = one(&[("s.yaml", svc)], "schema-type");
    assert_eq!(
        (rule.as_str(), obj.as_str(), line),
        ("schema", "Service/web", 7)
    );
    assert_eq!(
        msg,
        "expected integer at Service.spec.ports[0].port, found string \"eighty\""
    );
}

#[test]
fn missing_required_field() {
    // A container without its required `name`.
    let d = DEPLOY.replace(
        "      - name: web\n        image: nginx:1.27\n",
        "      - image: nginx:1.27\n",
    );
    let (rule, _, _, line, msg) = one(&[("d.yaml", &d)], "schema-required");
    assert_eq!(rule, "schema");
    assert_eq!(
        msg,
        "missing required field `name` in Deployment.spec.template.spec.containers[0]"
    );
    assert_eq!(line, 16);
}

#[test]
fn bad_enum() {
    let d = DEPLOY.replace(
        "        image: nginx:1.27\n",
        "        image: nginx:1.27\n        imagePullPolicy: always\n",
    );
    let (_, _, _, line, msg) = one(&[("d.yaml", &d)], "schema-enum");
    assert_eq!(line, 18);
    assert!(msg.starts_with("`always` is not a valid value for Deployment.spec.template.spec.containers[0].imagePullPolicy: expected one of Always, IfNotPresent, Never (did you mean `Always`?)"), "{msg}");
}

#[test]
fn yaml_1_1_boolean_in_a_string_field() {
    let d = DEPLOY.replace(
        "        image: nginx:1.27\n",
        "        image: nginx:1.27\n        env:\n        - {name: DEBUG, value: yes}\n",
    );
    let dir = tree("schema-yaml11", &[("d.yaml", &d)]);
    let loaded = common::report(&dir);
    let diags = loaded.diagnostics.clone();
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].message,
        "expected string at Deployment.spec.template.spec.containers[0].env[0].value, found boolean true"
    );
    assert_eq!(
        loaded.files[diags[0].file]
            .line_col(diags[0].span.start)
            .line,
        19
    );
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("quote it: `\"yes\"`")
    );
    // Quoted, it is fine.
    clean(
        &[("d.yaml", &d.replace("value: yes", "value: \"yes\""))],
        "schema-yaml11-quoted",
    );
}

#[test]
fn int_or_string_both_ways() {
    for v in ["maxSurge: 25%", "maxSurge: 2"] {
        clean(
            &[("d.yaml", &DEPLOY.replace("maxSurge: 25%", v))],
            &format!("schema-ios-{}", v.len()),
        );
    }
    let (_, _, _, line, msg) = one(
        &[(
            "d.yaml",
            &DEPLOY.replace("maxSurge: 25%", "maxSurge: {a: 1}"),
        )],
        "schema-ios-bad",
    );
    assert_eq!(line, 10);
    assert_eq!(
        msg,
        "expected integer or string at Deployment.spec.strategy.rollingUpdate.maxSurge, found a mapping"
    );
}

#[test]
fn quantities() {
    let (_, _, _, line, msg) = one(
        &[("d.yaml", &DEPLOY.replace("memory: 1Gi", "memory: 1GB"))],
        "schema-quantity",
    );
    assert_eq!(line, 22);
    assert!(
        msg.contains(
            "is not valid for Deployment.spec.template.spec.containers[0].resources.limits.memory"
        ),
        "{msg}"
    );
}

const APP: &str = r#"apiVersion: argoproj.io/v1alpha1
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
    syncOptions: [CreateNamespace=true]
"#;

#[test]
fn misplaced_application_fields() {
    clean(&[("app.yaml", APP)], "schema-app-valid");
    // syncOptions beside syncPolicy instead of inside it.
    let misplaced = APP
        .replace("    syncOptions: [CreateNamespace=true]\n", "")
        .replace(
            "  syncPolicy:\n",
            "  syncOptions: [CreateNamespace=true]\n  syncPolicy:\n",
        );
    let (rule, obj, _, line, msg) = one(&[("app.yaml", &misplaced)], "schema-app-misplaced");
    assert_eq!(
        (rule.as_str(), obj.as_str(), line),
        ("schema", "Application/web", 13)
    );
    assert_eq!(msg, "unknown field `syncOptions` in Application.spec");
    // A misspelled selfHeal.
    let (_, _, _, line, msg) = one(
        &[("app.yaml", &APP.replace("selfHeal", "selfheal"))],
        "schema-app-selfheal",
    );
    assert_eq!(line, 15);
    assert_eq!(
        msg,
        "unknown field `selfheal` in Application.spec.syncPolicy.automated (did you mean `selfHeal`?)"
    );
    // ignoreDifferences with the wrong shape.
    let wrong = APP.replace(
        "  syncPolicy:\n",
        "  ignoreDifferences:\n    group: apps\n  syncPolicy:\n",
    );
    let (_, _, _, line, msg) = one(&[("app.yaml", &wrong)], "schema-app-ignore");
    assert_eq!(line, 14);
    assert!(
        msg.starts_with("expected array at Application.spec.ignoreDifferences"),
        "{msg}"
    );
}

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
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
            required: [size]
            properties:
              size: {type: string, enum: [small, large]}
              count: {type: integer}
              port: {x-kubernetes-int-or-string: true}
              extra:
                type: object
                x-kubernetes-preserve-unknown-fields: true
"#;

const WIDGET: &str = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: blue\nspec:\n  size: small\n  count: 3\n  port: http\n  extra: {anything: [1, 2], goes: here}\n";

#[test]
fn custom_resources_against_their_crd_in_the_tree() {
    clean(&[("crd.yaml", CRD), ("w.yaml", WIDGET)], "schema-cr-valid");
    let bad = WIDGET.replace("  count: 3\n", "  cuont: 3\n");
    let dir = tree("schema-cr-invalid", &[("crd.yaml", CRD), ("w.yaml", &bad)]);
    let f = findings(&dir);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].0.as_str(), f[0].1.as_str(), f[0].2.as_str(), f[0].3),
        ("schema", "Widget/blue", "w.yaml", 7)
    );
    assert_eq!(
        f[0].4,
        "unknown field `cuont` in Widget.spec (did you mean `count`?)"
    );
    let bad = WIDGET.replace("size: small", "size: huge");
    let f = findings(&tree(
        "schema-cr-enum",
        &[("crd.yaml", CRD), ("w.yaml", &bad)],
    ));
    assert_eq!(f[0].3, 6);
    let bad = WIDGET.replace("  size: small\n", "");
    let f = findings(&tree(
        "schema-cr-required",
        &[("crd.yaml", CRD), ("w.yaml", &bad)],
    ));
    assert_eq!(f[0].4, "missing required field `size` in Widget.spec");
    // int-or-string accepts a number too, and preserve-unknown-fields accepts anything.
    clean(
        &[
            ("crd.yaml", CRD),
            ("w.yaml", &WIDGET.replace("port: http", "port: 8080")),
        ],
        "schema-cr-ios",
    );
    // Without its CRD, the kind is not validated (and not an error).
    clean(&[("w.yaml", &bad)], "schema-cr-unknown");
}

#[test]
fn strict_kinds_makes_unknown_kinds_errors() {
    let dir = tree(
        "schema-strict-kinds",
        &[
            ("w.yaml", WIDGET),
            (".synclint.yaml", "strict-kinds: true\n"),
        ],
    );
    let config = synclint::config::load(&dir.join(".synclint.yaml")).unwrap();
    let a = common::run(&[&dir], &common::options(&config));
    let _ = &a;
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(
        a.diagnostics[0].message,
        "no schema for example.com/v1 Widget: it is not validated"
    );
    assert_eq!(a.summary.unvalidated, 1);
}

#[test]
fn schema_dir_supplies_custom_resource_schemas() {
    let schema = r#"{"type": "object", "properties": {"apiVersion": {}, "kind": {}, "metadata": {}, "spec": {"type": "object", "additionalProperties": false, "properties": {"size": {"type": "string"}}}}}"#;
    let dir = tree(
        "schema-dir",
        &[
            ("w.yaml", WIDGET),
            ("schemas/widget-example.com-v1.json", schema),
        ],
    );
    let config = synclint::config::Config {
        schema_dirs: vec![dir.join("schemas")],
        ..Default::default()
    };
    let a = common::run(&[&dir.join("w.yaml")], &common::options(&config));
    let _ = &a;
    let msgs: Vec<&str> = a.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "unknown field `count` in Widget.spec",
            "unknown field `port` in Widget.spec",
            "unknown field `extra` in Widget.spec"
        ]
    );
}

#[test]
fn kustomize_patches_are_not_checked_for_missing_fields() {
    let partial =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n";
    clean(
        &[
            ("base/kustomization.yaml", "resources: [d.yaml]\n"),
            ("base/d.yaml", DEPLOY),
            (
                "overlay/kustomization.yaml",
                "resources: [../base]\npatches:\n- path: replicas.yaml\n",
            ),
            ("overlay/replicas.yaml", partial),
        ],
        "schema-kustomize-patch",
    );
}

#[test]
fn older_kubernetes_versions_are_selectable() {
    let dir = tree("schema-version", &[("d.yaml", DEPLOY)]);
    for v in synclint::schema::set::versions() {
        let config = synclint::config::Config {
            kubernetes_version: Some(v.to_string()),
            ..Default::default()
        };
        let a = common::run(&[&dir], &common::options(&config));
        let _ = &a;
        assert!(a.diagnostics.is_empty(), "{v}: {:?}", a.diagnostics);
        assert_eq!(a.summary.unvalidated, 0, "{v}");
    }
    assert!(synclint::schema::set::versions().len() >= 3);
}
