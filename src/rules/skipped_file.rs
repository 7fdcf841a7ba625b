//! `skipped-file`: a file synclint did not lint (templates, binary files). See
//! `rules/skipped-file.md`.

use std::collections::BTreeMap;

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
        let files = cx.model.files;
        // Chart templates: one note per chart, on its Chart.yaml.
        let mut charts: BTreeMap<usize, usize> = BTreeMap::new();
        for f in cx.model.parsed {
            let FileClass::Skipped(reason) = &f.class else {
                continue;
            };
            let path = &files[f.file].path;
            if reason == TEMPLATE_NOTE {
                let chart = path.ancestors().find_map(|a| {
                    let dir = a.parent()?;
                    (a.file_name()? == "templates")
                        .then(|| dir.join("Chart.yaml"))
                        .and_then(|c| files.iter().position(|sf| sf.path == c))
                });
                if let Some(c) = chart {
                    *charts.entry(c).or_default() += 1;
                    continue;
                }
            }
            out.push(
                Diagnostic::new(
                    INFO.id,
                    INFO.severity,
                    f.file,
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
            out.push(
                Diagnostic::new(
                    INFO.id,
                    INFO.severity,
                    chart,
                    Span::default(),
                    format!("Helm chart not rendered: its {n} template file(s) were not linted"),
                )
                .help(
                    "lint the rendered chart: `helm template <release> <chart> | synclint check -`",
                ),
            );
        }
    }
}
