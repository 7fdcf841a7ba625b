//! Pod templates in every workload kind, and the objects a pod needs before it can start.

use crate::load::yaml::{Node, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefKind {
    ServiceAccount,
    ConfigMap,
    Secret,
    PersistentVolumeClaim,
    PriorityClass,
    RuntimeClass,
}

impl RefKind {
    pub fn kind(self) -> &'static str {
        match self {
            RefKind::ServiceAccount => "ServiceAccount",
            RefKind::ConfigMap => "ConfigMap",
            RefKind::Secret => "Secret",
            RefKind::PersistentVolumeClaim => "PersistentVolumeClaim",
            RefKind::PriorityClass => "PriorityClass",
            RefKind::RuntimeClass => "RuntimeClass",
        }
    }
    pub fn group(self) -> &'static str {
        match self {
            RefKind::PriorityClass => "scheduling.k8s.io",
            RefKind::RuntimeClass => "node.k8s.io",
            _ => "",
        }
    }
    pub fn namespaced(self) -> bool {
        !matches!(self, RefKind::PriorityClass | RefKind::RuntimeClass)
    }
}

/// A hard dependency of a pod template: the pod cannot start until the object exists.
#[derive(Clone, Debug)]
pub struct PodRef<'a> {
    pub kind: RefKind,
    pub name: &'a str,
    /// The referencing value (`serviceAccountName: x` → `x`).
    pub span: Span,
    /// Where it is used, for messages: "volume `data`", "env `DB_PASSWORD`", …
    pub via: String,
}

impl PodRef<'_> {
    /// `Kind/name` of the object it needs, as messages write it.
    pub fn target(&self) -> String {
        format!("{}/{}", self.kind.kind(), self.name)
    }
}

/// The pod spec of a workload, by kind (group is checked loosely: kinds are unambiguous here).
pub fn pod_spec<'n, 'a>(group: &str, kind: &str, root: &'n Node<'a>) -> Option<&'n Node<'a>> {
    match (group, kind) {
        ("", "Pod") => root.get("spec"),
        ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("", "ReplicationController")
        | ("batch", "Job")
        | ("argoproj.io", "Rollout") => root.path(&["spec", "template", "spec"]),
        ("batch", "CronJob") => root.path(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

fn optional(n: &Node<'_>) -> bool {
    n.get("optional").and_then(Node::as_bool) == Some(true)
}

/// Every hard dependency of a pod spec. `optional: true` references are left out.
pub fn pod_refs<'a>(spec: &'a Node<'a>) -> Vec<PodRef<'a>> {
    let mut out = Vec::new();
    let mut push = |kind, node: Option<&'a Node<'a>>, via: String| {
        if let Some(n) = node
            && let Some(name) = n.non_empty_str()
        {
            out.push(PodRef {
                kind,
                name,
                span: n.span,
                via,
            });
        }
    };
    let sa = spec
        .get("serviceAccountName")
        .or_else(|| spec.get("serviceAccount"));
    push(RefKind::ServiceAccount, sa, "serviceAccountName".into());
    push(
        RefKind::PriorityClass,
        spec.get("priorityClassName"),
        "priorityClassName".into(),
    );
    push(
        RefKind::RuntimeClass,
        spec.get("runtimeClassName"),
        "runtimeClassName".into(),
    );
    if let Some(volumes) = spec.get("volumes") {
        for v in volumes.items() {
            let vname = v.get("name").and_then(Node::str).unwrap_or("?");
            let via = format!("volume `{vname}`");
            if let Some(cm) = v.get("configMap").filter(|c| !optional(c)) {
                push(RefKind::ConfigMap, cm.get("name"), via.clone());
            }
            if let Some(s) = v.get("secret").filter(|c| !optional(c)) {
                push(RefKind::Secret, s.get("secretName"), via.clone());
            }
            if let Some(p) = v.get("persistentVolumeClaim") {
                push(
                    RefKind::PersistentVolumeClaim,
                    p.get("claimName"),
                    via.clone(),
                );
            }
            if let Some(sources) = v.path(&["projected", "sources"]) {
                for s in sources.items() {
                    if let Some(cm) = s.get("configMap").filter(|c| !optional(c)) {
                        push(RefKind::ConfigMap, cm.get("name"), via.clone());
                    }
                    if let Some(sec) = s.get("secret").filter(|c| !optional(c)) {
                        push(RefKind::Secret, sec.get("name"), via.clone());
                    }
                }
            }
        }
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for c in spec.get(list).map(Node::items).unwrap_or(&[]) {
            let cname = c.get("name").and_then(Node::str).unwrap_or("?");
            for e in c.get("env").map(Node::items).unwrap_or(&[]) {
                let ename = e.get("name").and_then(Node::str).unwrap_or("?");
                let via = format!("env `{ename}` of container `{cname}`");
                if let Some(r) = e
                    .path(&["valueFrom", "configMapKeyRef"])
                    .filter(|r| !optional(r))
                {
                    push(RefKind::ConfigMap, r.get("name"), via.clone());
                }
                if let Some(r) = e
                    .path(&["valueFrom", "secretKeyRef"])
                    .filter(|r| !optional(r))
                {
                    push(RefKind::Secret, r.get("name"), via.clone());
                }
            }
            for e in c.get("envFrom").map(Node::items).unwrap_or(&[]) {
                let via = format!("envFrom of container `{cname}`");
                if let Some(r) = e.get("configMapRef").filter(|r| !optional(r)) {
                    push(RefKind::ConfigMap, r.get("name"), via.clone());
                }
                if let Some(r) = e.get("secretRef").filter(|r| !optional(r)) {
                    push(RefKind::Secret, r.get("name"), via.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;

    #[test]
    fn finds_every_reference_and_honours_optional() {
        let text = r#"
spec:
  serviceAccountName: migrator
  priorityClassName: high
  volumes:
  - name: cfg
    configMap: {name: app-config}
  - name: opt
    secret: {secretName: maybe, optional: true}
  - name: data
    persistentVolumeClaim: {claimName: data}
  - name: proj
    projected:
      sources:
      - secret: {name: proj-secret}
  containers:
  - name: app
    env:
    - name: PW
      valueFrom:
        secretKeyRef: {name: db, key: pw}
    - name: OPT
      valueFrom:
        configMapKeyRef: {name: o, key: k, optional: true}
    envFrom:
    - configMapRef: {name: env-cm}
"#;
        let p = parse(text);
        let spec = p.docs[0].root.get("spec").unwrap();
        let refs: Vec<(RefKind, &str)> = pod_refs(spec).iter().map(|r| (r.kind, r.name)).collect();
        assert_eq!(
            refs,
            vec![
                (RefKind::ServiceAccount, "migrator"),
                (RefKind::PriorityClass, "high"),
                (RefKind::ConfigMap, "app-config"),
                (RefKind::PersistentVolumeClaim, "data"),
                (RefKind::Secret, "proj-secret"),
                (RefKind::Secret, "db"),
                (RefKind::ConfigMap, "env-cm"),
            ]
        );
    }
}
