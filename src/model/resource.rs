//! Kubernetes objects read from documents.

use crate::load::FileId;
use crate::load::yaml::{Entry, Node, Span};

use super::argo::ArgoMeta;
use super::podspec::{PodRef, pod_refs, pod_spec};

pub type ResId = usize;

#[derive(Debug)]
pub struct Resource<'a> {
    pub id: ResId,
    pub file: FileId,
    /// Index of the document in its file.
    pub doc: usize,
    pub root: &'a Node<'a>,
    pub api_version: &'a str,
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    /// The `kind:` value.
    pub kind_span: Span,
    pub name: Option<&'a str>,
    pub generate_name: Option<&'a str>,
    /// The `metadata.name` (or `generateName`) value; the kind value when there is neither.
    pub name_span: Span,
    pub namespace: Option<&'a str>,
    pub annotations: Option<&'a Node<'a>>,
    pub argo: ArgoMeta<'a>,
    pub pod_spec: Option<&'a Node<'a>>,
    pub pod_refs: Vec<PodRef<'a>>,
}

/// A cluster object's `apiVersion` and `kind` node, or `None` when the node is not one (no
/// `apiVersion`/`kind`, or a tool config such as a Kustomization).
pub fn object_type<'a>(root: &'a Node<'a>) -> Option<(&'a str, &'a Node<'a>)> {
    let api_version = root.get("apiVersion")?.non_empty_str()?;
    let kind_node = root.get("kind")?;
    let kind = kind_node.non_empty_str()?;
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    is_cluster_object(group, kind).then_some((api_version, kind_node))
}

impl<'a> Resource<'a> {
    /// Build a resource from a document root (or a `List` item). `None` if it is not a cluster
    /// object (no `apiVersion`/`kind`, or a tool config such as a Kustomization).
    pub fn from_node(
        id: ResId,
        file: FileId,
        doc: usize,
        root: &'a Node<'a>,
        text: &str,
    ) -> Option<Resource<'a>> {
        let (api_version, kind_node) = object_type(root)?;
        Some(Self::new(id, file, doc, root, text, api_version, kind_node))
    }

    /// The resource of a document root `object_type` accepts.
    pub fn new(
        id: ResId,
        file: FileId,
        doc: usize,
        root: &'a Node<'a>,
        text: &str,
        api_version: &'a str,
        kind_node: &'a Node<'a>,
    ) -> Resource<'a> {
        let kind = kind_node.non_empty_str().unwrap_or("");
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let meta = root.get("metadata");
        let name_node = meta.and_then(|m| m.get("name"));
        let gen_node = meta.and_then(|m| m.get("generateName"));
        let name = name_node.and_then(Node::non_empty_str);
        let generate_name = gen_node.and_then(Node::non_empty_str);
        let name_span = name_node
            .filter(|_| name.is_some())
            .or(gen_node)
            .map_or(kind_node.span, |n| n.span);
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Node::non_empty_str);
        let annotations = meta
            .and_then(|m| m.get("annotations"))
            .filter(|a| a.is_map());
        let argo = ArgoMeta::parse(annotations, text);
        let pod_spec = pod_spec(group, kind, root);
        let refs = pod_spec.map(pod_refs).unwrap_or_default();
        Resource {
            id,
            file,
            doc,
            root,
            api_version,
            group,
            version,
            kind,
            kind_span: kind_node.span,
            name,
            generate_name,
            name_span,
            namespace,
            annotations,
            argo,
            pod_spec,
            pod_refs: refs,
        }
    }

    /// The name the engine sorts by: `metadata.name`, or the `generateName` prefix.
    pub fn sort_name(&self) -> &'a str {
        self.name.or(self.generate_name).unwrap_or("")
    }

    /// `Kind/name` as messages write it (`Kind/prefix-*` for generated names).
    pub fn display(&self) -> String {
        match (self.name, self.generate_name) {
            (Some(n), _) => format!("{}/{}", self.kind, n),
            (None, Some(g)) => format!("{}/{}*", self.kind, g),
            (None, None) => format!("{}/<unnamed>", self.kind),
        }
    }

    pub fn annotation(&self, key: &str) -> Option<&'a Entry<'a>> {
        self.annotations.and_then(|a| a.entry(key))
    }

    /// A hook that takes part in a sync or in app deletion (not one the engine drops).
    pub fn runs_as_hook(&self) -> bool {
        self.argo.is_hook && (!self.argo.phases.is_empty() || self.argo.deletion_hook)
    }

    /// A hook a sync runs (PreSync/Sync/PostSync/SyncFail): not one that runs only when the
    /// Application is deleted (PreDelete/PostDelete, Helm's pre-/post-delete).
    pub fn runs_in_sync(&self) -> bool {
        self.argo.is_hook && !self.argo.phases.is_empty()
    }

    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }

    pub fn is_crd(&self) -> bool {
        self.is("apiextensions.k8s.io", "CustomResourceDefinition")
    }

    /// `spec.group/spec.names.kind` of a CRD.
    pub fn crd_key(&self) -> Option<(&'a str, &'a str)> {
        if !self.is_crd() {
            return None;
        }
        let g = self.root.path(&["spec", "group"])?.non_empty_str()?;
        let k = self
            .root
            .path(&["spec", "names", "kind"])?
            .non_empty_str()?;
        Some((g, k))
    }

    /// What is lost with this object when it is deleted, for kinds that hold state others
    /// depend on: a Namespace, a CRD, a PersistentVolumeClaim or PersistentVolume.
    pub fn lost_with(&self) -> Option<&'static str> {
        Some(match (self.group, self.kind) {
            ("", "Namespace") => "every object in the namespace",
            ("apiextensions.k8s.io", "CustomResourceDefinition") => {
                "every custom resource of the CRD"
            }
            ("", "PersistentVolumeClaim") => {
                "the volume bound to it, and with the usual Delete reclaim policy its data"
            }
            ("", "PersistentVolume") => {
                "the volume and its binding, and with reclaimPolicy Delete its data"
            }
            _ => return None,
        })
    }

    /// The top-level `spec:` key span, or the kind value when there is none.
    pub fn spec_key_span(&self) -> Span {
        self.root
            .entry("spec")
            .map_or(self.kind_span, |e| e.key.span)
    }
}

