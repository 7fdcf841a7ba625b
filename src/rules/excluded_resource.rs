//! `excluded-resource`: an object whose kind the Argo CD instance leaves out of every sync, so
//! the app that holds it never applies it. See `rules/excluded-resource.md`.

use crate::diag::{Diagnostic, Severity};
use crate::model::Resource;
use crate::model::exclusions::{DEFAULTS_SINCE, Excluded, ResourceFilter, core_excluded};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    ExcludedResource, "excluded-resource", Warning,
    "an object of a kind Argo CD excludes (built-in list, argocd-cm resource.exclusions): it is never applied"
}

impl Rule for ExcludedResource {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        if m.apps_of[r.id].is_empty() || !(cx.focus)(r) {
            return;
        }
        let what = r.display();
        let d = match m.excluded(r) {
            Excluded::No => return,
            Excluded::Yes => {
                let by = if matches!(m.instance.resource_filter, ResourceFilter::Known { .. })
                    && !core_excluded(r.group, r.kind)
                {
                    "argocd-cm's `resource.exclusions`/`resource.inclusions` in this tree"
                } else {
                    "Argo CD's built-in exclusions"
                };
                let mut d = cx
                    .finding(
                        &INFO,
                        r,
                        r.kind_span,
                        format!(
                            "{what} is never applied: {by} leave {} out of every sync",
                            r.kind
                        ),
                    )
                    .label("excluded kind");
                if by.starts_with("argocd-cm")
                    && let Some((f, at)) = m.instance.resource_filter_at
                {
                    d = d.related(f, at, "the resource filter that leaves it out");
                }
                d
                .note("the controller drops an excluded object from the app's manifests with an ExcludedResourceWarning condition; the sync succeeds without it")
                .help(if by.starts_with("argocd-cm") {
                    "remove the kind from the exclusions (or add it to the inclusions) if Argo CD should apply it, or remove the object"
                } else {
                    "remove the object: the cluster makes objects of this kind itself"
                })
            }
            Excluded::Probably => {
                let mut d = cx
                    .finding(
                        &INFO,
                        r,
                        r.kind_span,
                        format!(
                            "{what} is probably never applied: since Argo CD {DEFAULTS_SINCE}, the install's argocd-cm lists {} in `resource.exclusions`",
                            r.kind
                        ),
                    )
                    .label("excluded by default")
                    .note("the tree does not show this instance's argocd-cm; an excluded object is dropped from the sync with an ExcludedResourceWarning condition")
                    .help(format!(
                        "if Argo CD should apply it, set argocd-cm's `resource.exclusions` without {} (the list replaces the default); if the cluster makes it, remove the object",
                        r.kind
                    ));
                d.severity = Severity::Info;
                d
            }
        };
        out.push(d);
    }
}
