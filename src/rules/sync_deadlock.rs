//! `sync-deadlock`: something the engine waits on needs an object the same app creates only
//! later. See `rules/sync-deadlock.md`.

use crate::diag::Diagnostic;
use crate::model::health::pod_health;
use crate::model::{App, Resource};
use crate::plan::{Plan, Task, Unmade};

use super::{Cx, Rule, declare_rule, step_words};

declare_rule! {
    SyncDeadlock, "sync-deadlock", Error,
    "a hook or gated workload needs an object that the same app creates only in a later step"
}

fn what(t: &Task<'_>, r: &Resource<'_>) -> String {
    if t.hook {
        format!("{} hook {}", t.phase.as_str(), r.display())
    } else {
        r.display()
    }
}

impl Rule for SyncDeadlock {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        _app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let res = &cx.model.resources;
        for d in &plan.dependencies {
            let (s, p) = (plan.step_of[d.dependent], plan.step_of[d.provider]);
            if p <= s || !plan.waited_on(d.dependent) {
                continue;
            }
            let (t, pt) = (&plan.tasks[d.dependent], &plan.tasks[d.provider]);
            let (Some(rid), Some(pid)) = (t.res, pt.res) else {
                continue;
            };
            let (r, pr) = (&res[rid], &res[pid]);
            // Scaled to zero: no pod starts, nothing it references is needed, Healthy at once.
            if !pod_health(r) || crate::model::health::scaled_to_zero(r) {
                continue;
            }
            let pref = &r.pod_refs[d.pod_ref];
            let dep = pref.target();
            let where_p = step_words(pt.phase, pt.wave);
            let where_t = step_words(t.phase, t.wave);
            let outcome = if t.hook {
                if r.root.path(&["spec", "activeDeadlineSeconds"]).is_some() {
                    "its pod cannot start, so the hook fails at activeDeadlineSeconds and the sync fails"
                } else {
                    "its pod cannot start, the hook never completes, and the sync hangs"
                }
            } else {
                "its pods cannot start, it never becomes Healthy, and the sync hangs until the rollout fails"
            };
            let help = if t.hook && pt.phase > t.phase && !pt.hook {
                format!(
                    "make {dep} a {} hook in an earlier wave (argocd.argoproj.io/hook: {}, a lower sync-wave), or run {} in a later phase or wave",
                    t.phase.as_str(),
                    t.phase.as_str(),
                    r.display()
                )
            } else {
                format!(
                    "create {dep} no later than {where_t}: lower its sync-wave, or move {} to a later wave",
                    r.display()
                )
            };
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    pref.span,
                    format!(
                        "{} needs {dep}, which this app creates only in {where_p}; {outcome}",
                        what(t, r),
                        // via is shown in the label
                    ),
                )
                .label(format!("{} ({})", dep, pref.via))
                .related(pr.file, pr.name_span, format!("{dep} is created here, in {where_p}"))
                .help(help)
                .note(format!(
                    "{} runs in {where_t}; Argo CD waits for it to finish before it applies any later step, so {dep} is never created (no sync timeout by default)",
                    what(t, r)
                )),
            );
        }
        // A dependency the app creates only as a SyncFail hook: it runs only after a failure.
        for u in plan.unmet.iter().filter(|u| u.why == Unmade::SyncFailOnly) {
            if !plan.waited_on(u.dependent) {
                continue;
            }
            let t = &plan.tasks[u.dependent];
            let Some(rid) = t.res else { continue };
            let (r, pr) = (&res[rid], &res[u.target]);
            if !pod_health(r) {
                continue;
            }
            let pref = &r.pod_refs[u.pod_ref];
            let dep = pref.target();
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    pref.span,
                    format!(
                        "{} needs {dep}, which this app creates only as a SyncFail hook; it is never created on a sync that has not failed, so {} cannot start and the sync hangs",
                        what(t, r),
                        r.display()
                    ),
                )
                .label(format!("{} ({})", dep, pref.via))
                .related(pr.file, pr.name_span, format!("{dep} is created here, only when a sync fails"))
                .help(format!(
                    "create {dep} as a normal resource, or give it the phase that needs it as well (`argocd.argoproj.io/hook: {},SyncFail`)",
                    t.phase.as_str()
                ))
                .note(format!(
                    "{} runs in {}; SyncFail hooks run only after a sync has failed, and Argo CD waits for {} before it goes on (no sync timeout by default)",
                    what(t, r),
                    step_words(t.phase, t.wave),
                    r.display()
                )),
            );
        }
    }
}
