//! `unknown-hook`: a hook type Argo CD does not know. See `rules/unknown-hook.md`.

use crate::diag::{Diagnostic, Severity};
use crate::model::Resource;
use crate::model::argo::{
    ANN_HOOK, HELM_HOOK, HELM_HOOK_VALUES, HOOK_TYPES, csv, helm_hook_type, hook_type,
};

use super::{Cx, Rule, declare_rule, did_you_mean};

declare_rule! {
    UnknownHook, "unknown-hook", Error,
    "a hook type Argo CD does not recognise; with no valid type the manifest vanishes from the sync"
}

impl Rule for UnknownHook {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let text = cx.text(r.file);
        let dropped = r.argo.dropped;
        let consequence = if dropped {
            "; no valid hook type is left, so Argo CD drops this manifest from the sync"
        } else {
            ""
        };
        if let Some(e) = r.annotation(ANN_HOOK) {
            // `IsHook` is the key's presence: an empty value makes a hook with no type.
            if dropped && csv(&e.value, text).is_empty() {
                let span = if e.value.span.start == e.value.span.end {
                    e.key.span
                } else {
                    e.value.span
                };
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        span,
                        "empty hook annotation: Argo CD counts the object as a hook with no type and drops it from the sync",
                    )
                    .label("no hook type")
                    .help(format!(
                        "remove the `{ANN_HOOK}` annotation to sync it as a normal resource, or name a type: {}",
                        HOOK_TYPES.join(", ")
                    ))
                    .note("the engine decides whether an object is a hook by the annotation key alone; with no valid type left it ignores the object entirely, so it is never applied"),
                );
            }
            for t in csv(&e.value, text) {
                if hook_type(t.text).is_some() {
                    continue;
                }
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        t.span,
                        format!(
                            "unknown hook type `{}`{}{consequence}",
                            t.text,
                            did_you_mean(t.text, HOOK_TYPES)
                        ),
                    )
                    .label("not a hook type")
                    .help(format!("use one of {} (case-sensitive)", HOOK_TYPES.join(", ")))
                    .note("the engine drops unknown hook values silently; a hook left with no valid type is ignored entirely, so it is never applied"),
                );
            }
        }
        // Helm hooks only count when no valid Argo type is present (§4.6).
        let argo_valid = r.annotation(ANN_HOOK).is_some_and(|e| {
            csv(&e.value, text)
                .iter()
                .any(|t| hook_type(t.text).is_some())
        });
        if argo_valid {
            return;
        }
        if let Some(e) = r.annotation(HELM_HOOK) {
            let tokens = csv(&e.value, text);
            if tokens.len() == 1 && tokens[0].text == "crd-install" {
                return;
            }
            for t in tokens {
                // Chart tests run only under `helm test`: Argo CD leaving them out of a sync is
                // what the chart means (upstream charts ship them), not a finding.
                if helm_hook_type(t.text).is_some()
                    || t.text == "crd-install"
                    || t.text.starts_with("test") && HELM_HOOK_VALUES.contains(&t.text)
                {
                    continue;
                }
                let known = HELM_HOOK_VALUES.contains(&t.text);
                let msg = if known {
                    format!(
                        "Helm hook `{}` has no Argo CD equivalent{consequence}",
                        t.text
                    )
                } else {
                    format!(
                        "unknown Helm hook `{}`{}{consequence}",
                        t.text,
                        did_you_mean(t.text, HELM_HOOK_VALUES)
                    )
                };
                let mut d = cx
                    .finding(&INFO, r, t.span, msg)
                    .label("ignored by Argo CD")
                    .help("Argo CD maps pre-install/pre-upgrade to PreSync and post-install/post-upgrade to PostSync; use those, or an argocd.argoproj.io/hook annotation")
                    .note("Argo CD drops Helm rollback hooks: they never run in a sync");
                // A known Helm hook (rollback) is a documented gap: told, not warned; an
                // unknown one is a typo.
                d.severity = if known {
                    Severity::Info
                } else {
                    Severity::Warning
                };
                out.push(d);
            }
        }
    }
}
