//! `hook-ttl`: a hook Job that Kubernetes may delete before Argo CD reads its result. See
//! `rules/hook-ttl.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;

use super::hook_deadline::runs_as_hook;
use super::{Cx, Rule, declare_rule};

declare_rule! {
    HookTtl, "hook-ttl", Warning,
    "a hook Job with ttlSecondsAfterFinished may vanish before Argo CD records its result"
}

impl Rule for HookTtl {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        if !runs_as_hook(r) || !r.is("batch", "Job") {
            return;
        }
        let Some(e) = r
            .root
            .get("spec")
            .and_then(|s| s.entry("ttlSecondsAfterFinished"))
        else {
            return;
        };
        out.push(
            cx.finding(
                &INFO,
                r,
                e.key.span,
                format!("hook {} sets ttlSecondsAfterFinished: Kubernetes may delete it before Argo CD sees it finish", r.display()),
            )
            .label("remove this")
            .help("delete ttlSecondsAfterFinished and let Argo CD clean up with `argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded`")
            .note("a hook deleted by the TTL controller before Argo CD records its result leaves the sync stuck or failed (argo-cd#21055)"),
        );
    }
}
