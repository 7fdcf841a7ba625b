//! `multiple-source-types`: one Application source configured as two tools at once. See
//! `rules/multiple-source-types.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::{Entry, Node, NodeKind};
use crate::model::Resource;

use super::{Cx, Rule, declare_rule};
use crate::model::project::{app_spec, whose};

declare_rule! {
    MultipleSourceTypes, "multiple-source-types", Error,
    "an Application source sets more than one of helm, kustomize, directory and plugin"
}

const TYPES: [&str; 4] = ["helm", "kustomize", "directory", "plugin"];

/// Does a value carry anything? Argo CD sets an empty `helm`, `kustomize` or `directory` block to nil
/// before it reads the source (`NormalizeSource`), so only blocks with content count.
fn has_content(n: &Node<'_>) -> bool {
    match &n.kind {
        NodeKind::Scalar(_) => n.non_empty_str().is_some() && n.as_bool() != Some(false),
        NodeKind::Seq(items) => !items.is_empty(),
        NodeKind::Map(entries) => entries.iter().any(|e| has_content(&e.value)),
    }
}

/// The source-type keys a source sets, in document order.
fn types_set<'n, 'a>(source: &'n Node<'a>) -> Vec<&'n Entry<'a>> {
    let mut seen: Vec<&'n Entry<'a>> = Vec::new();
    for e in source.entries() {
        let Some(key) = e.key.str() else { continue };
        if !TYPES.contains(&key) {
            continue;
        }
        // A repeated key: the last one wins.
        seen.retain(|s| s.key.str() != Some(key));
        let counts = if key == "plugin" {
            e.value.str().is_some() || !matches!(e.value.kind, NodeKind::Scalar(_))
        } else {
            has_content(&e.value)
        };
        if counts {
            seen.push(e);
        }
    }
    seen.sort_by_key(|e| e.key.span.start);
    seen
}

impl Rule for MultipleSourceTypes {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let Some(spec) = app_spec(r) else { return };
        // With `sources`, `source` is ignored (§9.3).
        let sources: Vec<(String, &Node<'_>)> = match spec.get("sources") {
            Some(list) if !list.items().is_empty() => list
                .items()
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("source {} of {}", i + 1, whose(r)), s))
                .collect(),
            _ => spec
                .get("source")
                .map(|s| vec![(format!("the source of {}", whose(r)), s)])
                .unwrap_or_default(),
        };
        for (what, source) in sources {
            let set = types_set(source);
            if set.len() < 2 {
                continue;
            }
            let names: Vec<&str> = set.iter().filter_map(|e| e.key.str()).collect();
            let listed = match names.as_slice() {
                [a, b] => format!("both `{a}` and `{b}`"),
                _ => format!(
                    "{} and `{}`",
                    names[..names.len() - 1]
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    names[names.len() - 1]
                ),
            };
            let first = set[0];
            let second = set[1];
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    second.key.span,
                    format!("{what} sets {listed}: Argo CD cannot tell which tool renders it"),
                )
                .label(format!("second source type (`{}`)", names[1]))
                .related(r.file, first.key.span, format!("first source type (`{}`)", names[0]))
                .help(format!(
                    "keep only the block of the tool that renders this path, e.g. remove `{}`",
                    names[1]
                ))
                .note(format!(
                    "manifest generation fails with \"multiple application sources defined: {}\", so the app never syncs",
                    // The engine lists them in the order it checks them.
                    ["kustomize", "helm", "directory", "plugin"]
                        .iter()
                        .filter(|t| names.contains(t))
                        .map(|t| match *t {
                            "helm" => "Helm",
                            "kustomize" => "Kustomize",
                            "directory" => "Directory",
                            _ => "Plugin",
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                )),
            );
        }
    }
}
