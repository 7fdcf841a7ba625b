//! `unresolved-generator`: an ApplicationSet whose generators synclint cannot expand offline.
//! See `rules/unresolved-generator.md`.

use crate::diag::{Diagnostic, Severity};

use super::{Cx, Rule, RuleInfo, page};

pub struct UnresolvedGenerator;

static INFO: RuleInfo = RuleInfo {
    id: "unresolved-generator",
    severity: Severity::Info,
    summary: "an ApplicationSet generator that cannot be resolved offline, so its Applications are not linted",
    doc: page!("unresolved-generator"),
};

impl Rule for UnresolvedGenerator {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        for (id, u) in &cx.model.unresolved {
            let r = &cx.model.resources[*id];
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    u.at,
                    format!("{} cannot be resolved offline: {}", r.display(), u.reason),
                )
                .label("not expanded")
                .help("lint the generated Applications directly (e.g. `argocd appset generate … -o yaml | synclint check -`)")
                .note("synclint expands list, git directory, git file, matrix and merge generators from the checkout; it never calls a cluster or an API"),
            );
        }
    }
}
