//! Files no Application syncs, in a tree whose Applications say everything Argo CD applies.
//!
//! Such a file is applied by hand (`kubectl apply`, where hook annotations mean nothing), by
//! a script, or not at all (an abandoned directory, one commented out of its parent's
//! `resources:`). Its findings are not proven sync failures. The verdict needs a *closed*
//! tree: when part of what decides the sync cannot be read (Applications in templates, an
//! ApplicationSet whose generators are unresolved, a kustomize build with a remote base that
//! may hold an app of apps, a remote chart whose values here list Applications), any directory
//! may be synced, and nothing is set apart.

use foldhash::{HashMap, HashSet};
use std::path::Path;

use crate::load::FileId;
use crate::load::yaml::{Node, Span};

use super::Model;
use super::app::SourceType;

impl Model<'_> {
    /// Workspace files holding findings no Application syncs (empty when the tree is open).
    /// Also why the tree is open, when it is (for `-v`).
    pub(super) fn compute_unsynced(
        &self,
    ) -> (HashSet<FileId>, HashMap<FileId, Vec<Span>>, Option<String>) {
        let ws = self.ws;
        let kust = &self.kustomizations;
        let explicit: Vec<&super::App<'_>> = self.apps.iter().filter(|a| self.counted(a)).collect();
        // ApplicationSets that cannot be expanded may still say where they read ([`closed`]).
        if explicit.is_empty() && self.unresolved.is_empty() {
            let why = "the tree defines no Application";
            return (HashSet::default(), HashMap::default(), Some(why.into()));
        }
        let first = self.read_by(&explicit);
        // An Application inside a kustomization's tree that no build lists (a subdirectory
        // never added, or commented out) is never created: a stray, not a root applied by hand.
        let kustomize_dirs: Vec<&Path> = explicit
            .iter()
            .flat_map(|a| &a.sources)
            .filter(|s| s.kind == SourceType::Kustomize && ws.is_dir(&s.dir))
            .map(|s| s.dir.as_path())
            .collect();
        // A root of other apps (an app of apps applied by hand) is live wherever it sits.
        let app_files: HashSet<FileId> = explicit
            .iter()
            .filter_map(|a| a.application.map(|r| self.written_in(r)))
            .collect();
        // What some kustomization lists is part of a build, maybe one applied by hand.
        let listed: HashSet<FileId> = self
            .kustomizations
            .by_dir
            .values()
            .flat_map(|k| k.includes.iter().filter_map(|p| ws.file_at(p)))
            .collect();
        let orphan = |a: &&super::App<'_>| {
            // An ApplicationSet applied by hand is a root of its generated apps.
            a.application.is_some_and(|r| {
                // A rendered Application is judged by the file it was written in.
                let f = self.written_in(r);
                let path = &self.files[f].path;
                self.resources[r].kind == "Application"
                    && !first.contains(&f)
                    && !listed.contains(&f)
                    && kustomize_dirs.iter().any(|d| path.starts_with(d))
                    && self
                        .read_by(&[a])
                        .iter()
                        .all(|g| *g == f || !app_files.contains(g))
            })
        };
        let (orphans, live): (Vec<_>, Vec<_>) = explicit.into_iter().partition(orphan);
        let orphan_files: HashSet<FileId> = orphans
            .iter()
            .filter_map(|a| a.application.map(|r| self.written_in(r)))
            .collect();
        // Without strays, the live apps are all of them: what they read is known already.
        let mut synced = if orphans.is_empty() {
            first
        } else {
            self.read_by(&live)
        };
        let globs = match self.closed(&synced) {
            Ok(g) => g,
            Err(why) => return (HashSet::default(), HashMap::default(), Some(why)),
        };
        let root = self.repo_root();
        for dir in ws.dirs.iter().filter(|d| {
            d.strip_prefix(root).is_ok_and(|rel| {
                let rel = rel.to_string_lossy();
                globs.iter().any(|g| {
                    super::glob::matches(super::glob::Dialect::Doublestar, g, rel.as_ref())
                })
            })
        }) {
            synced.extend(ws.files_under(dir));
            synced.extend(kust.inputs(ws, dir).0);
        }
        // Argo CD's own objects (a root Application applied by a bootstrap script, an
        // AppProject) configure the sync: their findings stand wherever they are. Not those a
        // kustomization no Application syncs pulls in from below (team folders of an env), when
        // its build fails: nobody can apply that, and such files are not applied one by one (a
        // root Application beside the kustomization may be, with `kubectl apply -f`).
        let unbuildable: HashSet<FileId> = self
            .rendered
            .outcomes
            .iter()
            .filter(|(_, helm, o)| !helm && matches!(o, super::jobs::Outcome::Failed(_)))
            .flat_map(|(dir, _, _)| {
                kust.closure(ws, dir)
                    .into_iter()
                    .filter(move |&f| ws.files[f].path.parent() != Some(dir.as_path()))
            })
            .filter(|f| !synced.contains(f))
            .collect();
        // A file that stops parsing where an Argo CD object is written (a root Application
        // applied by hand) counts as one, whole: its syntax error breaks that apply.
        let broken_argo = (0..ws.files.len()).filter(|&f| {
            let file = &ws.files[f];
            !synced.contains(&f)
                && !self.unread.contains(&f)
                && file.class == crate::load::FileClass::Yaml
                && crate::load::source::occurs(file.text(), "apiVersion: argoproj.io/")
                && file.yaml().issues.iter().any(|i| i.related.is_none())
        });
        let argo: HashSet<FileId> = self
            .resources
            .iter()
            .filter(|r| r.group == "argoproj.io")
            .map(|r| self.written_in(r.id))
            .chain(broken_argo)
            .filter(|f| !orphan_files.contains(f) && !unbuildable.contains(f))
            .collect();
        let unsynced = (0..ws.files.len())
            .filter(|f| !synced.contains(f) && !argo.contains(f))
            .collect();
        // In an unsynced file with Argo CD objects, the other objects (the install's hook
        // Jobs beside the root Application) are applied by hand like any unsynced file.
        let mut argo_spans: HashMap<FileId, Vec<Span>> = HashMap::default();
        for r in self.resources.iter().filter(|r| {
            r.group == "argoproj.io"
                && r.file < ws.files.len()
                && argo.contains(&r.file)
                && !synced.contains(&r.file)
        }) {
            argo_spans.entry(r.file).or_default().push(r.root.span);
        }
        (unsynced, argo_spans, None)
    }

    /// An app of the tree's own: defined by an Application or ApplicationSet that is not
    /// reading material (an example, a doc) set aside by its place.
    fn counted(&self, a: &super::App<'_>) -> bool {
        a.application
            .is_some_and(|r| !self.set_aside.contains_key(&self.written_in(r)))
    }

    /// The file an object was written in (a rendered one's source file).
    fn written_in(&self, r: super::ResId) -> FileId {
        let r = &self.resources[r];
        self.origin(r.file, r.kind_span).0
    }

    /// The workspace files these apps read.
    fn read_by(&self, apps: &[&super::App<'_>]) -> HashSet<FileId> {
        let ws = self.ws;
        let kust = &self.kustomizations;
        let mut synced: HashSet<FileId> = HashSet::default();
        for app in apps {
            // A source of another URL at a path this tree has may be this repository under
            // another name (a fork, a placeholder URL): it counts as synced.
            // (Not the root: `path: .` of another repository says nothing about this one.)
            let root = self.repo_root();
            for s in app
                .sources
                .iter()
                .filter(|s| s.local || (ws.is_dir(&s.dir) && s.dir != root))
            {
                match s.kind {
                    // What the build reads; a subdirectory it leaves out is not synced.
                    SourceType::Kustomize => synced.extend(kust.inputs(ws, &s.dir).0),
                    SourceType::Directory if !s.recurse => synced.extend(
                        ws.files_under(&s.dir)
                            .filter(|&f| ws.files[f].path.parent() == Some(s.dir.as_path())),
                    ),
                    SourceType::Helm if ws.file_at(&s.dir.join("Chart.yaml")).is_none() => {
                        synced.extend(ws.file_at(&s.dir.join("values.yaml")))
                    }
                    // A chart, a recursive directory, a plugin (which may read anything below).
                    _ => synced.extend(ws.files_under(&s.dir)),
                }
            }
            for d in &app.kustomize_dirs {
                synced.extend(kust.inputs(ws, d).0);
            }
            for &r in &app.resources {
                synced.insert(self.resources[r].file);
            }
        }
        synced
    }

    /// Does the tree say all Argo CD syncs from it? `Ok(paths)` when it does: the extra
    /// directories (glob patterns, relative to the repository root) that Applications written
    /// in templates sync, as far as their templated `path:` shows. `Err(why)` when it does not.
    fn closed(&self, synced: &HashSet<FileId>) -> Result<Vec<String>, String> {
        let mut reads_here = self
            .apps
            .iter()
            .any(|a| self.counted(a) && a.sources.iter().any(|s| s.local && s.confirmed));
        // An ApplicationSet whose generators cannot be expanded still says where its apps read
        // this repository: its template's paths, each `{{ … }}` a wildcard. A path that is all
        // template, or sources a `templatePatch` sets, could be anywhere.
        let mut globs = Vec::new();
        for (r, _) in &self.unresolved {
            let set = &self.resources[*r];
            let name = set.name.unwrap_or("<unnamed>");
            let unknown = || format!("the generators of ApplicationSet {name} are not resolved");
            let spec = set.root.get("spec");
            if spec.is_some_and(|s| s.get("templatePatch").is_some()) {
                return Err(unknown());
            }
            let Some(tspec) = spec.and_then(|s| s.path(&["template", "spec"])) else {
                return Err(unknown());
            };
            for src in super::app::spec_sources(tspec) {
                let url = src.get("repoURL").and_then(Node::str).unwrap_or("");
                // Another repository's path says nothing about this one.
                if !url.contains("{{")
                    && !self.ws.repo_urls.is_empty()
                    && !self.ws.repo_urls.contains(&super::repo::normalize_url(url))
                {
                    continue;
                }
                if src.get("chart").is_some() {
                    continue;
                }
                let path = src.get("path").and_then(Node::str).ok_or_else(unknown)?;
                globs.push(template_glob(path).ok_or_else(unknown)?);
                reads_here = true;
            }
        }
        // Applications that all read other repositories: this one is synced from elsewhere.
        if !reads_here && !self.ws.repo_urls.is_empty() {
            return Err("no Application of the tree reads this repository".into());
        }
        // Another GitOps engine syncs part of the tree (Flux reads it by its own paths).
        if let Some(r) = self
            .resources
            .iter()
            .find(|r| r.group.ends_with(".toolkit.fluxcd.io"))
        {
            return Err(format!(
                "Flux syncs from it too ({} in {})",
                r.kind, self.files[r.file].name
            ));
        }
        // A repoURL that is no URL (`patch-me`, `<your-fork>`) is a template's: the tree is a
        // catalog that other repositories' Applications or kustomizations consume.
        if let Some(r) = self
            .resources
            .iter()
            .filter(|r| r.group == "argoproj.io" && !self.set_aside.contains_key(&r.file))
            .find(|r| placeholder_repo(r.root, &self.ws.repo_urls))
        {
            return Err(format!(
                "{} has a placeholder repoURL (a catalog others consume)",
                r.name.unwrap_or("<unnamed>")
            ));
        }
        // Applications in templates (a root chart installed by hand): their `path:` with each
        // `{{ … }}` as a wildcard says where they may point; a path that is all template
        // could be anywhere.
        for (i, f) in self.ws.files.iter().enumerate() {
            if !matches!(f.class, crate::load::FileClass::Skipped(_))
                || self.set_aside.contains_key(&i)
                || self.in_rendered_chart(&f.path)
            {
                continue;
            }
            let text = f.text();
            if !crate::load::source::occurs(text, "kind: Application") {
                continue;
            }
            for line in text.lines() {
                let Some(v) = line.trim_start().strip_prefix("path:") else {
                    continue;
                };
                let v = v.trim().trim_matches(['"', '\'']);
                // A key with nested content (`path:` in a schema), not a source path.
                if v.is_empty() {
                    continue;
                }
                let glob = template_glob(v).ok_or_else(|| {
                    format!(
                        "{} writes an Application in a template with `path: {v}`",
                        f.name
                    )
                })?;
                globs.push(glob);
            }
        }
        // A kustomization applied by hand (no Application builds it) with a remote base of
        // this repository's owner may be an app of apps kept elsewhere (a shared bootstrap);
        // an upstream release's manifests, or a base an Application builds, are not.
        let owners: Vec<&str> = self
            .ws
            .repo_urls
            .iter()
            .filter_map(|u| u.rsplit_once('/').map(|(owner, _)| owner))
            .collect();
        let own_remote = |why: &str| {
            why.split_once("names the remote `")
                .is_some_and(|(_, url)| {
                    let url = super::repo::normalize_url(url.trim_end_matches('`'));
                    // No remote to tell the owner by: any remote base may be such an app of apps.
                    owners.is_empty()
                        || owners.iter().any(|o| {
                            url.strip_prefix(o)
                                .is_some_and(|rest| rest.starts_with('/'))
                        })
                })
        };
        let own = self
            .kustomizations
            .by_dir
            .iter()
            .filter(|(_, k)| !synced.contains(&k.file))
            .filter(|(_, k)| k.blocker.as_deref().is_some_and(own_remote))
            .map(|(_, k)| k.file)
            .min();
        if let Some(f) = own {
            return Err(format!(
                "{} has a remote base of this repository's owner",
                self.ws.files[f].name
            ));
        }
        // A remote chart given values that name repositories (the argocd-apps chart, an app
        // of apps) generates Applications this tree does not show.
        match self
            .resources
            .iter()
            .filter(|r| r.group == "argoproj.io")
            .filter(|r| matches!(r.kind, "Application" | "ApplicationSet"))
            .find(|r| self.lists_apps_through_a_chart(r))
        {
            Some(r) => Err(format!(
                "{} gives a remote chart values that name repositories",
                r.name.unwrap_or("<unnamed>")
            )),
            None => Ok(globs),
        }
    }

    /// A template of a chart rendered for some app: its Applications are in the output.
    fn in_rendered_chart(&self, path: &Path) -> bool {
        path.ancestors()
            .skip(1)
            .find(|d| self.ws.file_at(&d.join("Chart.yaml")).is_some())
            .is_some_and(|chart| self.rendered.rendered_file(chart, true).is_some())
    }

    fn lists_apps_through_a_chart(&self, r: &super::resource::Resource<'_>) -> bool {
        let spec = if r.kind == "ApplicationSet" {
            r.root.path(&["spec", "template", "spec"])
        } else {
            r.root.get("spec")
        };
        let Some(spec) = spec else {
            return false;
        };
        let sources: Vec<&Node<'_>> = super::app::spec_sources(spec).collect();
        let text = self.files[r.file].text();
        let names_repos = |n: &Node<'_>| {
            text.get(n.span.start as usize..n.span.end as usize)
                .is_some_and(|t| crate::load::source::occurs(t, "repoURL:"))
        };
        let root = self.repo_root();
        sources
            .iter()
            .filter(|s| s.get("chart").is_some())
            .filter_map(|s| s.get("helm"))
            .any(|h| {
                ["values", "valuesObject"]
                    .iter()
                    .filter_map(|k| h.get(k))
                    .any(names_repos)
                    || h.get("valueFiles").is_some_and(|l| {
                        l.items().iter().filter_map(Node::str).any(|v| {
                            // `$ref/path`: a file of a `ref:` source, this repository's if here.
                            let rel = v.split_once('/').map_or(v, |(_, p)| p);
                            v.starts_with('$')
                                && self
                                    .ws
                                    .file_at(&root.join(Path::new(rel)))
                                    .is_some_and(|f| {
                                        crate::load::source::occurs(
                                            self.ws.files[f].text(),
                                            "repoURL:",
                                        )
                                    })
                        })
                    })
            })
    }
}

/// A templated `path:` value as a glob (`clusters/{{ .Values.name }}/apps` →
/// `clusters/*/apps`); `None` when no literal directory is left to anchor it.
fn template_glob(path: &str) -> Option<String> {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        out.push('*');
        rest = rest[open..]
            .find("}}")
            .map_or("", |close| &rest[open + close + 2..]);
    }
    out.push_str(rest);
    // `*`, `*/x`: the first directory is unknown, so any directory may be synced.
    let first = out.split('/').next().unwrap_or("");
    (!first.is_empty() && !first.contains('*') && !out.contains(['[', '{'])).then_some(out)
}

/// A `repoURL` anywhere in the object that is a placeholder ([`super::repo::placeholder_url`]),
/// other than one known to name this checkout (its paths all exist here).
fn placeholder_repo(n: &Node<'_>, own: &[String]) -> bool {
    if n.get("repoURL").and_then(Node::str).is_some_and(|u| {
        super::repo::placeholder_url(u) && !own.contains(&super::repo::normalize_url(u))
    }) {
        return true;
    }
    n.entries().iter().any(|e| placeholder_repo(&e.value, own))
        || n.items().iter().any(|i| placeholder_repo(i, own))
}
