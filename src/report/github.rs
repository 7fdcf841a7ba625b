//! `--format github`: workflow commands that GitHub shows inline on the pull request diff.

use std::fmt::Write as _;

use crate::diag::{Diagnostic, Severity};
use crate::load::SourceFile;

/// Escape a workflow command's message: GitHub's encoding for `%`, CR and LF, and every other
/// control character shown, not sent (a raw ESC would reach the log viewer's terminal).
pub fn escape_data(s: &str) -> String {
    let encoded = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::report::escape::terminal(&encoded).into_owned()
}

/// Escape a workflow command's property value (`:` and `,` separate properties).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Paths are relative to the repository root, as GitHub expects for annotations on the diff.
pub fn render(
    files: &[std::sync::Arc<SourceFile>],
    diags: &[Diagnostic],
    root: Option<&std::path::Path>,
) -> String {
    let mut out = String::new();
    for d in diags {
        let f = &files[d.file];
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let a = f.line_col(d.span.start);
        let b = f.line_col(d.span.end);
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        let _ = writeln!(
            out,
            "::{cmd} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&root.and_then(|r| f.path.strip_prefix(r).ok()).map_or_else(
                || f.name.clone(),
                |p| p.to_string_lossy().replace('\\', "/")
            )),
            a.line,
            a.column,
            b.line,
            b.column.max(if a.line == b.line { a.column } else { 1 }),
            escape_property(d.rule),
            escape_data(&msg)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_requires() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("a\u{1b}[31m::x"), "a\\x1b[31m::x");
    }
}
