//! `duplicate-resource`: the same object twice in one app. See `rules/duplicate-resource.md`.

use crate::diag::{Diagnostic, Severity};
use crate::model::App;
use crate::plan::Plan;

use super::{Cx, Rule, RuleInfo, page};

pub struct DuplicateResource;

static INFO: RuleInfo = RuleInfo {
    id: "duplicate-resource",
    severity: Severity::Warning,
    summary: "the same group/kind/namespace/name appears twice in one app; Argo CD keeps the last",
    doc: page!("duplicate-resource"),
};

impl Rule for DuplicateResource {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_app(&self, cx: &Cx<'_, '_>, app: &App<'_>, plan: &Plan<'_>, out: &mut Vec<Diagnostic>) {
        let res = &cx.model.resources;
        for &(kept, dropped) in &plan.duplicates {
            let (k, d) = (&res[kept], &res[dropped]);
            let app_words = if app.is_implicit() {
                "this app".to_string()
            } else {
                format!("app `{}`", app.name)
            };
            out.push(
                cx.finding(
                    &INFO,
                    k,
                    k.name_span,
                    format!("{} is defined twice in {app_words}; Argo CD silently keeps only this last copy", k.display()),
                )
                .label("this copy wins")
                .related(d.file, d.name_span, "this earlier copy is ignored")
                .help("delete one copy, or give them different names or namespaces")
                .note("Argo CD de-duplicates by group, kind, namespace and name (the version is ignored) and raises only a RepeatedResourceWarning condition"),
            );
        }
    }
}
