//! Code actions: the core's fixes for a finding (safe ones as preferred quick fixes, unsafe ones
//! offered and marked), and a suppression comment above the finding's key.

use std::collections::HashMap;
use std::sync::Arc;

use lsp_types as lsp;

use crate::diag::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::load::yaml::Node;
use crate::load::{FileClass, FileId, SourceFile};

use super::convert;
use super::state::State;

pub fn code_actions(
    st: &State,
    file: FileId,
    range: lsp::Range,
    context: &[lsp::Diagnostic],
) -> Vec<lsp::CodeActionOrCommand> {
    let Some(f) = st.ws.files.get(file) else {
        return Vec::new();
    };
    let files = st.files();
    let mut out = Vec::new();
    for d in st.diags.get(&file).into_iter().flatten() {
        let r = convert::range(f, d.span);
        let asked = context.iter().find(|c| convert::same(c, d, f));
        let overlaps = r.start <= range.end && range.start <= r.end;
        if asked.is_none() && !overlaps {
            continue;
        }
        let lsp_d = asked
            .cloned()
            .unwrap_or_else(|| convert::diagnostic(d, &files, &|_| None));
        let mut fixes = crate::fix::fixes(d, &files);
        if !fixes.iter().any(suppresses)
            && let Some(s) = suppression(d, f, file)
        {
            fixes.push(s);
        }
        for fx in fixes {
            // Silencing a finding is offered, never preferred over fixing it.
            let preferred = fx.safe && !suppresses(&fx);
            if let Some(a) = action(st, &files, fx, preferred, &lsp_d) {
                out.push(lsp::CodeActionOrCommand::CodeAction(a));
            }
        }
    }
    out
}

fn suppresses(fx: &Fix) -> bool {
    fx.edits
        .iter()
        .any(|e| e.replacement.contains("synclint: ignore"))
}

// `WorkspaceEdit::changes` is keyed by `Uri` (lsp-types' choice); its cached parse state is
// never mutated through the map.
#[allow(clippy::mutable_key_type)]
fn action(
    st: &State,
    files: &[Arc<SourceFile>],
    fx: Fix,
    preferred: bool,
    d: &lsp::Diagnostic,
) -> Option<lsp::CodeAction> {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in &fx.edits {
        // A fix never edits rendered output; an edit there is not offered.
        if e.file >= st.ws.files.len() {
            return None;
        }
        let ef = files.get(e.file)?;
        changes
            .entry(super::uri::from_path(&ef.path))
            .or_default()
            .push(lsp::TextEdit {
                range: convert::range(
                    ef,
                    crate::load::yaml::Span {
                        start: e.start,
                        end: e.end,
                    },
                ),
                new_text: e.replacement.clone(),
            });
    }
    let title = if fx.safe {
        fx.title
    } else {
        format!("{} (unsafe: check the result)", fx.title)
    };
    Some(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        command: None,
        is_preferred: Some(preferred),
        disabled: None,
        data: None,
    })
}

/// `# synclint: ignore RULE -- reason` on a new line above the line the finding starts on (above
/// the key that holds it, when it starts inside a multi-line scalar), at that line's indent.
fn suppression(d: &Diagnostic, f: &SourceFile, file: FileId) -> Option<Fix> {
    if f.class != FileClass::Yaml
        || f.text().is_empty()
        || matches!(
            d.rule,
            crate::suppress::UNUSED_ID | crate::rules::INTERNAL_ERROR
        )
    {
        return None;
    }
    let text = f.text();
    let mut line = f.line_col(d.span.start).line;
    while line > 1 && in_multiline_scalar(f, f.line_span(line).start) {
        line -= 1;
    }
    let ls = f.line_span(line);
    let body = &text[ls.range()];
    let indent: String = body
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    Some(Fix {
        title: format!(
            "Suppress `{}` here with a `# synclint: ignore` comment",
            d.rule
        ),
        safe: true,
        edits: vec![Edit {
            file,
            start: ls.start,
            end: ls.start,
            replacement: format!("{indent}# synclint: ignore {} -- TODO: reason\n", d.rule),
        }],
    })
}

/// Does a scalar that started on an earlier line cover `offset` (a block or multi-line flow
/// scalar, where a new line would change the value)?
fn in_multiline_scalar(f: &SourceFile, offset: u32) -> bool {
    fn walk(n: &Node<'_>, offset: u32) -> bool {
        if offset < n.span.start || offset > n.span.end {
            return false;
        }
        if n.scalar().is_some() {
            return n.span.start < offset && offset < n.span.end;
        }
        n.entries()
            .iter()
            .flat_map(|e| [&e.key, &e.value])
            .chain(n.items())
            .any(|c| walk(c, offset))
    }
    f.yaml().docs.iter().any(|d| walk(&d.root, offset))
}
