//! Documents → resources and apps.

pub mod app;
pub mod argo;
pub mod kustomize;
pub mod podspec;
pub mod resource;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::load::yaml::Node;
use crate::load::{FileClass, Loaded, ParsedFile, SourceFile};

pub use app::{App, AppId};
use kustomize::Kustomizations;
pub use resource::{ResId, Resource};

pub struct Model<'a> {
    pub files: &'a [SourceFile],
    pub parsed: &'a [ParsedFile<'a>],
    pub loaded: &'a Loaded,
    pub resources: Vec<Resource<'a>>,
    pub apps: Vec<App<'a>>,
    /// Apps each resource belongs to.
    pub apps_of: Vec<Vec<AppId>>,
    /// Files skipped as kustomize patch fragments.
    pub fragments: Vec<usize>,
    /// Documents read (all files).
    pub documents: usize,
    /// Files that a kustomization with patches includes: they change when built.
    pub patched_files: HashSet<usize>,
}

impl<'a> Model<'a> {
    pub fn build(loaded: &'a Loaded, parsed: &'a [ParsedFile<'a>]) -> Model<'a> {
        let files = &loaded.files[..];
        let kust = Kustomizations::read(files, parsed);
        let mut resources = Vec::new();
        let mut fragments = Vec::new();
        let mut documents = 0;
        for pf in parsed {
            documents += pf.yaml.docs.len();
            if pf.class != FileClass::Yaml {
                continue;
            }
            let f = &files[pf.file];
            if kust.fragments.contains(&f.path) {
                fragments.push(pf.file);
                continue;
            }
            for (di, doc) in pf.yaml.docs.iter().enumerate() {
                add_resources(&mut resources, pf.file, di, &doc.root, &f.text);
            }
        }

        let mut model = Model {
            files,
            parsed,
            loaded,
            resources,
            apps: Vec::new(),
            apps_of: Vec::new(),
            fragments,
            documents,
            patched_files: HashSet::new(),
        };
        model.assign_apps(&kust);
        model
    }

    pub fn text(&self, file: usize) -> &'a str {
        &self.files[file].text
    }

    /// Built by a kustomization that patches: the raw file may lack what the build adds.
    pub fn possibly_patched(&self, r: &Resource<'_>) -> bool {
        self.patched_files.contains(&r.file)
    }

    pub fn app_of(&self, r: ResId) -> Option<&App<'a>> {
        self.apps_of[r].first().map(|&a| &self.apps[a])
    }

