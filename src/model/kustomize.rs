//! The Kustomize graph of the tree, read from the kustomization files themselves: which files a
//! build includes as whole resources, which are patches (fragments, never objects), which
//! directories are roots, and whether a build can run offline. The offline check walks every
//! entry that can load something — resources, components, patches, generators, transformers,
//! `helmCharts`, generator files — so a remote reference anywhere (also behind a hidden
//! directory) keeps the build from running.

use foldhash::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::load::yaml::Node;
use crate::load::{FileId, Workspace, normalize};

pub const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, Default)]
pub struct Kustomization {
    /// The kustomization file.
    pub file: FileId,
    /// Files and directories listed under `resources`, `bases`, `components` (absolute).
    pub includes: Vec<PathBuf>,
    /// Sets `namespace`, `namePrefix` or `nameSuffix`: object identities change when built.
    pub renames: bool,
    /// Patches, replacements or components: objects change when built.
    pub patches: bool,
    /// Why `kustomize build` cannot run offline here (remote bases, Helm charts, paths outside
    /// the checkout).
    pub blocker: Option<String>,
    /// `kind: Component`: only built as part of another kustomization, never on its own.
    pub component: bool,
    /// Files named in commented-out list entries (`# - argocd/monitoring.yaml`): a menu the
    /// user enables by hand, not applied until then (absolute).
    pub commented_out: Vec<PathBuf>,
    /// The objects its `patches` and `patchesJson6902` entries select by `target:`.
    pub patch_targets: Vec<PatchTarget>,
}

/// A patch's `target:` selector. Kustomize matches `group`, `kind` and `name` as anchored
/// regular expressions and `labelSelector` as a Kubernetes selector.
#[derive(Debug, Default, Clone)]
pub struct PatchTarget {
    group: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    labels: Option<String>,
}

impl PatchTarget {
    fn read(t: &Node<'_>) -> PatchTarget {
        let field = |k: &str| t.get(k).and_then(Node::str).map(str::to_string);
        PatchTarget {
            group: field("group"),
            kind: field("kind"),
            name: field("name"),
            labels: field("labelSelector"),
        }
    }

    /// Could this target select `r`? Loose where kustomize is richer (a regular expression,
    /// a set-based requirement): it only ever makes a finding less sure.
    pub fn may_select(&self, r: &crate::model::resource::Resource<'_>) -> bool {
        let same = |pattern: &Option<String>, value: &str| {
            pattern.as_deref().is_none_or(|p| {
                p == value || p.contains(['*', '+', '?', '(', '[', '|', '^', '$', '\\'])
            })
        };
        let label = |k: &str| r.root.path(&["metadata", "labels", k]).and_then(Node::str);
        same(&self.group, r.group)
            && same(&self.kind, r.kind)
            && same(&self.name, r.name.unwrap_or(""))
            && self.labels.as_deref().is_none_or(|sel| {
                requirements(sel).all(|req| {
                    let req = req.trim();
                    if let Some((k, v)) = req.split_once("!=") {
                        label(k.trim()) != Some(v.trim())
                    } else if let Some((k, v)) = req.split_once('=') {
                        label(k.trim()) == Some(v.trim_start_matches('=').trim())
                    } else if let Some(k) = req.strip_prefix('!') {
                        label(k.trim()).is_none()
                    } else if req.contains(' ') {
                        // `k in (a, b)`, `k notin (…)`.
                        true
                    } else {
                        req.is_empty() || label(req).is_some()
                    }
                })
            })
    }
}

/// A label selector's requirements: split at commas outside parentheses.
fn requirements(sel: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0i32;
    sel.split(move |c| {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        c == ',' && depth == 0
    })
}

#[derive(Debug, Default)]
pub struct Kustomizations {
    /// Directory → its kustomization.
    pub by_dir: HashMap<PathBuf, Kustomization>,
    /// Files named as patches, transformers, generators… (fragments, not whole objects).
    pub fragments: HashSet<std::ffi::OsString>,
    /// Kustomization directories an Application reads as plain YAML (`directory:` set
    /// explicitly: the explicit type wins over detection). Argo CD never builds them there.
    pub read_plain: HashSet<PathBuf>,
}

