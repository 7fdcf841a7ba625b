//! Byte spans ↔ LSP ranges (UTF-16 columns, as LSP requires), and findings as LSP diagnostics.

use std::path::Path;
use std::sync::Arc;

use lsp_types as lsp;

use crate::diag::{Diagnostic, Severity};
use crate::load::SourceFile;
use crate::load::yaml::Span;

pub fn position(f: &SourceFile, offset: u32) -> lsp::Position {
    if f.text().is_empty() {
        return lsp::Position::new(0, 0);
    }
    let lc = f.line_col(offset);
    lsp::Position::new((lc.line - 1) as u32, (f.utf16_column(offset) - 1) as u32)
}

pub fn range(f: &SourceFile, s: Span) -> lsp::Range {
    lsp::Range::new(position(f, s.start), position(f, s.end))
}

/// Byte offset of an LSP position in a file (clamped to its line and to the file).
pub fn offset(f: &SourceFile, p: lsp::Position) -> u32 {
    f.offset_of_utf16(p.line as usize + 1, p.character as usize + 1)
}

/// Byte offset of an LSP position in plain text (for applying edits to a buffer).
pub fn text_offset(text: &str, p: lsp::Position) -> usize {
    let mut line_start = 0;
    for _ in 0..p.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= p.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

fn tags(rule: &str) -> Option<Vec<lsp::DiagnosticTag>> {
    match rule {
        crate::suppress::UNUSED_ID => Some(vec![lsp::DiagnosticTag::UNNECESSARY]),
        "deprecated-api" => Some(vec![lsp::DiagnosticTag::DEPRECATED]),
        _ => None,
    }
}

/// One finding as an LSP diagnostic. `uri_of` gives the URI of a file id, `None` for files with
/// no place on disk (rendered output): related spans there are left out.
pub fn diagnostic(
    d: &Diagnostic,
    files: &[Arc<SourceFile>],
    uri_of: &dyn Fn(usize) -> Option<lsp::Uri>,
) -> lsp::Diagnostic {
    let f = &files[d.file];
    let mut message = d.message.clone();
    if !d.label.is_empty() {
        message.push_str(&format!(" ({})", d.label));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    if let Some(n) = &d.note {
        message.push_str(&format!("\nnote: {n}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|l| {
            let rf = files.get(l.file)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri_of(l.file)?, range(rf, l.span)),
                message: l.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(f, d.span),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.to_string())),
        code_description: crate::report::sarif::help_uri(d.rule)
            .parse()
            .ok()
            .map(|href| lsp::CodeDescription { href }),
        source: Some("synclint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: tags(d.rule),
        data: None,
    }
}

/// Does an LSP diagnostic sent back by the client (code action context) stand for this finding?
pub fn same(lsp_d: &lsp::Diagnostic, d: &Diagnostic, f: &SourceFile) -> bool {
    lsp_d.code == Some(lsp::NumberOrString::String(d.rule.to_string()))
        && lsp_d.range == range(f, d.span)
}

/// Is this path one the server lints (a YAML file)?
pub fn is_yaml(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_offsets_count_utf16() {
        let t = "a: 1\nü😀x: 2\n";
        assert_eq!(text_offset(t, lsp::Position::new(1, 0)), 5);
        // ü is one UTF-16 unit (2 bytes), 😀 two units (4 bytes).
        assert_eq!(text_offset(t, lsp::Position::new(1, 3)), 5 + 2 + 4);
        assert_eq!(text_offset(t, lsp::Position::new(1, 99)), 5 + 2 + 4 + 4);
        assert_eq!(text_offset(t, lsp::Position::new(9, 0)), t.len());
    }
}
