//! Schema validation: bundled Kubernetes and Argo CD schemas, CRDs found in the tree.

pub mod convert;
