//! Documents → resources and apps.

pub mod app;
pub mod appset;
pub mod argo;
pub mod kustomize;
pub mod podspec;
pub mod resource;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::load::yaml::{Node, Span};
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
    /// ApplicationSets whose generators cannot be resolved offline.
    pub unresolved: Vec<(ResId, appset::Unresolved)>,
    /// The kustomizations of the tree.
    pub kustomizations: Kustomizations,
    /// Manifests under a Directory source's path that the app does not read:
    /// (app, source index, files).
    pub orphans: Vec<(AppId, usize, Vec<usize>)>,
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
            // Raw files whose kustomization was rendered: the rendered objects stand for them.
            if loaded.covered.contains(&pf.file) {
                continue;
            }
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
            unresolved: Vec::new(),
            kustomizations: Kustomizations::default(),
            orphans: Vec::new(),
        };
        model.assign_apps(&kust);
        model.kustomizations = kust;
        model
    }

    pub fn text(&self, file: usize) -> &'a str {
        &self.files[file].text
    }

    /// Is this object namespaced? From CRDs in the tree, then the built-in kinds' scopes.
    /// `None` when unknown (a custom resource whose CRD is elsewhere).
    pub fn is_namespaced(&self, r: &Resource<'_>) -> Option<bool> {
        if let Some(crd) = self
            .resources
            .iter()
            .find(|c| c.crd_key() == Some((r.group, r.kind)))
        {
            let scope = crd.root.path(&["spec", "scope"]).and_then(Node::str);
            return Some(scope != Some("Cluster"));
        }
        crate::schema::set::builtin_scope(&format!("{}/{}", r.api_version, r.kind)).or_else(|| {
            // Any version of a built-in group/kind has the same scope.
            crate::schema::set::builtin_scope_by_kind(r.group, r.kind)
        })
    }

    /// Built by a kustomization that patches: the raw file may lack what the build adds.
    pub fn possibly_patched(&self, r: &Resource<'_>) -> bool {
        self.patched_files.contains(&r.file)
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

        // Explicit Applications, and the Applications of resolvable ApplicationSets.
        let file_roots: HashMap<usize, &[PathBuf]> = self
            .loaded
            .roots
            .iter()
            .flat_map(|r| r.files.iter().map(|&f| (f, r.repo_roots.as_slice())))
            .collect();
        let mut repo_urls: Vec<String> = self
            .loaded
            .repo_urls
            .iter()
            .map(|u| app::normalize_repo_url(u))
            .collect();
        if let Some(root) = self.loaded.roots.first().and_then(|r| r.repo_roots.first()) {
            repo_urls.extend(git_remotes(root));
        }
        let members_of = |src: &app::AppSource| -> Vec<usize> {
            if !src.local {
                return Vec::new();
            }
            match src.kind {
                app::SourceType::Kustomize if kust.by_dir.contains_key(&src.dir) => {
                    match self.loaded.rendered.get(&src.dir) {
                        Some(&f) => vec![f],
                        None => kust.closure(&src.dir, &files_by_path),
                    }
                }
                app::SourceType::Directory => files
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| directory_reads(src, &f.path))
                    .map(|(i, _)| i)
                    .collect(),
                app::SourceType::Helm => self
                    .loaded
                    .rendered
                    .get(&src.dir)
                    .map(|&f| vec![f])
                    .unwrap_or_default(),
                // Plugin sources need the plugin; raw templates are not objects.
                _ => Vec::new(),
            }
        };
        let dirs = std::cell::RefCell::new(HashMap::new());
        let mut generated: Vec<(App<'a>, ResId)> = Vec::new();
        for r in &self.resources {
            let Some(repo_roots) = file_roots.get(&r.file) else {
                continue;
            };
            let scx = app::SourceContext {
                repo_roots,
                repo_urls: &repo_urls,
                dirs: &dirs,
            };
            if r.is("argoproj.io", "Application") {
                generated.push((app::from_application(0, r, &scx), r.id));
            } else if r.is("argoproj.io", "ApplicationSet") {
                let Some(spec) = r.root.get("spec") else {
                    continue;
                };
                let template = spec.get("template");
                match appset::expand(spec, &scx, files) {
                    Err(u) => self.unresolved.push((r.id, u)),
                    Ok(sets) => {
                        for params in sets {
                            let name = template
                                .and_then(|t| t.path(&["metadata", "name"]))
                                .and_then(Node::str)
                                .map_or_else(
                                    || "<unnamed>".to_string(),
                                    |n| appset::substitute(n, &params),
                                );
                            let subst = |t: &str| appset::substitute(t, &params);
                            let a = app::from_spec(
                                0,
                                name,
                                Some(r.id),
                                template.and_then(|t| t.get("spec")),
                                &scx,
                                &subst,
                            );
                            generated.push((a, r.id));
                        }
                    }
                }
            }
        }
        for (mut app, owner) in generated {
            app.id = apps.len();
            let mut members = Vec::new();
            for src in &app.sources {
                if src.local
                    && src.kind == app::SourceType::Kustomize
                    && kust.by_dir.contains_key(&src.dir)
                {
                    app.kustomize = true;
                    app.kustomize_dirs.push(src.dir.clone());
                    // Rendered output carries the real names.
                    app.renamed |=
                        kust.renames(&src.dir) && !self.loaded.rendered.contains_key(&src.dir);
                }
                members.extend(file_resources(&members_of(src)));
            }
            // An Application never manages itself (nor does an ApplicationSet's child).
            members.retain(|&m| m != owner);
            members.sort_unstable();
            members.dedup();
            claimed.extend(members.iter().copied());
            app.resources = members;
            apps.push(app);
        }

        // Manifests under an app's directory that it does not read (subdirectories without
        // `recurse`, files its include/exclude globs leave out) and no other app reads either.
        let claimed_files: HashSet<usize> =
            claimed.iter().map(|&r| self.resources[r].file).collect();
        for a in &apps {
            for (si, src) in a.sources.iter().enumerate() {
                if !src.local || src.kind != app::SourceType::Directory {
                    continue;
                }
                let orphaned: Vec<usize> = files
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| {
                        f.path.starts_with(&src.dir)
                            && res_by_file.contains_key(i)
                            && !claimed_files.contains(i)
                            && !directory_reads(src, &f.path)
                    })
                    .map(|(i, _)| i)
                    .collect();
                if !orphaned.is_empty() {
                    self.orphans.push((a.id, si, orphaned));
                }
            }
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
            let sources = match self.loaded.rendered.get(dir) {
                Some(&f) => vec![f],
                None => kust.closure(dir, &files_by_path),
            };
            let members: Vec<ResId> = file_resources(&sources)
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
            app.kustomize_dirs.push(dir.clone());
            app.renamed = kust.renames(dir) && !self.loaded.rendered.contains_key(dir);
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

/// Does a Directory source read this file (§9.2): in the directory (or below it with
/// `recurse`), a manifest extension, and the include/exclude globs (relative to the path)?
pub fn directory_reads(src: &app::AppSource, path: &Path) -> bool {
    let inside = if src.recurse {
        path.starts_with(&src.dir)
    } else {
        path.parent() == Some(src.dir.as_path())
    };
    if !inside {
        return false;
    }
    let ext_ok = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json" | "jsonnet")
    );
    let rel = path
        .strip_prefix(&src.dir)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    ext_ok
        && src
            .include
            .as_deref()
            .is_none_or(|g| app::glob_alternatives(g, &rel))
        && !src
            .exclude
            .as_deref()
            .is_some_and(|g| app::glob_alternatives(g, &rel))
}

