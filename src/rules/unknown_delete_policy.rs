//! `unknown-delete-policy`: a hook delete policy Argo CD ignores. See
//! `rules/unknown-delete-policy.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;
use crate::model::argo::{
    ANN_DELETE_POLICY, DELETE_POLICIES, HELM_DELETE_POLICIES as HELM_POLICIES, HELM_DELETE_POLICY,
    csv,
};

use super::{Cx, Rule, declare_rule, did_you_mean};

declare_rule! {
    UnknownDeletePolicy, "unknown-delete-policy", Warning,
    "a hook-delete-policy value Argo CD does not recognise and silently ignores"
}

impl Rule for UnknownDeletePolicy {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let text = cx.text(r.file);
        let argo_help = format!("use {} (case-sensitive)", DELETE_POLICIES.join(", "));
        let helm_help = format!("use {}", HELM_POLICIES.join(", "));
        // (annotation, valid values, what it is, help, note)
        let kinds: [(&str, &[&str], &str, &str, &str); 2] = [
            (
                ANN_DELETE_POLICY,
                DELETE_POLICIES,
                "hook delete policy",
                &argo_help,
                "unknown values are dropped silently; with no valid policy left the default BeforeHookCreation applies",
            ),
            (
                HELM_DELETE_POLICY,
                HELM_POLICIES,
                "Helm hook delete policy",
                &helm_help,
                "Argo CD maps the three Helm policies to its own and ignores anything else",
            ),
        ];
        for (key, valid, what, help, note) in kinds {
            let Some(e) = r.annotation(key) else { continue };
            for t in csv(&e.value, text) {
                if valid.contains(&t.text) {
                    continue;
                }
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        t.span,
                        format!("unknown {what} `{}`{}", t.text, did_you_mean(t.text, valid)),
                    )
                    .label("ignored by Argo CD")
                    .help(help)
                    .note(note),
                );
            }
        }
    }
}
