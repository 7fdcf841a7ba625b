//! Everything Argo CD semantics: documents → resources, Applications and kustomizations → apps,
//! what each app syncs, the Argo CD instance that syncs them. A pure function of the workspace
//! and the rendered output: no filesystem, no processes.

pub mod app;
pub mod app_order;
pub mod appset;
pub mod argo;
pub mod duration;
pub mod exclusions;
pub mod glob;
mod gotemplate;
pub mod health;
pub mod instance;
pub mod jobs;
pub mod kustomize;
mod origin;
pub mod podspec;
pub mod project;
pub mod repo;
pub mod resource;
pub mod storage;
mod synced;

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::yaml::{Node, Span};
use crate::load::{FileClass, FileId, SourceFile, Workspace};

pub use app::{App, AppId};
use app::{Completeness, SourceContext, SourceType};
use jobs::Outcome;
pub use jobs::Rendered;
use kustomize::Kustomizations;
pub use resource::{ResId, Resource};

/// Choices that change how the tree is modelled.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Group manifests no Application claims into one app per command-line path, instead of one
    /// per directory (`--implicit-apps per-path`).
    pub group_per_path: bool,
    /// What the user says about the Argo CD instance (config, `--argocd-version`).
    pub argocd: instance::Declared,
    /// StorageClasses that bind `WaitForFirstConsumer` though the tree does not define them.
    pub storage_classes: Vec<String>,
    /// CRDs the cluster has before any sync (config `cluster-crds`): name or group/Kind.
    pub cluster_crds: Vec<String>,
    pub limits: crate::limits::Limits,
}

pub struct Model<'a> {
    pub ws: &'a Workspace,
    pub rendered: &'a Rendered,
    /// The workspace's files, then the rendered ones (ids continue).
    pub files: Vec<&'a SourceFile>,
    pub resources: Vec<Resource<'a>>,
    pub apps: Vec<App<'a>>,
    /// The tree defines Applications: a directory none of them syncs is not applied by Argo CD
    /// as far as synclint can tell (alternatives, examples, bootstrap leftovers).
    pub has_applications: bool,
    /// Applications are written in files synclint does not read as objects (Helm templates,
    /// other templates): what Argo CD syncs is decided where the tree cannot be read.
    pub applications_elsewhere: bool,
    /// Apps each resource belongs to.
    pub apps_of: Vec<Vec<AppId>>,
    /// Files skipped as kustomize patch fragments.
    pub fragments: Vec<FileId>,
    /// Manifest files in a kustomization's directory that its build does not include.
    pub left_out: Vec<FileId>,
    /// Files Argo CD does not read as manifests: a successful Kustomize build consumed them (its
    /// output is what Argo CD applies), or a kustomization leaves them out or patches with them.
    /// Their own syntax findings say nothing about the sync.
    pub unread: HashSet<FileId>,
    /// Files no Application syncs, in a tree whose Applications say what Argo CD applies, that
    /// are not objects by their place or name: test fixtures (`testdata/`, `fixtures/`, …) and
    /// patch files (`*-patch.yaml`, for `kubectl patch`). In no app; no rule looks at them.
    /// The value says why (for `--verbose`).
    pub set_aside: HashMap<FileId, &'static str>,
    /// Workspace files no Application syncs, in a tree whose Applications say all Argo CD
    /// applies (`synced.rs`): what is found there is not a proven sync failure. Finer than
    /// [`Model::unsynced`], which only knows that an app is implicit.
    pub unsynced_files: HashSet<FileId>,
    /// Files no Application syncs that also hold Argo CD's own objects (a bootstrap bundle
    /// with the root Application and the install): the spans of those objects, whose findings
    /// stand; the rest of the file is as unsynced as [`Model::unsynced_files`].
    pub unsynced_but_argo: HashMap<FileId, Vec<Span>>,
    /// Why the tree does not say all Argo CD syncs from it (so `unsynced` is empty).
    pub open_because: Option<String>,
    /// The named AppProjects, in resource order (found once: rules ask for them per app).
    pub project_ids: Vec<ResId>,
    /// Whether the tree is where the live AppProjects come from (`compute_projects_from_tree`).
    pub projects_from_tree: bool,
    /// Projects with repositories scoped to them (`compute_scoped_repositories`).
    pub scoped_repositories: HashSet<String>,
    /// Documents read (all files).
    pub documents: usize,
    /// Files that a kustomization with patches includes, not rendered: they change when built.
    pub patched_files: HashSet<FileId>,
    /// Files read as written although kustomize builds them (the build did not run here):
    /// kustomize would re-type some of their scalars (annotation values become strings).
    pub raw_kustomized: HashSet<FileId>,
    /// ApplicationSets whose generators cannot be resolved offline.
    pub unresolved: Vec<(ResId, appset::Unresolved)>,
    /// The kustomizations of the tree.
    pub kustomizations: Arc<Kustomizations>,
    /// Manifests under a Directory source's path that the app does not read:
    /// (app, source index, files).
    pub orphans: Vec<(AppId, usize, Vec<FileId>)>,
    /// CRDs by `spec.group` and `spec.names.kind`.
    pub crds: HashMap<(&'a str, &'a str), Vec<ResId>>,
    /// The Argo CD instance that syncs this tree, as far as the tree and config tell.
    pub instance: instance::Instance,
    pub settings: Settings,
}

