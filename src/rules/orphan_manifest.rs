//! `orphan-manifest`: manifests under a directory an app points at, which the app does not
//! read. See `rules/orphan-manifest.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Span;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    OrphanManifest, "orphan-manifest", Info,
    "manifests under an app's directory that the app does not read (a subdirectory without recurse, an excluded file)"
}

impl Rule for OrphanManifest {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        for (app_id, si, files) in &m.orphans {
            let app = &m.apps[*app_id];
            let src = &app.sources[*si];
            let first = files[0];
            let why = if src.include.is_some() || src.exclude.is_some() {
                "its directory include/exclude globs leave them out, or they are in subdirectories"
            } else {
                "they are in subdirectories and directory.recurse is not set"
            };
            let mut d = Diagnostic::new(
                INFO.id,
                INFO.severity,
                first,
                Span::default(),
                format!(
                    "{} manifest file(s) under app `{}`'s path are not synced by any app: {why}",
                    files.len(),
                    app.name
                ),
            )
            .label("not read by the app")
            .help("set `directory: {recurse: true}` on the source, widen its include glob, or point another app at these files")
            .note("a Directory source reads only the files directly in its path unless recurse is true");
            if let (Some(owner), Some(span)) = (app.application, src.path_span) {
                d = d.related(
                    m.resources[owner].file,
                    span,
                    format!("app `{}` reads this path", app.name),
                );
            }
            for &f in files.iter().skip(1).take(4) {
                d = d.related(f, Span::default(), "also not read");
            }
            d.app = Some(app.name.clone());
            out.push(d);
        }
    }
}
