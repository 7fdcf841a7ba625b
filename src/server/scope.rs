//! Incremental re-linting. A change to one file re-plans and re-checks only the apps that file
//! belongs to: the pass runs on a part of the workspace, the files of those apps plus the files
//! every app may need (Applications, projects, CRDs, Namespaces, Argo CD's own config,
//! kustomizations). The findings of the covered files replace theirs; a full pass follows when
//! the editor is idle and corrects anything cross-app (duplicates across apps).

use foldhash::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use crate::load::yaml::Node;
use crate::load::{FileClass, FileId, SourceFile, Workspace};
use crate::model::Rendered;
use crate::model::jobs::Outcome;
use crate::plan::view::PlanView;

/// Does this file hold something other apps read: Argo CD objects, CRDs, Namespaces, the
/// instance's config, a kustomization? Such a change re-lints everything.
pub fn is_global(f: &SourceFile) -> bool {
    if f.class != FileClass::Yaml {
        return false;
    }
    if f.path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::model::kustomize::NAMES.contains(&n))
    {
        return true;
    }
    f.yaml().docs.iter().any(|d| global_object(&d.root))
}

fn global_object(root: &Node<'_>) -> bool {
    let api = root.get("apiVersion").and_then(Node::str).unwrap_or("");
    let kind = root.get("kind").and_then(Node::str).unwrap_or("");
    if kind.ends_with("List") {
        return root
            .get("items")
            .is_some_and(|i| i.items().iter().any(global_object));
    }
    let name = root
        .path(&["metadata", "name"])
        .and_then(Node::str)
        .unwrap_or("");
    api.starts_with("argoproj.io/")
        || api.starts_with("kustomize.config.k8s.io/")
        || kind == "CustomResourceDefinition"
        || kind == "Namespace"
        || (matches!(kind, "ConfigMap" | "Secret") && name.starts_with("argocd-"))
}

/// Which files each app's objects are written in, from a full pass's plan.
#[derive(Debug, Default)]
pub struct Membership {
    apps_of: HashMap<FileId, Vec<usize>>,
    files_of: Vec<Vec<FileId>>,
}

impl Membership {
    pub fn build(view: &PlanView) -> Membership {
        let mut m = Membership::default();
        for (ai, app) in view.apps.iter().enumerate() {
            let mut files: Vec<FileId> = app
                .steps
                .iter()
                .flat_map(|s| &s.tasks)
                .chain(&app.sync_fail)
                .filter_map(|t| t.at.as_ref().map(|l| l.file))
                .chain(app.not_synced.iter().map(|n| n.at.file))
                .collect();
            files.sort_unstable();
            files.dedup();
            for &f in &files {
                m.apps_of.entry(f).or_default().push(ai);
            }
            m.files_of.push(files);
        }
        m
    }
}

/// The files a change to `changed` re-lints: theirs, their apps', and their directories'
/// (a directory is one implicit app). `None` when a change is global: re-lint everything.
/// Also returns the global files of those apps (kept whole; other global files are cut down).
pub fn covered(
    ws: &Workspace,
    changed: &[FileId],
    members: &Membership,
    global: &HashSet<FileId>,
) -> Option<(HashSet<FileId>, HashSet<FileId>)> {
    let mut out = HashSet::default();
    for &f in changed {
        if global.contains(&f) || is_global(&ws.files[f]) {
            return None;
        }
        out.insert(f);
        for &a in members.apps_of.get(&f).into_iter().flatten() {
            out.extend(members.files_of[a].iter().copied());
        }
        if let Some(dir) = ws.files[f].path.parent() {
            out.extend(
                ws.files_under(dir)
                    .filter(|&g| ws.files[g].path.parent() == Some(dir)),
            );
        }
    }
    let related = out.iter().filter(|f| global.contains(f)).copied().collect();
    out.retain(|f| !global.contains(f));
    Some((out, related))
}

/// The kinds of the objects written in these files.
pub fn kinds(ws: &Workspace, files: &HashSet<FileId>) -> HashSet<String> {
    fn walk(root: &Node<'_>, out: &mut HashSet<String>) {
        let Some(kind) = root.get("kind").and_then(Node::str) else {
            return;
        };
        if kind.ends_with("List") {
            for i in root.get("items").map(Node::items).unwrap_or(&[]) {
                walk(i, out);
            }
        }
        out.insert(kind.to_string());
    }
    let mut out = HashSet::default();
    for &f in files {
        for d in &ws.files[f].yaml().docs {
            walk(&d.root, &mut out);
        }
    }
    out
}