/// The Applications an ApplicationSet generates (`Err` when its generators cannot be resolved
/// offline). Resources are not assigned.
pub fn generated_apps<'a>(
    r: &Resource<'a>,
    scx: &SourceContext<'_>,
    limit: usize,
) -> Result<Vec<App<'a>>, appset::Unresolved> {
    let Some(spec) = r.root.get("spec") else {
        return Ok(Vec::new());
    };
    let template = spec.get("template");
    let sets = appset::expand(spec, scx, limit)?;
    // A progressive sync (`strategy.type: RollingSync`) syncs the generated apps itself, step
    // by step: they sync without anyone asking, as automated apps do.
    let rolling = spec.path(&["strategy", "type"]).and_then(Node::str) == Some("RollingSync");
    Ok(sets
        .into_iter()
        .map(|params| {
            let name = template
                .and_then(|t| t.path(&["metadata", "name"]))
                .and_then(Node::str)
                .map_or_else(
                    || "<unnamed>".to_string(),
                    |n| appset::substitute(n, &params),
                );
            let subst = |t: &str| appset::substitute(t, &params);
            let mut app = app::from_spec(
                0,
                name,
                Some(r.id),
                template.and_then(|t| t.get("spec")),
                scx,
                &subst,
            );
            if let Some(patch) = spec.get("templatePatch") {
                // The ApplicationSet's own text (not a rendered one's), to point into the patch.
                let text = scx.ws.files.get(r.file).map(|f| f.text());
                appset::apply_template_patch(&mut app, template, patch, text, &params, scx);
            }
            app.automated |= rolling;
            // Hand-written values may hold `{{ }}` for a chart's own `tpl`; left over from the
            // ApplicationSet's template, they are an expression synclint did not evaluate.
            for src in &mut app.sources {
                src.helm.unevaluated = src.helm.templated();
            }
            app
        })
        .collect())
}

/// A node as YAML text for a tool to read (JSON is YAML), typed as the API server reads it.
pub fn yaml_text(n: &Node<'_>) -> String {
    n.to_json().to_string()
}

/// Directories that hold test inputs by convention. Environment names such as `test/` or
/// `e2e/` are not among them: those are deployed.
const FIXTURE_DIRS: [&str; 9] = [
    "testdata",
    "test-data",
    "test_data",
    "fixtures",
    "__fixtures__",
    "test-fixtures",
    "test_fixtures",
    "__tests__",
    "__snapshots__",
];

/// Folders of documentation and examples. In a tree whose Applications say what Argo CD
/// applies, such a folder that none of them syncs is reading material (a copy of
/// argocd-example-apps under `docs/`), not something a sync runs.
const DOCS_DIRS: [&str; 6] = [
    "docs",
    "doc",
    "documentation",
    "examples",
    "example",
    "samples",
];

/// Scaffolds to copy: their Applications name placeholders (`SERVICE_NAME`), not apps anyone
/// created.
const SCAFFOLD_DIRS: [&str; 4] = ["_template", "_templates", "scaffold", "skeleton"];

/// Folders of manifests put out of service (`archive/`, `00-disabled/`): kept, not applied.
fn retired_dir(name: &str) -> bool {
    const NAMES: [&str; 8] = [
        "old",
        "archive",
        "archived",
        "disabled",
        "deprecated",
        "unused",
        "attic",
        "graveyard",
    ];
    let n = name.to_ascii_lowercase();
    NAMES.contains(&n.as_str())
        || [
            "-disabled",
            "_disabled",
            ".disabled",
            "-archived",
            "_archived",
            "-old",
            "_old",
            ".old",
            "-deprecated",
            "_deprecated",
        ]
        .iter()
        .any(|s| n.ends_with(s))
}

/// CUE's module directory: definitions and manifests vendored or generated for CUE.
const CUE_DIR: &str = "cue.mod";

/// Is this file below a directory that holds test inputs, inside the tree being linted?
fn test_fixture(path: &Path, roots: &[PathBuf]) -> bool {
    below_a_dir_named(path, roots, &FIXTURE_DIRS) || below_test_data(path, roots)
}

/// Is this file below `tests/data/` (or `test/data/`), where a test suite keeps its inputs? A
/// `test/` folder alone may be an environment.
fn below_test_data(path: &Path, roots: &[PathBuf]) -> bool {
    let mut prev = "";
    dir_names(path, roots).any(|s| {
        let hit = matches!(prev, "test" | "tests") && s == "data";
        prev = s;
        hit
    })
}

/// Is this file below a scaffold to copy (`_template/`, `scaffold/`, `skeleton/`)?
fn scaffold(path: &Path, roots: &[PathBuf]) -> bool {
    below_a_dir_named(path, roots, &SCAFFOLD_DIRS)
}

/// Is this file below a folder put out of service (`archive/`, `00-disabled/`)?
fn retired(path: &Path, roots: &[PathBuf]) -> bool {
    dir_names(path, roots).any(retired_dir)
}

/// Why a file no Application syncs is not an object, by its place alone: test fixtures, docs,
/// examples and scaffolds, a CUE module's files, retired folders (for `--verbose`). One pass
/// over the path.
fn set_aside_by_place(path: &Path, roots: &[PathBuf]) -> Option<&'static str> {
    let (mut fixture, mut docs, mut cue, mut retired) = (false, false, false, false);
    for s in dir_names(path, roots) {
        fixture |= FIXTURE_DIRS.contains(&s);
        docs |= DOCS_DIRS.contains(&s) || SCAFFOLD_DIRS.contains(&s);
        cue |= s == CUE_DIR;
        retired |= retired_dir(s);
    }
    if fixture || below_test_data(path, roots) {
        Some("a test fixture no Application syncs (not applied)")
    } else if docs {
        Some("documentation, an example or a scaffold no Application syncs (not applied)")
    } else if cue {
        Some("a CUE module's vendored or generated files no Application syncs (not applied)")
    } else if retired {
        Some("in a disabled or archived directory no Application syncs (not applied)")
    } else {
        None
    }
}

