//! `hpa-replicas-fight`: Git's `spec.replicas` and an autoscaler overwrite each other. See
//! `rules/hpa-replicas-fight.md`.

use crate::diag::{Diagnostic, Severity};
use crate::load::yaml::Node;
use crate::model::{App, Resource};
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    HpaReplicasFight, "hpa-replicas-fight", Warning,
    "a workload sets spec.replicas while an HPA/KEDA scales it, and the app does not ignore and respect the difference"
}

/// (target kind, target name, the scaler's name node) of an HPA or KEDA ScaledObject.
fn scale_target<'a>(r: &Resource<'a>) -> Option<(&'a str, &'a Node<'a>)> {
    let is_hpa = r.group == "autoscaling" && r.kind == "HorizontalPodAutoscaler";
    let is_keda = r.group == "keda.sh" && r.kind == "ScaledObject";
    if !is_hpa && !is_keda {
        return None;
    }
    let target = r.root.path(&["spec", "scaleTargetRef"])?;
    let name = target.get("name").filter(|n| n.non_empty_str().is_some())?;
    let kind = target
        .get("kind")
        .and_then(Node::non_empty_str)
        .unwrap_or("Deployment");
    Some((kind, name))
}

fn scalable(r: &Resource<'_>) -> bool {
    (r.group == "apps" && matches!(r.kind, "Deployment" | "StatefulSet" | "ReplicaSet"))
        || r.is("argoproj.io", "Rollout")
}

impl Rule for HpaReplicasFight {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        app: &App<'_>,
        _plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        // Self-heal is a property of the Application that syncs the directory; none does.
        if cx.model.unsynced(app) {
            return;
        }
        let res = &cx.model.resources;
        let dest = app.dest_ns();
        fn ns<'x>(r: &Resource<'x>, dest: Option<&'x str>) -> Option<&'x str> {
            r.namespace.or(dest)
        }
        // Workloads by kind and name, once per app.
        let mut workloads: foldhash::HashMap<(&str, &str), Vec<&Resource<'_>>> =
            foldhash::HashMap::default();
        for &wid in &app.resources {
            let w = &res[wid];
            if let (true, Some(n)) = (scalable(w), w.name) {
                workloads.entry((w.kind, n)).or_default().push(w);
            }
        }
        for &sid in &app.resources {
            let scaler = &res[sid];
            let Some((kind, name_node)) = scale_target(scaler) else {
                continue;
            };
            let name = name_node.str().unwrap_or("");
            for w in workloads.get(&(kind, name)).into_iter().flatten() {
                if ns(w, dest) != ns(scaler, dest) {
                    continue;
                }
                let Some(replicas) = w.root.get("spec").and_then(|s| s.entry("replicas")) else {
                    continue;
                };
                // Scaled to zero: the HPA does not scale it. Pinned (min = max = replicas): the
                // autoscaler always asks for Git's value, so nothing is overwritten.
                let count = replicas.value.as_i64();
                let spec = scaler.root.get("spec");
                let bound = |k: &str| spec.and_then(|s| s.get(k)).and_then(Node::as_i64);
                let pinned = count.is_some()
                    && bound("minReplicas").or(bound("minReplicaCount")) == count
                    && bound("maxReplicas").or(bound("maxReplicaCount")) == count;
                if count == Some(0) || pinned {
                    continue;
                }
                let ignore = app.ignore_differences.iter().find(|i| {
                    i.matches(w, ns(w, dest))
                        && (i.json_pointers.contains(&"/spec/replicas")
                            || i.jq.iter().any(|q| q.trim() == ".spec.replicas")
                            || !i.managers.is_empty())
                });
                let respect = app.has_option("RespectIgnoreDifferences=true");
                if ignore.is_some() && respect {
                    continue;
                }
                let value = replicas.value.str().unwrap_or("?");
                let missing = match (ignore.is_some(), respect) {
                    (false, false) => {
                        "the app neither ignores /spec/replicas nor sets RespectIgnoreDifferences=true"
                    }
                    (true, false) => {
                        "the app ignores /spec/replicas but lacks RespectIgnoreDifferences=true, so every sync still writes Git's value back"
                    }
                    _ => {
                        "RespectIgnoreDifferences=true is set, but no ignoreDifferences entry covers /spec/replicas of this workload"
                    }
                };
                let mut d = cx
                    .finding(
                        &INFO,
                        w,
                        replicas.key.span,
                        format!(
                            "{} sets spec.replicas ({value}) but {} {} scales it: {missing}",
                            w.display(),
                            scaler.kind,
                            scaler.name.unwrap_or("?")
                        ),
                    )
                    .label("fixed replica count from Git")
                    .related(
                        scaler.file,
                        name_node.span,
                        format!("{} scales {}/{name} here", scaler.kind, kind),
                    );
                // Self-heal reacts to a diff: an ignored /spec/replicas makes none, so the two
                // only clash when something else syncs the app (the warning's case).
                if app.self_heal && ignore.is_none() {
                    d.severity = Severity::Error;
                    d.note = Some("with selfHeal, every change the autoscaler makes puts the app OutOfSync and Argo CD writes Git's replica count back: the two fight forever".into());
                    if let Some(sp) = app.self_heal_span
                        && let Some(a) = app.application
                    {
                        d = d.related(res[a].file, sp, "selfHeal is on for this app");
                    }
                } else {
                    d.note = Some("each sync applies Git's replica count, undoing the autoscaler until it scales again".into());
                }
                if let Some(i) = ignore
                    && let Some(a) = app.application
                {
                    d = d.related(res[a].file, i.span, "ignored here");
                }
                out.push(d.help("remove spec.replicas from the workload (the autoscaler owns it), or add an ignoreDifferences entry for /spec/replicas together with the sync option RespectIgnoreDifferences=true"));
            }
        }
    }
}
