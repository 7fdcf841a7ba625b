//! One function per kind of fix. Each re-reads the source at the finding's span and offers a fix
//! only when the text there is exactly what the rule reports (a finding mapped back from
//! rendered output may point at a template or a nearby key instead).

use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::load::SourceFile;
use crate::load::yaml::{Node, Span};
use crate::model::argo::{
    self, ANN_COMPARE_OPTIONS, ANN_DELETE_POLICY, ANN_HOOK, ANN_SYNC_OPTIONS, APP_ONLY_OPTIONS,
    COMPARE_OPTIONS, DELETE_POLICIES, HELM_DELETE_POLICIES, HELM_DELETE_POLICY, HELM_HOOK,
    HELM_HOOK_VALUES, HOOK_TYPES,
};
use crate::rules::{suggest, suggest_unique};

use super::text::{self, Step};
use super::{Edit, Fix, editable};

fn replace(file: usize, span: Span, with: &str) -> Edit {
    Edit {
        file,
        start: span.start,
        end: span.end,
        replacement: with.to_string(),
    }
}

/// The annotation a chain ends in: (its key, the `metadata.annotations` step's index).
fn annotation<'n>(steps: &[Step<'n>]) -> Option<(&'n str, usize)> {
    let n = steps.len();
    if n < 4 || steps[n - 2].key != Some("annotations") || steps[n - 3].key != Some("metadata") {
        return None;
    }
    Some((steps[n - 1].key?, n - 2))
}

/// The misspelled token of a comma-separated annotation at exactly `span`.
fn csv_token<'n>(node: &'n Node<'n>, t: &str, span: Span) -> Option<&'n str> {
    let tok = argo::csv(node, t)
        .into_iter()
        .find(|tok| tok.span == span)?;
    (t.get(span.range()) == Some(tok.text)).then_some(tok.text)
}

/// The one valid spelling of a misspelled value, when the rule suggested it and nothing else is
/// as close.
fn correction<'c>(bad: &str, valid: &[&'c str]) -> Option<&'c str> {
    if valid.contains(&bad) {
        return None;
    }
    let fix = suggest_unique(bad, valid)?;
    (suggest(bad, valid) == Some(fix)).then_some(fix)
}

fn respell(d: &Diagnostic, span: Span, bad: &str, good: &str) -> Fix {
    Fix {
        title: format!("Replace `{bad}` with `{good}`"),
        safe: true,
        edits: vec![replace(d.file, span, good)],
    }
}

/// `unknown-hook`, `unknown-delete-policy`, `unknown-sync-option`: a misspelled or wrong-case
/// value respelled.
pub fn misspelled_value(d: &Diagnostic, f: &SourceFile) -> Option<Fix> {
    let t = f.text();
    let steps = text::chain(f, d.span);
    let node = steps.last()?.node;
    if let Some((key, _)) = annotation(&steps) {
        let all = argo::all_sync_options();
        let valid: &[&str] = match (d.rule, key) {
            ("unknown-hook", ANN_HOOK) => HOOK_TYPES,
            ("unknown-hook", HELM_HOOK) => HELM_HOOK_VALUES,
            ("unknown-delete-policy", ANN_DELETE_POLICY) => DELETE_POLICIES,
            ("unknown-delete-policy", HELM_DELETE_POLICY) => HELM_DELETE_POLICIES,
            ("unknown-sync-option", ANN_SYNC_OPTIONS) => &all,
            ("unknown-sync-option", ANN_COMPARE_OPTIONS) => COMPARE_OPTIONS,
            _ => return None,
        };
        let bad = csv_token(node, t, d.span)?;
        return Some(respell(d, d.span, bad, correction(bad, valid)?));
    }
    // An item of an Application's (or ApplicationSet template's) spec.syncPolicy.syncOptions.
    let n = steps.len();
    if d.rule != "unknown-sync-option"
        || n < 3
        || steps[n - 2].key != Some("syncOptions")
        || steps[n - 3].key != Some("syncPolicy")
        || node.span != d.span
    {
        return None;
    }
    let bad = node.str()?;
    let good = correction(bad, &argo::all_sync_options())?;
    Some(respell(d, text::content_span(node, t)?, bad, good))
}

