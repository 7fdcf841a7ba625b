//! Health, per kind, as Argo CD judges it (spec/argocd.md §2.2, §5.3, §10): where an object's
//! check comes from (the instance's Lua, the bundled Lua scripts of
//! `schemas/argocd/health-kinds.json`, the built-in Go checks), what each status does to a sync
//! (wait or fail), what a waited-on object waits for, and which objects say in their manifest
//! that they will never become Healthy on their own.

use foldhash::HashSet;
use std::sync::OnceLock;

use super::glob::{self, Dialect};
use super::instance::Instance;
use super::resource::Resource;
use crate::load::yaml::Node;

const KINDS: &str = include_str!("../../schemas/argocd/health-kinds.json");

struct Kinds {
    builtin: HashSet<(String, String)>,
    /// Bundled Lua scripts for one group/kind.
    lua: HashSet<(String, String)>,
    /// Bundled Lua directories with wildcards (`*.crossplane.io/*`), matched as globs.
    lua_globs: Vec<(String, String)>,
}

fn kinds() -> &'static Kinds {
    static K: OnceLock<Kinds> = OnceLock::new();
    K.get_or_init(|| {
        let v: serde_json::Value = serde_json::from_str(KINDS).unwrap_or_default();
        let list = |k: &str| -> Vec<(String, String)> {
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
        let (lua_globs, lua): (Vec<_>, Vec<_>) = list("lua")
            .into_iter()
            .partition(|(g, k)| g.contains('*') || k.contains('*'));
        Kinds {
            builtin: list("builtin").into_iter().collect(),
            lua: lua.into_iter().collect(),
            lua_globs,
        }
    })
}

/// Where an object's health check comes from, in the order Argo CD looks (§10.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A Lua script the instance configures (argocd-cm, the operator, `.synclint.yaml`).
    Instance,
    /// A Lua script bundled with Argo CD (`resource_customizations/`).
    Bundled,
    /// A built-in Go check (`gitops-engine/pkg/health`).
    Builtin,
}

/// The check Argo CD runs for this group/kind, if any. Without one the object counts as Healthy
/// as soon as it is applied (§2.2) and a hook of that kind is done once created (§5.3).
pub fn source(group: &str, kind: &str, instance: &Instance) -> Option<Source> {
    if instance.overrides_health(group, kind) {
        return Some(Source::Instance);
    }
    let k = kinds();
    let key = (group.to_string(), kind.to_string());
    let lua = k.lua.contains(&key)
        || k.lua_globs.iter().any(|(g, kd)| {
            glob::matches(Dialect::Gobwas(None), g, group)
                && glob::matches(Dialect::Gobwas(None), kd, kind)
        });
    if lua {
        return Some(Source::Bundled);
    }
    k.builtin.contains(&key).then_some(Source::Builtin)
}

/// Does Argo CD judge the health of this object at all?
pub fn has_check(r: &Resource<'_>, instance: &Instance) -> bool {
    source(r.group, r.kind, instance).is_some()
}

/// A health status, as checks report it (`health.go`, `util/lua`). `Empty`: a Lua script that
/// returns nil or `{}` (non-nil, so it suppresses the Go check, and it matches no case below).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Healthy,
    Progressing,
    Suspended,
    Degraded,
    Missing,
    Unknown,
    Empty,
}

/// What the sync loop does with an object in a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The task succeeds.
    Done,
    /// The task stays Running: the step is held.
    Waits,
    /// The task fails, and with it the sync (SyncFail hooks run).
    Fails,
}

/// A waited-on resource succeeds only when Healthy and fails only when Degraded; every other
/// status holds the step (`Sync`: the running-task update). A hook fails on Degraded or Unknown,
/// runs on while Progressing or Suspended, and is done on anything else (`getOperationPhase`).
pub fn effect(status: Status, hook: bool) -> Effect {
    match (status, hook) {
        (Status::Healthy, _) => Effect::Done,
        (Status::Degraded, _) | (Status::Unknown, true) => Effect::Fails,
        (Status::Progressing | Status::Suspended, true) => Effect::Waits,
        (Status::Missing | Status::Empty, true) => Effect::Done,
        (_, false) => Effect::Waits,
    }
}

/// A state the manifest asks for that holds the object in a status that never clears on its own.
#[derive(Clone, Copy, Debug)]
pub struct Held<'a> {
    /// The field, as written (`paused`, `suspend`).
    pub field: &'static str,
    /// Its `true` value.
    pub node: &'a Node<'a>,
    /// The adjective messages use (`paused`, `suspended`).
    pub state: &'static str,
    pub status: Status,
}

/// Is this object held by its own manifest in a status that blocks a waited-on step forever: a
/// paused Deployment (built-in check) or Rollout (bundled Lua), a suspended Job (built-in)?
/// `None` when the instance replaces the check: its script decides, and it is not in the tree.
/// A suspended CronJob is Healthy (bundled Lua) and is not held.
pub fn held<'a>(r: &Resource<'a>, instance: &Instance) -> Option<Held<'a>> {
    let (field, state) = match (r.group, r.kind) {
        ("apps", "Deployment") | ("argoproj.io", "Rollout") => ("paused", "paused"),
        ("batch", "Job") => ("suspend", "suspended"),
        _ => return None,
    };
    if source(r.group, r.kind, instance) == Some(Source::Instance) {
        return None;
    }
    let node = r.root.path(&["spec", field])?;
    (node.as_bool() == Some(true)).then_some(Held {
        field,
        node,
        state,
        status: Status::Suspended,
    })
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