/// The names of the directories between the linted tree's top (`roots`) and the file: what
/// lies above the tree is the user's business.
fn dir_names<'p>(path: &'p Path, roots: &[PathBuf]) -> impl Iterator<Item = &'p str> {
    let top = roots.last().map_or(Path::new(""), PathBuf::as_path);
    let path = path.strip_prefix(top).unwrap_or(path);
    path.parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| c.as_os_str().to_str())
}

/// Is one of the directories between the linted tree's top and the file named one of `names`?
fn below_a_dir_named(path: &Path, roots: &[PathBuf], names: &[&str]) -> bool {
    dir_names(path, roots).any(|s| names.contains(&s))
}

/// Is the file named as a patch (`deploy-patch.yaml`, `patch_cm.yml`, `patches.yaml`)?
fn patch_named(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|stem| {
            stem.to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == "patch" || w == "patches")
        })
}

const TEST_OUTPUT: &str = "a test's expected output (`*.snap.yaml`, `*.golden.yaml`, `*.expected.yaml`): compared against, never applied";

/// A test's expected output, by its name (Helm unittest snapshots, golden files), which no
/// one applies whether the tree has Applications or not.
fn test_output(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        [".snap.", ".golden.", ".expected."]
            .iter()
            .any(|m| n.contains(m))
    })
}

/// The directory part of a file's display name (`.` for a bare file name).
fn parent_name(name: &str) -> String {
    match Path::new(name).parent().map(|p| p.to_string_lossy()) {
        Some(p) if !p.is_empty() => p.into_owned(),
        _ => ".".into(),
    }
}

/// Where a file's objects are: (document, node, `apiVersion`, `kind` node).
type Slot<'a> = (usize, &'a Node<'a>, &'a str, &'a Node<'a>);

/// A document's objects: itself, or the items of a `List`.
fn object_slots<'a>(out: &mut Vec<Slot<'a>>, doc: usize, root: &'a Node<'a>) {
    let kind = root.get("kind").and_then(Node::str);
    if kind.is_some_and(|k| k.ends_with("List")) && root.get("items").is_some() {
        for item in root.get("items").map(Node::items).unwrap_or(&[]) {
            if let Some((v, k)) = resource::object_type(item) {
                out.push((doc, item, v, k));
            }
        }
        return;
    }
    if let Some((v, k)) = resource::object_type(root) {
        out.push((doc, root, v, k));
    }
}

/// A rendered build's output, and why a build that did not run left the app partial.
enum Build {
    Rendered(FileId),
    Raw(Option<String>),
}

impl<'a> Model<'a> {
    /// An implicit app in a tree whose Applications do not sync it: findings that need to know
    /// what one sync applies together cannot be proved there.
    pub fn unsynced(&self, app: &App<'_>) -> bool {
        app.is_implicit() && self.has_applications
    }

    /// Does Argo CD sync this object, as far as the tree tells? Not when every app that holds it
    /// is a directory no Application syncs.
    pub fn synced(&self, r: &Resource<'_>) -> bool {
        let apps = &self.apps_of[r.id];
        apps.is_empty() || apps.iter().any(|&a| !self.unsynced(&self.apps[a]))
    }

    /// A workload with no `spec.selector`, where no Application syncs it: the shape of a
    /// strategic-merge patch (applied with `kubectl patch`, or by a tool outside the tree), not
    /// an object anyone applies whole. Where an Application syncs it, it is a real error.
    pub fn looks_like_a_patch(&self, r: &Resource<'_>) -> bool {
        r.group == "apps"
            && matches!(
                r.kind,
                "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
            )
            && r.root.path(&["spec", "selector"]).is_none()
            && !self.synced(r)
    }

    pub fn build(ws: &'a Workspace, rendered: &'a Rendered, settings: &Settings) -> Model<'a> {
        let files: Vec<&'a SourceFile> = ws
            .files
            .iter()
            .chain(&rendered.files)
            .map(|f| &**f)
            .collect();
        let kust = rendered.kustomizations.clone().unwrap_or_else(|| {
            Arc::new(Kustomizations::for_tree(ws, settings.limits.generated_apps))
        });

