//! `check --fix` in memory: lint, apply the safe fixes as editor-style overlays, lint again, until
//! nothing is left to fix (overlapping fixes land in later rounds). Writing is the caller's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::check::{Options, Report, analyze, render};
use crate::diag::Diagnostic;
use crate::load::{SourceFile, Workspace};

/// Rounds of lint-and-fix before giving up on convergence.
const MAX_ROUNDS: usize = 10;

/// One file the fixes changed.
pub struct FixedFile {
    pub path: PathBuf,
    /// As shown in findings.
    pub name: String,
    /// The text as read.
    pub before: String,
    /// The text with the fixes.
    pub after: String,
}

pub struct Fixed {
    /// Changed files, in path order.
    pub files: Vec<FixedFile>,
    /// How many fixes were applied.
    pub applied: usize,
    /// The report on the fixed text (rendered output is from before the fixes: it is rendered
    /// from disk).
    pub report: Report,
    /// Rendered output took part (a report from disk after writing is more accurate).
    pub rendered: bool,
}

/// Apply the safe fixes of findings in files `wanted` accepts, editing only such files.
/// `ws` ends up holding the fixed text as overlays.
pub fn run(ws: &mut Workspace, opts: &Options, wanted: &dyn Fn(&SourceFile) -> bool) -> Fixed {
    let rendered = render(ws, opts);
    let mut report = analyze(ws, &rendered, opts);
    let mut before: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let files = &report.files;
        let diags: Vec<Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| files.get(d.file).is_some_and(|f| wanted(f)))
            .cloned()
            .collect();
        let (mut chosen, mut by_file) = super::plan(&diags, files);
        // A fix that would also edit a file outside the selection waits for a run that has it.
        let outside = |f: &super::Fix| f.edits.iter().any(|e| !wanted(&files[e.file]));
        if chosen.iter().any(outside) {
            chosen.retain(|f| !outside(f));
            by_file.clear();
            for e in chosen.iter().flat_map(|f| &f.edits) {
                by_file.entry(e.file).or_default().push(e.clone());
            }
        }
        let mut changed = false;
        for (id, edits) in &by_file {
            let f = &files[*id];
            let Some(new) = super::apply(f.text(), edits) else {
                continue;
            };
            before
                .entry(f.path.clone())
                .or_insert_with(|| (f.name.clone(), f.text().to_string()));
            ws.set_overlay(&f.path, f.name.clone(), new, &opts.settings.limits);
            changed = true;
        }
        if !changed {
            break;
        }
        applied += chosen.len();
        report = analyze(ws, &rendered, opts);
    }
    let files = before
        .into_iter()
        .filter_map(|(path, (name, before))| {
            let after = ws.file(ws.file_at(&path)?).text().to_string();
            (after != before).then_some(FixedFile {
                path,
                name,
                before,
                after,
            })
        })
        .collect();
    Fixed {
        files,
        applied,
        report,
        rendered: !rendered.files.is_empty(),
    }
}
