//! `render-failed`: `kustomize build` of an app's source fails. See `rules/render-failed.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Span;
use crate::model::jobs::Outcome;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    RenderFailed, "render-failed", Error,
    "an app's Kustomize source does not build, so Argo CD cannot generate its manifests"
}

impl Rule for RenderFailed {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        for (dir, helm, outcome) in &m.rendered.outcomes {
            let Outcome::Failed(msg) = outcome else {
                continue;
            };
            let names: &[&str] = if *helm {
                &["Chart.yaml"]
            } else {
                crate::model::kustomize::NAMES
            };
            let kfile = names.iter().find_map(|n| m.ws.file_at(&dir.join(n)));
            let shown = m.shown_dir(dir);
            // The tool's message names files by absolute path: shown from the repository root,
            // as every other path in the report.
            let root = format!("{}/", m.repo_root().display());
            let msg_shown = if root.len() > 1 {
                msg.replace(&root, "")
            } else {
                msg.clone()
            };
            let msg_shown = &msg_shown;
            let (message, help) = if *helm {
                (
                    format!("`helm template {shown}` fails: {msg_shown}"),
                    format!(
                        "run `helm template {shown}` with the app's values and fix the error it reports"
                    ),
                )
            } else {
                (
                    format!("`kustomize build {shown}` fails: {msg_shown}"),
                    format!("run `kubectl kustomize {shown}` and fix the error it reports"),
                )
            };
            let note = "Argo CD runs the same build to generate the app's manifests; until it succeeds the app shows a ComparisonError and nothing syncs";
            // Argo CD lifts kustomize's load restrictor (argocd-cm `kustomize.buildOptions`);
            // synclint never does (a build must not read outside its directory here): a build
            // that fails only for that proves nothing.
            // Where argocd-cm is not in the tree, its options are unknown: a path outside the
            // kustomization is written on purpose, for an instance that allows it.
            let restricted = !*helm
                && msg.contains("is not in or below")
                && (m.instance.kustomize_unrestricted() || !m.instance.cm_in_tree);
            let restricted_note = match &m.instance.kustomize_build_options {
                Some((o, f)) => Some(format!(
                    "Argo CD builds with `{}` (kustomize.buildOptions in {}); synclint keeps kustomize's load restrictor, so this build cannot be checked offline",
                    crate::report::escape::clip(o, 80),
                    m.files[*f].name
                )),
                None if !m.instance.cm_in_tree => Some(
                    "Argo CD's argocd-cm is not in this tree: with `kustomize.buildOptions: --load-restrictor LoadRestrictionsNone` there, this build succeeds; synclint keeps kustomize's load restrictor, so it cannot be checked offline".into(),
                ),
                None => None,
            };
            // A missing file that `.gitignore` leaves out of Git is made before the build (by a
            // script or a pipeline), never cloned: Argo CD's checkout lacks it as well.
            let ignored = crate::model::jobs::missing_input(msg)
                .filter(|p| m.ws.git_ignored(p))
                .map(|p| {
                    let shown = p.strip_prefix(m.repo_root()).unwrap_or(p);
                    crate::report::escape::clip(&shown.display().to_string(), 120)
                });
            let mut reported = false;
            for app in &m.apps {
                let Some(owner) = app.application else {
                    continue;
                };
                let Some(span) = app
                    .sources
                    .iter()
                    .find(|s| &s.dir == dir)
                    .and_then(|s| s.path_span)
                else {
                    continue;
                };
                let r = &m.resources[owner];
                let mut d = cx
                    .finding(&INFO, r, span, message.clone())
                    .label("does not build")
                    .help(help.clone())
                    .note(note);
                d.app = Some(app.name.clone());
                if restricted && let Some(n) = &restricted_note {
                    d.severity = crate::diag::Severity::Info;
                    d = d.note(n.clone());
                }
                if let Some(p) = &ignored {
                    d = d.note(format!(
                        "{note}. `{p}` is left out of Git by .gitignore: Argo CD's clone of the repository does not have it"
                    ));
                }
                out.push(d);
                reported = true;
            }
            if !reported && let Some(f) = kfile {
                let mut d = Diagnostic::new(INFO.id, INFO.severity, f, Span::default(), message)
                    .label("does not build")
                    .help(help)
                    .note(note);
                if m.has_applications || m.applications_elsewhere {
                    // No Application of the tree builds it (a bootstrap script may, with inputs
                    // synclint does not see, or Applications in unrendered templates): worth
                    // knowing, not a proven sync failure.
                    d.severity = crate::diag::Severity::Info;
                    d.message = format!("no Application in this tree builds it, and {}", d.message);
                }
                // Also a Helm chart: an Application with an explicit `helm:` source (in another
                // repository, or in a values file a chart turns into Applications) builds it as
                // one, and kustomize never runs there.
                if !*helm
                    && m.ws
                        .file_names_in(dir)
                        .iter()
                        .any(|n| n.ends_with("Chart.yaml"))
                {
                    d.severity = crate::diag::Severity::Info;
                    d = d.note("the directory is also a Helm chart, and no Application of this tree says which one Argo CD builds: one with an explicit `helm:` source never runs kustomize");
                }
                if restricted && let Some(n) = &restricted_note {
                    d.severity = crate::diag::Severity::Info;
                    d = d.note(n.clone());
                }
                if let Some(p) = &ignored {
                    // No Application builds it from Git: a pipeline that first makes the
                    // ignored file may (rendered-manifests pattern); nothing is proven.
                    d.severity = crate::diag::Severity::Info;
                    d = d.note(format!(
                        "it reads `{p}`, which .gitignore leaves out of Git: a script or a pipeline makes it before building, and synclint cannot see that file"
                    ));
                }
                out.push(d);
            }
        }
    }
}