/// `hook-delete-policy`: `BeforeHookCreation` added to a named hook's explicit policy; for a
/// `generateName` hook, `HookSucceeded` (unsafe: the hook is then deleted after a good sync).
pub fn hook_delete_policy(d: &Diagnostic, f: &SourceFile) -> Option<Fix> {
    let t = f.text();
    let steps = text::chain(f, d.span);
    let node = steps.last()?.node;
    let (key, ann) = annotation(&steps)?;
    if node.span != d.span {
        return None;
    }
    let object = steps[ann.checked_sub(2)?].node;
    let named = object
        .path(&["metadata", "name"])
        .and_then(Node::non_empty_str)
        .is_some();
    let helm = match key {
        ANN_DELETE_POLICY => false,
        HELM_DELETE_POLICY => true,
        ANN_HOOK | HELM_HOOK if !named => {
            // No policy at all: add one after the hook annotation.
            let annotations = steps[ann].node;
            if annotations.get(ANN_DELETE_POLICY).is_some()
                || annotations.get(HELM_DELETE_POLICY).is_some()
            {
                return None;
            }
            let entry = steps.last()?.entry?;
            let at = text::after_line(t, entry.value.span.end as usize)?;
            if !text::first_on_line(t, entry.key.span.start as usize) {
                return None;
            }
            let indent = text::column_indent(t, entry.key.span.start as usize)?;
            return Some(Fix {
                title: format!("Add `{ANN_DELETE_POLICY}: HookSucceeded`"),
                safe: false,
                edits: vec![text::insert_lines(
                    d.file,
                    t,
                    at,
                    &[format!("{indent}{ANN_DELETE_POLICY}: HookSucceeded")],
                )],
            });
        }
        _ => return None,
    };
    let content = text::content_span(node, t)?;
    let tokens: Vec<&str> = argo::csv(node, t).iter().map(|tok| tok.text).collect();
    let (add, safe) = match (named, helm) {
        (true, false) => ("BeforeHookCreation", true),
        (true, true) => ("before-hook-creation", true),
        (false, false) => ("HookSucceeded", false),
        (false, true) => ("hook-succeeded", false),
    };
    let already = if named {
        ["BeforeHookCreation", "before-hook-creation"].as_slice()
    } else {
        [
            "HookSucceeded",
            "HookFailed",
            "hook-succeeded",
            "hook-failed",
        ]
        .as_slice()
    };
    if tokens.iter().any(|tok| already.contains(tok)) {
        return None;
    }
    let sep = if tokens.is_empty() { "" } else { "," };
    Some(Fix {
        title: format!("Add `{add}` to the delete policy"),
        safe,
        edits: vec![Edit {
            file: d.file,
            start: content.start,
            end: content.start,
            replacement: format!("{add}{sep}"),
        }],
    })
}

/// The lines of a block sequence item's text, written like its neighbour `like` (quoted or not).
fn item_like(like: &Node<'_>, t: &str, value: &str) -> String {
    match t.as_bytes().get(like.span.start as usize) {
        Some(b'"') => format!("\"{value}\""),
        Some(b'\'') => format!("'{value}'"),
        _ => value.to_string(),
    }
}

