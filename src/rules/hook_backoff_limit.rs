//! `hook-backoff-limit`: a hook Job that retries for many minutes before failing. See
//! `rules/hook-backoff-limit.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    HookBackoffLimit, "hook-backoff-limit", Warning,
    "a hook Job retries up to 6 times (the Kubernetes default) before the sync can fail"
}

/// Kubernetes' default `backoffLimit`.
const DEFAULT_LIMIT: i64 = 6;

impl Rule for HookBackoffLimit {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        if !r.runs_in_sync() || !r.is("batch", "Job") {
            return;
        }
        let help = "set `spec.backoffLimit` to 0–3; a hook that fails should fail the sync quickly";
        let note = "Kubernetes retries failed pods with exponential back-off (10 s, 20 s, 40 s … capped at 6 min); Argo CD waits for the Job the whole time";
        match r.root.path(&["spec", "backoffLimit"]) {
            None => out.push(
                cx.finding(
                    &INFO,
                    r,
                    r.spec_key_span(),
                    format!("hook {} has no backoffLimit: a failing hook is retried 6 times before the sync fails", r.display()),
                )
                .label("add backoffLimit here")
                .help(help)
                .note(note),
            ),
            Some(n) => {
                // An explicit limit is the author's retry budget; it is worth a word only when it
                // is above the default and no activeDeadlineSeconds bounds the retries.
                let bounded = r.root.path(&["spec", "activeDeadlineSeconds"]).is_some();
                if let Some(v) = n.as_i64().filter(|v| *v > DEFAULT_LIMIT && !bounded) {
                    out.push(
                        cx.finding(
                            &INFO,
                            r,
                            n.span,
                            format!("hook {} has backoffLimit {v}: a failing hook is retried {v} times before the sync fails", r.display()),
                        )
                        .label("too many retries")
                        .help(help)
                        .note(note),
                    );
                }
            }
        }
    }
}
