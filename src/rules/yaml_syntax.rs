//! `yaml-syntax`: a manifest file that does not parse, or repeats a key. See `rules/yaml-syntax.md`.

use crate::diag::Diagnostic;
use crate::load::{FileClass, FileId, SourceFile};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    YamlSyntax, "yaml-syntax", Error,
    "a manifest file does not parse, or a mapping repeats a key"
}

const NOTE: &str = "Argo CD fails manifest generation for the whole app when a file that looks like a manifest does not parse";

impl Rule for YamlSyntax {
    fn check_file(&self, cx: &Cx<'_, '_>, id: FileId, f: &SourceFile, out: &mut Vec<Diagnostic>) {
        if f.class != FileClass::Yaml {
            return;
        }
        // Argo CD never reads these files itself: a successful Kustomize build consumed them (its
        // output is linted), or a kustomization leaves them out or uses them as patches.
        if cx.model.unread.contains(&id) {
            return;
        }
        if let Some(span) = f.bad_utf8 {
            out.push(
                Diagnostic::new(INFO.id, INFO.severity, id, span, "file is not valid UTF-8")
                    .label("invalid byte here")
                    .help("save the file as UTF-8")
                    .note(NOTE),
            );
        }
        // A YAML file that holds no object (Helm values that mention `kind:` in nested data):
        // Argo CD decodes duplicate keys leniently, and skips a file that does not parse unless
        // it has `apiVersion:`, `kind:` and `metadata:` (`getObjsFromYAMLOrJSON`).
        let kustomization = f
            .path
            .file_name()
            .is_some_and(|n| crate::model::kustomize::NAMES.iter().any(|k| n == *k));
        let holds_objects = kustomization
            || f.yaml()
                .docs
                .iter()
                .any(|d| d.root.get("kind").is_some() || d.root.get("apiVersion").is_some());
        let looks_like_object = holds_objects || crate::load::source::occurs(f.text(), "metadata:");
        let helm_output = id >= cx.model.ws.files.len()
            && cx.model.rendered.outcomes.iter().any(|(_, helm, o)| {
                *helm
                    && matches!(o, crate::model::jobs::Outcome::Rendered { file, .. } if *file == id)
            });
        // In `helm template` output, a key that a template with template syntax writes again
        // (an `if` block overriding a default) is the chart's intent: Argo CD keeps the last
        // value, as the chart means. Written twice in a template that is plain YAML, it is not.
        let intended = |span| {
            helm_output && cx.model.files[cx.model.origin(id, span).0].class != FileClass::Yaml
        };
        for issue in &f.yaml().issues {
            if !(if issue.related.is_some() {
                holds_objects && !intended(issue.span)
            } else {
                looks_like_object
            }) {
                continue;
            }
            let mut d = match &issue.related {
                Some((first, label)) => {
                    Diagnostic::new(INFO.id, INFO.severity, id, issue.span, &issue.message)
                        .label("repeated here")
                        .related(id, *first, label.clone())
                        .help("remove one of the two keys (merge their values if both are needed)")
                        .note("Argo CD decodes manifests leniently, so the earlier value is lost without a warning; kubectl rejects the same file")
                }
                None => Diagnostic::new(
                    INFO.id,
                    INFO.severity,
                    id,
                    issue.span,
                    format!("invalid YAML: {}", issue.message),
                )
                .label("the parser stopped here")
                .help("fix the syntax; the rest of this file after the broken document is still linted")
                .note(NOTE),
            };
            if d.label.is_empty() {
                d.label = "here".into();
            }
            out.push(d);
        }
    }
}
