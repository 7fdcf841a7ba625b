//! Sort key and dependency moves of `sync_tasks.go` (spec/argocd.md §1.1–§1.3).

use crate::model::Resource;

use super::{Moved, Task};

/// `kindOrder` from sync_tasks.go (taken from Helm's kind_sorter.go); index 0 is applied first.
const KIND_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// Rank by kind only (group ignored): listed kinds are negative, every other kind is 0.
pub fn kind_rank(kind: &str) -> i64 {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .map_or(0, |i| i as i64 - KIND_ORDER.len() as i64)
}

/// Phase, wave, kind rank, name. The engine's sort is unstable; ties keep file order here so the
/// output is deterministic.
pub fn sort(tasks: &mut [Task<'_>]) {
    tasks.sort_by(|a, b| {
        (a.phase.rank(), a.wave, kind_rank(a.kind), a.name).cmp(&(
            b.phase.rank(),
            b.wave,
            kind_rank(b.kind),
            b.name,
        ))
    });
}

/// `adjustDeps`, run for Namespaces and then for CRDs: a dependency that comes after its first
/// user moves to just before it and takes the user's phase and wave.
pub fn adjust_deps(tasks: &mut Vec<Task<'_>>, res: &[Resource<'_>]) {
    adjust(
        tasks,
        |t| (t.group.is_empty() && t.kind == "Namespace").then(|| t.name.to_string()),
        |t| t.namespace.map(str::to_string),
        |before| Moved::Namespace { before },
    );
    adjust(
        tasks,
        |t| {
            let r = &res[t.res?];
            r.crd_key().map(|(g, k)| format!("{g}/{k}"))
        },
        |t| Some(format!("{}/{}", t.group, t.kind)),
        |before| Moved::Crd { before },
    );
}

fn adjust<'a>(
    tasks: &mut Vec<Task<'a>>,
    is_dep: impl Fn(&Task<'a>) -> Option<String>,
    refs: impl Fn(&Task<'a>) -> Option<String>,
    moved: impl Fn(usize) -> Moved,
) {
    let mut first: std::collections::HashMap<String, usize> = Default::default();
    for i in 0..tasks.len() {
        if let Some(key) = is_dep(&tasks[i]) {
            if let Some(&index) = first.get(&key) {
                let mut t = tasks.remove(i);
                t.phase = tasks[index].phase;
                t.wave = tasks[index].wave;
                t.moved = tasks[index].res.map(&moved);
                tasks.insert(index, t);
                for v in first.values_mut() {
                    if *v >= index {
                        *v += 1;
                    }
                }
            }
        } else if let Some(key) = refs(&tasks[i]) {
            first.entry(key).or_insert(i);
        }
    }
}