/// A reference kustomize would fetch over the network rather than read from disk.
pub fn is_remote(s: &str) -> bool {
    let s = s.trim();
    s.contains("://")
        || s.starts_with("git@")
        || s.starts_with("git::")
        || s.contains("?ref=")
        || s.contains("?version=")
        || s.contains("//") && !s.starts_with('/')
        || {
            // `github.com/org/repo`, `gitlab.example.com/x/y`: a host name as the first segment.
            let first = s.split('/').next().unwrap_or("");
            s.contains('/')
                && first.contains('.')
                && !first.starts_with('.')
                && first.rsplit('.').next().is_some_and(|tld| {
                    tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
                })
                && !first.ends_with(".yaml")
                && !first.ends_with(".yml")
                && !first.ends_with(".json")
        }
}

/// Remote unless it names something in the checkout (kustomize tries the local path first).
fn remote(ws: &Workspace, dir: &Path, s: &str) -> bool {
    s.contains("://") || (is_remote(s) && !ws.exists(&normalize(&dir.join(s))))
}

/// Every string in a kustomization that names something to load, with the key it came from.
fn loads<'n>(root: &'n Node<'n>) -> Vec<(&'static str, &'n str)> {
    let mut out = Vec::new();
    let str_items = |key: &'static str, out: &mut Vec<(&'static str, &'n str)>| {
        for item in root.get(key).map(Node::items).unwrap_or(&[]) {
            if let Some(s) = item.non_empty_str().filter(|s| !s.contains('\n')) {
                out.push((key, s));
            }
        }
    };
    for key in [
        "resources",
        "bases",
        "components",
        "patchesStrategicMerge",
        "transformers",
        "generators",
        "validators",
        "configurations",
        "crds",
    ] {
        str_items(key, &mut out);
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        for item in root.get(key).map(Node::items).unwrap_or(&[]) {
            if let Some(s) = item.get("path").and_then(Node::non_empty_str) {
                out.push((key, s));
            }
        }
    }
    if let Some(s) = root
        .path(&["openapi", "path"])
        .and_then(Node::non_empty_str)
    {
        out.push(("openapi", s));
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for g in root.get(key).map(Node::items).unwrap_or(&[]) {
            for f in g.get("files").map(Node::items).unwrap_or(&[]) {
                if let Some(s) = f.non_empty_str() {
                    // `key=path` or `path`.
                    out.push((key, s.split_once('=').map_or(s, |(_, p)| p)));
                }
            }
            for f in g.get("envs").map(Node::items).unwrap_or(&[]) {
                if let Some(s) = f.non_empty_str() {
                    out.push((key, s));
                }
            }
            if let Some(s) = g.get("env").and_then(Node::non_empty_str) {
                out.push((key, s));
            }
        }
    }
    out
}