/// The edit that adds `opt` to an Application's `spec.syncPolicy.syncOptions` (`Some(None)`:
/// it is already there).
fn add_app_option(
    file: usize,
    t: &str,
    spec: &Node<'_>,
    spec_key: &Node<'_>,
    opt: &str,
) -> Option<Option<Edit>> {
    let name = opt.split('=').next().unwrap_or(opt);
    let step = " ".repeat(text::step(spec_key, spec, t));
    let Some(policy) = spec.entry("syncPolicy") else {
        let lines = [
            "syncPolicy:".to_string(),
            format!("{step}syncOptions:"),
            format!("{step}{step}- {opt}"),
        ];
        return Some(Some(text::append_to_map(file, t, spec, &lines)?));
    };
    let Some(opts) = policy.value.get("syncOptions") else {
        let lines = ["syncOptions:".to_string(), format!("{step}- {opt}")];
        return Some(Some(text::append_to_map(file, t, &policy.value, &lines)?));
    };
    let items = opts.items();
    for i in items {
        match i.str() {
            Some(s) if s == opt => return Some(None),
            // The same option with another value: which one is meant is not ours to decide.
            Some(s) if s.split('=').next() == Some(name) => return None,
            _ => {}
        }
    }
    if t.as_bytes().get(opts.span.start as usize) == Some(&b'[') {
        let (at, text) = match items.last() {
            Some(last) => (last.span.end, format!(", {}", item_like(last, t, opt))),
            None => (opts.span.start + 1, opt.to_string()),
        };
        return Some(Some(Edit {
            file,
            start: at,
            end: at,
            replacement: text,
        }));
    }
    let last = items.last()?;
    let ls = text::line_start(t, last.span.start as usize);
    let prefix = &t[ls..last.span.start as usize];
    if !prefix.trim_start_matches(' ').starts_with('-')
        || !prefix.trim_start_matches([' ', '-']).is_empty()
    {
        return None;
    }
    let at = text::after_line(t, last.span.end as usize)?;
    let line = format!("{prefix}{}", item_like(last, t, opt));
    Some(Some(text::insert_lines(file, t, at, &[line])))
}

/// The edit that takes token `span` out of a comma-separated annotation value; the whole
/// annotation (or the `annotations` key, when it is the only one) when nothing else is left.
fn remove_token(file: usize, t: &str, steps: &[Step<'_>], ann: usize, span: Span) -> Option<Edit> {
    let node = steps.last()?.node;
    let content = text::content_span(node, t)?;
    let inner = &t[content.range()];
    let base = content.start as usize;
    // Parts of the raw value, with their trimmed spans.
    let mut parts = Vec::new();
    let mut off = 0;
    for part in inner.split(',') {
        let lead = part.len() - part.trim_start().len();
        let tr = part.trim();
        parts.push((base + off + lead, base + off + lead + tr.len()));
        off += part.len() + 1;
    }
    let i = parts
        .iter()
        .position(|&(s, e)| (s, e) == (span.start as usize, span.end as usize))?;
    if parts.iter().filter(|(s, e)| e > s).count() == 1 {
        let annotations = steps[ann].node;
        let entry = if annotations.entries().len() == 1 {
            steps[ann].entry?
        } else {
            steps.last()?.entry?
        };
        return text::remove_entry(file, t, entry);
    }
    let (start, end) = if i + 1 < parts.len() {
        (parts[i].0, parts[i + 1].0)
    } else {
        (parts[i - 1].1, parts[i].1)
    };
    Some(Edit {
        file,
        start: start as u32,
        end: end as u32,
        replacement: String::new(),
    })
}

/// `ineffective-sync-option`: an app-only option moved from a resource annotation into its
/// Application's `spec.syncPolicy.syncOptions`, when that Application is one document of the tree.
pub fn move_to_app(d: &Diagnostic, f: &SourceFile, files: &[Arc<SourceFile>]) -> Option<Fix> {
    let t = f.text();
    let steps = text::chain(f, d.span);
    let (key, ann) = annotation(&steps)?;
    if key != ANN_SYNC_OPTIONS {
        return None;
    }
    let opt = csv_token(steps.last()?.node, t, d.span)?;
    if !APP_ONLY_OPTIONS.contains(&opt) {
        return None;
    }
    let app = d.app.as_deref()?;
    let mut found = files.iter().enumerate().flat_map(|(id, file)| {
        file.yaml()
            .docs
            .iter()
            .filter(move |doc| {
                let r = &doc.root;
                r.get("apiVersion")
                    .and_then(Node::str)
                    .is_some_and(|v| v.starts_with("argoproj.io/"))
                    && r.get("kind").and_then(Node::str) == Some("Application")
                    && r.path(&["metadata", "name"]).and_then(Node::str) == Some(app)
            })
            .map(move |doc| (id, file, doc))
    });
    let (app_file, af, doc) = found.next()?;
    if found.next().is_some() || !editable(af) {
        return None;
    }
    let spec = doc.root.entry("spec")?;
    let add = add_app_option(app_file, af.text(), &spec.value, &spec.key, opt)?;
    let mut edits = vec![remove_token(d.file, t, &steps, ann, d.span)?];
    edits.extend(add);
    Some(Fix {
        title: format!("Move `{opt}` to Application `{app}`'s spec.syncPolicy.syncOptions"),
        safe: true,
        edits,
    })
}

/// The object (block mapping) whose `spec` key is at `span`, and that entry.
fn spec_at<'n>(f: &'n SourceFile, span: Span) -> Option<&'n crate::load::yaml::Entry<'n>> {
    text::chain(f, span)
        .last()?
        .node
        .entry("spec")
        .filter(|e| e.key.span == span)
}

