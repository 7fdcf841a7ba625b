//! Fixes: exact span edits on the source (never a re-serialisation) that make a finding go away.
//! Shared by `check --fix/--diff` and the language server's code actions.

use crate::diag::Diagnostic;
use std::sync::Arc;

use crate::load::{FileId, SourceFile};

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

/// The fixes for one finding (empty when there is none). `files` is `Report::files` (what
/// `Diagnostic::file` indexes); a fix never edits a rendered file.
pub fn fixes(_diagnostic: &Diagnostic, _files: &[Arc<SourceFile>]) -> Vec<Fix> {
    Vec::new()
}
