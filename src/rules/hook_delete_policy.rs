//! `hook-delete-policy`: hooks that pile up, or that the next sync cannot re-run. See
//! `rules/hook-delete-policy.md`.

use crate::diag::{Diagnostic, Severity};
use crate::model::Resource;
use crate::model::argo::{
    ANN_DELETE_POLICY, ANN_HOOK, DeletePolicy, HELM_DELETE_POLICY, HELM_HOOK, Phase,
};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    HookDeletePolicy, "hook-delete-policy", Warning,
    "a hook's delete policy leaves objects behind or breaks the next sync"
}

impl Rule for HookDeletePolicy {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let m = &r.argo;
        if !m.is_hook || m.phases.is_empty() {
            return;
        }
        let policy_node = r
            .annotation(ANN_DELETE_POLICY)
            .or_else(|| r.annotation(HELM_DELETE_POLICY));
        let has = |p| m.delete_policies.contains(&p);
        if r.name.is_none() && r.generate_name.is_some() {
            // A hook that runs in a normal phase runs on syncs that succeed, and only
            // HookSucceeded deletes after a success; a SyncFail-only hook runs only after a
            // failure, and only HookFailed deletes then (`deleteOnPhaseSuccessful/Failed`).
            let fail_only = m.phases.iter().all(|&p| p == Phase::SyncFail);
            let (needed, when) = if fail_only {
                (DeletePolicy::HookFailed, "failed")
            } else {
                (DeletePolicy::HookSucceeded, "successful")
            };
            if has(needed) {
                return;
            }
            let needed = if fail_only {
                "HookFailed"
            } else {
                "HookSucceeded"
            };
            let span = policy_node
                .or_else(|| r.annotation(ANN_HOOK))
                .or_else(|| r.annotation(HELM_HOOK))
                .map_or(r.name_span, |e| e.value.span);
            let message = if has(DeletePolicy::HookSucceeded) || has(DeletePolicy::HookFailed) {
                format!(
                    "hook {} uses generateName and is not deleted after a {when} sync: every {when} sync leaves one more {} behind",
                    r.display(),
                    r.kind
                )
            } else {
                format!(
                    "hook {} uses generateName but is never deleted: every sync leaves one more {} behind",
                    r.display(),
                    r.kind
                )
            };
            out.push(
                cx.finding(&INFO, r, span, message)
                .label(if policy_node.is_some() { format!("no {needed} here") } else { "hook without a delete policy".to_string() })
                .related(r.file, r.name_span, "a new name is generated for every sync")
                .help(format!("add `argocd.argoproj.io/hook-delete-policy: {needed}` (or `BeforeHookCreation,{needed}` with a fixed metadata.name)"))
                .note(if fail_only {
                    "a SyncFail hook runs only after a failed sync, and HookSucceeded never deletes it; BeforeHookCreation, also the default, deletes an old hook with the same name, which a generated name never matches"
                } else {
                    "only HookSucceeded deletes a hook after a successful sync (HookFailed only after a failed one); BeforeHookCreation, also the default, deletes an old hook with the same name, which a generated name never matches"
                }),
            );
            return;
        }
        // (b) a named Job/Pod hook whose explicit policies omit BeforeHookCreation.
        let Some(node) = policy_node else { return };
        if !m.explicit_policy || has(DeletePolicy::BeforeHookCreation) {
            return;
        }
        if !(r.is("batch", "Job") || r.is("", "Pod")) {
            return;
        }
        // Which runs leave the old object behind for the next sync to apply over.
        let left_by = match (
            has(DeletePolicy::HookSucceeded),
            has(DeletePolicy::HookFailed),
        ) {
            (true, false) => "a failed run leaves",
            (false, true) => "a successful run leaves",
            _ => "only a run cut short (a terminated sync) leaves",
        };
        let mut d = cx
            .finding(
                &INFO,
                r,
                node.value.span,
                format!(
                    "named hook {} has a delete policy without BeforeHookCreation: {left_by} the old {}, and the next sync applies over it",
                    r.display(),
                    r.kind
                ),
            )
            .label("BeforeHookCreation missing")
            .help("add BeforeHookCreation: `argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded`")
            .note("if the hook's last run is still there, a changed template fails with an immutable-field error, and an unchanged completed Job counts as succeeded without running again");
        if has(DeletePolicy::HookSucceeded) && has(DeletePolicy::HookFailed) {
            d.severity = Severity::Info;
        }
        // The TTL controller deletes a finished Job: only a sync within the TTL meets it.
        if let Some(ttl) = r
            .root
            .path(&["spec", "ttlSecondsAfterFinished"])
            .and_then(|n| n.scalar())
        {
            d.severity = Severity::Info;
            d = d.note(format!(
                "`ttlSecondsAfterFinished: {}` deletes the finished Job, so only a sync within that many seconds meets the old one",
                crate::report::escape::clip(&ttl.value, 20)
            ));
        }
        out.push(d);
    }
}
