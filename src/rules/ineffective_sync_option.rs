//! `ineffective-sync-option`: a valid option placed where Argo CD never reads it. See
//! `rules/ineffective-sync-option.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;
use crate::model::argo::{
    ANN_COMPARE_OPTIONS, APP_IGNORED_OPTIONS, APP_ONLY_COMPARE_OPTIONS, APP_ONLY_OPTIONS,
    app_sync_options, csv,
};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    IneffectiveSyncOption, "ineffective-sync-option", Warning,
    "a valid sync option placed where Argo CD never reads it"
}

impl Rule for IneffectiveSyncOption {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        for t in &r.argo.sync_options {
            let (msg, help) = if APP_ONLY_OPTIONS.contains(&t.text) {
                (
                    format!(
                        "`{}` only works in an Application's spec.syncPolicy.syncOptions, not on a resource",
                        t.text
                    ),
                    "move it to the Application's spec.syncPolicy.syncOptions",
                )
            } else if t.text == "SkipDryRunOnMissingResource=true" && r.is_crd() {
                (
                    "`SkipDryRunOnMissingResource=true` on a CustomResourceDefinition does nothing"
                        .to_string(),
                    "put it on the custom resources of this CRD (or in the app's syncOptions); when the CRD is in the same sync it is not needed at all",
                )
            } else if r.argo.is_hook
                && matches!(t.text, "Prune=false" | "Prune=confirm" | "PruneLast=true")
                && written_on_the_object(cx, r, t.text)
            {
                (
                    format!(
                        "`{}` on a hook does nothing: Argo CD never prunes hooks",
                        t.text
                    ),
                    "remove it; use argocd.argoproj.io/hook-delete-policy to control when hooks are deleted",
                )
            } else {
                continue;
            };
            out.push(
                cx.finding(&INFO, r, t.span, msg)
                    .label("ignored here")
                    .help(help)
                    .note("Argo CD reads each sync option from one place only (app syncOptions, the resource annotation, or the live object)"),
            );
        }
        // Application-only compare options on anything else.
        if !r.is("argoproj.io", "Application")
            && !r.is("argoproj.io", "ApplicationSet")
            && let Some(e) = r.annotation(ANN_COMPARE_OPTIONS)
        {
            for t in csv(&e.value, cx.text(r.file)) {
                if APP_ONLY_COMPARE_OPTIONS.contains(&t.text) {
                    out.push(
                        cx.finding(&INFO, r, t.span, format!("compare option `{}` is read only from an Application's own annotation, not from a resource", t.text))
                            .label("ignored here")
                            .help("move it to the Application's `argocd.argoproj.io/compare-options` annotation")
                            .note("the controller reads ServerSideDiff and IncludeMutationWebhook from the Application object only (controller/state.go)"),
                    );
                }
            }
        }
        if let Some(list) = app_sync_options(r) {
            for item in list.items() {
                if let Some(opt) = item.str().filter(|o| APP_IGNORED_OPTIONS.contains(o)) {
                    out.push(
                        cx.finding(&INFO, r, item.span, format!("`{opt}` in an Application's syncOptions is never read"))
                            .label("ignored here")
                            .help(format!("annotate the resources that need it with `argocd.argoproj.io/sync-options: {opt}`; at the app level, leave ServerSideApply out to apply client-side"))
                            .note("the controller checks the app's syncOptions only for `ServerSideApply=true`; `ServerSideApply=false` takes effect only as a resource annotation"),
                    );
                }
                if item.str() == Some("Force=true") {
                    out.push(
                        cx.finding(&INFO, r, item.span, "`Force=true` in an Application's syncOptions has no effect")
                            .label("ignored here")
                            .help("annotate the resources that need it with `argocd.argoproj.io/sync-options: Force=true`, or sync with `--force`")
                            .note("the app-level force comes from the sync strategy (syncStrategy.apply/hook.force), never from syncOptions"),
                    );
                }
            }
        }
    }
}

/// Is the option written in the object's own source? A kustomization's `commonAnnotations` put
/// it on every object of the build, hooks included: there it is meant for the others, and
/// nothing on the hook can be fixed.
fn written_on_the_object(cx: &Cx<'_, '_>, r: &Resource<'_>, option: &str) -> bool {
    let m = cx.model;
    if r.file < m.ws.files.len() {
        return true;
    }
    let (source, _) = m.origin(r.file, r.kind_span);
    source >= m.ws.files.len() || m.text(source).contains(option)
}
