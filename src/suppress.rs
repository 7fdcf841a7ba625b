//! Suppressions: the object annotation `synclint.io/ignore: "rule-a, rule-b -- reason"` and the
//! comment `# synclint: ignore rule-a, rule-b -- reason` on the line above a key (or at the end of
//! a line). A suppression that matches nothing is itself a finding (`unused-suppression`).

use crate::diag::{Diagnostic, Severity};
use crate::load::yaml::{Node, Span};
use crate::model::Model;
use crate::rules::{self, RULES};

pub const ANNOTATION: &str = "synclint.io/ignore";
const COMMENT_PREFIX: &str = "synclint:";

/// One rule named by one suppression.
struct Entry {
    rule: String,
    /// Where the rule id is written (for `unused-suppression`).
    at: Span,
    used: bool,
}

struct Suppression {
    file: usize,
    /// Findings whose primary span starts in here are suppressed.
    scope: Span,
    entries: Vec<Entry>,
    resource: Option<usize>,
    /// For annotations: findings about this object match wherever they point (rendered output
    /// is mapped back to source files).
    object: Option<crate::diag::ObjectRef>,
}

/// Rule ids of a suppression's text (`a, b -- reason`), with their offsets in `text`.
fn rule_list(text: &str) -> Vec<(usize, &str)> {
    let list = text.split(" --").next().unwrap_or("");
    let mut out = Vec::new();
    let mut offset = 0;
    for part in list.split(',') {
        let t = part.trim();
        if !t.is_empty() {
            out.push((offset + part.find(t).unwrap_or(0), t));
        }
        offset += part.len() + 1;
    }
    out
}

fn collect(model: &Model<'_>) -> Vec<Suppression> {
    use rayon::prelude::*;
    // Every object's annotations, and a text search over every file: in parallel, in order.
    let mut out: Vec<Suppression> = model
        .resources
        .par_iter()
        .filter_map(|r| {
            let e = r.annotation(ANNOTATION)?;
            let value = e.value.str()?;
            let text = model.text(r.file);
            let entries = rule_list(value)
                .into_iter()
                .map(|(off, rule)| Entry {
                    rule: rule.to_string(),
                    at: e.value.token_span(text, off, rule.len()),
                    used: false,
                })
                .collect();
            Some(Suppression {
                file: r.file,
                scope: r.root.span,
                entries,
                resource: Some(r.id),
                object: Some(rules::object_ref(r)),
            })
        })
        .collect();
    let from_comments: Vec<Suppression> = model
        .files
        .par_iter()
        .enumerate()
        .filter(|(_, f)| f.class == crate::load::FileClass::Yaml)
        .flat_map_iter(|(id, f)| comment_suppressions(id, f))
        .collect();
    out.extend(from_comments);
    out
}

/// The `# synclint: ignore …` comments of one file.
fn comment_suppressions(id: usize, f: &crate::load::SourceFile) -> Vec<Suppression> {
    let mut out = Vec::new();
    let text = f.text();
    for c in comments(f) {
        let raw = &text[c.range()];
        let body = raw.trim_start_matches('#').trim_start();
        let Some(rest) = body.strip_prefix(COMMENT_PREFIX) else {
            continue;
        };
        let rest_trim = rest.trim_start();
        let Some(list) = rest_trim.strip_prefix("ignore") else {
            continue;
        };
        let list_start = c.start as usize + (raw.len() - list.len());
        let line = f.line_col(c.start).line;
        let line_start = f.line_span(line).start as usize;
        let trailing = !text[line_start..c.start as usize].trim().is_empty();
        let scope = if trailing {
            f.line_span(line)
        } else {
            next_content_scope(f, line)
        };
        let entries = rule_list(list)
            .into_iter()
            .map(|(off, rule)| Entry {
                rule: rule.to_string(),
                at: Span::new(list_start + off, list_start + off + rule.len()),
                used: false,
            })
            .collect();
        out.push(Suppression {
            file: id,
            scope,
            entries,
            resource: None,
            object: None,
        });
    }
    out
}

/// `# synclint: …` comments of a file (to the end of their line). Found in the text, not by the
/// parser: a `#` that starts a comment is at the start of a line or after a space, and is not
/// inside a scalar.
fn comments(f: &crate::load::SourceFile) -> Vec<Span> {
    let text = f.text();
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), COMMENT_PREFIX) {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let Some(hash) = text[line_start..at].rfind('#').map(|i| line_start + i) else {
            continue;
        };
        if !text[hash + 1..at].trim().is_empty() {
            continue;
        }
        if hash > line_start && !text.as_bytes()[hash - 1].is_ascii_whitespace() {
            continue;
        }
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let inside_scalar = f
            .yaml()
            .docs
            .iter()
            .any(|d| scalar_at(&d.root, hash as u32));
        if !inside_scalar {
            out.push(Span::new(hash, end));
        }
    }
    out
}

