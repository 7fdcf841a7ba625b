//! `syncfail-hook-dependency`: a SyncFail hook needs an object created only in a later step, so
//! a failure before that step runs the hook without it. See `rules/syncfail-hook-dependency.md`.

use crate::diag::Diagnostic;
use crate::model::App;
use crate::model::health::pod_health;
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule, step_words};

declare_rule! {
    SyncfailHookDependency, "syncfail-hook-dependency", Warning,
    "a SyncFail hook needs an object that the sync creates only after its first step"
}

impl Rule for SyncfailHookDependency {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        _app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let res = &cx.model.resources;
        for d in &plan.sync_fail_deps {
            let step = plan.step_of[d.provider];
            if step == 0 {
                continue; // created before anything can fail
            }
            let (hook, pt) = (&plan.sync_fail[d.hook], &plan.tasks[d.provider]);
            let (Some(hid), Some(pid)) = (hook.res, pt.res) else {
                continue;
            };
            let (r, pr) = (&res[hid], &res[pid]);
            if !pod_health(r) {
                continue;
            }
            let pref = &r.pod_refs[d.pod_ref];
            let dep = pref.target();
            let first = &plan.steps[0];
            let outcome = if r.root.path(&["spec", "activeDeadlineSeconds"]).is_some() {
                "its pod cannot start and the hook fails at activeDeadlineSeconds"
            } else {
                "its pod cannot start, the hook never completes, and the failed sync stays Running"
            };
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    pref.span,
                    format!(
                        "SyncFail hook {} needs {dep}, which this app creates only in {}; a sync that fails before then runs the hook without it: {outcome}",
                        r.display(),
                        step_words(pt.phase, pt.wave)
                    ),
                )
                .label(format!("{} ({})", dep, pref.via))
                .related(pr.file, pr.name_span, format!("{dep} is created here, in {}", step_words(pt.phase, pt.wave)))
                .help(format!(
                    "create {dep} in the first step ({}), give it to the hook as a SyncFail hook of its own, or mark the reference `optional: true`",
                    step_words(first.phase, first.wave)
                ))
                .note("SyncFail hooks run when any step fails, including the first; whatever later steps would have created does not exist yet"),
            );
        }
    }
}
