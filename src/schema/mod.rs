//! Schema validation: bundled Kubernetes and Argo CD schemas, CRDs found in the tree.

pub mod check;
pub mod convert;
pub mod crd;
pub mod set;
