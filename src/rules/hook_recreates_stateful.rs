//! `hook-recreates-stateful`: a Namespace, CRD, PersistentVolumeClaim or PersistentVolume declared
//! as a sync hook, so the engine deletes and recreates it. See `rules/hook-recreates-stateful.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;
use crate::model::argo::{ANN_HOOK, HELM_HOOK, hook_deletions};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    HookRecreatesStateful, "hook-recreates-stateful", Error,
    "a Namespace, CRD, PersistentVolumeClaim or PersistentVolume declared as a sync hook is deleted and recreated, with everything in it"
}

impl Rule for HookRecreatesStateful {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        // Skip, crd-install alone and deletion-only hooks are never sync hooks (phases empty).
        if !r.argo.is_hook || r.argo.phases.is_empty() {
            return;
        }
        let Some(lost) = r.lost_with() else { return };
        let Some(e) = r.annotation(ANN_HOOK).or_else(|| r.annotation(HELM_HOOK)) else {
            return;
        };
        let when = hook_deletions(&r.argo.delete_policies).join(" and ");
        out.push(
            cx.finding(
                &INFO,
                r,
                e.value.span,
                format!(
                    "{} is a sync hook, so Argo CD deletes it {when}, and with it {lost}",
                    r.display()
                ),
            )
            .label("a hook")
            .help(format!(
                "remove the hook annotation and order {} with `argocd.argoproj.io/sync-wave` (a low wave) instead",
                r.display()
            ))
            .note("every hook delete policy deletes the hook at some point, the default BeforeHookCreation on every sync; a plain resource is applied in place and never deleted by a sync"),
        );
    }
}
