//! `unknown-delete-policy`: a hook delete policy Argo CD ignores. See
//! `rules/unknown-delete-policy.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;
use crate::model::argo::{
    ANN_DELETE_POLICY, DELETE_POLICIES, HELM_DELETE_POLICY, csv, delete_policy,
};

use super::{Cx, Rule, declare_rule, did_you_mean};

declare_rule! {
    UnknownDeletePolicy, "unknown-delete-policy", Warning,
    "a hook-delete-policy value Argo CD does not recognise and silently ignores"
}

const HELM_POLICIES: &[&str] = &["before-hook-creation", "hook-succeeded", "hook-failed"];

impl Rule for UnknownDeletePolicy {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let text = cx.text(r.file);
        if let Some(e) = r.annotation(ANN_DELETE_POLICY) {
            for t in csv(&e.value, text) {
                if delete_policy(t.text).is_some() {
                    continue;
                }
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        t.span,
                        format!(
                            "unknown hook delete policy `{}`{}",
                            t.text,
                            did_you_mean(t.text, DELETE_POLICIES)
                        ),
                    )
                    .label("ignored by Argo CD")
                    .help(format!("use {} (case-sensitive)", DELETE_POLICIES.join(", ")))
                    .note("unknown values are dropped silently; with no valid policy left the default BeforeHookCreation applies"),
                );
            }
        }
        if let Some(e) = r.annotation(HELM_DELETE_POLICY) {
            for t in csv(&e.value, text) {
                if HELM_POLICIES.contains(&t.text) {
                    continue;
                }
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        t.span,
                        format!(
                            "unknown Helm hook delete policy `{}`{}",
                            t.text,
                            did_you_mean(t.text, HELM_POLICIES)
                        ),
                    )
                    .label("ignored by Argo CD")
                    .help(format!("use {}", HELM_POLICIES.join(", ")))
                    .note(
                        "Argo CD maps the three Helm policies to its own and ignores anything else",
                    ),
                );
            }
        }
    }
}
