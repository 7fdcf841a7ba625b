//! `project-denies-resource`: the app's AppProject does not permit one of its objects, the
//! namespace it goes to, or the repository it comes from. See `rules/project-denies-resource.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Node;
use crate::model::App;
use crate::model::project::{
    ProjectRef, Refusal, app_spec, destination_permitted, group_kind_refusal, source_permitted,
    templated,
};
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    ProjectDeniesResource, "project-denies-resource", Error,
    "the app's AppProject does not permit an object's kind, its namespace, or the source repository"
}

impl Rule for ProjectDeniesResource {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(aid) = app.application else { return };
        let res = &cx.model.resources;
        let application = &res[aid];
        let Some(spec) = app_spec(application) else {
            return;
        };
        let pname = spec
            .get("project")
            .and_then(Node::non_empty_str)
            .unwrap_or("default");
        if templated(pname) {
            return;
        }
        // `default` outside the tree allows everything; another missing project is
        // missing-project's; several different copies (one per cluster) cannot be told apart.
        let ProjectRef::Found(pid) = cx.model.project_for(aid, pname) else {
            return;
        };
        let project = &res[pid];
        // Its own spec and its global projects' (argocd-cm `globalProjects`), whose lists Argo
        // CD appends; unknown global projects prove nothing.
        let Some(specs) = cx.model.project_specs(pid) else {
            return;
        };
        let pspec = specs.as_slice();
        let who = application.display();
        // The app at fault is the one whose project refuses, whatever else holds the object.
        let related = |mut d: Diagnostic| {
            d.app = Some(app.name.clone());
            d.related(
                project.file,
                project.name_span,
                format!("AppProject/{pname} is defined here"),
            )
        };

        // (c) sourceRepos, for every source.
        for src in crate::model::app::spec_sources(spec) {
            let Some(url_node) = src.get("repoURL") else {
                continue;
            };
            let Some(url) = url_node.non_empty_str() else {
                continue;
            };
            if templated(url)
                || source_permitted(pspec, url)
                || cx.model.scoped_repositories.contains(pname)
            {
                continue;
            }
            out.push(related(
                cx.finding(&INFO, application, url_node.span, format!("{who} takes manifests from {url}, which project {pname} does not permit"))
                    .label("not in the project's sourceRepos")
                    .help(format!("add `{url}` (or a glob that matches it) to spec.sourceRepos of AppProject/{pname}, and check that no `!` entry excludes it"))
                    .note(format!("the controller marks the app InvalidSpecError \"application repo {url} is not permitted in project '{pname}'\" and does not sync it")),
            ));
        }

        // (b) the app's own destination.
        let cluster = &app.cluster;
        let templated_dest = app.dest_ns().is_some_and(templated);
        let cluster_known = cluster.is_known();
        let dest_ns = app.dest_ns().unwrap_or("");
        let mut dest_denied = false;
        if cluster_known
            && !templated_dest
            && destination_permitted(pspec, cluster, dest_ns) == Some(false)
        {
            dest_denied = true;
            let span = spec
                .path(&["destination", "namespace"])
                .map(|n| n.span)
                .or_else(|| spec.entry("destination").map(|e| e.key.span))
                .unwrap_or(application.kind_span);
            let server = cluster.server.as_deref();
            let cluster = cluster.label();
            out.push(related(
                cx.finding(&INFO, application, span, if dest_ns.is_empty() {
                    format!("the destination of {who} ({cluster}, no namespace) is not permitted by project {pname}")
                } else {
                    format!("destination namespace `{dest_ns}` on {cluster} of {who} is not permitted by project {pname}")
                })
                    .label("not in the project's destinations")
                    .help(format!("add this server and namespace (or a glob) to spec.destinations of AppProject/{pname}, and check that no `!` entry excludes it"))
                    .note(format!("the controller marks the app InvalidSpecError \"application destination server '{}' and namespace '{dest_ns}' do not match any of the allowed destinations in project '{pname}'\" and does not sync it", server.unwrap_or(cluster))),
            ));
        }

        // (a) and (b) per object.
        for &rid in &app.resources {
            if !plan.is_synced(rid) {
                continue;
            }
            let r = &res[rid];
            let Some(namespaced) = cx.model.is_namespaced(r) else {
                continue;
            };
            if let Some(refusal) = group_kind_refusal(pspec, r, namespaced) {
                let gk = format!("{}:{}", r.group, r.kind);
                let shown_group = if r.group.is_empty() { "\"\"" } else { r.group };
                let entry = format!("{{group: {shown_group}, kind: {}}}", r.kind);
                let scope = if namespaced {
                    "namespaced"
                } else {
                    "cluster-scoped"
                };
                let (why, help, extra) = match refusal {
                    Refusal::EmptyWhitelist(list, _) if namespaced => (
                        format!("its {list} is an empty list, which allows no namespaced kind"),
                        format!(
                            "add `{entry}` to {list} of AppProject/{pname}, or remove the empty list (absent allows every namespaced kind)"
                        ),
                        None,
                    ),
                    Refusal::EmptyWhitelist(list, absent) => (
                        format!(
                            "it has {}, and a project allows a cluster-scoped kind only when it is listed there",
                            if absent {
                                format!("no {list}")
                            } else {
                                format!("an empty {list}")
                            }
                        ),
                        format!(
                            "add `{entry}` to {list} of AppProject/{pname}, or deploy {} with a project that allows it",
                            r.display()
                        ),
                        None,
                    ),
                    Refusal::NotWhitelisted(list) => (
                        format!("no entry of its {list} matches"),
                        format!("add `{entry}` to {list} of AppProject/{pname}"),
                        None,
                    ),
                    Refusal::Blacklisted(list, span) => (
                        format!("its {list} matches it"),
                        format!(
                            "remove the matching entry from {list} of AppProject/{pname}, or move {} to another project",
                            r.display()
                        ),
                        Some(span),
                    ),
                };
                let mut d = related(
                    cx.finding(&INFO, r, r.kind_span, format!("{} ({scope}) is not permitted in project {pname}: {why}", r.display()))
                        .label(format!("`{gk}` is not permitted"))
                        .help(help)
                        .note(format!("Argo CD checks every object before it applies any: the sync fails with \"resource {gk} is not permitted in project {pname}\"")),
                );
                if let Some(span) = extra {
                    d = d.related(project.file, span, "this entry denies it");
                }
                out.push(d);
                continue;
            }
            // Objects in the destination namespace are covered by the app-level check above.
            let Some(ns_node) = r
                .root
                .path(&["metadata", "namespace"])
                .filter(|n| n.non_empty_str().is_some())
            else {
                continue;
            };
            let ns = r.namespace.unwrap_or("");
            if !namespaced
                || !cluster_known
                || templated_dest
                || templated(ns)
                || app.renamed
                || cx.model.possibly_patched(r)
                || (dest_denied && Some(ns) == app.dest_ns())
            {
                continue;
            }
            if destination_permitted(pspec, &app.cluster, ns) == Some(false) {
                out.push(related(
                    cx.finding(&INFO, r, ns_node.span, format!("{} goes to namespace {ns}, which project {pname} does not permit", r.display()))
                        .label("not in the project's destinations")
                        .help(format!("add namespace `{ns}` (or a glob) for this cluster to spec.destinations of AppProject/{pname}, or move {} to a permitted namespace", r.display()))
                        .note(format!("Argo CD checks every object's namespace before it applies any: the sync fails with \"namespace {ns} is not permitted in project '{pname}'\"")),
                ));
            }
        }
    }
}
