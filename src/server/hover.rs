//! Hover: an object's place in the sync, or a rule's summary on a rule id in a suppression.

use lsp_types as lsp;

use crate::load::FileId;

use super::convert;
use super::state::State;

pub fn hover(st: &State, file: FileId, pos: lsp::Position) -> Option<lsp::Hover> {
    let f = st.ws.files.get(file)?;
    let offset = convert::offset(f, pos);
    let text = if let Some(rule) = rule_at(f.text(), offset as usize) {
        rule_text(rule)?
    } else {
        let entries = st.index.at(file, offset);
        if entries.is_empty() {
            return None;
        }
        entries
            .iter()
            .map(|e| e.long())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: text,
        }),
        range: None,
    })
}

fn rule_text(id: &str) -> Option<String> {
    let info = crate::rules::find(id)?;
    Some(format!(
        "**{}** ({}): {}\n\n{}\n\n[Rule page]({})",
        info.id,
        info.severity.as_str(),
        info.summary,
        crate::rules::page_summary(info.doc),
        crate::report::sarif::help_uri(info.id)
    ))
}

/// The rule id under `offset`, when its line is a suppression (`# synclint: ignore …` or the
/// `synclint.io/ignore` annotation).
fn rule_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[start..end];
    let list_at = ["synclint: ignore", crate::suppress::ANNOTATION]
        .iter()
        .find_map(|m| line.find(m).map(|i| start + i + m.len()))?;
    if offset < list_at {
        return None;
    }
    // Only the rule list, not the reason after ` --`.
    let list_end = text[list_at..end].find(" --").map_or(end, |i| list_at + i);
    if offset > list_end {
        return None;
    }
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let a = text[list_at..offset]
        .rfind(|c: char| !is_id(c))
        .map_or(list_at, |i| list_at + i + 1);
    let b = text[offset..list_end]
        .find(|c: char| !is_id(c))
        .map_or(list_end, |i| offset + i);
    let word = &text[a..b];
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::rule_at;

    #[test]
    fn rule_ids_in_suppressions() {
        let t = "# synclint: ignore hook-ttl, hook-deadline -- ok\nkind: Job\n";
        assert_eq!(rule_at(t, 22), Some("hook-ttl"));
        assert_eq!(rule_at(t, 32), Some("hook-deadline"));
        assert_eq!(rule_at(t, 46), None);
        assert_eq!(rule_at(t, 52), None);
        let a = "    synclint.io/ignore: \"sync-deadlock\"\n";
        assert_eq!(rule_at(a, 30), Some("sync-deadlock"));
    }
}
