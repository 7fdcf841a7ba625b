//! `missing-namespace`: a namespaced object without a namespace, in an app whose destination has
//! none either. See `rules/missing-namespace.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Node;
use crate::model::App;
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule};
use crate::model::project::app_spec;

declare_rule! {
    MissingNamespace, "missing-namespace", Error,
    "a namespaced object has no namespace and its Application sets no destination namespace"
}

/// A source that renders namespaces in (`kustomize.namespace`, `helm.namespace`): the raw files
/// do not show them.
fn source_sets_namespace(spec: &Node<'_>) -> bool {
    let sets = |s: &Node<'_>| {
        ["kustomize", "helm"].iter().any(|t| {
            s.path(&[t, "namespace"])
                .and_then(Node::non_empty_str)
                .is_some()
        })
    };
    crate::model::app::spec_sources(spec).any(sets)
}

impl Rule for MissingNamespace {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(aid) = app.application else { return };
        // Kustomize may set the namespace during the build.
        if app.dest_namespace.is_some() || app.renamed || !app.is_complete() {
            return;
        }
        let res = &cx.model.resources;
        let application = &res[aid];
        let Some(spec) = app_spec(application) else {
            return;
        };
        if source_sets_namespace(spec) {
            return;
        }
        let dest = spec
            .entry("destination")
            .map_or(application.kind_span, |e| e.key.span);
        for &rid in &app.resources {
            let r = &res[rid];
            if r.namespace.is_some()
                || plan.not_synced.iter().any(|(n, _)| *n == rid)
                || cx.model.possibly_patched(r)
                || cx.model.is_namespaced(r) != Some(true)
            {
                continue;
            }
            let span = r.root.entry("metadata").map_or(r.kind_span, |e| e.key.span);
            // Go's GroupVersionKind.String().
            let gvk = format!("{}/{}, Kind={}", r.group, r.version, r.kind);
            let name = r.name.or(r.generate_name).unwrap_or("");
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    span,
                    format!(
                        "{} has no namespace and {} sets no destination namespace: Argo CD refuses the app",
                        r.display(),
                        application.display()
                    ),
                )
                .label("no `namespace` here")
                .related(application.file, dest, "no `namespace` in the destination")
                .help(format!(
                    "set `spec.destination.namespace` on {}, or `metadata.namespace` on {}",
                    application.display(),
                    r.display()
                ))
                .note(format!(
                    "{} is namespaced; CompareAppState reports InvalidSpecError \"Namespace for {name} {gvk} is missing.\" and the controller does not sync the app",
                    r.kind
                )),
            );
        }
    }
}
