//! `stuck-wave`: a gated object that can never become Healthy on its own. See
//! `rules/stuck-wave.md`.

use crate::diag::Diagnostic;
use crate::model::App;
use crate::model::health::held;
use crate::plan::{Plan, Task};

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
        let waited = plan
            .tasks
            .iter()
            .enumerate()
            .filter(|&(i, _)| plan.waited_on(i))
            .map(|(i, t)| (Some(i), t));
        // SyncFail hooks run once a sync fails, and the engine waits for every one of them to
        // complete before it marks the operation Failed (`executeSyncFailPhase`).
        // A hook that also runs in a normal phase is reported there.
        let sync_fail = plan
            .sync_fail
            .iter()
            .filter(|t| t.res.is_some_and(|r| plan.task_of(r).is_none()))
            .map(|t| (None, t));
        for (i, t) in waited.chain(sync_fail) {
            let Some(id) = t.res else { continue };
            let r = &cx.model.resources[id];
            let Some(h) = held(r, &cx.model.instance) else {
                continue;
            };
            let why = why(plan, i, t);
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    h.node.span,
                    format!("{} is {}, so the sync hangs: {why}", r.display(), h.state),
                )
                .label(format!("{}: true", h.field))
                .help(format!("remove `{}: true`, or move {} to the last wave so nothing waits on it", h.field, r.display()))
                .note(format!("a {} {} reports health {:?}, which never clears on its own; Argo CD has no sync timeout by default", h.state, r.kind, h.status)),
            );
        }
    }
}

/// Why the engine waits on this task (`None`: a SyncFail hook).
fn why(plan: &Plan<'_>, i: Option<usize>, t: &Task<'_>) -> String {
    let Some(i) = i else {
        return "it is a SyncFail hook: when a sync fails, Argo CD runs it and waits for it to finish, so the failed operation stays Running instead of ending".to_string();
    };
    if t.hook {
        return "Argo CD waits for every hook to finish".to_string();
    }
    // A gated step is followed by another step, or holds a hook (the engine then waits on the
    // whole step before the sync can succeed).
    match plan.steps.get(plan.step_of[i] + 1) {
        Some(next) => format!(
            "Argo CD waits for it to become Healthy before {}",
            step_words(next.phase, next.wave)
        ),
        None => "its step holds a hook, so Argo CD waits for it to become Healthy before the sync can finish".to_string(),
    }
}