/// Tool configuration files that carry apiVersion/kind but are never applied to a cluster.
fn is_cluster_object(group: &str, kind: &str) -> bool {
    let tool_group = matches!(
        group,
        "kustomize.config.k8s.io"
            | "kpt.dev"
            | "fn.kpt.dev"
            | "config.kubernetes.io"
            | "kind.x-k8s.io"
            | "eksctl.io"
            | "k3d.io"
            | "kubeadm.k8s.io"
            | "kubelet.config.k8s.io"
            | "apiserver.config.k8s.io"
    ) || group.ends_with("skaffold.dev");
    !tool_group && !matches!(kind, "Kptfile" | "ConfigManagementPlugin")
}

/// Well-known cluster-scoped kinds (built-in), so a namespace is never assumed for them.
pub fn is_cluster_scoped(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        (
            "",
            "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus"
        ) | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | (
                "rbac.authorization.k8s.io",
                "ClusterRole" | "ClusterRoleBinding"
            )
            | (
                "storage.k8s.io",
                "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment"
            )
            | ("scheduling.k8s.io", "PriorityClass")
            | ("node.k8s.io", "RuntimeClass")
            | ("networking.k8s.io", "IngressClass")
            | ("apiregistration.k8s.io", "APIService")
            | (
                "admissionregistration.k8s.io",
                "MutatingWebhookConfiguration"
                    | "ValidatingWebhookConfiguration"
                    | "ValidatingAdmissionPolicy"
                    | "ValidatingAdmissionPolicyBinding"
            )
            | ("policy", "PodSecurityPolicy")
            | ("certificates.k8s.io", "CertificateSigningRequest")
    )
}

/// A DNS-1123 subdomain of at most `max` bytes: lower-case labels of letters, digits and `-`
/// (not at either end), joined by dots. Kubernetes object names (253) and Helm release names
/// (53) follow it.
pub fn dns1123_subdomain(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}
