//! When a PersistentVolumeClaim binds: a StorageClass with `volumeBindingMode:
//! WaitForFirstConsumer` leaves the claim Pending until a pod that mounts it is scheduled.

use super::Model;
use super::resource::Resource;
use crate::load::FileId;
use crate::load::yaml::{Node, Span};

const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
const BETA_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

/// Where the claim's class is said to bind on first consumer.
#[derive(Clone, Debug)]
pub enum Declared {
    /// A StorageClass in the tree (its `volumeBindingMode` value).
    Tree(FileId, Span),
    /// Named in the config's `storage-classes`.
    Config,
}

#[derive(Clone, Debug)]
pub struct FirstConsumer<'a> {
    /// The class name.
    pub class: &'a str,
    /// The claim names no class and this is the tree's default class.
    pub by_default: bool,
    pub declared: Declared,
}

fn is_class(r: &Resource<'_>) -> bool {
    r.is("storage.k8s.io", "StorageClass")
}

fn waits_for_consumer(r: &Resource<'_>) -> Option<Span> {
    r.root
        .get("volumeBindingMode")
        .filter(|n| n.str() == Some("WaitForFirstConsumer"))
        .map(|n| n.span)
}

/// Does this claim bind only once a pod that mounts it is scheduled? From its class: the beta
/// annotation, then `spec.storageClassName`, then (no class named) the tree's default class. A
/// claim with `storageClassName: ""` or a `volumeName` binds to a volume directly.
pub fn first_consumer<'a>(m: &Model<'a>, pvc: &Resource<'a>) -> Option<FirstConsumer<'a>> {
    if !pvc.is("", "PersistentVolumeClaim") {
        return None;
    }
    let spec = pvc.root.get("spec");
    if spec
        .and_then(|s| s.get("volumeName"))
        .and_then(Node::non_empty_str)
        .is_some()
    {
        return None;
    }
    let named = pvc
        .annotation(BETA_CLASS)
        .and_then(|e| e.value.str())
        .or_else(|| {
            spec.and_then(|s| s.get("storageClassName"))
                .and_then(Node::str)
        });
    let classes = m.resources.iter().filter(|r| is_class(r));
    match named {
        Some("") => None,
        Some(name) => {
            if let Some(c) = classes.clone().find(|c| c.name == Some(name)) {
                return waits_for_consumer(c).map(|span| FirstConsumer {
                    class: name,
                    by_default: false,
                    declared: Declared::Tree(c.file, span),
                });
            }
            m.settings
                .storage_classes
                .iter()
                .any(|s| s == name)
                .then_some(FirstConsumer {
                    class: name,
                    by_default: false,
                    declared: Declared::Config,
                })
        }
        None => classes
            .filter(|c| c.annotation(DEFAULT_CLASS).and_then(|e| e.value.str()) == Some("true"))
            .find_map(|c| {
                Some(FirstConsumer {
                    class: c.name?,
                    by_default: true,
                    declared: Declared::Tree(c.file, waits_for_consumer(c)?),
                })
            }),
    }
}