/// `hook-deadline`, `hook-backoff-limit`: a value added under `spec` (unsafe: the value is a
/// choice).
pub fn add_spec_field(d: &Diagnostic, f: &SourceFile) -> Option<Fix> {
    let t = f.text();
    let (field, value) = match d.rule {
        "hook-deadline" => ("activeDeadlineSeconds", "600"),
        "hook-backoff-limit" => ("backoffLimit", "3"),
        _ => return None,
    };
    if let Some(spec) = spec_at(f, d.span) {
        if spec.value.get(field).is_some() {
            return None;
        }
        return Some(Fix {
            title: format!("Add `spec.{field}: {value}`"),
            safe: false,
            edits: vec![text::append_to_map(
                d.file,
                t,
                &spec.value,
                &[format!("{field}: {value}")],
            )?],
        });
    }
    // backoffLimit too high: the value itself.
    let steps = text::chain(f, d.span);
    let n = steps.len();
    if field != "backoffLimit"
        || n < 2
        || steps[n - 1].key != Some(field)
        || steps[n - 2].key != Some("spec")
    {
        return None;
    }
    let node = steps[n - 1].node;
    if node.span != d.span || node.as_i64().is_none() {
        return None;
    }
    Some(Fix {
        title: format!("Set `spec.{field}` to {value}"),
        safe: false,
        edits: vec![replace(d.file, text::content_span(node, t)?, value)],
    })
}

/// `hook-ttl`: `ttlSecondsAfterFinished` removed (unsafe: finished Jobs then stay until the
/// next sync or a delete policy removes them).
pub fn remove_ttl(d: &Diagnostic, f: &SourceFile) -> Option<Fix> {
    let steps = text::chain(f, d.span);
    let spec = steps.last()?.node;
    let e = spec
        .entries()
        .iter()
        .find(|e| e.key.span == d.span && e.key.str() == Some("ttlSecondsAfterFinished"))?;
    Some(Fix {
        title: "Remove `spec.ttlSecondsAfterFinished`".into(),
        safe: false,
        edits: vec![text::remove_entry(d.file, f.text(), e)?],
    })
}

/// Rules whose findings a comment cannot or should not silence.
const NOT_SUPPRESSIBLE: &[&str] = &[
    "internal-error",
    "read-error",
    "skipped-file",
    "unused-suppression",
    "yaml-syntax",
];

/// `# synclint: ignore RULE -- reason` on its own line above the finding's line (exact, but it
/// changes intent: never applied by `--fix`).
pub fn suppress(d: &Diagnostic, f: &SourceFile) -> Option<Fix> {
    // An empty span at the start is about the whole file (orphan-manifest): no line to mark.
    let whole_file = d.span == Span::default();
    if NOT_SUPPRESSIBLE.contains(&d.rule) || whole_file || d.span.end as usize > f.text().len() {
        return None;
    }
    let t = f.text();
    let mut start = text::line_start(t, d.span.start as usize);
    if start == 0 && t.starts_with('\u{feff}') {
        // The byte order mark stays first.
        start = '\u{feff}'.len_utf8();
    }
    let first = start + (t[start..].len() - t[start..].trim_start_matches(' ').len());
    let rest = &t[first..text::line_end(t, first)];
    if rest.trim().is_empty() || rest.starts_with('#') || text::inside_scalar(f, first as u32) {
        return None;
    }
    let indent = &t[start..first];
    Some(Fix {
        title: format!("Suppress `{}` here with a comment", d.rule),
        safe: false,
        edits: vec![text::insert_lines(
            d.file,
            t,
            start,
            &[format!(
                "{indent}# synclint: ignore {} -- TODO: why this is fine",
                d.rule
            )],
        )],
    })
}