    fn assign_apps(&mut self, kust: &Kustomizations) {
        let files = self.files;
        // Resources per file, files per directory.
        let mut res_by_file: HashMap<usize, Vec<ResId>> = HashMap::new();
        for r in &self.resources {
            res_by_file.entry(r.file).or_default().push(r.id);
        }
        let files_by_path: HashMap<&Path, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.as_path(), i))
            .collect();
        let mut claimed: HashSet<ResId> = HashSet::new();
        let mut apps: Vec<App<'a>> = Vec::new();

        let file_resources = |fs: &[usize]| -> Vec<ResId> {
            fs.iter()
                .flat_map(|f| res_by_file.get(f).into_iter().flatten().copied())
                .collect()
        };

        // Explicit Applications.
        let file_roots: HashMap<usize, &[PathBuf]> = self
            .loaded
            .roots
            .iter()
            .flat_map(|r| r.files.iter().map(|&f| (f, r.repo_roots.as_slice())))
            .collect();
        for r in &self.resources {
            if !r.is("argoproj.io", "Application") {
                continue;
            }
            let Some(repo_roots) = file_roots.get(&r.file) else {
                continue;
            };
            let mut app = app::from_application(apps.len(), r, repo_roots);
            let mut members = Vec::new();
            for src in &app.sources {
                if kust.by_dir.contains_key(&src.dir) {
                    app.kustomize = true;
                    app.renamed |= kust.renames(&src.dir);
                    members.extend(file_resources(&kust.closure(&src.dir, &files_by_path)));
                } else if self.loaded.chart_dirs.contains(&src.dir) {
                    // Helm charts are rendered in a later version; raw templates are skipped.
                } else {
                    let fs: Vec<usize> = files
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| {
                            let parent = f.path.parent();
                            if src.recurse {
                                f.path.starts_with(&src.dir)
                            } else {
                                parent == Some(src.dir.as_path())
                            }
                        })
                        .map(|(i, _)| i)
                        .collect();
                    members.extend(file_resources(&fs));
                }
            }
            // An Application never manages itself.
            members.retain(|&m| m != r.id);
            members.sort_unstable();
            members.dedup();
            claimed.extend(members.iter().copied());
            app.resources = members;
            apps.push(app);
        }

        for dir in kust.by_dir.keys() {
            if kust.patches(dir) {
                self.patched_files.extend(kust.closure(dir, &files_by_path));
            }
        }

        // Kustomizations that no other kustomization includes: each is one implicit app.
        let included = kust.included_dirs();
        let mut roots: Vec<&PathBuf> = kust
            .by_dir
            .keys()
            .filter(|d| !included.contains(d.as_path()))
            .collect();
        roots.sort();
        for dir in roots {
            let members: Vec<ResId> = file_resources(&kust.closure(dir, &files_by_path))
                .into_iter()
                .filter(|m| !claimed.contains(m))
                .collect();
            if members.is_empty() {
                continue;
            }
            claimed.extend(members.iter().copied());
            // Named like the user sees the directory: from the kustomization file's display path.
            let name = kustomize::NAMES
                .iter()
                .find_map(|n| files_by_path.get(dir.join(n).as_path()))
                .map_or_else(
                    || dir.to_string_lossy().into_owned(),
                    |&f| parent_name(&files[f].name),
                );
            let mut app = implicit(apps.len(), name, members);
            app.kustomize = true;
            app.renamed = kust.renames(dir);
            apps.push(app);
        }

        // Everything else is grouped the way a Directory Application reads it: one app per
        // directory (non-recursive, Argo CD's default). A file or stdin given on the command line
        // is one app of its own.
        for root in &self.loaded.roots {
            let mut groups: BTreeMap<String, Vec<ResId>> = BTreeMap::new();
            for &f in &root.files {
                let key = if root.is_dir && !self.loaded.group_per_path {
                    files[f]
                        .path
                        .parent()
                        .map_or_else(|| root.name.clone(), |_| parent_name(&files[f].name))
                } else {
                    root.name.clone()
                };
                let members = file_resources(&[f])
                    .into_iter()
                    .filter(|m| !claimed.contains(m));
                groups.entry(key).or_default().extend(members);
            }
            for (name, members) in groups {
                if members.is_empty() {
                    continue;
                }
                claimed.extend(members.iter().copied());
                apps.push(implicit(apps.len(), name, members));
            }
        }

        let mut apps_of = vec![Vec::new(); self.resources.len()];
        for a in &apps {
            for &r in &a.resources {
                apps_of[r].push(a.id);
            }
        }
        self.apps = apps;
        self.apps_of = apps_of;
    }
}

/// The directory part of a file's display name (`.` for a bare file name).
fn parent_name(name: &str) -> String {
    match Path::new(name).parent().map(|p| p.to_string_lossy()) {
        Some(p) if !p.is_empty() => p.into_owned(),
        _ => ".".into(),
    }
}

fn implicit<'a>(id: AppId, name: String, resources: Vec<ResId>) -> App<'a> {
    App {
        id,
        name,
        application: None,
        resources,
        dest_namespace: None,
        sync_options: Vec::new(),
        automated: false,
        self_heal: false,
        self_heal_span: None,
        ignore_differences: Vec::new(),
        sources: Vec::new(),
        kustomize: false,
        renamed: false,
    }
}

/// A document's objects: itself, or the items of a `List`.
fn add_resources<'a>(
    out: &mut Vec<Resource<'a>>,
    file: usize,
    doc: usize,
    root: &'a Node<'a>,
    text: &str,
) {
    let kind = root.get("kind").and_then(Node::str);
    if kind.is_some_and(|k| k.ends_with("List")) && root.get("items").is_some() {
        for item in root.get("items").map(Node::items).unwrap_or(&[]) {
            if let Some(r) = Resource::from_node(out.len(), file, doc, item, text) {
                out.push(r);
            }
        }
        return;
    }
    if let Some(r) = Resource::from_node(out.len(), file, doc, root, text) {
        out.push(r);
    }
}