/// The remote URLs in `<root>/.git/config`, normalised.
fn git_remotes(root: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join(".git").join("config")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("url"))
        .filter_map(|l| l.trim_start().strip_prefix('='))
        .map(|u| app::normalize_repo_url(u.trim()))
        .collect()
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
        kustomize_dirs: Vec::new(),
        renamed: false,
        project: None,
        project_span: None,
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

impl Model<'_> {
    /// `helm template` writes `# Source: <chart>/templates/<file>` above each object: map to
    /// that template, on the first line that spells the key the finding is about.
    fn helm_origin(&self, file: usize, span: Span, root: &Node<'_>) -> Option<(usize, Span)> {
        let text = &self.files[file].text;
        let before = &text[..root.span.start as usize];
        let src = before
            .rfind("# Source: ")
            .map(|i| before[i + 10..].lines().next().unwrap_or(""))?;
        let chart = self.loaded.rendered.iter().find(|(_, f)| **f == file)?.0;
        let abs = crate::load::normalize(&chart.parent()?.join(src.trim()));
        let of = self.files.iter().position(|f| f.path == abs)?;
        let (path, _) = path_to(root, span.start);
        let key = path.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        });
        let t = &self.files[of].text;
        let found = key.and_then(|k| {
            let needle = format!("{k}:");
            t.match_indices(&needle)
                .find(|(i, _)| {
                    *i == 0
                        || t.as_bytes()[i - 1].is_ascii_whitespace()
                        || t.as_bytes()[i - 1] == b'-'
                })
                .map(|(i, _)| Span::new(i, i + k.len()))
        });
        Some((of, found.unwrap_or_default()))
    }
}

