//! `read-error`: a file or directory that cannot be read. See `rules/read-error.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Span;
use crate::load::{FileClass, FileId, SourceFile};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    ReadError, "read-error", Error,
    "a file or directory could not be read, so it was not linted"
}

impl Rule for ReadError {
    fn check_file(&self, _cx: &Cx<'_, '_>, id: FileId, f: &SourceFile, out: &mut Vec<Diagnostic>) {
        if let FileClass::Unreadable(msg) = &f.class {
            let mut d = Diagnostic::new(
                INFO.id,
                INFO.severity,
                id,
                Span::default(),
                format!("cannot read this path: {msg}"),
            )
            .help("fix the permissions or the link, or exclude the path in .synclintignore");
            // A link back to a directory above it (`common/common -> .`, often on purpose):
            // that directory is read anyway, so nothing is left out.
            if msg.starts_with("symlink loop:") {
                d.severity = crate::diag::Severity::Info;
                d = d.note("the link points back to a directory above it, which is linted through its own path: nothing is left unread");
            }
            out.push(d);
        }
    }
}
