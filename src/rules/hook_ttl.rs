//! `hook-ttl`: a hook Job that Kubernetes may delete before Argo CD reads its result. See
//! `rules/hook-ttl.md`.

use crate::diag::{Diagnostic, Severity};
use crate::model::Resource;
use crate::model::instance::{Version, VersionFrom};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    HookTtl, "hook-ttl", Warning,
    "a hook Job with ttlSecondsAfterFinished may vanish before Argo CD records its result"
}

/// Argo CD 3.0 puts a finalizer on hooks (`argocd.argoproj.io/hook-finalizer`) and removes it
/// only after recording the result, so the TTL controller cannot delete a hook too early. 2.14.3
/// got the same fix.
fn has_hook_finalizer(v: Version) -> bool {
    v >= Version::new(3, 0, 0) || (v.major == 2 && v.minor == 14 && v.patch >= 3)
}

/// Below this, the TTL controller can realistically win the race against the application
/// controller (a busy controller takes minutes to process an app).
const SHORT_TTL: i64 = 300;

impl Rule for HookTtl {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        if !r.runs_as_hook() || !r.is("batch", "Job") {
            return;
        }
        let Some(e) = r
            .root
            .get("spec")
            .and_then(|s| s.entry("ttlSecondsAfterFinished"))
        else {
            return;
        };
        // A templated or invalid value is schema's business.
        let Some(ttl) = e.value.as_i64() else { return };
        let instance = &cx.model.instance;
        if ttl >= SHORT_TTL
            || has_hook_finalizer(instance.version) && instance.version_from != VersionFrom::Default
        {
            return;
        }
        let known = instance.version_from != VersionFrom::Default;
        let mut d = cx
            .finding(
                &INFO,
                r,
                e.key.span,
                if known {
                    format!("hook {} sets ttlSecondsAfterFinished: {ttl}: on Argo CD {} Kubernetes may delete it before Argo CD sees it finish", r.display(), instance.version)
                } else {
                    format!("hook {} sets ttlSecondsAfterFinished: {ttl}: before Argo CD 3.0 Kubernetes may delete it before Argo CD sees it finish", r.display())
                },
            )
            .label("remove this")
            .help("delete ttlSecondsAfterFinished and let Argo CD clean up with `argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded`")
            .note("a hook deleted by the TTL controller before Argo CD records its result leaves the sync stuck or failed (argo-cd#21055); Argo CD 3.0 and 2.14.3 hold hooks with a finalizer until the result is recorded");
        if !known {
            // Which release syncs this tree is not in the tree: a question, not a finding.
            d.severity = Severity::Info;
            d = d.help("if your Argo CD is 3.0 or newer this is harmless: say so with `argocd: {version: \"3.0\"}` in .synclint.yaml (or `--argocd-version`); otherwise delete ttlSecondsAfterFinished and use `argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded`");
        }
        out.push(d);
    }
}