/// A workload scaled to zero starts no pod and is Healthy at once: nothing it references is
/// needed, and an HPA does not scale it.
pub fn scaled_to_zero(r: &Resource<'_>) -> bool {
    matches!(
        r.kind,
        "Deployment" | "StatefulSet" | "ReplicaSet" | "Rollout"
    ) && r.root.path(&["spec", "replicas"]).and_then(Node::as_i64) == Some(0)
}

fn int(r: &Resource<'_>, path: &[&str]) -> Option<i64> {
    r.root.path(path).and_then(Node::as_i64)
}

/// What the engine waits for on this object, in a few words: when it becomes Healthy, and when
/// it fails. `None`: no health check, so nothing is waited for.
pub fn waits_for(r: &Resource<'_>, instance: &Instance) -> Option<String> {
    let src = source(r.group, r.kind, instance)?;
    if let Some(h) = held(r, instance) {
        return Some(format!(
            "never: {} is {}, health {:?} until someone changes it",
            h.field, h.state, h.status
        ));
    }
    if src == Source::Instance {
        return Some(
            "Healthy when the instance's own health check says so (Degraded fails)".into(),
        );
    }
    Some(match (r.group, r.kind) {
        ("apps", "Deployment") => format!(
            "Healthy when all replicas are available; fails after progressDeadlineSeconds {} s",
            int(r, &["spec", "progressDeadlineSeconds"]).unwrap_or(600)
        ),
        ("apps", "StatefulSet") => {
            "Healthy when all replicas are ready and updated; never fails on its own".into()
        }
        ("apps", "DaemonSet") => {
            "Healthy when every scheduled pod is updated and available; never fails on its own"
                .into()
        }
        ("apps", "ReplicaSet") => {
            "Healthy when all replicas are available; fails on a ReplicaFailure condition".into()
        }
        ("batch", "Job") => {
            let limit = int(r, &["spec", "backoffLimit"]).unwrap_or(6);
            let limit = format!("{limit} {}", if limit == 1 { "retry" } else { "retries" });
            match int(r, &["spec", "activeDeadlineSeconds"]) {
                Some(d) => format!(
                    "Healthy when the Job completes; fails after {limit} or activeDeadlineSeconds {d} s"
                ),
                None => format!(
                    "Healthy when the Job completes; fails after {limit} (backoffLimit)"
                ),
            }
        }
        ("", "Pod") => {
            let policy = r
                .root
                .path(&["spec", "restartPolicy"])
                .and_then(Node::str)
                .unwrap_or("Always");
            if policy == "Always" {
                "Healthy when running and ready; fails when a container keeps restarting".into()
            } else {
                "Healthy when the pod succeeds (Progressing while it runs); fails when it fails"
                    .into()
            }
        }
        ("", "PersistentVolumeClaim") => "Healthy when Bound; fails when Lost".into(),
        ("", "Service") => {
            if r.root.path(&["spec", "type"]).and_then(Node::str) == Some("LoadBalancer") {
                "Healthy when the load balancer has an address (Progressing until the provider assigns one)".into()
            } else {
                "Healthy at once".into()
            }
        }
        ("networking.k8s.io" | "extensions", "Ingress") => {
            "Healthy when status.loadBalancer has an address (Progressing until an ingress controller writes it)".into()
        }
        ("apiregistration.k8s.io", "APIService") => {
            "Healthy when Available (Progressing until then)".into()
        }
        ("autoscaling", "HorizontalPodAutoscaler") => {
            "Healthy when its conditions say it can scale; fails when they say it cannot".into()
        }
        ("argoproj.io", "Workflow") => {
            "Healthy when the workflow succeeds; fails when it fails or errors".into()
        }
        ("argoproj.io", "Rollout") => {
            "Healthy when the rollout completes; a pause is Suspended; fails when aborted".into()
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            "Healthy when Established; fails when its names are not accepted".into()
        }
        ("batch", "CronJob") => {
            "Healthy once the controller writes its status (suspended too)".into()
        }
        ("policy", "PodDisruptionBudget") => {
            "Healthy once the disruption controller writes its status".into()
        }
        _ => "Healthy when Argo CD's bundled health check says so (Degraded fails)".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_wait_or_fail_as_the_engine_does() {
        use Effect::*;
        use Status::*;
        let rows = [
            (Healthy, Done, Done),
            (Progressing, Waits, Waits),
            (Suspended, Waits, Waits),
            (Degraded, Fails, Fails),
            (Missing, Waits, Done),
            (Unknown, Waits, Fails),
            (Empty, Waits, Done),
        ];
        for (s, resource, hook) in rows {
            assert_eq!(effect(s, false), resource, "{s:?} on a resource");
            assert_eq!(effect(s, true), hook, "{s:?} on a hook");
        }
    }

    #[test]
    fn sources_in_lookup_order() {
        let inst = Instance {
            version: super::super::instance::NEWEST,
            version_from: super::super::instance::VersionFrom::Default,
            app_health: super::super::instance::Fact::Unknown,
            health_overrides: vec!["apps/Deployment".into()],
            kustomize_build_options: None,
            cm_in_tree: false,
            global_projects: Default::default(),
            resource_filter: Default::default(),
            resource_filter_at: None,
        };
        assert_eq!(source("apps", "Deployment", &inst), Some(Source::Instance));
        assert_eq!(source("apps", "StatefulSet", &inst), Some(Source::Builtin));
        assert_eq!(
            source("argoproj.io", "Rollout", &inst),
            Some(Source::Bundled)
        );
        assert_eq!(
            source("iam.cnrm.cloud.google.com", "IAMPolicy", &inst),
            Some(Source::Bundled)
        );
        assert_eq!(source("", "ConfigMap", &inst), None);
        assert_eq!(source("argoproj.io", "Application", &inst), None);
    }
}
