//! `hook-deadline`: a hook that can run forever. See `rules/hook-deadline.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    HookDeadline, "hook-deadline", Warning,
    "a hook Job, Pod or Workflow without activeDeadlineSeconds can hang the sync forever"
}

impl Rule for HookDeadline {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        if !r.runs_in_sync() {
            return;
        }
        let applies = r.is("batch", "Job") || r.is("", "Pod") || r.is("argoproj.io", "Workflow");
        if !applies || r.root.path(&["spec", "activeDeadlineSeconds"]).is_some() {
            return;
        }
        // A Job's pods each have a deadline, and a Job retries a finite number of times
        // (backoffLimit, 6 by default): the hook ends, failed or not, in bounded time.
        if r.is("batch", "Job")
            && r.root
                .path(&["spec", "template", "spec", "activeDeadlineSeconds"])
                .is_some()
        {
            return;
        }
        out.push(
            cx.finding(
                &INFO,
                r,
                r.spec_key_span(),
                format!("hook {} has no activeDeadlineSeconds: if it never finishes, the sync waits forever", r.display()),
            )
            .label("add activeDeadlineSeconds here")
            .help("set `spec.activeDeadlineSeconds` (e.g. 600) so a stuck hook fails and the sync reports it")
            .note("Argo CD waits on every hook until it completes, and has no sync timeout by default (--sync-timeout=0)"),
        );
    }
}
