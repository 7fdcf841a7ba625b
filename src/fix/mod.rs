//! Fixes: exact span edits on the source (never a re-serialisation) that make a finding go away.
//! Shared by `check --fix/--diff` and the language server's code actions.
//!
//! Safe fixes are exact and keep the author's intent (a misspelled value respelled, an option
//! moved to where Argo CD reads it); `--fix` applies them. Unsafe ones pick a value or change
//! intent (a deadline, a suppression comment) and are only offered in the editor.

mod diff;
mod kinds;
mod run;
mod text;
mod write;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::load::{FileClass, FileId, SourceFile};

pub use diff::unified;
pub use run::{Fixed, FixedFile, run};
pub use write::{WriteError, write_if_unchanged};

/// Replace `start..end` (byte offsets) of `file` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    pub replacement: String,
}

/// One way to resolve a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for a code action title or `--diff` header ("Replace `Prune=False` with `Prune=false`").
    pub title: String,
    /// Safe fixes are exact and applied by `--fix`; unsafe ones are only offered in the editor.
    pub safe: bool,
    /// Non-overlapping edits, possibly in several files.
    pub edits: Vec<Edit>,
}

/// A file fixes may edit: YAML of the tree as read (not rendered output, not a file with
/// invalid UTF-8 whose text is a lossy copy).
pub fn editable(f: &SourceFile) -> bool {
    f.class == FileClass::Yaml && f.bad_utf8.is_none() && !crate::render::is_rendered(f)
}

/// The fixes for one finding (empty when there is none). `files` is `Report::files` (what
/// `Diagnostic::file` indexes); a fix never edits a rendered file.
pub fn fixes(diagnostic: &Diagnostic, files: &[Arc<SourceFile>]) -> Vec<Fix> {
    let d = diagnostic;
    let Some(f) = files.get(d.file).filter(|f| editable(f)) else {
        return Vec::new();
    };
    if d.span.end as usize > f.text().len() || d.span.start > d.span.end {
        return Vec::new();
    }
    // A bug here must not take the editor or the run down: no fix instead.
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        let fix = match d.rule {
            "unknown-hook" | "unknown-delete-policy" | "unknown-sync-option" => {
                kinds::misspelled_value(d, f)
            }
            "ineffective-sync-option" => kinds::move_to_app(d, f, files),
            "hook-delete-policy" => kinds::hook_delete_policy(d, f),
            "hook-deadline" | "hook-backoff-limit" => kinds::add_spec_field(d, f),
            "hook-ttl" => kinds::remove_ttl(d, f),
            _ => None,
        };
        let mut out: Vec<Fix> = fix.into_iter().filter(|x| valid(x, files)).collect();
        out.extend(kinds::suppress(d, f));
        out
    }))
    .unwrap_or_default()
}

/// Every edit lands on character boundaries of an editable file, without overlaps.
fn valid(fix: &Fix, files: &[Arc<SourceFile>]) -> bool {
    let ok = fix.edits.iter().all(|e| {
        files.get(e.file).is_some_and(|f| {
            let t = f.text();
            editable(f)
                && e.start <= e.end
                && t.is_char_boundary(e.start as usize)
                && t.is_char_boundary(e.end as usize)
        })
    });
    ok && fix
        .edits
        .iter()
        .enumerate()
        .all(|(i, a)| fix.edits[i + 1..].iter().all(|b| !touches(a, b)))
}

/// Two edits that overlap or meet: their order would be ambiguous, so one waits a round.
fn touches(a: &Edit, b: &Edit) -> bool {
    a.file == b.file && a.start <= b.end && b.start <= a.end
}

/// The safe fixes of `diagnostics` that can be applied together (the first of any overlapping
/// pair; the other is found again after a re-lint), and their edits by file, in order.
pub fn plan(
    diagnostics: &[Diagnostic],
    files: &[Arc<SourceFile>],
) -> (Vec<Fix>, BTreeMap<FileId, Vec<Edit>>) {
    let mut chosen: Vec<Fix> = Vec::new();
    let mut by_file: BTreeMap<FileId, Vec<Edit>> = BTreeMap::new();
    for d in diagnostics {
        for fix in fixes(d, files).into_iter().filter(|f| f.safe) {
            let clash = fix.edits.iter().any(|e| {
                by_file
                    .get(&e.file)
                    .is_some_and(|v| v.iter().any(|o| touches(o, e)))
            });
            // The same fix for two findings (one token reported twice) is applied once.
            if clash || chosen.contains(&fix) {
                continue;
            }
            for e in &fix.edits {
                by_file.entry(e.file).or_default().push(e.clone());
            }
            chosen.push(fix);
            break;
        }
    }
    for v in by_file.values_mut() {
        v.sort_by_key(|e| (e.start, e.end));
    }
    (chosen, by_file)
}

/// `text` with non-overlapping `edits` (of this one file) applied; `None` if they overlap or
/// fall outside the text or inside a character.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in sorted {
        let (s, end) = (e.start as usize, e.end as usize);
        if s < at || end < s || !text.is_char_boundary(s) || !text.is_char_boundary(end) {
            return None;
        }
        out.push_str(&text[at..s]);
        out.push_str(&e.replacement);
        at = end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: u32, end: u32, r: &str) -> Edit {
        Edit {
            file: 0,
            start,
            end,
            replacement: r.into(),
        }
    }

    #[test]
    fn apply_in_order_and_reject_overlaps() {
        assert_eq!(
            apply("abcdef", &[edit(4, 5, "E"), edit(0, 1, "A")]).as_deref(),
            Some("AbcdEf")
        );
        assert_eq!(apply("abcdef", &[edit(0, 3, ""), edit(2, 4, "")]), None);
        assert_eq!(apply("é", &[edit(1, 1, "x")]), None);
        assert!(touches(&edit(1, 2, ""), &edit(2, 2, "")));
        assert!(!touches(&edit(1, 2, ""), &edit(3, 3, "")));
    }
}
