//! `render-failed`: `kustomize build` of an app's source fails. See `rules/render-failed.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Span;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    RenderFailed, "render-failed", Error,
    "an app's Kustomize source does not build, so Argo CD cannot generate its manifests"
}

impl Rule for RenderFailed {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        for (dir, msg) in &m.loaded.render_failures {
            let kfile = crate::model::kustomize::NAMES
                .iter()
                .find_map(|n| m.files.iter().position(|f| f.path == dir.join(n)));
            let shown = kfile
                .and_then(|f| {
                    std::path::Path::new(&m.files[f].name)
                        .parent()
                        .map(|p| p.display().to_string())
                })
                .unwrap_or_else(|| dir.display().to_string());
            let message = format!("`kustomize build {shown}` fails: {msg}");
            let help = format!("run `kubectl kustomize {shown}` and fix the error it reports");
            let note = "Argo CD runs the same build to generate the app's manifests; until it succeeds the app shows a ComparisonError and nothing syncs";
            let mut reported = false;
            for app in m.apps.iter().filter(|a| a.kustomize_dirs.contains(dir)) {
                let Some(owner) = app.application else {
                    continue;
                };
                let r = &m.resources[owner];
                let Some(span) = app
                    .sources
                    .iter()
                    .find(|s| &s.dir == dir)
                    .and_then(|s| s.path_span)
                else {
                    continue;
                };
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
                out.push(
                    Diagnostic::new(INFO.id, INFO.severity, f, Span::default(), message)
                        .label("does not build")
                        .help(help)
                        .note(note),
                );
            }
        }
    }
}