/// A generator, transformer or validator that a plain `kustomize build` cannot run: an exec or
/// KRM-function plugin (ksops, …), which Argo CD runs only with `--enable-alpha-plugins` and
/// synclint never runs, or a `HelmChartInflationGenerator` (`--enable-helm` and the network).
fn plugin(ws: &Workspace, dir: &Path, root: &Node<'_>) -> Option<String> {
    fn config(key: &str, r: &Node<'_>) -> Option<String> {
        let api = r.get("apiVersion").and_then(Node::str).unwrap_or("");
        let kind = r.get("kind").and_then(Node::str)?;
        let show = |s: &str| crate::report::escape::clip(s, 80);
        let function = r.path(&["metadata", "annotations"]).is_some_and(|a| {
            a.get("config.kubernetes.io/function").is_some()
                || a.get("config.k8s.io/function").is_some()
        });
        if function {
            return Some(format!(
                "`{key}` runs the KRM function `{}`, a program synclint never runs",
                show(kind)
            ));
        }
        if api == "builtin" {
            return (kind == "HelmChartInflationGenerator").then(|| {
                format!("`{key}` inflates a Helm chart (`HelmChartInflationGenerator`), which needs `--enable-helm` and the network")
            });
        }
        Some(format!(
            "`{key}` uses the kustomize plugin `{}` (`{}`), which runs only with `--enable-alpha-plugins` and which synclint never runs",
            show(kind),
            show(api)
        ))
    }
    for key in ["generators", "transformers", "validators"] {
        for item in root.get(key).map(Node::items).unwrap_or(&[]) {
            let found = match item.non_empty_str() {
                // An inline plugin configuration.
                Some(s) if s.contains('\n') => crate::load::yaml::parse(s)
                    .docs
                    .iter()
                    .find_map(|d| config(key, &d.root)),
                Some(s) => ws.file_at(&normalize(&dir.join(s))).and_then(|f| {
                    ws.files[f]
                        .yaml()
                        .docs
                        .iter()
                        .find_map(|d| config(key, &d.root))
                }),
                None if item.is_map() => config(key, item),
                None => None,
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// Why this kustomization cannot be built offline, if it cannot.
fn blocker(ws: &Workspace, dir: &Path, repo_root: &Path, root: &Node<'_>) -> Option<String> {
    for key in ["helmCharts", "helmChartInflationGenerator"] {
        let charts = root.get(key).map(Node::items).unwrap_or(&[]);
        if charts.is_empty() {
            continue;
        }
        // Charts already in `helmGlobals.chartHome` (default `charts/`) need no download.
        let home = root
            .path(&["helmGlobals", "chartHome"])
            .and_then(Node::non_empty_str)
            .unwrap_or("charts");
        let local = charts.iter().all(|c| {
            c.get("name")
                .and_then(Node::non_empty_str)
                .is_some_and(|n| ws.is_dir(&normalize(&dir.join(home).join(n))))
        });
        return Some(if local {
            format!(
                "it inflates local Helm charts (`{key}`), which kustomize does only with `--enable-helm` (Argo CD's `kustomize.buildOptions`); synclint does not run Helm through kustomize"
            )
        } else {
            format!(
                "it inflates Helm charts (`{key}`), which needs `--enable-helm` and the network"
            )
        });
    }
    let show = |s: &str| crate::report::escape::clip(s, 120);
    if let Some(why) = plugin(ws, dir, root) {
        return Some(why);
    }
    for (key, s) in loads(root) {
        if remote(ws, dir, s) {
            return Some(format!("`{key}` names the remote `{}`", show(s)));
        }
        let p = normalize(&dir.join(s));
        if !p.starts_with(repo_root) {
            return Some(format!(
                "`{key}` names `{}`, outside the repository",
                show(s)
            ));
        }
        // kustomize resolves the directory part of a path, not a linked file or base itself.
        if ws.through_outside_link(&p) {
            return Some(format!(
                "`{key}` names `{}`, a symbolic link out of the tree",
                show(s)
            ));
        }
        let whole = matches!(key, "resources" | "bases" | "components");
        // A directory base hidden from the walk could hold anything: it is not read offline.
        if whole
            && ws.is_dir(&p)
            && !NAMES.iter().any(|n| ws.file_at(&p.join(n)).is_some())
            && NAMES.iter().any(|n| ws.exists(&p.join(n)))
        {
            return Some(format!(
                "`{key}` names `{}`, whose kustomization synclint does not read (a hidden or ignored directory)",
                show(s)
            ));
        }
    }
    None
}

impl Kustomizations {
    /// The tree's kustomizations, and which of them Applications (or the Applications an
    /// ApplicationSet generates, up to `generated_limit`) read as plain directories.
    pub fn for_tree(ws: &Workspace, generated_limit: usize) -> Kustomizations {
        let mut k = Kustomizations::read(ws);
        if !k.by_dir.is_empty() {
            super::jobs::for_each_app_spec(ws, generated_limit, "directory:", |app| {
                for src in app.sources.iter().filter(|s| s.local) {
                    if src.kind == super::app::SourceType::Directory
                        && k.by_dir.contains_key(&src.dir)
                    {
                        k.read_plain.insert(src.dir.clone());
                    }
                }
            });
        }
        k
    }

    pub fn read(ws: &Workspace) -> Kustomizations {
        use rayon::prelude::*;
        // Each kustomization is read on its own (in parallel), then merged in file order.
        let read: Vec<Read> = ws
            .files
            .par_iter()
            .enumerate()
            .filter_map(|(id, f)| read_one(ws, id, f))
            .collect();
        let mut out = Kustomizations::default();
        let mut whole: HashSet<PathBuf> = HashSet::default();
        for r in read {
            whole.extend(r.whole);
            out.fragments.extend(r.fragments);
            out.by_dir.insert(r.dir, r.k);
        }
        // A file listed as a whole resource somewhere is not a fragment.
        out.fragments.retain(|p| !whole.contains(Path::new(p)));
        out
    }

    /// Every file a `kustomize build` of `dir` reads as a whole resource.
    pub fn closure(&self, ws: &Workspace, dir: &Path) -> Vec<FileId> {
        let mut out = Vec::new();
        self.walk(dir, |k| {
            out.extend(k.includes.iter().filter_map(|inc| ws.file_at(inc)));
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every file a build of `dir` reads at all: kustomization files, resources, patches,
    /// generator inputs (the inputs of a render, for the cache key). Files the workspace holds
    /// come as ids; others (a `.properties` file a generator reads) as paths.
    pub fn inputs(&self, ws: &Workspace, dir: &Path) -> (Vec<FileId>, Vec<PathBuf>) {
        let mut ids = Vec::new();
        let mut paths = Vec::new();
        self.walk(dir, |k| {
            ids.push(k.file);
            ids.extend(k.includes.iter().filter_map(|inc| ws.file_at(inc)));
            if let Some(doc) = ws.files[k.file].yaml().docs.first()
                && let Some(d) = ws.files[k.file].path.parent()
            {
                for (_, s) in loads(&doc.root) {
                    let p = normalize(&d.join(s));
                    match ws.file_at(&p) {
                        Some(f) => ids.push(f),
                        None if ws.paths.contains(&p) => paths.push(p),
                        None => {}
                    }
                }
            }
        });
        ids.sort_unstable();
        ids.dedup();
        paths.sort();
        paths.dedup();
        (ids, paths)
    }

    /// Visit the kustomizations a build of `dir` reaches (each once).
    fn walk(&self, dir: &Path, mut f: impl FnMut(&Kustomization)) {
        let mut seen = HashSet::default();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            if !seen.insert(d.clone()) {
                continue;
            }
            if let Some(k) = self.by_dir.get(&d) {
                f(k);
                stack.extend(
                    k.includes
                        .iter()
                        .filter(|p| self.by_dir.contains_key(*p))
                        .cloned(),
                );
            }
        }
    }

    fn any_in(&self, dir: &Path, f: impl Fn(&Kustomization) -> bool) -> bool {
        let mut found = false;
        self.walk(dir, |k| found |= f(k));
        found
    }

    /// Does building `dir` rename or re-namespace objects anywhere along the way?
    pub fn renames(&self, dir: &Path) -> bool {
        self.any_in(dir, |k| k.renames)
    }

    /// Does building `dir` patch objects anywhere along the way?
    pub fn patches(&self, dir: &Path) -> bool {
        self.any_in(dir, |k| k.patches)
    }

    /// Why building `dir` cannot be done offline, if anything along the way prevents it.
    pub fn blocker(&self, dir: &Path) -> Option<String> {
        let mut found: Option<String> = None;
        self.walk(dir, |k| {
            if found.is_none() {
                found = k.blocker.clone();
            }
        });
        found
    }

    /// Directories that are not roots: reached from another kustomization, or Components
    /// (which cannot be built on their own).
    pub fn included_dirs(&self) -> HashSet<&Path> {
        self.by_dir
            .values()
            .flat_map(|k| k.includes.iter())
            .filter(|p| self.by_dir.contains_key(*p))
            .map(PathBuf::as_path)
            .chain(
                self.by_dir
                    .iter()
                    .filter(|(_, k)| k.component)
                    .map(|(d, _)| d.as_path()),
            )
            .collect()
    }

    /// Kustomizations no other kustomization includes (and not Components, nor read by an
    /// Application as plain YAML), sorted: each is an app Argo CD would build at that path.
    pub fn roots(&self) -> Vec<&Path> {
        let included = self.included_dirs();
        let mut roots: Vec<&Path> = self
            .by_dir
            .keys()
            .map(PathBuf::as_path)
            .filter(|d| !included.contains(d) && !self.read_plain.contains(*d))
            .collect();
        // Paths compare component by component (slow on a big tree): sorted on both cores.
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut roots[..]);
        roots
    }
}

/// One kustomization file, read: its directory, what it includes whole, what it uses as
/// fragments (patches, transformer configs).
struct Read {
    dir: PathBuf,
    k: Kustomization,
    whole: Vec<PathBuf>,
    fragments: Vec<std::ffi::OsString>,
}

/// The manifest paths of commented-out list entries (`#- a.yaml`, `  # - b/c.yml`, `# d.yaml`).
fn commented_entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|l| {
        let entry = l.trim_start().strip_prefix('#')?.trim_start();
        let entry = entry.strip_prefix('-').unwrap_or(entry).trim();
        let entry = entry.trim_matches(['"', '\'']);
        (!entry.contains([' ', ':', '#'])
            && [".yaml", ".yml", ".json"]
                .iter()
                .any(|x| entry.ends_with(x)))
        .then_some(entry)
    })
}

fn read_one(ws: &Workspace, id: FileId, f: &crate::load::SourceFile) -> Option<Read> {
    let base = f.path.file_name().and_then(|n| n.to_str())?;
    if !NAMES.contains(&base) {
        return None;
    }
    let dir = f.path.parent()?;
    let doc = f.yaml().docs.first()?;
    let mut whole = Vec::new();
    let mut fragments = Vec::new();
    let root = &doc.root;
    let join = |s: &str| normalize(&dir.join(s));
    let repo_root = ws
        .roots
        .iter()
        .flat_map(|r| r.repo_roots.iter())
        .filter(|r| dir.starts_with(r))
        .min_by_key(|r| r.components().count())
        .cloned()
        .unwrap_or_else(|| dir.to_path_buf());
    let mut k = Kustomization {
        file: id,
        renames: ["namespace", "namePrefix", "nameSuffix"]
            .iter()
            .any(|key| root.get(key).is_some()),
        patches: [
            "patches",
            "patchesStrategicMerge",
            "patchesJson6902",
            "replacements",
            "components",
        ]
        .iter()
        .any(|key| root.get(key).is_some_and(|v| !v.items().is_empty())),
        blocker: blocker(ws, dir, &repo_root, root),
        component: root.get("kind").and_then(Node::str) == Some("Component"),
        ..Kustomization::default()
    };
    // A template of a kustomization (filled in by a generator or a script) is not
    // what Argo CD builds.
    if let crate::load::FileClass::Skipped(why) = &f.class {
        k.blocker = Some(format!("the kustomization file is a {why}"));
    }
    for key in ["patches", "patchesJson6902"] {
        for item in root.get(key).map(Node::items).unwrap_or(&[]) {
            if let Some(t) = item.get("target") {
                k.patch_targets.push(PatchTarget::read(t));
            }
        }
    }
    k.commented_out = commented_entries(f.text())
        .map(join)
        .filter(|p| ws.file_at(p).is_some())
        .collect();
    for (key, s) in loads(root) {
        if remote(ws, dir, s) {
            continue;
        }
        match key {
            "resources" | "bases" | "components" => {
                let p = join(s);
                whole.push(p.clone());
                k.includes.push(p);
            }
            "configMapGenerator" | "secretGenerator" | "openapi" => {}
            _ => {
                fragments.push(join(s).into_os_string());
            }
        }
    }
    Some(Read {
        dir: dir.to_path_buf(),
        k,
        whole,
        fragments,
    })
}

#[cfg(test)]
mod tests {
    use super::{is_remote, requirements};

    #[test]
    fn selector_requirements_split_outside_parentheses() {
        let r: Vec<&str> = requirements("tier in (a, b),app=web,!legacy").collect();
        assert_eq!(r, ["tier in (a, b)", "app=web", "!legacy"]);
    }

    #[test]
    fn remote_references() {
        for r in [
            "https://github.com/org/repo//base?ref=v1",
            "github.com/org/repo/base",
            "git@github.com:org/repo.git",
            "git::https://example.com/x",
            "gitlab.example.com/team/app",
            "../base?ref=main",
        ] {
            assert!(is_remote(r), "{r}");
        }
        for l in [
            "../base",
            "deployment.yaml",
            "./overlays/prod",
            "v1.2/app",
            "base",
        ] {
            assert!(!is_remote(l), "{l}");
        }
    }
}
