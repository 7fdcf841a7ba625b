//! `unknown-sync-option`: a sync or compare option Argo CD does not recognise. See
//! `rules/unknown-sync-option.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Span;
use crate::model::Resource;
use crate::model::argo::{
    ANN_COMPARE_OPTIONS, COMPARE_OPTIONS, all_sync_options, app_sync_options, csv,
    is_known_sync_option, option_since, option_supported,
};
use crate::model::instance::VersionFrom;

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
    // A compare option among sync options: valid, in the wrong place. Said first.
    let name = opt.split('=').next().unwrap_or(opt);
    let misplaced = !compare
        && COMPARE_OPTIONS
            .iter()
            .any(|c| c.split('=').next() == Some(name));
    let message = if misplaced {
        format!("`{opt}` is a compare option, not a sync option: Argo CD ignores it here")
    } else {
        format!(
            "unknown {kind} `{opt}`{}: Argo CD ignores it{}",
            did_you_mean(opt, &valid),
            consequence(opt)
        )
    };
    out.push(
        cx.finding(&INFO, r, span, message)
        .label(format!("not a {kind}"))
        .help(
            // A compare option written among sync options (or the reverse): a misplaced option.
            match (compare, opt.split('=').next().unwrap_or(opt)) {
                // `automated.allowEmpty` written as if it were a sync option.
                (false, name) if name.eq_ignore_ascii_case("allowEmpty") => {
                    "`allowEmpty` is a field of the automated policy: write `syncPolicy.automated.allowEmpty: true`".to_string()
                }
                (false, name) if COMPARE_OPTIONS.iter().any(|c| c.split('=').next() == Some(name)) => {
                    format!("`{opt}` is a compare option: set it in the `argocd.argoproj.io/compare-options` annotation (on the Application for ServerSideDiff and IncludeMutationWebhook)")
                }
                _ => match super::suggest(opt, &valid) {
                    Some(s) => format!("write `{s}` exactly (options are case-sensitive)"),
                    None => "see `synclint explain unknown-sync-option` for the valid options".to_string(),
                },
            },
        )
        .note("Argo CD never validates option strings: a misspelled option is dropped without a warning"),
    );
}

/// A valid option that the instance's release predates: ignored just the same.
fn too_new(cx: &Cx<'_, '_>, r: &Resource<'_>, span: Span, opt: &str, out: &mut Vec<Diagnostic>) {
    let instance = &cx.model.instance;
    // Only a release the tree or the user names; the default is the newest.
    if instance.version_from == VersionFrom::Default || option_supported(opt, instance.version) {
        return;
    }
    let since = option_since(opt).map_or_else(String::new, |v| format!("{}.{}", v.major, v.minor));
    let mut d = cx.finding(
            &INFO,
            r,
            span,
            format!(
                "`{opt}` needs Argo CD {since} or newer: Argo CD {} ignores it{}",
                instance.version,
                consequence(opt)
            ),
        )
        .label(format!("not read before Argo CD {since}"))
        .help(format!("upgrade Argo CD to {since} or newer, or drop the option (set `argocd.version` in .synclint.yaml if synclint guessed the release wrong)"))
        .note("Argo CD never validates option strings: an option its release does not know is dropped without a warning");
    if instance.version_from != VersionFrom::Declared {
        // Read off an install in the tree: often a stale copy, or another cluster's; the release
        // that syncs the tree may be declared where synclint cannot read. Told, not warned.
        d.severity = crate::diag::Severity::Info;
    }
    out.push(d);
}

impl Rule for UnknownSyncOption {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let text = cx.text(r.file);
        for t in &r.argo.sync_options {
            if !is_known_sync_option(t.text) {
                report(cx, r, t.span, t.text, false, out);
            } else {
                too_new(cx, r, t.span, t.text, out);
            }
        }
        if let Some(e) = r.annotation(ANN_COMPARE_OPTIONS) {
            for t in csv(&e.value, text) {
                if !COMPARE_OPTIONS.contains(&t.text) {
                    report(cx, r, t.span, t.text, true, out);
                } else {
                    too_new(cx, r, t.span, t.text, out);
                }
            }
        }
        if let Some(list) = app_sync_options(r) {
            for item in list.items() {
                if let Some(opt) = item.str() {
                    // An ApplicationSet's template value is only known once the controller fills
                    // it; a literal option name before it (`syncTimeout={{…}}`) is known now.
                    if r.kind == "ApplicationSet" && crate::model::project::templated(opt) {
                        if let Some((key, _)) = opt.split_once('=')
                            && !crate::model::project::templated(key)
                            && !crate::model::argo::all_sync_options()
                                .iter()
                                .any(|o| o.split_once('=').is_some_and(|(k, _)| k == key))
                        {
                            report(cx, r, item.span, opt, false, out);
                        }
                        continue;
                    }
                    if is_known_sync_option(opt) {
                        too_new(cx, r, item.span, opt, out);
                    } else {
                        report(cx, r, item.span, opt, false, out);
                    }
                }
            }
        }
    }
}
