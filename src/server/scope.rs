//! Incremental re-linting. A change to one file re-plans and re-checks only the apps that file
//! belongs to: the workspace is lint with every other manifest file blanked out (same ids and
//! paths, no documents), except the files every app may need (Applications, projects, CRDs,
//! Namespaces, Argo CD's own config, kustomizations). The findings of the covered files replace
//! theirs; a full pass follows when the editor is idle and corrects anything cross-app.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use crate::load::yaml::Node;
use crate::load::{FileClass, FileId, SourceFile, Workspace};
use crate::plan::view::PlanView;

/// Does this file hold something other apps read: Argo CD objects, CRDs, Namespaces, the
/// instance's config, a kustomization? Such a change re-lints everything.
pub fn is_global(f: &SourceFile) -> bool {
    if f.class != FileClass::Yaml {
        return false;
    }
    if f
        .path
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
        return root.get("items").is_some_and(|i| i.items().iter().any(global_object));
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
pub fn covered(
    ws: &Workspace,
    changed: &[FileId],
    members: &Membership,
    global: &HashSet<FileId>,
) -> Option<HashSet<FileId>> {
    let mut out = HashSet::new();
    for &f in changed {
        if global.contains(&f) || is_global(&ws.files[f]) {
            return None;
        }
        out.insert(f);
        for &a in members.apps_of.get(&f).into_iter().flatten() {
            out.extend(members.files_of[a].iter().copied());
        }
        if let Some(dir) = ws.files[f].path.parent() {
            out.extend(ws.files_under(dir).filter(|&g| ws.files[g].path.parent() == Some(dir)));
        }
    }
    out.retain(|f| !global.contains(f));
    Some(out)
}

/// Blank stand-ins for files left out of a scoped pass, made once per file.
#[derive(Default)]
pub struct Blanks(HashMap<FileId, Arc<SourceFile>>);

impl Blanks {
    fn get(&mut self, id: FileId, f: &SourceFile) -> Arc<SourceFile> {
        match self.0.get(&id) {
            Some(b) if b.path == f.path => b.clone(),
            _ => {
                let b = Arc::new(SourceFile::placeholder(
                    f.name.clone(),
                    f.path.clone(),
                    FileClass::NotManifest,
                ));
                self.0.insert(id, b.clone());
                b
            }
        }
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// The workspace as a scoped pass sees it: `keep` and the global files as they are, every other
/// manifest blank.
pub fn scoped(
    ws: &Workspace,
    keep: &HashSet<FileId>,
    global: &HashSet<FileId>,
    blanks: &mut Blanks,
) -> Workspace {
    let mut sub = ws.clone();
    for (id, f) in sub.files.iter_mut().enumerate() {
        if f.class == FileClass::Yaml && !keep.contains(&id) && !global.contains(&id) {
            *f = blanks.get(id, f);
        }
    }
    sub
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
