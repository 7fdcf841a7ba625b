//! `duplicate-resource`: the same object twice in one app. See `rules/duplicate-resource.md`.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Severity};
use crate::model::{App, ResId};
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    DuplicateResource, "duplicate-resource", Warning,
    "the same group/kind/namespace/name appears twice in one app; Argo CD keeps the last"
}

impl Rule for DuplicateResource {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        // Until Kustomize output is rendered, renamed objects' identities are unknown; a failed
        // build is already a `render-failed` finding; and a partly known app may hold the
        // copy that wins elsewhere.
        if app.renamed || !app.is_complete() {
            return;
        }
        // In a tree that has Applications, a directory none of them syncs is not applied as one
        // unit (alternatives side by side, examples, bootstrap leftovers): nothing to prove.
        if cx.model.unsynced(app) {
            return;
        }
        let res = &cx.model.resources;
        let unknown_apps = !cx.model.unresolved.is_empty() || cx.model.applications_elsewhere;
        let app_words = if app.is_implicit() {
            format!(
                "directory `{}` (linted as one app)",
                crate::report::escape::terminal(&app.name)
            )
        } else {
            format!("app `{}`", app.name)
        };
        // Two files that repeat many objects (alternative install manifests side by side) get
        // one finding for the pair instead of one per object.
        let mut pairs: BTreeMap<(usize, usize), Vec<(ResId, ResId)>> = BTreeMap::new();
        for &(kept, dropped) in &plan.duplicates {
            pairs
                .entry((res[kept].file, res[dropped].file))
                .or_default()
                .push((kept, dropped));
        }
        for ((kf, df), list) in pairs {
            let single = list.len() < 3 || kf == df;
            for (i, &(kept, dropped)) in list.iter().enumerate() {
                if !single && i > 0 {
                    break;
                }
                let (k, d) = (&res[kept], &res[dropped]);
                let message = if single {
                    format!(
                        "{} is defined twice in {app_words}; Argo CD silently keeps only this last copy",
                        k.display()
                    )
                } else {
                    format!(
                        "{} and {} more objects of this file are also defined in {} ({app_words}); Argo CD keeps only the last copy of each",
                        k.display(),
                        list.len() - 1,
                        crate::report::escape::terminal(&cx.model.files[df].name)
                    )
                };
                if app.kustomize {
                    let mut d = cx
                        .finding(
                            &INFO,
                            k,
                            k.name_span,
                            format!("{} is included twice in {app_words}, which Kustomize builds: `kustomize build` fails, so the app cannot sync", k.display()),
                        )
                        .label("second copy")
                        .related(d.file, d.name_span, "first copy")
                        .help("include the object once; use a patch to change it in an overlay")
                        .note("kustomize refuses two resources with the same id (may not add resource with an already registered id), and Argo CD then fails manifest generation for the whole app");
                    d.severity = Severity::Error;
                    out.push(d);
                    continue;
                }
                let mut f = cx
                    .finding(&INFO, k, k.name_span, message)
                    .label("this copy wins")
                    .related(d.file, d.name_span, "this earlier copy is ignored")
                    .help("delete one copy, or give them different names or namespaces; alternative manifests for the same objects belong in separate apps (directories)")
                    .note("Argo CD de-duplicates by group, kind, namespace and name (the version is ignored) and raises only a RepeatedResourceWarning condition");
                // Two files of a directory no known Application syncs, in a tree whose
                // ApplicationSets cannot all be expanded: maybe one app, maybe alternatives
                // applied one at a time by hand.
                if app.is_implicit() && kf != df && unknown_apps {
                    f.severity = Severity::Info;
                    f = f.note("no Application of this tree is known to sync this directory, and some of its ApplicationSets cannot be expanded offline: whether it is applied as one app is unknown");
                }
                out.push(f);
            }
        }
    }
}