        // Raw files a rendered build stands for, and files of a kustomization's directory that
        // no build includes: neither is an object Argo CD applies.
        let covered = rendered.covered(ws, &kust);
        let included: HashSet<&Path> = kust
            .by_dir
            .values()
            .flat_map(|k| k.includes.iter().map(PathBuf::as_path))
            .collect();
        // Files a kustomization lists only in comments (an opt-in menu), that no build includes.
        let commented_out: HashSet<&Path> = kust
            .by_dir
            .values()
            .flat_map(|k| k.commented_out.iter().map(PathBuf::as_path))
            .filter(|p| !included.contains(p))
            .collect();
        // Plain folders below a kustomization that it takes files from (patches, included
        // manifests, a commented-out menu). Folders elsewhere may be other apps' directories:
        // not these.
        let below_a_kustomization = |d: &Path| {
            !kust.by_dir.contains_key(d)
                && d.ancestors()
                    .skip(1)
                    .take(3)
                    .any(|a| kust.by_dir.contains_key(a))
        };
        let managed_dirs: HashSet<&Path> = kust
            .by_dir
            .iter()
            .flat_map(|(dir, k)| {
                k.includes
                    .iter()
                    .filter(move |p| p.starts_with(dir))
                    .map(PathBuf::as_path)
            })
            .chain(kust.fragments.iter().map(|p| Path::new(p.as_os_str())))
            .chain(commented_out.iter().copied())
            .filter_map(Path::parent)
            .filter(|d| below_a_kustomization(d))
            .collect();
        // A `patches/` folder of a kustomization's directory holds patches, whether the
        // kustomization uses them yet or not.
        let patch_dirs: Vec<PathBuf> = kust
            .by_dir
            .keys()
            .flat_map(|d| [d.join("patches"), d.join("patch")])
            .filter(|d| ws.is_dir(d) && !kust.by_dir.contains_key(d))
            .collect();
        let mut managed_dirs = managed_dirs;
        managed_dirs.extend(patch_dirs.iter().map(PathBuf::as_path));
        // What each file is: classified in parallel (each file on its own), then numbered in
        // file order.
        enum Class<'a> {
            Skip,
            Fragment,
            LeftOut,
            Encrypted,
            Objects(Vec<Slot<'a>>),
        }
        let classes: Vec<Class<'a>> = files
            .par_iter()
            .enumerate()
            .map(|(id, f)| {
                // A file a rendered build stands for is not parsed at all.
                if f.class != FileClass::Yaml || covered.contains(&id) {
                    return Class::Skip;
                }
                if kust.fragments.contains(f.path.as_os_str()) {
                    return Class::Fragment;
                }
                // In a kustomization's directory, or in a plain folder below one that the
                // kustomization takes other files from (a patch folder): kustomize reads only
                // what the kustomization names.
                let in_kustomize_dir = id < ws.files.len()
                    && !f
                        .path
                        .file_name()
                        .is_some_and(|n| kustomize::NAMES.iter().any(|k| n == *k))
                    && f.path
                        .parent()
                        .is_some_and(|d| kust.by_dir.contains_key(d) || managed_dirs.contains(d));
                // A directory an Application reads as plain YAML: every file in it is applied.
                let read_plain = f.path.parent().is_some_and(|d| kust.read_plain.contains(d));
                if !read_plain
                    && ((in_kustomize_dir && !included.contains(f.path.as_path()))
                        || commented_out.contains(f.path.as_path()))
                {
                    return Class::LeftOut;
                }
                let y = f.yaml();
                // A strategic-merge patch directive (`$patch: delete`) marks a fragment for
                // kustomize or `kubectl patch`, never a whole object.
                let patch = |d: &crate::load::yaml::Document<'_>| d.root.get("$patch").is_some();
                if !y.docs.is_empty() && y.docs.iter().all(patch) {
                    return Class::Fragment;
                }
                // SOPS-encrypted: a plugin (KSOPS, helm-secrets) or a script decrypts it first;
                // the ciphertext is never what gets applied.
                let sops = |d: &crate::load::yaml::Document<'_>| {
                    d.root
                        .get("sops")
                        .is_some_and(|s| s.get("mac").is_some() || s.get("lastmodified").is_some())
                };
                if !y.docs.is_empty() && y.docs.iter().all(sops) {
                    return Class::Encrypted;
                }
                let mut out = Vec::new();
                for (di, doc) in y.docs.iter().enumerate() {
                    if !patch(doc) && !sops(doc) {
                        object_slots(&mut out, di, &doc.root);
                    }
                }
                Class::Objects(out)
            })
            .collect();
        // The documents linted: a rendered build's, not again those of the files it stands for.
        let documents = files
            .iter()
            .enumerate()
            .filter(|(id, _)| !covered.contains(id))
            .map(|(_, f)| f.yaml().docs.len())
            .sum();
        let mut left_out = Vec::new();
        let mut fragments = Vec::new();
        let mut slots: Vec<(FileId, Slot<'a>)> = Vec::new();
        let mut encrypted = Vec::new();
        for (id, class) in classes.into_iter().enumerate() {
            match class {
                Class::Skip => {}
                Class::Encrypted => encrypted.push(id),
                Class::Fragment => fragments.push(id),
                Class::LeftOut => left_out.push(id),
                Class::Objects(s) => slots.extend(s.into_iter().map(|s| (id, s))),
            }
        }
        // Built in place (an indexed collect writes straight into the result).
        let resources: Vec<Resource<'a>> = slots
            .into_par_iter()
            .enumerate()
            .map(|(rid, (file, (doc, root, v, k)))| {
                Resource::new(rid, file, doc, root, files[file].text(), v, k)
            })
            .collect();

        let mut crds: HashMap<(&'a str, &'a str), Vec<ResId>> = HashMap::default();
        for r in &resources {
            if let Some(key) = r.crd_key() {
                crds.entry(key).or_default().push(r.id);
            }
        }
        let instance = instance::Instance::discover(
            ws,
            &files,
            &resources,
            &fragments,
            &|f| covered.contains(&f) || left_out.contains(&f),
            &settings.argocd,
        );
        let unread: HashSet<FileId> = covered
            .iter()
            .copied()
            .chain(left_out.iter().copied())
            .chain(fragments.iter().copied())
            .chain(encrypted.iter().copied())
            .collect();
        let mut model = Model {
            ws,
            rendered,
            files,
            resources,
            apps: Vec::new(),
            has_applications: false,
            applications_elsewhere: ws.files.iter().any(|f| {
                let t = f.text();
                (matches!(f.class, FileClass::Skipped(_))
                    && (crate::load::source::occurs(t, "kind: Application\n")
                        || crate::load::source::occurs(t, "kind: ApplicationSet\n")))
                    // An Application wrapped in another object (Crossplane's `Object`,
                    // `forProvider.manifest`): created by that object's controller.
                    || (f.class == FileClass::Yaml
                        && crate::load::source::occurs(t, "  apiVersion: argoproj.io/")
                        && crate::load::source::occurs(t, "  kind: Application"))
            }),
            apps_of: Vec::new(),
            fragments,
            left_out,
            unread,
            set_aside: HashMap::default(),
            unsynced_files: HashSet::default(),
            unsynced_but_argo: HashMap::default(),
            open_because: None,
            project_ids: Vec::new(),
            projects_from_tree: true,
            scoped_repositories: HashSet::default(),
            documents,
            patched_files: HashSet::default(),
            raw_kustomized: HashSet::default(),
            unresolved: Vec::new(),
            kustomizations: Arc::default(),
            orphans: Vec::new(),
            crds,
            instance,
            settings: settings.clone(),
        };
        for f in encrypted {
            model.set_aside.insert(
                f,
                "SOPS-encrypted: decrypted by a plugin or a script before anything applies it",
            );
        }
        model.project_ids = model
            .resources
            .iter()
            .filter(|r| r.is("argoproj.io", "AppProject") && r.name.is_some())
            .map(|r| r.id)
            .collect();
        model.assign_apps(&kust);
        // ApplicationSets whose generators cannot be expanded offline create apps all the same.
        model.applications_elsewhere |= !model.unresolved.is_empty();
        model.kustomizations = kust;
        model.projects_from_tree = model.compute_projects_from_tree();
        model.scoped_repositories = model.compute_scoped_repositories();
        (
            model.unsynced_files,
            model.unsynced_but_argo,
            model.open_because,
        ) = model.compute_unsynced();
        model
    }

    pub fn text(&self, file: FileId) -> &'a str {
        self.files[file].text()
    }

    /// Is this object namespaced? From CRDs in the tree, then the built-in kinds' scopes, then
    /// Argo CD's own kinds (whose CRDs are rarely in the tree). `None` when unknown.
    pub fn is_namespaced(&self, r: &Resource<'_>) -> Option<bool> {
        if let Some(&crd) = self.crds.get(&(r.group, r.kind)).and_then(|v| v.first()) {
            let scope = self.resources[crd]
                .root
                .path(&["spec", "scope"])
                .and_then(Node::str);
            return Some(scope != Some("Cluster"));
        }
        crate::schema::set::builtin_scope(&format!("{}/{}", r.api_version, r.kind))
            .or_else(|| crate::schema::set::builtin_scope_by_kind(r.group, r.kind))
            .or_else(|| {
                (r.group == "argoproj.io"
                    && matches!(r.kind, "Application" | "AppProject" | "ApplicationSet"))
                .then_some(true)
            })
    }

    /// Built by a kustomization that patches, not rendered: the raw file may lack what the
    /// build adds.
    pub fn possibly_patched(&self, r: &Resource<'_>) -> bool {
        self.patched_files.contains(&r.file)
    }

    /// Is every app this resource belongs to complete (nothing of it missing from the tree)?
    pub fn complete(&self, r: &Resource<'_>) -> bool {
        self.apps_of[r.id]
            .iter()
            .all(|&a| self.apps[a].is_complete())
    }

    /// The app at the top of `a`'s app-of-apps chain (itself when nothing in the tree creates it).
    pub fn app_root(&self, mut a: AppId) -> AppId {
        // Bounded: a cycle of parents (a misconfigured tree) must not loop.
        for _ in 0..self.apps.len() {
            match self.apps[a].parent {
                Some(p) if p != a => a = p,
                _ => break,
            }
        }
        a
    }

    /// Does the instance leave this object out of the syncs it is in (all of them)? An object
    /// no app syncs is judged without a cluster.
    pub fn excluded(&self, r: &Resource<'_>) -> exclusions::Excluded {
        let at = |server: Option<&str>| self.instance.excluded(r.group, r.kind, server);
        self.apps_of[r.id]
            .iter()
            .map(|&a| at(self.apps[a].cluster.server.as_deref()))
            .min()
            .unwrap_or_else(|| at(None))
    }

    /// Do both apps belong to one Argo CD: one app-of-apps tree, or two top-level Application
    /// files side by side? Repos that hold several clusters keep one tree each, so two different
    /// roots are two instances as far as synclint can prove.
    pub fn same_instance(&self, a: AppId, b: AppId) -> bool {
        let (ra, rb) = (self.app_root(a), self.app_root(b));
        ra == rb || {
            let dir = |x: AppId| {
                self.apps[x]
                    .application
                    .and_then(|id| self.files[self.resources[id].file].path.parent())
            };
            a == ra && b == rb && dir(a).is_some() && dir(a) == dir(b)
        }
    }

    /// The app trees (their root apps) that sync Argo CD's configuration (an `argocd-cm`, an
    /// operator's `ArgoCD`), in any copy; empty when no Application of the tree syncs it (a
    /// bootstrap file, an install applied by hand).
    pub fn config_trees(&self) -> Vec<AppId> {
        let mut roots: Vec<AppId> = self
            .resources
            .iter()
            .filter(|r| {
                (r.is("", "ConfigMap") && r.name == Some("argocd-cm"))
                    || r.is("argoproj.io", "ArgoCD")
            })
            .flat_map(|r| self.apps_of[r.id].iter().copied())
            .filter(|&a| !self.apps[a].is_implicit())
            .map(|a| self.app_root(a))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        roots
    }

    /// The repository root paths are shown relative to.
    pub fn repo_root(&self) -> &Path {
        self.ws
            .roots
            .first()
            .and_then(|r| r.repo_roots.first())
            .map_or(Path::new("/"), PathBuf::as_path)
    }

    /// A directory as the user sees it.
    pub fn shown_dir(&self, dir: &Path) -> String {
        self.ws
            .files_under(dir)
            .map(|f| &self.ws.files[f])
            .find(|f| f.path.parent() == Some(dir))
            .and_then(|f| Path::new(&f.name).parent().map(|p| p.display().to_string()))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| dir.display().to_string())
    }

    fn build_of(&self, kust: &Kustomizations, dir: &Path, helm: bool) -> Build {
        match self.rendered.outcome(dir, helm) {
            Some(Outcome::Rendered { file, .. }) => Build::Rendered(*file),
            Some(Outcome::Failed(e)) => Build::Raw(Some(format!("the build fails: {e}"))),
            Some(Outcome::Blocked(why)) => Build::Raw(Some(why.clone())),
            // Not rendered here: the parts are all in the tree, linted as written.
            Some(Outcome::Skipped(_)) | None if !helm => Build::Raw(kust.blocker(dir)),
            Some(Outcome::Skipped(why)) => Build::Raw(Some(why.clone())),
            None => Build::Raw(Some("the chart was not rendered".into())),
        }
    }

    fn assign_apps(&mut self, kust: &Kustomizations) {
        let ws = self.ws;
        let limit = self.settings.limits.generated_apps;
        // Resources per file.
        let mut res_by_file: HashMap<FileId, Vec<ResId>> = HashMap::default();
        for r in &self.resources {
            res_by_file.entry(r.file).or_default().push(r.id);
        }
        let file_resources = |fs: &[FileId]| -> Vec<ResId> {
            fs.iter()
                .flat_map(|f| res_by_file.get(f).into_iter().flatten().copied())
                .collect()
        };
        // Files directly in each directory (the workspace's own files).
        let mut files_in_dir: HashMap<&std::ffi::OsStr, Vec<FileId>> = HashMap::default();
        for (i, f) in ws.files.iter().enumerate() {
            if let Some(d) = f.path.parent() {
                files_in_dir.entry(d.as_os_str()).or_default().push(i);
            }
        }
        let mut claimed: HashSet<ResId> = HashSet::default();
        let mut apps: Vec<App<'a>> = Vec::new();

        // Explicit Applications, and the Applications of resolvable ApplicationSets: each one
        // is independent of the others (generators scan directories), so in parallel.
        enum Source<'a> {
            App(Box<App<'a>>),
            Set(Result<Vec<App<'a>>, appset::Unresolved>),
        }
        let sources: Vec<(ResId, Source<'a>)> = self
            .resources
            .par_iter()
            .filter(|r| r.is("argoproj.io", "Application") || r.is("argoproj.io", "ApplicationSet"))
            // An Application among test fixtures is another tool's test input, one in a
            // scaffold a placeholder to fill in, one in a retired folder parked: none is an app.
            .filter(|r| {
                r.file >= ws.files.len() || {
                    let (path, roots) = (&ws.files[r.file].path, ws.repo_roots_of(r.file));
                    !test_fixture(path, roots) && !scaffold(path, roots) && !retired(path, roots)
                }
            })
            // A stub to copy and fill in (`name: dash-{{TEAM}}`): no object can have that name.
            .filter(|r| !(r.kind == "Application" && r.name.is_some_and(|n| n.contains("{{"))))
            .filter_map(|r| {
                let scx = SourceContext {
                    ws,
                    repo_roots: if r.file < ws.files.len() {
                        ws.repo_roots_of(r.file)
                    } else {
                        ws.roots.first().map_or(&[], |x| x.repo_roots.as_slice())
                    },
                };
                if r.is("argoproj.io", "Application") {
                    Some((
                        r.id,
                        Source::App(Box::new(app::from_application(0, r, &scx))),
                    ))
                } else if r.is("argoproj.io", "ApplicationSet") {
                    Some((r.id, Source::Set(generated_apps(r, &scx, limit))))
                } else {
                    None
                }
            })
            .collect();
        let mut generated: Vec<(App<'a>, ResId)> = Vec::new();
        for (id, source) in sources {
            match source {
                Source::App(a) => generated.push((*a, id)),
                Source::Set(Err(u)) => self.unresolved.push((id, u)),
                Source::Set(Ok(list)) => generated.extend(list.into_iter().map(|a| (a, id))),
            }
        }
        // Each app's members depend only on its sources: found in parallel, claimed in order.
        let this = &*self;
        // (app, its members, files a build would patch, files of builds read as written)
        type Assigned<'a> = (App<'a>, Vec<ResId>, Vec<FileId>, Vec<FileId>);
        let assigned: Vec<Assigned<'a>> = generated
            .into_par_iter()
            .map(|(mut app, owner)| {
                let mut members = Vec::new();
                let mut patched: Vec<FileId> = Vec::new();
                let mut raw: Vec<FileId> = Vec::new();
                let mut partial: Vec<String> = Vec::new();
                for src in app.sources.iter().filter(|s| s.local) {
                    let files: Vec<FileId> = match src.kind {
                        SourceType::Kustomize if kust.by_dir.contains_key(&src.dir) => {
                            app.kustomize = true;
                            app.kustomize_dirs.push(src.dir.clone());
                            match this.build_of(kust, &src.dir, false) {
                                Build::Rendered(f) => vec![f],
                                Build::Raw(why) => {
                                    app.renamed |= kust.renames(&src.dir);
                                    partial.extend(why);
                                    let closure = kust.closure(ws, &src.dir);
                                    // Raw files a build would patch may lack what the patch adds.
                                    if kust.patches(&src.dir) {
                                        patched.extend(closure.iter().copied());
                                    }
                                    raw.extend(closure.iter().copied());
                                    closure
                                }
                            }
                        }
                        SourceType::Directory => {
                            let candidates: Vec<FileId> = if src.recurse {
                                ws.files_under(&src.dir).collect()
                            } else {
                                files_in_dir
                                    .get(src.dir.as_os_str())
                                    .cloned()
                                    .unwrap_or_default()
                            };
                            candidates
                                .into_iter()
                                .filter(|&f| app::directory_reads(src, &ws.files[f].path))
                                .collect()
                        }
                        SourceType::Helm => match this.build_of(kust, &src.dir, true) {
                            Build::Rendered(f) => vec![f],
                            Build::Raw(why) => {
                                partial.extend(why);
                                Vec::new()
                            }
                        },
                        // `kustomize:` options on a directory with no kustomization: Argo CD's build
                        // fails, which `multiple-source-types` or `render-failed` explain.
                        SourceType::Kustomize => Vec::new(),
                        // Plugin sources need the plugin; raw templates are not objects.
                        SourceType::Plugin => {
                            partial.push("a Config Management Plugin renders it".into());
                            Vec::new()
                        }
                    };
                    members.extend(file_resources(&files));
                }
                if app.external_sources > 0 {
                    partial.push(format!(
                        "{} of its sources come from other repositories",
                        app.external_sources
                    ));
                }
                if let Some(why) = partial.into_iter().next() {
                    app.completeness = Completeness::Partial(why);
                }
                // An Application never manages itself (nor does an ApplicationSet's child).
                members.retain(|&m| m != owner);
                members.sort_unstable();
                members.dedup();
                (app, members, patched, raw)
            })
            .collect();
        for (mut app, members, patched, raw) in assigned {
            app.id = apps.len();
            self.patched_files.extend(patched);
            self.raw_kustomized.extend(raw);
            claimed.extend(members.iter().copied());
            app.resources = members;
            apps.push(app);
        }

        // Manifests under an app's directory that it does not read (subdirectories without
        // `recurse`, files its include/exclude globs leave out) and no other app reads either.
        let claimed_files: HashSet<FileId> =
            claimed.iter().map(|&r| self.resources[r].file).collect();
        for a in &apps {
            for (si, src) in a.sources.iter().enumerate() {
                if !src.local || src.kind != SourceType::Directory {
                    continue;
                }
                let orphaned: Vec<FileId> = ws
                    .files_under(&src.dir)
                    .filter(|i| {
                        res_by_file.contains_key(i)
                            && !claimed_files.contains(i)
                            && !app::directory_reads(src, &ws.files[*i].path)
                    })
                    .collect();
                if !orphaned.is_empty() {
                    self.orphans.push((a.id, si, orphaned));
                }
            }
        }

        // Kustomizations no other kustomization includes: each is an app Argo CD would build at
        // that path (rendered if the tools allow, else linted as written).
        // Directories whose Application is switched off: its file sits in a kustomization's
        // directory but the kustomization leaves it out (listed only in a comment, or not
        // listed while it lists other Applications: a list of apps this one was taken off), so
        // no build creates it, nor the apps below it. A lone Application beside a kustomization
        // of other objects is a root applied by hand.
        let commented: HashSet<&Path> = kust
            .by_dir
            .values()
            .flat_map(|k| k.commented_out.iter().map(PathBuf::as_path))
            .collect();
        let app_files: HashSet<FileId> = self
            .resources
            .iter()
            // Only asked about left-out files: none, nothing to gather.
            .filter(|r| !self.left_out.is_empty() && r.is("argoproj.io", "Application"))
            // A rendered one counts in the file it was written in.
            .map(|r| self.origin(r.file, r.kind_span).0)
            .collect();
        let lists_apps = |f: FileId| {
            ws.files[f]
                .path
                .parent()
                .and_then(|d| kust.by_dir.get(d))
                .is_some_and(|k| {
                    k.includes
                        .iter()
                        .any(|p| ws.file_at(p).is_some_and(|i| app_files.contains(&i)))
                })
        };
        let switched_off: Vec<(PathBuf, String)> = self
            .left_out
            .iter()
            .copied()
            .filter(|&f| commented.contains(ws.files[f].path.as_path()) || lists_apps(f))
            .flat_map(|f| {
                let root = ws.repo_roots_of(f).first().cloned();
                ws.files[f].yaml().docs.iter().filter_map(move |d| {
                    let r = &d.root;
                    if r.get("kind").and_then(Node::str) != Some("Application") {
                        return None;
                    }
                    let path = r.path(&["spec", "source", "path"]).and_then(Node::str)?;
                    let path = path.trim_start_matches("./").trim_end_matches('/');
                    if path.is_empty() || path == "." || path.contains("..") {
                        return None;
                    }
                    let name = r
                        .path(&["metadata", "name"])
                        .and_then(Node::str)
                        .unwrap_or("?");
                    let dir = root.as_ref()?.join(path);
                    // A root app pointing at its own folder (the kustomization that lists its
                    // children) is applied by hand, not switched off.
                    (!ws.files[f].path.starts_with(&dir)).then(|| (dir, name.to_string()))
                })
            })
            .collect();
        // What each build reads does not depend on the others: found in parallel, claimed in
        // order.
        struct RootBuild<'k> {
            dir: &'k Path,
            sources: Vec<FileId>,
            why: Option<String>,
            raw: bool,
            patches: bool,
            renames: bool,
        }
        let builds: Vec<RootBuild<'_>> = kust
            .roots()
            .into_par_iter()
            .map(|dir| {
                let (sources, raw, why) = match self.build_of(kust, dir, false) {
                    Build::Rendered(f) => (vec![f], false, None),
                    Build::Raw(why) => (kust.closure(ws, dir), true, why),
                };
                RootBuild {
                    dir,
                    raw,
                    patches: raw && kust.patches(dir),
                    renames: raw && kust.renames(dir),
                    sources,
                    why,
                }
            })
            .collect();
        const SWITCHED_OFF: &str = "the Application that syncs this directory is left out of its kustomization (switched off): not applied";
        let explicit_apps = apps.iter().any(|a| !a.is_implicit());
        for RootBuild {
            dir,
            sources,
            why,
            raw,
            patches,
            renames,
        } in builds
        {
            if explicit_apps && switched_off.iter().any(|(d, _)| dir.starts_with(d)) {
                for f in sources {
                    if file_resources(&[f]).iter().all(|m| !claimed.contains(m)) {
                        self.set_aside.insert(f, SWITCHED_OFF);
                    }
                }
                continue;
            }
            // A kustomization among docs, examples or test fixtures that no Application syncs:
            // its own files are reading material (a base it shares with a real build is not).
            let aside = kustomize::NAMES
                .iter()
                .find_map(|n| ws.file_at(&dir.join(n)))
                .and_then(|k| set_aside_by_place(&ws.files[k].path, ws.repo_roots_of(k)));
            if let Some(why) = aside
                && (explicit_apps || self.applications_elsewhere)
            {
                let own: Vec<FileId> = sources
                    .iter()
                    .copied()
                    .filter(|&f| {
                        self.files[f].path.starts_with(dir)
                            && file_resources(&[f]).iter().all(|m| !claimed.contains(m))
                    })
                    .collect();
                if !own.is_empty() {
                    for f in own {
                        self.set_aside.insert(f, why);
                    }
                    continue;
                }
            }
            let members: Vec<ResId> = file_resources(&sources)
                .into_iter()
                .filter(|m| !claimed.contains(m))
                .collect();
            if members.is_empty() {
                continue;
            }
            if patches {
                // Raw (unrendered) builds read their closure: `sources` is it.
                self.patched_files.extend(sources.iter().copied());
            }
            if raw {
                self.raw_kustomized.extend(sources.iter().copied());
            }
            claimed.extend(members.iter().copied());
            // Named like the user sees the directory: from the kustomization file's display path.
            let name = kustomize::NAMES
                .iter()
                .find_map(|n| ws.file_at(&dir.join(n)))
                .map_or_else(
                    || dir.to_string_lossy().into_owned(),
                    |f| parent_name(&ws.files[f].name),
                );
            let mut app = App::implicit(apps.len(), name, members);
            app.kustomize = true;
            app.kustomize_dirs.push(dir.to_path_buf());
            app.renamed = renames;
            if let Some(w) = why {
                app.completeness = Completeness::Partial(w);
            }
            apps.push(app);
        }

        // Everything else is grouped the way a Directory Application reads it: one app per
        // directory (non-recursive, Argo CD's default). A file or stdin given on the command line
        // is one app of its own. Test fixtures no Application syncs are not objects at all.
        // Applications in templates (an app of apps written as a Helm chart) say what Argo CD
        // applies as much as written ones: docs and fixtures beside them are reading material.
        let has_applications = apps.iter().any(|a| !a.is_implicit()) || self.applications_elsewhere;
        for root in &ws.roots {
            // Each file's verdict and group, found in parallel (paths only), applied in order.
            let verdicts: Vec<(Option<&'static str>, String)> = root
                .files
                .par_iter()
                .map(|&f| {
                    let path = &ws.files[f].path;
                    let why = if test_output(path) {
                        Some(TEST_OUTPUT)
                    } else if let Some(why) = set_aside_by_place(path, &root.repo_roots) {
                        Some(why)
                    } else if switched_off.iter().any(|(d, _)| path.starts_with(d)) {
                        Some(SWITCHED_OFF)
                    } else if patch_named(path) {
                        Some(
                            "named as a patch, and no Application or kustomization uses it (a fragment for `kubectl patch`, not a whole object)",
                        )
                    } else {
                        None
                    };
                    let key = if root.is_dir && !self.settings.group_per_path {
                        path.parent()
                            .map_or_else(|| root.name.clone(), |_| parent_name(&ws.files[f].name))
                    } else {
                        root.name.clone()
                    };
                    (why, key)
                })
                .collect();
            let mut groups: BTreeMap<String, Vec<ResId>> = BTreeMap::new();
            for (&f, (why, key)) in root.files.iter().zip(verdicts) {
                if self.set_aside.contains_key(&f) {
                    continue;
                }
                if let Some(why) = why
                    && (has_applications || why == TEST_OUTPUT)
                    && root.is_dir
                    && res_by_file
                        .get(&f)
                        .is_none_or(|rs| rs.iter().all(|m| !claimed.contains(m)))
                {
                    self.set_aside.insert(f, why);
                    continue;
                }
                let members: Vec<ResId> = file_resources(&[f])
                    .into_iter()
                    .filter(|m| !claimed.contains(m))
                    .collect();
                // Below a kustomization that patches objects like these: a menu entry it does
                // not list yet (a template, an example), completed by those patches once listed.
                if members.iter().any(|&m| {
                    ws.files[f]
                        .path
                        .ancestors()
                        .skip(1)
                        .filter_map(|a| kust.by_dir.get(a))
                        .flat_map(|k| &k.patch_targets)
                        .any(|t| t.may_select(&self.resources[m]))
                }) {
                    self.patched_files.insert(f);
                }
                groups.entry(key).or_default().extend(members);
            }
            for (name, members) in groups {
                if members.is_empty() {
                    continue;
                }
                claimed.extend(members.iter().copied());
                apps.push(App::implicit(apps.len(), name, members));
            }
        }

        let mut apps_of = vec![Vec::new(); self.resources.len()];
        for a in &apps {
            for &r in &a.resources {
                apps_of[r].push(a.id);
            }
        }
        // App of apps: the app whose manifests hold an Application is its parent.
        for a in &mut apps {
            if let Some(owner) = a.application {
                a.parent = apps_of[owner].first().copied();
            }
        }
        self.has_applications = apps.iter().any(|a| !a.is_implicit());
        self.apps = apps;
        self.apps_of = apps_of;
    }
}
