//! Health, per kind, as Argo CD judges it (spec/argocd.md §2.2, §10): which kinds have a check at
//! all (built-in Go checks and the bundled Lua scripts, `schemas/argocd/health-kinds.json`),
//! which objects can never become Healthy on their own in a gated step, and what a step waits for.

use std::sync::OnceLock;

use super::glob::{self, Dialect};
use super::instance::Instance;
use super::resource::Resource;
use crate::load::yaml::Node;

const KINDS: &str = include_str!("../../schemas/argocd/health-kinds.json");

struct Kinds {
    builtin: Vec<(String, String)>,
    lua: Vec<(String, String)>,
}

fn kinds() -> &'static Kinds {
    static K: OnceLock<Kinds> = OnceLock::new();
    K.get_or_init(|| {
        let v: serde_json::Value = serde_json::from_str(KINDS).unwrap_or_default();
        let list = |k: &str| {
            v.get(k)
                .and_then(|l| l.as_array())
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    Some((
                        e.get("group")?.as_str()?.to_string(),
                        e.get("kind")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        };
        Kinds {
            builtin: list("builtin"),
            lua: list("lua"),
        }
    })
}

/// Does Argo CD judge the health of this kind (built in, bundled Lua, or an instance override)?
/// Objects without a check count as Healthy at once (§2.2).
pub fn has_check(r: &Resource<'_>, instance: &Instance) -> bool {
    let k = kinds();
    k.builtin.iter().any(|(g, kd)| g == r.group && kd == r.kind)
        || k.lua.iter().any(|(g, kd)| {
            glob::matches(Dialect::Gobwas(None), g, r.group)
                && glob::matches(Dialect::Gobwas(None), kd, r.kind)
        })
        || instance.overrides_health(r.group, r.kind)
}

/// Kinds whose health depends on their pods starting (so a missing dependency keeps them
/// unhealthy).
pub fn pod_health(r: &Resource<'_>) -> bool {
    r.is("", "Pod")
        || r.is("batch", "Job")
        || r.is("argoproj.io", "Rollout")
        || (r.group == "apps"
            && matches!(
                r.kind,
                "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
            ))
}

/// A hook kind whose health tracks a running workload (it is waited on until it completes).
pub fn waits_to_complete(r: &Resource<'_>) -> bool {
    pod_health(r) || r.is("argoproj.io", "Workflow")
}

/// A workload scaled to zero starts no pod and is Healthy at once: nothing it references is
/// needed, and an HPA does not scale it.
pub fn scaled_to_zero(r: &Resource<'_>) -> bool {
    matches!(
        r.kind,
        "Deployment" | "StatefulSet" | "ReplicaSet" | "Rollout"
    ) && r.root.path(&["spec", "replicas"]).and_then(Node::as_i64) == Some(0)
}

/// What a step waits for on this object, in a few words (the plan shows it).
pub fn waits_for(r: &Resource<'_>, instance: &Instance) -> Option<String> {
    if instance.overrides_health(r.group, r.kind) {
        return Some("Healthy by the instance's own health check".into());
    }
    let deadline = |default: &str| {
        r.root
            .path(&["spec", "progressDeadlineSeconds"])
            .and_then(Node::as_i64)
            .map_or_else(|| default.to_string(), |s| format!("{s} s"))
    };
    Some(match (r.group, r.kind) {
        ("apps", "Deployment") => format!(
            "Healthy when all replicas are updated and available; fails after progressDeadlineSeconds {}",
            deadline("600 s")
        ),
        ("apps", "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
            "Healthy when all replicas are updated and ready; never fails on its own".into()
        }
        ("argoproj.io", "Rollout") => "Healthy when the rollout completes; paused is Suspended".into(),
        ("batch", "Job") => "complete (succeeded); fails at backoffLimit or activeDeadlineSeconds".into(),
        ("", "Pod") => "succeeded (restartPolicy Never/OnFailure) or running and ready".into(),
        ("", "PersistentVolumeClaim") => "Bound".into(),
        ("", "Service")
            if r.root.path(&["spec", "type"]).and_then(Node::str) == Some("LoadBalancer") => {
                "a load-balancer address (Progressing until the provider assigns one)".into()
            }
        ("networking.k8s.io" | "extensions", "Ingress") => {
            "a load-balancer address in status (Progressing without an ingress controller that writes it)".into()
        }
        ("argoproj.io", "Workflow") => "the workflow to succeed".into(),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => "Established".into(),
        ("apiregistration.k8s.io", "APIService") => "Available".into(),
        _ => return None,
    })
}
