//! `unknown-path`: an Application source path that does not exist in this repository. See
//! `rules/unknown-path.md`.

use crate::diag::Diagnostic;
use crate::model::App;
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    UnknownPath, "unknown-path", Error,
    "an Application's source path does not exist in this repository"
}

impl Rule for UnknownPath {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        app: &App<'_>,
        _plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(owner) = app.application else { return };
        let r = &cx.model.resources[owner];
        // Linted as written because its kustomization did not build: a patch there may set the
        // path (`replaceme` in a base, the real one in each overlay).
        if cx.model.possibly_patched(r) {
            return;
        }
        // A copy its parent app defines again later is dropped: Argo CD never creates it.
        if let Some(parent) = app.parent
            && cx
                .plan_of(&cx.model.apps[parent])
                .duplicates
                .iter()
                .any(|&(_, dropped)| dropped == owner)
        {
            return;
        }
        for src in &app.sources {
            // Only when the repoURL is known to be this repository: another repo has other paths.
            if !src.confirmed {
                continue;
            }
            // Kept out of the walk by a `.synclintignore`: it may well exist.
            if cx.model.ws.lint_ignored(&src.dir) {
                continue;
            }
            if cx.model.ws.is_dir(&src.dir) {
                missing_value_files(cx, app, r, src, out);
                continue;
            }
            let Some(span) = src.path_span else { continue };
            // `${ENV}`: filled in before anything applies the file (terraform, envsubst).
            if src.dir.to_string_lossy().contains("${") {
                continue;
            }
            let shown = src.dir.strip_prefix(cx.model.repo_root()).map_or_else(
                |_| src.dir.display().to_string(),
                |p| p.display().to_string(),
            );
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    span,
                    format!("app `{}` reads `{shown}`, which does not exist in this repository", app.name),
                )
                .label("no such directory")
                .help("fix the path (it is relative to the repository root), or add the directory")
                .note("Argo CD cannot generate manifests for a missing path: the app shows a ComparisonError and never syncs");
            d.app = Some(app.name.clone());
            out.push(d);
        }
    }
}

/// A value file of a chart in this repository that the repository does not have: Helm fails
/// ("open …: no such file or directory") and the app never generates.
fn missing_value_files(
    cx: &Cx<'_, '_>,
    app: &App<'_>,
    r: &crate::model::Resource<'_>,
    src: &crate::model::app::AppSource,
    out: &mut Vec<Diagnostic>,
) {
    for (i, path) in crate::model::jobs::missing_value_files(cx.model.ws, src) {
        let Some(&span) = src.value_file_spans.get(i) else {
            continue;
        };
        let shown = path
            .strip_prefix(cx.model.repo_root())
            .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
        let mut d = cx
            .finding(
                &INFO,
                r,
                span,
                format!("app `{}` passes Helm the value file `{shown}`, which does not exist in this repository", app.name),
            )
            .label("no such file")
            .help("fix the name (it is relative to the chart's directory, or to the repository root when it starts with `/`), add the file, or set `helm.ignoreMissingValueFiles: true`")
            .note("Helm fails on a value file it cannot open: the app shows a ComparisonError and never syncs");
        // Ignored by Git: left out of Argo CD's clone too, unless it was committed before it
        // was ignored (which the walk cannot tell).
        if cx.model.ws.git_ignored(&path) {
            d = d.note("a .gitignore leaves this path out of Git: Argo CD's clone does not have it, unless the file was committed before it was ignored");
            d.severity = crate::diag::Severity::Info;
        }
        d.app = Some(app.name.clone());
        out.push(d);
    }
}
