//! Code lenses and inlay hints on `kind:` lines: where the object runs in the sync
//! (`step 2 · Sync · wave -10`).

use lsp_types as lsp;

use crate::load::FileId;
use crate::load::yaml::{Node, Span};

use super::convert;
use super::state::State;

/// The `kind:` values of a file's objects (documents and `List` items).
fn kind_spans(root: &Node<'_>, out: &mut Vec<Span>) {
    let Some(kind) = root.get("kind") else { return };
    if kind.str().is_some_and(|k| k.ends_with("List")) && root.get("items").is_some() {
        for i in root.get("items").map(Node::items).unwrap_or(&[]) {
            kind_spans(i, out);
        }
        return;
    }
    out.push(kind.span);
}

/// (the `kind:` value's span, the text to show) for each object with a place in a plan.
fn labels(st: &State, file: FileId) -> Vec<(Span, String)> {
    let Some(f) = st.ws.files.get(file) else {
        return Vec::new();
    };
    let Some(entries) = st.index.by_file.get(&file) else {
        return Vec::new();
    };
    let mut kinds = Vec::new();
    for d in &f.yaml().docs {
        kind_spans(&d.root, &mut kinds);
    }
    let mut out = Vec::new();
    for k in kinds {
        let inside: Vec<_> = entries
            .iter()
            .filter(|e| e.span.start <= k.start && k.end <= e.span.end)
            .collect();
        let Some(best) = inside.iter().map(|e| e.span.end - e.span.start).min() else {
            continue;
        };
        let mut texts: Vec<String> = inside
            .iter()
            .filter(|e| e.span.end - e.span.start == best)
            .map(|e| e.short())
            .collect();
        texts.dedup();
        out.push((k, texts.join(" | ")));
    }
    out
}

pub fn code_lenses(st: &State, file: FileId) -> Vec<lsp::CodeLens> {
    let Some(f) = st.ws.files.get(file) else {
        return Vec::new();
    };
    labels(st, file)
        .into_iter()
        .map(|(span, title)| lsp::CodeLens {
            range: convert::range(f, span),
            // No command to run: the lens is a label.
            command: Some(lsp::Command {
                title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        })
        .collect()
}

pub fn inlay_hints(st: &State, file: FileId, range: lsp::Range) -> Vec<lsp::InlayHint> {
    let Some(f) = st.ws.files.get(file) else {
        return Vec::new();
    };
    labels(st, file)
        .into_iter()
        .filter_map(|(span, label)| {
            let line = f.line_col(span.start).line;
            let end = convert::position(f, f.line_span(line).end);
            (range.start <= end && end <= range.end).then(|| lsp::InlayHint {
                position: end,
                label: lsp::InlayHintLabel::String(label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect()
}
