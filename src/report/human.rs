//! rustc-style output (annotate-snippets), colour on a TTY.

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

fn snippet<'a>(
    file: &'a SourceFile,
    anns: Vec<(std::ops::Range<usize>, &'a str, bool)>,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let ranges: Vec<_> = anns.iter().map(|a| a.0.clone()).collect();
    let (from, to, line) = window(file, &ranges);
    let mut s = Snippet::source(&file.text[from..to])
        .line_start(line)
        .path(file.name.as_str());
    for (r, label, primary) in anns {
        let kind = if primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        let r = (r.start - from).min(to - from)..(r.end - from).min(to - from);
        s = s.annotation(kind.span(r).label(label));
    }
    s
}

pub fn render(
    files: &[SourceFile],
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
    let mut out = String::new();
    for d in diags {
        let f = &files[d.file];
        let mut group = Group::with_title(
            level(d.severity)
                .primary_title(d.message.as_str())
                .id(d.rule),
        );
        if f.text.is_empty() {
            group = group.element(
                Snippet::<annotate_snippets::Annotation<'_>>::source("").path(f.name.as_str()),
            );
        } else {
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
            group = group.element(snippet(f, close));
            for a in far {
                group = group.element(snippet(f, vec![(a.0, a.1, false)]));
            }
            for r in others {
                let of = &files[r.file];
                if !of.text.is_empty() {
                    group = group.element(snippet(
                        of,
                        vec![(r.span.range(), r.message.as_str(), false)],
                    ));
                }
            }
        }
        if let Some(h) = &d.help {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        if let Some(n) = &d.note {
            group = group.element(Level::NOTE.message(n.as_str()));
        }
        let report: Vec<Group<'_>> = vec![group];
        let _ = writeln!(out, "{}\n", renderer.render(&report));
    }
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
