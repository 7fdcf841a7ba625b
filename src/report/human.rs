//! rustc-style output (annotate-snippets), colour on a TTY.

use rayon::prelude::*;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diag::{Diagnostic, Severity};
use crate::load::SourceFile;

use super::{Summary, plural};

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Lines `[first, last]` (0-based byte range) around a set of spans, to keep snippets small.
fn window(file: &SourceFile, spans: &[std::ops::Range<usize>]) -> (usize, usize, usize) {
    let start = spans.iter().map(|s| s.start).min().unwrap_or(0);
    let end = spans.iter().map(|s| s.end).max().unwrap_or(0);
    let first_line = file.line_col(start as u32).line;
    let last_line = file.line_col(end as u32).line;
    let from = file.line_span(first_line).start as usize;
    let to = file.line_span(last_line).end as usize;
    (from, to.max(from), first_line)
}

/// The most source text one snippet shows; a longer window is cut around the primary span.
const MAX_WINDOW: usize = 2000;

/// Text for a terminal: control characters (an ESC from the file) become visible symbols, so
/// nothing in a manifest can drive the terminal. Returns the text and, for each byte offset of
/// the input, the offset in the output.
fn sanitize(text: &str) -> (std::borrow::Cow<'_, str>, Option<Vec<usize>>) {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return (std::borrow::Cow::Borrowed(text), None);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut map = Vec::with_capacity(text.len() + 1);
    for c in text.chars() {
        let at = out.len();
        for _ in 0..c.len_utf8() {
            map.push(at);
        }
        if c.is_control() && c != '\n' && c != '\t' {
            // U+2400.. control pictures for C0, a replacement mark otherwise.
            let shown = if (c as u32) < 0x20 {
                char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')
            } else {
                '\u{fffd}'
            };
            out.push(shown);
        } else {
            out.push(c);
        }
    }
    map.push(out.len());
    (std::borrow::Cow::Owned(out), Some(map))
}

/// A snippet's text and annotations, sanitized and owned (the renderer borrows them).
struct Prepared {
    text: String,
    path: String,
    line: usize,
    anns: Vec<(std::ops::Range<usize>, String, bool)>,
}

fn prepare(file: &SourceFile, anns: Vec<(std::ops::Range<usize>, &str, bool)>) -> Prepared {
    let ranges: Vec<_> = anns.iter().map(|a| a.0.clone()).collect();
    let (mut from, mut to, mut line) = window(file, &ranges);
    let text = file.text();
    if to - from > MAX_WINDOW {
        // One long line (or a huge span): show the primary span with some context only.
        let primary = anns
            .iter()
            .find(|a| a.2)
            .map_or(from..from, |a| a.0.clone());
        let mut a = primary.start.saturating_sub(200).max(from);
        let mut b = (primary.start + 400).min(to);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        while !text.is_char_boundary(b) {
            b += 1;
        }
        line = file.line_col(a as u32).line;
        from = a;
        to = b.max(a);
    }
    let (shown, map) = sanitize(&text[from..to]);
    let remap = |o: usize| {
        let rel = o.clamp(from, to) - from;
        map.as_ref().map_or(rel, |m| m[rel.min(m.len() - 1)])
    };
    Prepared {
        text: shown.into_owned(),
        path: super::escape::terminal(&file.name).into_owned(),
        line,
        anns: anns
            .into_iter()
            .map(|(r, label, primary)| {
                (
                    remap(r.start)..remap(r.end),
                    super::escape::terminal(label).into_owned(),
                    primary,
                )
            })
            .collect(),
    }
}

fn snippet(p: &Prepared) -> Snippet<'_, annotate_snippets::Annotation<'_>> {
    let mut s = Snippet::source(p.text.as_str())
        .line_start(p.line)
        .path(p.path.as_str());
    for (r, label, primary) in &p.anns {
        let kind = if *primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        s = s.annotation(kind.span(r.clone()).label(label.as_str()));
    }
    s
}

pub fn render(
    files: &[std::sync::Arc<SourceFile>],
    diags: &[Diagnostic],
    summary: &Summary,
    color: bool,
    quiet: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Each finding is drawn on its own (snippets are the costly part), in parallel, in order.
    let drawn: Vec<String> = diags
        .par_iter()
        .map(|d| {
            let f = &files[d.file];
            let title = super::escape::terminal(&d.message);
            let path = super::escape::terminal(&f.name);
            let help = d.help.as_deref().map(super::escape::terminal);
            let note = d.note.as_deref().map(super::escape::terminal);
            let mut prepared: Vec<Prepared> = Vec::new();
            if !f.text().is_empty() {
                let mut same: Vec<(std::ops::Range<usize>, &str, bool)> =
                    vec![(d.span.range(), d.label.as_str(), true)];
                let mut others = Vec::new();
                for r in &d.related {
                    if r.file == d.file {
                        same.push((r.span.range(), r.message.as_str(), false));
                    } else {
                        others.push(r);
                    }
                }
                // Related spans far away in the same file get their own snippet.
                let near = files[d.file].line_col(d.span.start).line;
                let (close, far): (Vec<_>, Vec<_>) = same.into_iter().partition(|a| {
                    let l = f.line_col(a.0.start as u32).line;
                    a.2 || l.abs_diff(near) <= 12
                });
                prepared.push(prepare(f, close));
                for a in far {
                    prepared.push(prepare(f, vec![(a.0, a.1, false)]));
                }
                for r in others {
                    let of = &files[r.file];
                    if !of.text().is_empty() {
                        prepared.push(prepare(
                            of,
                            vec![(r.span.range(), r.message.as_str(), false)],
                        ));
                    }
                }
            }
            let mut group = Group::with_title(level(d.severity).primary_title(&*title).id(d.rule));
            if prepared.is_empty() {
                group = group
                    .element(Snippet::<annotate_snippets::Annotation<'_>>::source("").path(&*path));
            }
            for p in &prepared {
                group = group.element(snippet(p));
            }
            if let Some(h) = &help {
                group = group.element(Level::HELP.message(&**h));
            }
            if let Some(n) = &note {
                group = group.element(Level::NOTE.message(&**n));
            }
            let report: Vec<Group<'_>> = vec![group];
            format!("{}\n\n", renderer.render(&report))
        })
        .collect();
    let mut out = drawn.concat();
    if quiet {
        return out;
    }
    if !diags.is_empty() {
        let _ = writeln!(
            out,
            "for more information about a rule, run `synclint explain <rule>`"
        );
    }
    let _ = writeln!(out, "{}", summary_line(summary));
    out
}

pub fn summary_line(s: &Summary) -> String {
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.infos > 0 {
        parts.push(plural(s.infos, "note"));
    }
    let mut line = format!(
        "{} in {} ({}, {})",
        parts.join(", "),
        plural(s.files, "file"),
        plural(s.documents, "document"),
        plural(s.resources, "resource")
    );
    if s.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", s.suppressed));
    }
    if s.unvalidated > 0 {
        line.push_str(&format!("; {} not validated (no schema)", s.unvalidated));
    }
    if s.baselined > 0 {
        line.push_str(&format!("; {} in the baseline", s.baselined));
    }
    line
}
