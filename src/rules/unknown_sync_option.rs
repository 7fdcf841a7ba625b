//! `unknown-sync-option`: a sync or compare option Argo CD does not recognise. See
//! `rules/unknown-sync-option.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Span;
use crate::model::Resource;
use crate::model::argo::{
    ANN_COMPARE_OPTIONS, COMPARE_OPTIONS, all_sync_options, app_sync_options, csv,
    is_known_sync_option,
};

use super::{Cx, Rule, declare_rule, did_you_mean};

declare_rule! {
    UnknownSyncOption, "unknown-sync-option", Error,
    "a sync option or compare option Argo CD does not recognise and silently ignores"
}

/// What ignoring this misspelling means in practice.
fn consequence(opt: &str) -> &'static str {
    let key = opt.split('=').next().unwrap_or("");
    match key.to_ascii_lowercase().as_str() {
        "prune" => "; pruning stays enabled",
        "delete" => "; the resource is still deleted with the app",
        "createnamespace" => "; the namespace is not created",
        "serversideapply" => "; client-side apply is used",
        "skipdryrunonmissingresource" => "; the dry-run still fails while the CRD is missing",
        "respectignoredifferences" => "; ignored fields are still overwritten with Git's values",
        "prunelast" => "; pruning happens in the normal order",
        "replace" => "; the object is applied, not replaced",
        _ => "",
    }
}

fn report(
    cx: &Cx<'_, '_>,
    r: &Resource<'_>,
    span: Span,
    opt: &str,
    compare: bool,
    out: &mut Vec<Diagnostic>,
) {
    let (kind, valid): (&str, Vec<&str>) = if compare {
        ("compare option", COMPARE_OPTIONS.to_vec())
    } else {
        ("sync option", all_sync_options())
    };
    out.push(
        cx.finding(
            &INFO,
            r,
            span,
            format!(
                "unknown {kind} `{opt}`{}: Argo CD ignores it{}",
                did_you_mean(opt, &valid),
                consequence(opt)
            ),
        )
        .label(format!("not a {kind}"))
        .help(match super::suggest(opt, &valid) {
            Some(s) => format!("write `{s}` exactly (options are case-sensitive)"),
            None => "see `synclint explain unknown-sync-option` for the valid options".to_string(),
        })
        .note("Argo CD never validates option strings: a misspelled option is dropped without a warning"),
    );
}

impl Rule for UnknownSyncOption {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let text = cx.text(r.file);
        for t in &r.argo.sync_options {
            if !is_known_sync_option(t.text) {
                report(cx, r, t.span, t.text, false, out);
            }
        }
        if let Some(e) = r.annotation(ANN_COMPARE_OPTIONS) {
            for t in csv(&e.value, text) {
                if !COMPARE_OPTIONS.contains(&t.text) {
                    report(cx, r, t.span, t.text, true, out);
                }
            }
        }
        if let Some(list) = app_sync_options(r) {
            for item in list.items() {
                if let Some(opt) = item.str()
                    && !is_known_sync_option(opt)
                {
                    report(cx, r, item.span, opt, false, out);
                }
            }
        }
    }
}
