//! Just enough of Kustomize to group files the way `kustomize build` would, without rendering:
//! which files a kustomization includes as whole resources, and which are patch fragments.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::load::yaml::Node;
use crate::load::{ParsedFile, SourceFile, normalize};

pub const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, Default)]
pub struct Kustomization {
    /// Files and directories listed under `resources`, `bases`, `components` (absolute).
    pub includes: Vec<PathBuf>,
    /// Sets `namespace`, `namePrefix` or `nameSuffix`: object identities change when built.
    pub renames: bool,
    /// Patches, replacements or components: objects change when built.
    pub patches: bool,
    /// Why `kustomize build` cannot run offline here (remote bases, Helm charts).
    pub blocker: Option<String>,
    /// `kind: Component`: only built as part of another kustomization, never on its own.
    pub component: bool,
}

#[derive(Debug, Default)]
pub struct Kustomizations {
    /// Directory → its kustomization.
    pub by_dir: HashMap<PathBuf, Kustomization>,
    /// Files named as patches, transformers, generators… (fragments, not whole objects).
    pub fragments: HashSet<PathBuf>,
}

fn is_remote(s: &str) -> bool {
    s.contains("://") || s.starts_with("github.com/") || s.starts_with("git@")
}

impl Kustomizations {
    pub fn read(files: &[SourceFile], parsed: &[ParsedFile<'_>]) -> Kustomizations {
        let mut out = Kustomizations::default();
        let mut whole: HashSet<PathBuf> = HashSet::new();
        for pf in parsed {
            let f = &files[pf.file];
            let Some(base) = f.path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !NAMES.contains(&base) {
                continue;
            }
            let Some(dir) = f.path.parent() else { continue };
            let Some(doc) = pf.yaml.docs.first() else {
                continue;
            };
            let root = &doc.root;
            let join = |s: &str| normalize(&dir.join(s));
            let mut k = Kustomization {
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
                blocker: crate::render::offline_blocker(root),
                component: root.get("kind").and_then(Node::str) == Some("Component"),
                ..Kustomization::default()
            };
            for key in ["resources", "bases", "components"] {
                for item in root.get(key).map(Node::items).unwrap_or(&[]) {
                    if let Some(s) = item.non_empty_str().filter(|s| !is_remote(s)) {
                        let p = join(s);
                        whole.insert(p.clone());
                        k.includes.push(p);
                    }
                }
            }
            for item in root
                .get("patchesStrategicMerge")
                .map(Node::items)
                .unwrap_or(&[])
            {
                if let Some(s) = item.non_empty_str().filter(|s| !s.contains('\n')) {
                    out.fragments.insert(join(s));
                }
            }
            for key in ["patches", "patchesJson6902", "replacements"] {
                for item in root.get(key).map(Node::items).unwrap_or(&[]) {
                    if let Some(s) = item.get("path").and_then(Node::non_empty_str) {
                        out.fragments.insert(join(s));
                    }
                }
            }
            for key in [
                "transformers",
                "generators",
                "validators",
                "configurations",
                "crds",
            ] {
                for item in root.get(key).map(Node::items).unwrap_or(&[]) {
                    if let Some(s) = item.non_empty_str().filter(|s| !s.contains('\n')) {
                        out.fragments.insert(join(s));
                    }
                }
            }
            out.by_dir.insert(dir.to_path_buf(), k);
        }
        // A file listed as a whole resource somewhere is not a fragment.
        out.fragments.retain(|p| !whole.contains(p));
        out
    }

    /// Every file a `kustomize build` of `dir` would read as a whole resource.
    pub fn closure(&self, dir: &Path, files_by_path: &HashMap<&Path, usize>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.collect(dir, files_by_path, &mut seen, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn collect(
        &self,
        dir: &Path,
        files_by_path: &HashMap<&Path, usize>,
        seen: &mut HashSet<PathBuf>,
        out: &mut Vec<usize>,
    ) {
        if !seen.insert(dir.to_path_buf()) {
            return;
        }
        let Some(k) = self.by_dir.get(dir) else {
            return;
        };
        for inc in &k.includes {
            if let Some(&f) = files_by_path.get(inc.as_path()) {
                out.push(f);
            } else if self.by_dir.contains_key(inc) {
                self.collect(inc, files_by_path, seen, out);
            }
        }
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
        let mut found = None;
        self.any_in(dir, |k| {
            found = found.clone().or_else(|| k.blocker.clone());
            k.blocker.is_some()
        });
        found
    }

    fn any_in(&self, dir: &Path, mut f: impl FnMut(&Kustomization) -> bool) -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            if !seen.insert(d.clone()) {
                continue;
            }
            if let Some(k) = self.by_dir.get(&d) {
                if f(k) {
                    return true;
                }
                stack.extend(
                    k.includes
                        .iter()
                        .filter(|p| self.by_dir.contains_key(*p))
                        .cloned(),
                );
            }
        }
        false
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
}
