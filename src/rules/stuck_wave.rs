//! `stuck-wave`: a gated object that can never become Healthy on its own. See
//! `rules/stuck-wave.md`.

use crate::diag::Diagnostic;
use crate::model::App;
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule, step_words};

declare_rule! {
    StuckWave, "stuck-wave", Error,
    "a paused Deployment/Rollout or suspended Job that the sync waits on forever"
}

impl Rule for StuckWave {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        _app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        for (i, t) in plan.tasks.iter().enumerate() {
            let Some(id) = t.res else { continue };
            if !plan.waited_on(i) {
                continue;
            }
            let r = &cx.model.resources[id];
            let (field, state) = if r.is("apps", "Deployment") || r.is("argoproj.io", "Rollout") {
                ("paused", "paused")
            } else if r.is("batch", "Job") {
                ("suspend", "suspended")
            } else {
                continue;
            };
            let Some(n) = r.root.path(&["spec", field]) else {
                continue;
            };
            if n.as_bool() != Some(true) {
                continue;
            }
            // A gated step is either followed by another step or is the last one and holds a
            // hook (the engine then waits on the whole step before the sync can succeed).
            let why = if t.hook {
                "Argo CD waits for every hook to finish".to_string()
            } else {
                match plan.steps.get(plan.step_of[i] + 1) {
                    Some(next) => format!(
                        "Argo CD waits for it to become Healthy before {}",
                        step_words(next.phase, next.wave)
                    ),
                    None => "its step holds a hook, so Argo CD waits for it to become Healthy before the sync can finish".to_string(),
                }
            };
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    n.span,
                    format!("{} is {state}, so the sync hangs: {why}", r.display()),
                )
                .label(format!("{field}: true"))
                .help(format!("remove `{field}: true`, or move {} to the last wave so nothing waits on it", r.display()))
                .note(format!("a {state} {} reports health Suspended, which never clears on its own; Argo CD has no sync timeout by default", r.kind)),
            );
        }
    }
}
