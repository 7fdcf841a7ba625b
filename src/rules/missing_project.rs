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
        let complete = cx.model.projects_from_tree;
        let mut unknown: Vec<(&Resource<'_>, &str)> = Vec::new();
        for r in &cx.model.resources {
            if cx.model.set_aside.contains_key(&r.file) {
                continue;
            }
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
            // Not a Kubernetes object name: no AppProject anywhere can have it.
            // An AppProject's name is an object name: a DNS-1123 subdomain.
            let invalid = !crate::model::resource::dns1123_subdomain(project, 253);
            // Written in a file the tree does not apply (left out of its kustomization, or set
            // aside): applied some other way, or with it once it is switched on.
            if !invalid && let Some((f, span)) = defined_aside(cx, project) {
                let mut d = cx
                    .finding(
                        &INFO,
                        r,
                        node.span,
                        format!(
                            "{} names project `{project}`, whose AppProject is written only in a file the tree does not apply",
                            whose(r)
                        ),
                    )
                    .label("its AppProject is not applied")
                    .related(f, span, format!("AppProject/{project} is defined here"))
                    .help("apply the file that defines the project (list it in its kustomization), or create the project another way")
                    .note("until the AppProject exists, the controller refuses to sync the app (\"Application referencing project … which does not exist\")");
                d.severity = crate::diag::Severity::Info;
                out.push(d);
                continue;
            }
            if !invalid && !complete && suggest(project, &names).is_none() {
                unknown.push((r, project));
                continue;
            }
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    node.span,
                    if invalid {
                        format!(
                            "{} names project `{project}`, which is not a valid object name: no AppProject can have it{}",
                            whose(r),
                            did_you_mean(project, &names)
                        )
                    } else {
                        format!(
                            "{} names project `{project}`, which no AppProject in the tree defines{}",
                            whose(r),
                            did_you_mean(project, &names)
                        )
                    },
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
            } else if invalid {
                let fixed: String = project
                    .to_ascii_lowercase()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '.' {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect();
                d = d.help(format!(
                    "AppProject names are lowercase letters, digits, `-` and `.`: name the project `{}` (here and in its AppProject)",
                    fixed.trim_matches('-')
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
        // Once, as `info`: the names the tree does not define, when the tree is not known to be
        // where the projects come from.
        if let Some(&(first, _)) = unknown.first() {
            let mut missing: Vec<&str> = unknown.iter().map(|&(_, p)| p).collect();
            missing.sort_unstable();
            missing.dedup();
            let mut listed: Vec<String> =
                missing.iter().take(8).map(|n| format!("`{n}`")).collect();
            if missing.len() > 8 {
                listed.push(format!("and {} more", missing.len() - 8));
            }
            let node = app_spec(first).and_then(|s| s.get("project"));
            let mut d = cx
                .finding(
                    &INFO,
                    first,
                    node.map_or(first.name_span, |n| n.span),
                    format!(
                        "{} Application(s) name projects no AppProject in the tree defines ({}); the tree defines few of the projects its Applications use and no Application syncs them, so the live projects are made elsewhere",
                        unknown.len(),
                        listed.join(", ")
                    ),
                )
                .label("project not defined in the tree")
                .help("if the projects are created outside this repository (a bootstrap script, another repo), this is expected; otherwise add the AppProjects and sync them with an Application");
            d.severity = crate::diag::Severity::Info;
            out.push(d);
        }
    }
}

/// Where an AppProject named `project` is written in a file the tree does not apply: left out
/// of a kustomization, or set aside.
fn defined_aside(
    cx: &Cx<'_, '_>,
    project: &str,
) -> Option<(crate::load::FileId, crate::load::yaml::Span)> {
    let m = cx.model;
    let mut aside: Vec<crate::load::FileId> = m.set_aside.keys().copied().collect();
    aside.sort_unstable();
    m.left_out.iter().copied().chain(aside).find_map(|f| {
        m.files[f].yaml().docs.iter().find_map(|d| {
            let root = &d.root;
            let is_project = root.get("kind").and_then(|k| k.str()) == Some("AppProject");
            let name = root.path(&["metadata", "name"])?;
            (is_project && name.str() == Some(project)).then_some((f, name.span))
        })
    })
}