/// A global file of apps the edit does not touch, cut down to what other apps read of it: Argo
/// CD's objects and config, Namespaces, and the CRDs of `kinds` (an install bundle of hundreds
/// of objects becomes a few). `None` when nothing would be cut.
pub fn reduce(f: &SourceFile, kinds: &HashSet<String>) -> Option<Arc<SourceFile>> {
    if f.path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::model::kustomize::NAMES.contains(&n))
    {
        return None;
    }
    let docs = &f.yaml().docs;
    let wanted = |root: &Node<'_>| {
        let crd_kind = root.path(&["spec", "names", "kind"]).and_then(Node::str);
        match root.get("kind").and_then(Node::str) {
            Some("CustomResourceDefinition") => crd_kind.is_some_and(|k| kinds.contains(k)),
            _ => global_object(root),
        }
    };
    let kept: Vec<&str> = docs
        .iter()
        .filter(|d| wanted(&d.root))
        .filter_map(|d| f.text().get(d.root.span.range()))
        .collect();
    if kept.len() == docs.len() {
        return None;
    }
    Some(Arc::new(SourceFile::new(
        f.name.clone(),
        f.path.clone(),
        kept.join("\n---\n"),
        FileClass::Yaml,
        &crate::load::yaml::ParseLimits::default(),
    )))
}

/// The part of the workspace a scoped pass lints: the covered and global files, renumbered, and
/// the render with its file ids moved to follow them. Kept between edits to the same files, so
/// an edit only swaps the changed files in.
pub struct Part {
    /// Workspace ids of the part's files, ascending (the part's id is the index).
    keep: Vec<FileId>,
    /// The kinds of the covered files (which CRDs the cut-down global files keep).
    kinds: HashSet<String>,
    ws_len: usize,
    /// The render it was made for.
    render: Arc<Rendered>,
    pub ws: Workspace,
    pub rendered: Rendered,
}

impl Part {
    pub fn new(
        ws: &Workspace,
        keep: Vec<FileId>,
        kinds: HashSet<String>,
        cut: &dyn Fn(FileId) -> bool,
        render: &Arc<Rendered>,
    ) -> Part {
        let mut sub = ws.subset(&keep);
        for (i, &f) in keep.iter().enumerate() {
            if cut(f)
                && let Some(r) = reduce(&ws.files[f], &kinds)
            {
                sub.files[i] = r;
            }
        }
        let mut rendered = (**render).clone();
        for (_, _, o) in &mut rendered.outcomes {
            if let Outcome::Rendered { file, .. } = o {
                *file = *file - ws.files.len() + keep.len();
            }
        }
        Part {
            keep,
            kinds,
            ws_len: ws.files.len(),
            render: render.clone(),
            ws: sub,
            rendered,
        }
    }

    /// Was this part made for these files of this workspace and render?
    pub fn fits(
        &self,
        ws: &Workspace,
        keep: &[FileId],
        kinds: &HashSet<String>,
        render: &Arc<Rendered>,
    ) -> bool {
        self.keep == keep
            && self.kinds == *kinds
            && self.ws_len == ws.files.len()
            && Arc::ptr_eq(&self.render, render)
    }

    /// Take the workspace's current text of the changed files.
    pub fn refresh(&mut self, ws: &Workspace, changed: &[FileId]) {
        for &f in changed {
            if let Ok(i) = self.keep.binary_search(&f) {
                self.ws.files[i] = ws.files[f].clone();
            }
        }
    }

    /// The workspace id of one of the part's file ids (rendered files follow the workspace's).
    pub fn to_ws(&self, id: FileId) -> FileId {
        match self.keep.get(id) {
            Some(&f) => f,
            None => id - self.keep.len() + self.ws_len,
        }
    }

    /// Findings and plan locations in workspace ids.
    pub fn remap(&self, report: &mut crate::check::Report) {
        for d in &mut report.diagnostics {
            d.file = self.to_ws(d.file);
            for r in &mut d.related {
                r.file = self.to_ws(r.file);
            }
        }
        if let Some(view) = &mut report.plan {
            for app in &mut view.apps {
                let locs = app
                    .application
                    .iter_mut()
                    .chain(app.not_synced.iter_mut().map(|n| &mut n.at))
                    .chain(
                        app.steps
                            .iter_mut()
                            .flat_map(|s| s.tasks.iter_mut())
                            .chain(app.sync_fail.iter_mut())
                            .filter_map(|t| t.at.as_mut()),
                    );
                for l in locs {
                    l.file = self.to_ws(l.file);
                }
            }
        }
    }
}

/// The global files of a workspace.
pub fn globals(ws: &Workspace) -> HashSet<FileId> {
    ws.files
        .iter()
        .enumerate()
        .filter(|(_, f)| is_global(f))
        .map(|(i, _)| i)
        .collect()
}

/// Is this the config file (a change reloads everything)?
pub fn is_config(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::config::FILE_NAMES.contains(&n))
}
