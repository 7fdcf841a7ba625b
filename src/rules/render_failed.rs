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
            let (message, help) = if *helm {
                (
                    format!("`helm template {shown}` fails: {msg}"),
                    format!(
                        "run `helm template {shown}` with the app's values and fix the error it reports"
                    ),
                )
            } else {
                (
                    format!("`kustomize build {shown}` fails: {msg}"),
                    format!("run `kubectl kustomize {shown}` and fix the error it reports"),
                )
            };
            let note = "Argo CD runs the same build to generate the app's manifests; until it succeeds the app shows a ComparisonError and nothing syncs";
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
                out.push(d);
                reported = true;
            }
            if !reported && let Some(f) = kfile {
                let mut d = Diagnostic::new(INFO.id, INFO.severity, f, Span::default(), message)
                    .label("does not build")
                    .help(help)
                    .note(note);
                if m.has_applications {
                    // No Application of the tree builds it (a bootstrap script may, with inputs
                    // synclint does not see): worth knowing, not a proven sync failure.
                    d.severity = crate::diag::Severity::Info;
                    d.message = format!("no Application in this tree builds it, and {}", d.message);
                }
                out.push(d);
            }
        }
    }
}
