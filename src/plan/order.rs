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
    let mut first: foldhash::HashMap<String, usize> = Default::default();
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

/// Per phase, the lowest and the highest wave when their difference overflows `int` (64 bits):
/// `Less` computes `tA.wave() - tB.wave()`, which then wraps and gives the wrong sign, so
/// `sort.Sort` sees an inconsistent order and the phase comes out in no reliable order. Waves
/// are the objects' own (the sort runs before `adjustDeps`).
pub fn wave_overflow<'t, 'a: 't>(
    tasks: impl Iterator<Item = &'t Task<'a>>,
) -> Vec<super::WaveOverflow> {
    // (phase, (lowest wave, its resource), (highest wave, its resource)).
    type Range = (crate::model::argo::Phase, (i64, usize), (i64, usize));
    let mut range: Vec<Range> = Vec::new();
    for t in tasks {
        let Some(id) = t.res else { continue };
        match range.iter_mut().find(|(p, _, _)| *p == t.phase) {
            Some((_, low, high)) => {
                if t.wave < low.0 {
                    *low = (t.wave, id);
                }
                if t.wave > high.0 {
                    *high = (t.wave, id);
                }
            }
            None => range.push((t.phase, (t.wave, id), (t.wave, id))),
        }
    }
    range.sort_by_key(|(p, _, _)| *p);
    range
        .into_iter()
        .filter(|(_, low, high)| high.0.checked_sub(low.0).is_none())
        .map(|(phase, low, high)| super::WaveOverflow {
            phase,
            low: low.1,
            high: high.1,
        })
        .collect()
}
