//! `missing-project`: an Application names an AppProject that the tree does not define. See
//! `rules/missing-project.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;
use crate::model::project::{app_spec, templated, whose};

use super::{Cx, Rule, declare_rule, did_you_mean, suggest};

declare_rule! {
    MissingProject, "missing-project", Error,
    "an Application names a project that no AppProject in the tree defines"
}

impl Rule for MissingProject {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let defined: Vec<&Resource<'_>> = cx.model.projects().collect();
        if defined.is_empty() {
            // Projects live elsewhere (another repo, or created by hand): nothing to compare.
            return;
        }
        let mut names: Vec<&str> = defined.iter().filter_map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        for r in &cx.model.resources {
            let Some(node) = app_spec(r).and_then(|s| s.get("project")) else {
                continue;
            };
            let Some(project) = node.non_empty_str() else {
                continue;
            };
            // Argo CD creates `default` itself; a templated name is only known per generated app.
            if project == "default" || templated(project) || names.contains(&project) {
                continue;
            }
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    node.span,
                    format!(
                        "{} names project `{project}`, which no AppProject in the tree defines{}",
                        whose(r),
                        did_you_mean(project, &names)
                    ),
                )
                .label("no such AppProject")
                .note(if r.kind == "ApplicationSet" {
                    "the ApplicationSet controller refuses to create or update Applications whose project does not exist: \"application references project … which does not exist\""
                } else {
                    "the controller marks the app InvalidSpecError \"Application referencing project … which does not exist\" and refuses to sync it"
                });
            if let Some(best) = suggest(project, &names) {
                if let Some(p) = defined.iter().find(|p| p.name == Some(best)) {
                    d = d.related(
                        p.file,
                        p.name_span,
                        format!("AppProject/{best} is defined here"),
                    );
                }
                d = d.help(format!(
                    "write `project: {best}`, or add an AppProject named `{project}`"
                ));
            } else {
                let mut listed: Vec<String> =
                    names.iter().take(5).map(|n| format!("`{n}`")).collect();
                if names.len() > 5 {
                    listed.push("…".into());
                }
                d = d.help(format!(
                    "add an AppProject named `{project}`, or use a project the tree defines ({})",
                    listed.join(", ")
                ));
            }
            out.push(d);
        }
    }
}