/// Is `offset` inside a scalar of this tree?
fn scalar_at(n: &Node<'_>, offset: u32) -> bool {
    let mut cur = n;
    loop {
        if offset < cur.span.start || offset >= cur.span.end {
            return false;
        }
        if cur.scalar().is_some() {
            return true;
        }
        let next = cur
            .entries()
            .iter()
            .flat_map(|e| [&e.key, &e.value])
            .chain(cur.items())
            .find(|c| c.span.start <= offset && offset < c.span.end);
        match next {
            Some(c) => cur = c,
            None => return false,
        }
    }
}

/// The next non-blank, non-comment line after `line`, widened to the whole entry when a mapping
/// key starts on it.
fn next_content_scope(f: &crate::load::SourceFile, line: usize) -> Span {
    let mut l = line + 1;
    while l <= f.line_count() {
        let sp = f.line_span(l);
        let t = f.text()[sp.range()].trim();
        if !t.is_empty() && !t.starts_with('#') {
            break;
        }
        l += 1;
    }
    if l > f.line_count() {
        return Span::default();
    }
    let line_span = f.line_span(l);
    let mut best = line_span;
    for d in &f.yaml().docs {
        find_entry(&d.root, line_span, &mut best);
    }
    best
}

fn find_entry(n: &Node<'_>, line: Span, best: &mut Span) {
    if n.span.end < line.start || n.span.start > line.end {
        return;
    }
    for e in n.entries() {
        if e.key.span.start >= line.start && e.key.span.start <= line.end {
            *best = best.join(Span {
                start: e.key.span.start,
                end: e.value.span.end,
            });
            return;
        }
        find_entry(&e.value, line, best);
    }
    for i in n.items() {
        if i.span.start >= line.start && i.span.start <= line.end && i.is_map() {
            *best = best.join(i.span);
            return;
        }
        find_entry(i, line, best);
    }
}

/// Remove suppressed findings; add `unused-suppression` findings. Returns how many were suppressed.
pub fn apply(
    model: &Model<'_>,
    diags: &mut Vec<Diagnostic>,
    enabled: &dyn Fn(&str) -> bool,
) -> usize {
    let mut sups = collect(model);
    if sups.is_empty() {
        return 0;
    }
    let before = diags.len();
    // Suppressions by file, and annotations by object: a finding meets only its own.
    let mut by_file: foldhash::HashMap<usize, Vec<usize>> = Default::default();
    let mut by_object: foldhash::HashMap<crate::diag::ObjectRef, Vec<usize>> = Default::default();
    for (i, s) in sups.iter().enumerate() {
        by_file.entry(s.file).or_default().push(i);
        if let Some(o) = &s.object {
            by_object.entry(o.clone()).or_default().push(i);
        }
    }
    diags.retain(|d| {
        let mut hit = false;
        let mut candidates: Vec<usize> = by_file.get(&d.file).cloned().unwrap_or_default();
        if let Some(o) = &d.resource {
            candidates.extend(by_object.get(o).into_iter().flatten());
        }
        candidates.sort_unstable();
        candidates.dedup();
        for i in candidates {
            let s = &mut sups[i];
            let in_scope =
                s.file == d.file && d.span.start >= s.scope.start && d.span.start <= s.scope.end;
            let same_object = s.object.is_some() && s.object == d.resource;
            if !in_scope && !same_object {
                continue;
            }
            for e in s.entries.iter_mut() {
                if e.rule == d.rule || e.rule == "all" {
                    e.used = true;
                    hit = true;
                }
            }
        }
        !hit
    });
    let suppressed = before - diags.len();
    if !enabled(UNUSED_ID) {
        return suppressed;
    }
    let ids: Vec<&str> = RULES.iter().map(|r| r.info().id).collect();
    for s in &sups {
        for e in s.entries.iter().filter(|e| !e.used) {
            let known = e.rule == "all" || ids.contains(&e.rule.as_str());
            if known && !enabled(&e.rule) {
                continue;
            }
            let message = if known {
                format!("suppression of `{}` matches no finding", e.rule)
            } else {
                format!(
                    "suppression names unknown rule `{}`{}",
                    e.rule,
                    rules::did_you_mean(&e.rule, &ids)
                )
            };
            let mut d = Diagnostic::new(UNUSED_ID, Severity::Warning, s.file, e.at, message)
                .label("nothing to suppress")
                .help("remove it, or fix the rule id")
                .note("a stale suppression would silently hide the next real finding of this rule here");
            if let Some(r) = s.resource {
                d.resource = Some(rules::object_ref(&model.resources[r]));
            }
            diags.push(d);
        }
    }
    suppressed
}

pub const UNUSED_ID: &str = "unused-suppression";

#[cfg(test)]
mod tests {
    use super::rule_list;

    #[test]
    fn rule_lists_with_reasons() {
        assert_eq!(
            rule_list("hook-ttl, hook-deadline -- cleaned by a controller"),
            vec![(0, "hook-ttl"), (10, "hook-deadline")]
        );
        assert_eq!(rule_list(" a"), vec![(1, "a")]);
    }
}
