//! Schema validation: bundled Kubernetes and Argo CD schemas, CRDs found in the tree, and
//! kubeconform-style schema directories, validated over the spanned tree (`validate`).

pub mod crd;
pub mod set;
pub mod validate;
