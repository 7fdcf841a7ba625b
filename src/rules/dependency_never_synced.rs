//! `dependency-never-synced`: a waited-on object needs an object the app declares but never
//! creates under that name during a sync. See `rules/dependency-never-synced.md`.

use crate::diag::{Diagnostic, Severity};
use crate::model::App;
use crate::model::health::pod_health;
use crate::plan::{Plan, Unmade};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    DependencyNeverSynced, "dependency-never-synced", Error,
    "a waited-on object needs an object its app declares but never creates by that name in a sync (deletion hook, generateName, Skip)"
}

impl Rule for DependencyNeverSynced {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        _app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let res = &cx.model.resources;
        for u in &plan.unmet {
            if u.why == Unmade::SyncFailOnly || !plan.waited_on(u.dependent) {
                continue; // SyncFail-only targets are sync-deadlock's
            }
            let t = &plan.tasks[u.dependent];
            let Some(rid) = t.res else { continue };
            let (r, target) = (&res[rid], &res[u.target]);
            if !pod_health(r) {
                continue;
            }
            let pref = &r.pod_refs[u.pod_ref];
            let dep = pref.target();
            let who = if t.hook {
                format!("{} hook {}", t.phase.as_str(), r.display())
            } else {
                r.display()
            };
            let (why, related, help) = match u.why {
                Unmade::DeletionHook => (
                    "which this app declares only as a PreDelete/PostDelete hook: it is created only while the Application is deleted".to_string(),
                    format!("{dep} is a deletion hook here"),
                    format!("create {dep} as a normal resource (or a hook of the phase that needs it), and keep a separate deletion hook if deletion needs it too"),
                ),
                Unmade::GeneratedName => (
                    format!(
                        "but this app names that object with generateName `{}`: the engine appends a suffix, so no object is ever called `{}`",
                        target.generate_name.unwrap_or(""),
                        pref.name
                    ),
                    format!("{} gets a generated name", target.display()),
                    format!("give {} a fixed metadata.name and reference that", target.display()),
                ),
                Unmade::Skip => (
                    "which this app marks `hook: Skip`: Argo CD never applies it, so it must already exist in the cluster".to_string(),
                    format!("{dep} is skipped here"),
                    format!("drop `argocd.argoproj.io/hook: Skip` so the sync creates {dep}, or make sure it is created outside Argo CD before the sync"),
                ),
                Unmade::SyncFailOnly => continue,
            };
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    pref.span,
                    format!("{who} needs {dep}, {why}; its pods cannot start and the sync waits on it"),
                )
                .label(format!("{} ({})", dep, pref.via))
                .related(target.file, target.name_span, related)
                .help(help)
                .note("Argo CD waits for this object before it goes on (a hook until it completes, a gated resource until it is Healthy); there is no sync timeout by default");
            if u.why == Unmade::Skip {
                d.severity = Severity::Warning;
            }
            out.push(d);
        }
    }
}
