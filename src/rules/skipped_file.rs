//! `skipped-file`: a file synclint did not lint (templates, binary files). See
//! `rules/skipped-file.md`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::load::yaml::Span;
use crate::load::{FileClass, TEMPLATE_NOTE};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    SkippedFile, "skipped-file", Info,
    "a file was not linted: a Helm/Go template, a binary or non-UTF-8 file"
}

impl Rule for SkippedFile {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        // Chart templates: one note per chart not rendered, on its Chart.yaml.
        let mut charts: BTreeMap<usize, usize> = BTreeMap::new();
        for (id, f) in m.ws.files.iter().enumerate() {
            let FileClass::Skipped(reason) = &f.class else {
                continue;
            };
            if reason == TEMPLATE_NOTE {
                let chart = f.path.ancestors().find_map(|a| {
                    let dir = a.parent()?;
                    (a.file_name()? == "templates").then_some(dir)
                });
                if let Some(dir) = chart {
                    // Rendered for an app, by itself or as a subchart (`charts/<sub>/`) of a
                    // chart above it: its objects were linted.
                    let rendered = dir
                        .ancestors()
                        .any(|a| m.rendered.rendered_file(a, true).is_some())
                        || m.rendered
                            .vendored_charts
                            .iter()
                            .any(|v| dir.starts_with(v));
                    if !rendered && let Some(c) = m.ws.file_at(&dir.join("Chart.yaml")) {
                        *charts.entry(c).or_default() += 1;
                    }
                    continue;
                }
            }
            out.push(
                Diagnostic::new(
                    INFO.id,
                    INFO.severity,
                    id,
                    Span::default(),
                    format!("file not linted: {reason}"),
                )
                .help(if reason.contains("template") {
                    "render the template first and lint the output, e.g. `helm template . | synclint check -`"
                } else {
                    "if this should be a manifest, save it as UTF-8 text; otherwise exclude it in .synclintignore"
                }),
            );
        }
        for (chart, n) in charts {
            use crate::model::jobs::Outcome;
            let dir = m.ws.files[chart].path.parent().unwrap_or(Path::new(""));
            let why = match m.rendered.outcome(dir, true) {
                Some(Outcome::Blocked(w) | Outcome::Skipped(w)) => w.clone(),
                // Its directory is a plugin's source: the plugin renders it.
                _ if let Some(Outcome::Blocked(w)) = m.rendered.outcome(dir, false) => w.clone(),
                Some(Outcome::Failed(_)) => "`helm template` fails (see render-failed)".into(),
                _ => "no Application of this tree renders it (a chart installed by hand, or one another repository's Application reads)".into(),
            };
            out.push(
                Diagnostic::new(
                    INFO.id,
                    INFO.severity,
                    chart,
                    Span::default(),
                    format!(
                        "Helm chart not rendered: its {n} template file(s) were not linted: {}",
                        crate::report::escape::clip(&why, 200)
                    ),
                )
                .help(
                    "lint the rendered chart: `helm template <release> <chart> | synclint check -`",
                ),
            );
        }
    }
}
