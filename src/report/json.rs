//! `--format json`: the editor contract (spec/output.md).

use serde::Serialize;

use crate::diag::{Diagnostic, ObjectRef};
use crate::load::SourceFile;
use crate::load::yaml::Span;

use super::Summary;

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    offset: u32,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    range: Range,
    message: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    range: Range,
    resource: Option<&'a ObjectRef>,
    app: Option<&'a str>,
    related: Vec<Related<'a>>,
    help: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Vec<Item<'a>>,
    summary: &'a Summary,
}

fn range(f: &SourceFile, s: Span) -> Range {
    let a = f.line_col(s.start);
    let b = f.line_col(s.end);
    Range {
        start: Position {
            line: a.line,
            column: a.column,
            offset: s.start,
        },
        end: Position {
            line: b.line,
            column: b.column,
            offset: s.end,
        },
    }
}

pub fn render(
    files: &[std::sync::Arc<SourceFile>],
    diags: &[Diagnostic],
    summary: &Summary,
) -> String {
    let out = Output {
        version: 1,
        tool: Tool {
            name: "synclint",
            version: env!("CARGO_PKG_VERSION"),
        },
        diagnostics: diags
            .iter()
            .map(|d| {
                let f = &files[d.file];
                Item {
                    rule: d.rule,
                    severity: d.severity.as_str(),
                    message: &d.message,
                    file: &f.name,
                    range: range(f, d.span),
                    resource: d.resource.as_ref(),
                    app: d.app.as_deref(),
                    related: d
                        .related
                        .iter()
                        .map(|r| Related {
                            file: &files[r.file].name,
                            range: range(&files[r.file], r.span),
                            message: &r.message,
                        })
                        .collect(),
                    help: d.help.as_deref(),
                    note: d.note.as_deref(),
                }
            })
            .collect(),
        summary,
    };
    serde_json::to_string_pretty(&out).unwrap_or_default()
}
