//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

use std::path::Path;

use serde_json::{Value, json};

use crate::diag::{Diagnostic, Severity};
use crate::load::SourceFile;
use crate::load::yaml::Span;
use crate::rules::{RULES, RuleInfo};

/// Where each rule's page is published.
pub const RULES_URL: &str = "https://github.com/synclint/synclint/blob/main/rules";

pub fn help_uri(id: &str) -> String {
    format!("{RULES_URL}/{id}.md")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file's URI relative to the repository root (forward slashes), or its name as given.
fn uri(f: &SourceFile, root: Option<&Path>) -> String {
    let rel = root
        .and_then(|r| f.path.strip_prefix(r).ok())
        .map_or_else(|| f.name.clone(), |p| p.to_string_lossy().into_owned());
    let uri = rel
        .replace('\\', "/")
        .split('/')
        .map(|seg| seg.replace('%', "%25").replace(' ', "%20"))
        .collect::<Vec<_>>()
        .join("/");
    // A colon in the first segment would read as a URI scheme.
    if uri.split('/').next().is_some_and(|s| s.contains(':')) {
        format!("./{uri}")
    } else {
        uri
    }
}

fn region(f: &SourceFile, s: Span) -> Value {
    let a = f.line_col(s.start);
    let b = f.line_col(s.end);
    let mut r = json!({
        "startLine": a.line,
        "startColumn": f.utf16_column(s.start),
        "endLine": b.line,
        "endColumn": f.utf16_column(s.end),
    });
    if s.start == s.end {
        r["endColumn"] = json!(f.utf16_column(s.start));
    }
    r
}

fn location(
    files: &[std::sync::Arc<SourceFile>],
    file: usize,
    span: Span,
    root: Option<&Path>,
) -> Value {
    let f = &files[file];
    let mut phys = json!({
        "artifactLocation": {"uri": uri(f, root), "uriBaseId": "%SRCROOT%"},
    });
    if !f.text().is_empty() {
        phys["region"] = region(f, span);
    }
    json!({ "physicalLocation": phys })
}

fn rule_json(i: &RuleInfo) -> Value {
    json!({
        "id": i.id,
        "name": i.id,
        "shortDescription": {"text": i.summary},
        "fullDescription": {"text": crate::rules::page_summary(i.doc)},
        "helpUri": help_uri(i.id),
        "help": {"text": format!("See {}", help_uri(i.id)), "markdown": i.doc},
        "defaultConfiguration": {"level": level(i.severity)},
    })
}

pub fn render(
    files: &[std::sync::Arc<SourceFile>],
    diags: &[Diagnostic],
    root: Option<&Path>,
) -> String {
    let rules: Vec<&RuleInfo> = RULES.iter().map(|r| r.info()).collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(". Fix: ");
                text.push_str(h);
            }
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut l = location(files, r.file, r.span, root);
                    l["id"] = json!(i);
                    l["message"] = json!({"text": r.message});
                    l
                })
                .collect();
            let mut res = json!({
                "ruleId": d.rule,
                "ruleIndex": rules.iter().position(|r| r.id == d.rule).unwrap_or(0),
                "level": level(d.severity),
                "message": {"text": text},
                "locations": [location(files, d.file, d.span, root)],
                "partialFingerprints": {"synclint/v1": crate::report::fingerprint(files, d, root)},
            });
            if !related.is_empty() {
                res["relatedLocations"] = json!(related);
            }
            res
        })
        .collect();
    let out = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "synclint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/synclint/synclint",
                "rules": rules.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
            }},
            "columnKind": "utf16CodeUnits",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository root"}}},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&out).unwrap_or_default()
}
