//! `unresolved-generator`: an ApplicationSet whose generators synclint cannot expand offline.
//! See `rules/unresolved-generator.md`.

use crate::diag::Diagnostic;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    UnresolvedGenerator, "unresolved-generator", Info,
    "an ApplicationSet generator that cannot be resolved offline, so its Applications are not linted"
}

impl Rule for UnresolvedGenerator {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        for (id, u) in &cx.model.unresolved {
            let r = &cx.model.resources[*id];
            // Read as written from a build that did not run: its kustomization patches it, so
            // what the generators say here is not what Argo CD reads.
            let why = if cx.model.possibly_patched(r) {
                "it is read as written from a Kustomize build that did not run here, and that build patches it".to_string()
            } else {
                u.reason.clone()
            };
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    u.at,
                    format!("{} cannot be resolved offline: {why}", r.display()),
                )
                .label("not expanded")
                .help("lint the generated Applications directly (e.g. `argocd appset generate … -o yaml | synclint check -`)")
                .note("synclint expands list, git directory, git file, matrix and merge generators from the checkout; it never calls a cluster or an API"),
            );
        }
    }
}
