//! `read-error`: a file or directory that cannot be read. See `rules/read-error.md`.

use crate::diag::{Diagnostic, Severity};
use crate::load::yaml::Span;
use crate::load::{FileClass, ParsedFile};

use super::{Cx, Rule, RuleInfo, page};

pub struct ReadError;

static INFO: RuleInfo = RuleInfo {
    id: "read-error",
    severity: Severity::Error,
    summary: "a file or directory could not be read, so it was not linted",
    doc: page!("read-error"),
};

impl Rule for ReadError {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_file(&self, _cx: &Cx<'_, '_>, f: &ParsedFile<'_>, out: &mut Vec<Diagnostic>) {
        if let FileClass::Unreadable(msg) = &f.class {
            out.push(
                Diagnostic::new(
                    INFO.id,
                    INFO.severity,
                    f.file,
                    Span::default(),
                    format!("cannot read this path: {msg}"),
                )
                .help("fix the permissions or the link, or exclude the path in .synclintignore"),
            );
        }
    }
}