/// One step of a path through a YAML tree.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The path to the deepest node at `offset`, and whether `offset` is on a mapping key.
fn path_to(root: &Node<'_>, offset: u32) -> (Vec<Seg>, bool) {
    let mut path = Vec::new();
    let mut cur = root;
    'walk: loop {
        for e in cur.entries() {
            if e.key.span.start <= offset && offset < e.key.span.end.max(e.key.span.start + 1) {
                path.push(Seg::Key(e.key.str().unwrap_or("").to_string()));
                return (path, true);
            }
            if e.value.span.start <= offset && offset <= e.value.span.end {
                path.push(Seg::Key(e.key.str().unwrap_or("").to_string()));
                cur = &e.value;
                continue 'walk;
            }
        }
        for (i, item) in cur.items().iter().enumerate() {
            if item.span.start <= offset && offset <= item.span.end {
                path.push(Seg::Index(i));
                cur = item;
                continue 'walk;
            }
        }
        return (path, false);
    }
}

/// Follow `path` as far as it exists; the span of the node reached (its key when `key`).
fn follow(root: &Node<'_>, path: &[Seg], key: bool) -> Span {
    let mut cur = root;
    let mut last_key: Option<Span> = None;
    for (i, seg) in path.iter().enumerate() {
        let next = match seg {
            Seg::Key(k) => cur.entry(k).map(|e| (e.key.span, &e.value)),
            Seg::Index(n) => cur.items().get(*n).map(|item| (item.span, item)),
        };
        match next {
            Some((kspan, node)) => {
                if i + 1 == path.len() && key {
                    return kspan;
                }
                last_key = Some(kspan);
                cur = node;
            }
            // Added by the build (a patch, a transformer): point at the deepest existing key.
            None => return last_key.unwrap_or(cur.span),
        }
    }
    cur.span
}

impl Model<'_> {
    /// Where a position in rendered output comes from: the source file and the same key or
    /// value there (Kustomize's `config.kubernetes.io/origin` annotation names the file).
    pub fn origin(&self, file: usize, span: Span) -> (usize, Span) {
        if !self.loaded.rendered.values().any(|&f| f == file) {
            return (file, span);
        }
        let Some(pf) = self.parsed.iter().find(|p| p.file == file) else {
            return (file, span);
        };
        let Some(doc) = pf
            .yaml
            .docs
            .iter()
            .find(|d| d.root.span.start <= span.start && span.start <= d.root.span.end)
        else {
            return (file, span);
        };
        if self.loaded.rendered_helm.contains(&file) {
            return self
                .helm_origin(file, span, &doc.root)
                .unwrap_or((file, span));
        }
        let origin = doc
            .root
            .path(&["metadata", "annotations", "config.kubernetes.io/origin"])
            .and_then(Node::str)
            .unwrap_or("");
        let field = |name: &str| {
            origin
                .lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        let Some(rel) = field("path:").or_else(|| field("configuredIn:")) else {
            return (file, span);
        };
        // Paths are relative to the wrapper kustomization in the temporary directory.
        let wrapper = crate::load::absolute(&std::env::temp_dir().join("synclint-wrapper"));
        let abs = crate::load::normalize(&wrapper.join(&rel));
        let Some(of) = self.files.iter().position(|f| f.path == abs) else {
            return (file, span);
        };
        let kind = doc.root.get("kind").and_then(Node::str);
        let name = doc
            .root
            .path(&["metadata", "name"])
            .and_then(Node::str)
            .unwrap_or("");
        let Some(opf) = self.parsed.iter().find(|p| p.file == of) else {
            return (of, Span::default());
        };
        let same_kind: Vec<&Node<'_>> = opf
            .yaml
            .docs
            .iter()
            .map(|d| &d.root)
            .filter(|r| r.get("kind").and_then(Node::str) == kind)
            .collect();
        let target = same_kind
            .iter()
            .find(|r| {
                r.path(&["metadata", "name"])
                    .and_then(Node::str)
                    .is_some_and(|n| !n.is_empty() && name.contains(n))
            })
            .or(same_kind.first());
        let Some(target) = target else {
            // A generated object: point at the kustomization that configures it.
            return (of, Span::default());
        };
        let (path, key) = path_to(&doc.root, span.start);
        let mapped = follow(target, &path, key);
        (of, mapped)
    }
}
