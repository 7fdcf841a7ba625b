//! `hook-ttl`: a hook Job that Kubernetes may delete before Argo CD reads its result. See
//! `rules/hook-ttl.md`.

use crate::diag::{Diagnostic, Severity};
use crate::model::Resource;

use super::hook_deadline::runs_as_hook;
use super::{Cx, Rule, RuleInfo, page};

pub struct HookTtl;

static INFO: RuleInfo = RuleInfo {
    id: "hook-ttl",
    severity: Severity::Warning,
    summary: "a hook Job with ttlSecondsAfterFinished may vanish before Argo CD records its result",
    doc: page!("hook-ttl"),
};

impl Rule for HookTtl {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

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
