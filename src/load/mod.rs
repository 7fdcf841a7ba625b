//! The I/O edge: every filesystem fact a run needs, gathered once into a [`Workspace`]. Walks the
//! inputs (confined to the tree), reads each file once under the byte budgets, parses YAML in
//! parallel, and records the directory listing and the git remotes. Nothing below this module
//! touches the filesystem.

pub mod codec;
pub mod git;
pub mod source;
pub mod text;
pub mod walk;
pub mod yaml;

use foldhash::HashMap;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::limits::{Budget, Limits};
pub use source::{FileClass, FileId, LineCol, SourceFile, TEMPLATE_NOTE};
use yaml::ParseLimits;

/// One command-line input: a directory, a file, or stdin.
#[derive(Debug, Clone)]
pub struct Root {
    /// As the user wrote it.
    pub name: String,
    /// Directories Application source paths are resolved against, in order: the git work tree
    /// that holds the input, then the input directory itself.
    pub repo_roots: Vec<PathBuf>,
    /// A directory (walked), as opposed to a single file or stdin.
    pub is_dir: bool,
    pub files: Vec<FileId>,
}

/// Everything the analysis reads, gathered once.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    pub files: Vec<Arc<SourceFile>>,
    pub roots: Vec<Root>,
    /// Every directory the walk reached (absolute), for source paths and git generators.
    pub dirs: BTreeSet<PathBuf>,
    /// Every file the walk reached (absolute), read or not: what exists in the checkout.
    pub paths: BTreeSet<PathBuf>,
    /// Symbolic links the walk did not follow because they lead out of the tree (absolute).
    pub outside_links: BTreeSet<PathBuf>,
    /// Normalised URLs of this repository: its git remotes, then config `repo-urls`.
    pub repo_urls: Vec<String>,
    /// The git work tree root of the first input, if any.
    pub repo_root: Option<PathBuf>,
    /// The tree's `.gitignore` files, compiled: what Git leaves out of a checkout (a file a
    /// build reads that matches one is made by a script or a pipeline, not cloned by Argo CD).
    pub gitignores: Arc<Vec<ignore::gitignore::Gitignore>>,
    /// The tree's `.synclintignore` files, compiled: paths the user keeps out of the lint, which
    /// may well exist.
    pub lint_ignores: Arc<Vec<ignore::gitignore::Gitignore>>,
    /// Keyed by the path's bytes: hashing a `Path` walks its components, an `OsStr` does not
    /// (every path here is absolute and normalised, so the bytes identify it).
    by_path: HashMap<std::ffi::OsString, FileId>,
    /// File ids sorted by path: the files below a directory are one range.
    sorted: Vec<FileId>,
    /// The root (command-line input) each file belongs to.
    root_of: Vec<usize>,
    /// File ids by file name, each list sorted by path: built on first use (a git generator's
    /// `**/config.json`), so that it reads the files of that name, not every file of the tree.
    by_name: OnceLock<HashMap<std::ffi::OsString, Vec<FileId>>>,
}

impl Workspace {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    pub fn file_at(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path.as_os_str()).copied()
    }

    /// Is `path`, or a directory above it, a symbolic link out of the tree? A renderer given
    /// such a path would read outside the tree.
    pub fn through_outside_link(&self, path: &Path) -> bool {
        !self.outside_links.is_empty() && path.ancestors().any(|a| self.outside_links.contains(a))
    }

    /// A symbolic link out of the tree below `dir`, if any.
    pub fn outside_link_under(&self, dir: &Path) -> Option<&Path> {
        use std::ops::Bound;
        self.outside_links
            .range::<Path, _>((Bound::Excluded(dir), Bound::Unbounded))
            .take_while(|p| p.starts_with(dir))
            .next()
            .map(PathBuf::as_path)
    }

    pub fn is_dir(&self, path: &Path) -> bool {
        self.dirs.contains(path)
    }

    pub fn exists(&self, path: &Path) -> bool {
        self.paths.contains(path) || self.dirs.contains(path)
    }

    /// Does a `.gitignore` of the tree leave `path` (absolute) out of Git? The deepest file that
    /// has a say decides, as in Git.
    /// A path that does not exist may have been a file or a directory: either form counts.
    pub fn git_ignored(&self, path: &Path) -> bool {
        ignored_by(&self.gitignores, path)
    }

    /// Does a `.synclintignore` keep `path` out of the walk? Then whether it exists is unknown.
    pub fn lint_ignored(&self, path: &Path) -> bool {
        ignored_by(&self.lint_ignores, path)
    }

    /// Names of the files directly in `dir`, sorted.
    pub fn file_names_in(&self, dir: &Path) -> Vec<&str> {
        use std::ops::Bound;
        self.paths
            .range::<Path, _>((Bound::Excluded(dir), Bound::Unbounded))
            .take_while(|p| p.starts_with(dir))
            .filter(|p| p.parent() == Some(dir))
            .filter_map(|p| p.file_name()?.to_str())
            .collect()
    }

    /// Directories below `root` (not `root` itself), sorted.
    pub fn dirs_under<'s>(&'s self, root: &'s Path) -> impl Iterator<Item = &'s PathBuf> + 's {
        use std::ops::Bound;
        self.dirs
            .range::<Path, _>((Bound::Excluded(root), Bound::Unbounded))
            .take_while(move |p| p.starts_with(root))
    }

    /// Replace a file's text (an editor buffer), or add it; the file is parsed again.
    pub fn set_overlay(&mut self, path: &Path, name: String, text: String, limits: &Limits) {
        let abs = absolute(path);
        let (class, _) = source::classify(&name, text.as_bytes());
        let file = Arc::new(SourceFile::new(
            name,
            abs.clone(),
            text,
            class,
            &ParseLimits::of(limits, None),
        ));
        match self.by_path.get(abs.as_os_str()) {
            Some(&i) => self.files[i] = file,
            None => {
                let id = self.files.len();
                self.files.push(file);
                self.by_path.insert(abs.clone().into_os_string(), id);
                let ri = self
                    .roots
                    .iter()
                    .position(|r| r.is_dir && r.repo_roots.iter().any(|d| abs.starts_with(d)))
                    .unwrap_or(0);
                if let Some(r) = self.roots.get_mut(ri) {
                    r.files.push(id);
                }
                self.paths.insert(abs.clone());
                let mut d = abs.parent();
                while let Some(p) = d {
                    if !self.dirs.insert(p.to_path_buf()) {
                        break;
                    }
                    d = p.parent();
                }
                self.index();
            }
        }
    }

    /// Only the files `keep` (ascending ids), renumbered in that order, with the same roots,
    /// directories and paths: the language server re-lints a part of the tree on this.
    pub fn subset(&self, keep: &[FileId]) -> Workspace {
        let mut new_id: HashMap<FileId, FileId> =
            HashMap::with_capacity_and_hasher(keep.len(), Default::default());
        for (i, &f) in keep.iter().enumerate() {
            new_id.insert(f, i);
        }
        let mut ws = Workspace {
            files: keep.iter().map(|&f| self.files[f].clone()).collect(),
            roots: self
                .roots
                .iter()
                .map(|r| Root {
                    files: r
                        .files
                        .iter()
                        .filter_map(|f| new_id.get(f).copied())
                        .collect(),
                    ..r.clone()
                })
                .collect(),
            dirs: self.dirs.clone(),
            paths: self.paths.clone(),
            repo_urls: self.repo_urls.clone(),
            repo_root: self.repo_root.clone(),
            gitignores: self.gitignores.clone(),
            lint_ignores: self.lint_ignores.clone(),
            outside_links: self.outside_links.clone(),
            by_path: HashMap::default(),
            sorted: Vec::new(),
            root_of: Vec::new(),
            by_name: OnceLock::new(),
        };
        ws.index();
        ws
    }

    /// Files below `dir` (at any depth), in path order.
    /// The files named `name` below `dir`, sorted by path (as [`Workspace::files_under`]).
    pub fn files_named_under<'s>(
        &'s self,
        dir: &'s Path,
        name: &str,
    ) -> impl Iterator<Item = FileId> + 's {
        let by_name = self.by_name.get_or_init(|| {
            let mut m: HashMap<std::ffi::OsString, Vec<FileId>> = HashMap::default();
            for &f in &self.sorted {
                if let Some(n) = self.files[f].path.file_name() {
                    m.entry(n.to_os_string()).or_default().push(f);
                }
            }
            m
        });
        by_name
            .get(std::ffi::OsStr::new(name))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(move |&f| self.files[f].path.starts_with(dir))
    }

    pub fn files_under<'s>(&'s self, dir: &'s Path) -> impl Iterator<Item = FileId> + 's {
        let start = self
            .sorted
            .partition_point(|&f| self.files[f].path.as_path() < dir);
        self.sorted[start..]
            .iter()
            .take_while(move |&&f| self.files[f].path.starts_with(dir))
            .copied()
    }

    /// The directories a file's Application source paths resolve against.
    pub fn repo_roots_of(&self, file: FileId) -> &[PathBuf] {
        self.root_of
            .get(file)
            .and_then(|&r| self.roots.get(r))
            .map_or(&[], |r| r.repo_roots.as_slice())
    }

    fn index(&mut self) {
        let files = &self.files;
        (self.by_path, self.sorted) = rayon::join(
            || {
                files
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.path.clone().into_os_string(), i))
                    .collect()
            },
            || {
                // Stable: files at one path stay in id order.
                let mut sorted: Vec<FileId> = (0..files.len()).collect();
                sorted.sort_by(|&a, &b| files[a].path.cmp(&files[b].path));
                sorted
            },
        );
        self.by_name = OnceLock::new();
        self.root_of = vec![0; self.files.len()];
        for (ri, r) in self.roots.iter().enumerate() {
            for &f in &r.files {
                if let Some(slot) = self.root_of.get_mut(f) {
                    *slot = ri;
                }
            }
        }
    }
}

#[derive(Debug)]
pub enum LoadError {
    /// A path given on the command line does not exist.
    Missing(String),
    /// A path given on the command line is a FIFO, socket or device.
    NotAFile(String, &'static str),
    Io(String, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |p: &str| crate::report::escape::terminal(p).into_owned();
        match self {
            LoadError::Missing(p) => write!(f, "{}: no such file or directory", show(p)),
            LoadError::NotAFile(p, what) => write!(
                f,
                "{}: {what}, not a file or directory (synclint reads regular files only)",
                show(p)
            ),
            LoadError::Io(p, e) => write!(f, "{}: {e}", show(p)),
        }
    }
}

impl std::error::Error for LoadError {}

/// How to read the inputs beyond the paths themselves.
#[derive(Default)]
pub struct LoadOptions {
    /// Files matching these globs (relative to the directory) are not read (config `exclude`).
    pub exclude: Option<(PathBuf, globset::GlobSet)>,
    /// Lint stdin as if it were this file, in the tree that holds it (editors' unsaved buffers).
    pub stdin_filename: Option<String>,
    /// URLs of this repository from the config (`repo-urls`), besides its git remotes.
    pub repo_urls: Vec<String>,
    pub limits: Limits,
}

/// Read the inputs with default options. `stdin` supplies the text for a `-` input.
pub fn load(inputs: &[String], stdin: Option<String>) -> Result<Workspace, LoadError> {
    load_with(
        inputs,
        stdin.map(String::into_bytes),
        &LoadOptions::default(),
    )
}

/// The path from the current directory to `target` (`..` where needed), for display.
fn relative_to_cwd(target: &Path) -> PathBuf {
    let cwd = absolute(Path::new("."));
    let common = cwd
        .ancestors()
        .find(|a| target.starts_with(a))
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let ups = cwd
        .strip_prefix(&common)
        .map_or(0, |p| p.components().count());
    let mut out = PathBuf::new();
    for _ in 0..ups {
        out.push("..");
    }
    out.push(target.strip_prefix(&common).unwrap_or(target));
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Read stdin, at most `limit` bytes (one more tells that it was larger).
pub fn read_stdin(limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A file too large for the budget, as a finding instead of its content.
fn too_large(limit: u64) -> FileClass {
    FileClass::Skipped(format!(
        "larger than the {} MiB file limit (`limits.file-bytes`)",
        limit / (1024 * 1024)
    ))
}

pub fn load_with(
    inputs: &[String],
    stdin: Option<Vec<u8>>,
    opts: &LoadOptions,
) -> Result<Workspace, LoadError> {
    let limits = &opts.limits;
    let run = Arc::new(Budget::new(limits.alias_nodes_per_run));
    let plimits = ParseLimits::of(limits, Some(run));
    // An editor buffer: lint the tree that holds the file, with stdin in its place.
    if let Some(name) = &opts.stdin_filename {
        let abs = absolute(Path::new(name));
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let tree = git::root(&dir).unwrap_or(dir);
        let tree_input = relative_to_cwd(&tree).to_string_lossy().into_owned();
        let mut ws = load_with(
            &[tree_input],
            None,
            &LoadOptions {
                exclude: opts.exclude.clone(),
                stdin_filename: None,
                repo_urls: opts.repo_urls.clone(),
                limits: limits.clone(),
            },
        )?;
        let bytes = stdin.unwrap_or_default();
        if bytes.len() as u64 > limits.file_bytes {
            let f = SourceFile::placeholder(name.clone(), abs, too_large(limits.file_bytes));
            replace_or_add(&mut ws, f);
        } else {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            ws.set_overlay(&abs, name.clone(), text, limits);
        }
        return Ok(ws);
    }
    let bytes_left = Budget::new(limits.run_bytes);
    let mut stdin = stdin;
    // In input order: a file given by name (read below, in parallel), or a walked directory's
    // files (read during the walk).
    let mut slots: Vec<Slot> = Vec::new();
    let mut roots = Vec::new();
    let mut files: Vec<SourceFile> = Vec::new();
    let mut dirs = BTreeSet::new();
    let mut paths = BTreeSet::new();
    let mut outside_links = BTreeSet::new();
    let mut notes: Vec<(String, FileClass, usize)> = Vec::new();

    for input in inputs {
        let ri = roots.len();
        if input == "-" {
            let bytes = stdin.take().unwrap_or_default();
            let cwd = std::env::current_dir().unwrap_or_default();
            let id = files.len();
            let f =
                if bytes.len() as u64 > limits.file_bytes || !bytes_left.take(bytes.len() as u64) {
                    SourceFile::placeholder(
                        "<stdin>".into(),
                        cwd.join("<stdin>"),
                        too_large(limits.file_bytes),
                    )
                } else {
                    SourceFile::from_bytes("<stdin>".into(), cwd.join("<stdin>"), bytes, &plimits)
                };
            files.push(f);
            roots.push(Root {
                name: "-".into(),
                repo_roots: git::root(&cwd).into_iter().chain([cwd]).collect(),
                is_dir: false,
                files: vec![id],
            });
            continue;
        }
        let path = Path::new(input);
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::Missing(input.clone()),
            _ => LoadError::Io(input.clone(), e),
        })?;
        if !meta.is_dir() && !meta.is_file() {
            return Err(LoadError::NotAFile(input.clone(), special(&meta)));
        }
        let abs = absolute(path);
        let dir = if meta.is_dir() {
            abs.clone()
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        roots.push(Root {
            name: input.clone(),
            repo_roots: git::root(&dir).into_iter().chain([dir.clone()]).collect(),
            is_dir: meta.is_dir(),
            files: Vec::new(),
        });
        if meta.is_dir() {
            // Walked from the absolute path: every path it yields is absolute and normalised.
            let shown_root = Path::new(input.as_str());
            // Names as the user sees them: below the path they gave.
            let shown = |p: &str| {
                Path::new(p)
                    .strip_prefix(&abs)
                    .map_or_else(|_| p.to_string(), |rel| display(&shown_root.join(rel)))
            };
            let excluded = |p: &Path| {
                opts.exclude.as_ref().is_some_and(|(base, set)| {
                    p.strip_prefix(base).is_ok_and(|rel| set.is_match(rel))
                })
            };
            // Each file is read and parsed by the thread that finds it.
            let walked = walk::walk(&abs, &|p: &Path| {
                (!excluded(p)).then(|| {
                    let rel = p.strip_prefix(&abs).unwrap_or(p);
                    read_file(
                        display(&shown_root.join(rel)),
                        p,
                        limits,
                        &bytes_left,
                        &plimits,
                    )
                })
            });
            rayon::join(
                || merge(&mut dirs, walked.dirs),
                || merge(&mut paths, walked.paths),
            );
            outside_links.extend(walked.outside_links);
            for (name, msg) in walked.errors {
                notes.push((shown(&name), FileClass::Unreadable(msg), ri));
            }
            for (name, why) in walked.skipped {
                notes.push((shown(&name), FileClass::Skipped(why), ri));
            }
            let loaded = walked.files.into_iter().filter_map(|(_, f)| f).collect();
            slots.push(Slot::Walked(ri, loaded));
        } else {
            dirs.insert(dir);
            paths.insert(abs.clone());
            slots.push(Slot::Named(input.clone(), path.to_path_buf(), ri));
        }
    }

    // Unreadable directories, symlink loops, links out of the tree and special files become
    // findings on a placeholder file.
    for (name, class, ri) in notes {
        let id = files.len();
        files.push(SourceFile::placeholder(
            name.clone(),
            absolute(Path::new(&name)),
            class,
        ));
        roots[ri].files.push(id);
    }

    let read: Vec<Option<SourceFile>> = slots
        .par_iter()
        .map(|slot| match slot {
            Slot::Named(name, path, _) => {
                Some(read_file(name.clone(), path, limits, &bytes_left, &plimits))
            }
            Slot::Walked(..) => None,
        })
        .collect();
    for (slot, named) in slots.into_iter().zip(read) {
        let (ri, read) = match slot {
            Slot::Named(_, _, ri) => (ri, named.into_iter().collect()),
            Slot::Walked(ri, files) => (ri, files),
        };
        for file in read {
            roots[ri].files.push(files.len());
            files.push(file);
        }
    }
    // Chart templates that are not rendered are not YAML: skipped with a note.
    let chart_dirs: foldhash::HashSet<PathBuf> = files
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| n == "Chart.yaml"))
        .filter_map(|f| f.path.parent().map(Path::to_path_buf))
        .collect();
    files.par_iter_mut().for_each(|f| {
        let templated = f.class == FileClass::Yaml
            || matches!(&f.class, FileClass::Skipped(r) if r.contains("template"));
        if templated && in_chart_templates(&f.path, &chart_dirs) && source::occurs(f.text(), "{{") {
            f.class = FileClass::Skipped(TEMPLATE_NOTE.into());
        }
    });
    let repo_root = roots.first().and_then(|r| git::root(r.repo_roots.last()?));
    // Application paths may point anywhere in the repository, also outside the linted paths:
    // what exists there is a fact the model needs (names only; nothing is read).
    if let Some(top) = &repo_root
        && !roots
            .iter()
            .any(|r| r.is_dir && r.repo_roots.last() == Some(top))
    {
        let walked = walk::walk(top, &|_| ());
        rayon::join(
            || merge(&mut dirs, walked.dirs),
            || merge(&mut paths, walked.paths),
        );
        outside_links.extend(walked.outside_links);
    }
    let mut repo_urls: Vec<String> = repo_root.as_deref().map(git::remotes).unwrap_or_default();
    repo_urls.extend(
        opts.repo_urls
            .iter()
            .map(|u| crate::model::repo::normalize_url(u)),
    );
    if let Some(top) = &repo_root {
        let also_this_repo = aliases(&files, &repo_urls, |rel| dirs.contains(&top.join(rel)));
        repo_urls.extend(also_this_repo);
    }
    // Shallow first: a deeper file's say overrides (`ignored_by`).
    let compile = |name: &str| -> Vec<ignore::gitignore::Gitignore> {
        let mut files: Vec<&PathBuf> = paths
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n == name))
            .collect();
        files.sort_by_key(|p| p.components().count());
        files
            .into_iter()
            .map(|p| ignore::gitignore::Gitignore::new(p).0)
            .collect()
    };
    let gitignores = compile(".gitignore");
    let lint_ignores = compile(".synclintignore");
    // Not collected in place: that would keep the `SourceFile` buffer (grown by doubling, 25
    // times the size of the pointers) for the whole run.
    let mut shared = Vec::with_capacity(files.len());
    shared.extend(files.into_iter().map(Arc::new));
    let mut ws = Workspace {
        files: shared,
        roots,
        dirs,
        paths,
        outside_links,
        repo_urls,
        repo_root,
        gitignores: Arc::new(gitignores),
        lint_ignores: Arc::new(lint_ignores),
        by_path: HashMap::default(),
        sorted: Vec::new(),
        root_of: Vec::new(),
        by_name: OnceLock::new(),
    };
    ws.index();
    Ok(ws)
}

/// A fork or a mirror: no Application names this checkout's remotes, but some name a repository
/// of the same name elsewhere (`github.com/upstream/platform` in a clone of
/// `github.com/me/platform`, `git.home.lan/me/platform` for a self-hosted mirror), and every path
/// they read from it exists here. Those URLs are this checkout's content too; without this,
/// every file would look unsynced. So are placeholders whose paths all exist here.
fn aliases(files: &[SourceFile], remotes: &[String], is_dir: impl Fn(&str) -> bool) -> Vec<String> {
    use crate::model::repo::normalize_url;
    let name = |u: &str| -> Option<String> {
        let (_host, path) = u.split_once('/')?;
        Some(path.rsplit('/').next()?.to_ascii_lowercase())
    };
    let ours: Vec<String> = remotes.iter().filter_map(|u| name(u)).collect();
    // `__REPO_URL__`, `${GIT_URL}`, `<your-repo>`: a bootstrap script fills in this checkout's
    // URL.
    let placeholder = crate::model::repo::placeholder_url;
    // (normalised URL, whether its path exists here) of every Application source, and the
    // normalised placeholders among them.
    let mut named: Vec<(String, Option<bool>)> = Vec::new();
    let mut placeholders: Vec<String> = Vec::new();
    for f in files.iter().filter(|f| f.class == FileClass::Yaml) {
        if !source::occurs(f.text(), "repoURL") {
            continue;
        }
        for d in &f.yaml().docs {
            let root = &d.root;
            let spec = match root.get("kind").and_then(yaml::Node::str) {
                Some("Application") => root.get("spec"),
                Some("ApplicationSet") => root.path(&["spec", "template", "spec"]),
                _ => None,
            };
            let Some(spec) = spec else { continue };
            let sources = spec
                .get("source")
                .into_iter()
                .chain(spec.get("sources").map(yaml::Node::items).unwrap_or(&[]));
            for src in sources {
                let url = src.get("repoURL").and_then(yaml::Node::str);
                let path = src.get("path").and_then(yaml::Node::str);
                if let (Some(url), Some(path)) = (url, path) {
                    let rel = path.trim_start_matches("./").trim_matches('/');
                    // A templated path (`apps/{{.name}}`) says nothing either way.
                    let exists = if rel.contains("{{") || rel.contains('$') {
                        None
                    } else {
                        Some(rel.is_empty() || is_dir(rel))
                    };
                    if placeholder(url) {
                        placeholders.push(normalize_url(url));
                    }
                    named.push((normalize_url(url), exists));
                }
            }
        }
    }
    let forked = !named.iter().any(|(u, _)| remotes.contains(u));
    let mut out: Vec<String> = named
        .iter()
        .filter(|(u, _)| {
            (forked && name(u).is_some_and(|n| ours.contains(&n))) || placeholders.contains(u)
        })
        .map(|(u, _)| u.clone())
        .collect();
    out.sort();
    out.dedup();
    // Every literal path read from it exists here (another repository of that name has other
    // paths), and there is one.
    out.retain(|u| {
        let paths = || named.iter().filter(|(v, _)| v == u).filter_map(|(_, e)| *e);
        paths().all(|e| e) && paths().next().is_some()
    });
    out
}

/// Add sorted paths to a set: rebuilt in bulk (a merge of two sorted runs), not inserted one by
/// one, because each `PathBuf` comparison walks components and a big tree has thousands.
fn merge(set: &mut BTreeSet<PathBuf>, sorted: Vec<PathBuf>) {
    if set.is_empty() {
        *set = sorted.into_iter().collect();
    } else {
        *set = std::mem::take(set).into_iter().chain(sorted).collect();
    }
}

enum Slot {
    /// (display name, path, root index)
    Named(String, PathBuf, usize),
    /// (root index, files)
    Walked(usize, Vec<SourceFile>),
}

fn replace_or_add(ws: &mut Workspace, f: SourceFile) {
    let path = f.path.clone();
    match ws.file_at(&path) {
        Some(i) => ws.files[i] = Arc::new(f),
        None => {
            let id = ws.files.len();
            ws.files.push(Arc::new(f));
            if let Some(r) = ws.roots.first_mut() {
                r.files.push(id);
            }
            ws.index();
        }
    }
}

#[cfg(unix)]
fn special(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special(_: &std::fs::Metadata) -> &'static str {
    "a special file"
}

fn in_chart_templates(path: &Path, charts: &foldhash::HashSet<PathBuf>) -> bool {
    // Most files are in no `templates/` folder: one byte search rules them out.
    const FOLDER: &[u8] = if cfg!(windows) {
        b"\\templates\\"
    } else {
        b"/templates/"
    };
    if charts.is_empty()
        || memchr::memmem::find(path.as_os_str().as_encoded_bytes(), FOLDER).is_none()
    {
        return false;
    }
    path.ancestors().any(|a| {
        a.file_name().is_some_and(|n| n == "templates")
            && a.parent().is_some_and(|p| charts.contains(p))
    })
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./")
        .map(str::to_string)
        .unwrap_or_else(|| s.into_owned())
}

/// `std::path::absolute` with `.` and `..` folded, without touching the filesystem.
pub fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    normalize(&abs)
}

pub fn normalize(p: &Path) -> PathBuf {
    // Most paths are already normal (no `.`, `..`, empty segment or trailing `/`): copied as is.
    // (Windows has two separators: always folded there.)
    let b = p.as_os_str().as_encoded_bytes();
    let normal = cfg!(unix)
        && !b.is_empty()
        && !b.ends_with(b"/")
        && b.split(|&c| c == b'/')
            .skip(1)
            .chain(b.split(|&c| c == b'/').next().filter(|s| !s.is_empty()))
            .all(|s| !s.is_empty() && s != b"." && s != b"..");
    if normal {
        return p.to_path_buf();
    }
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Read one file under the per-file and per-run byte budgets. The size is checked on the open
/// file and the read itself is bounded, so a file that grows (or lies about its size) cannot
/// exceed the budget either.
fn read_file(
    name: String,
    path: &Path,
    limits: &Limits,
    bytes_left: &Budget,
    plimits: &ParseLimits,
) -> SourceFile {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        absolute(path)
    };
    let unreadable = |e: std::io::Error| {
        SourceFile::placeholder(
            name.clone(),
            abs.clone(),
            FileClass::Unreadable(e.to_string()),
        )
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return unreadable(e),
    };
    let size = match file.metadata() {
        Ok(m) if !m.is_file() => {
            return SourceFile::placeholder(
                name.clone(),
                abs.clone(),
                FileClass::Skipped(format!("{}, not a regular file: not read", special(&m))),
            );
        }
        Ok(m) if m.len() > limits.file_bytes => {
            return SourceFile::placeholder(name, abs, too_large(limits.file_bytes));
        }
        Err(e) => return unreadable(e),
        Ok(m) => m.len() as usize,
    };
    // Sized from the metadata: one read for the content and one to see the end.
    let mut bytes = Vec::with_capacity(size + 1);
    if let Err(e) = file
        .take(limits.file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        return unreadable(e);
    }
    if bytes.len() as u64 > limits.file_bytes {
        return SourceFile::placeholder(name, abs, too_large(limits.file_bytes));
    }
    if !bytes_left.take(bytes.len() as u64) {
        return SourceFile::placeholder(
            name,
            abs,
            FileClass::Skipped(format!(
                "the run read more than its {} MiB budget (`limits.run-bytes`)",
                limits.run_bytes / (1024 * 1024)
            )),
        );
    }
    SourceFile::from_bytes(name, abs, bytes, plimits)
}

/// The JSON schema files of `--schema-dir` directories, in name order.
pub fn schema_files(dirs: &[PathBuf]) -> Result<Vec<crate::schema::set::SchemaFile>, LoadError> {
    let mut out = Vec::new();
    for dir in dirs {
        let shown = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Io(shown.clone(), e))?;
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".json") || !p.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&p)
                .map_err(|e| LoadError::Io(p.display().to_string(), e))?;
            out.push(crate::schema::set::SchemaFile {
                name: name.to_string(),
                text,
            });
        }
    }
    Ok(out)
}

/// Does one of `files` (shallow first) ignore `path`? The deepest file that has a say decides,
/// as in Git. A path that does not exist may have been a file or a directory: either form
/// counts.
fn ignored_by(files: &[ignore::gitignore::Gitignore], path: &Path) -> bool {
    let mut verdict = ignore::Match::None;
    for gi in files.iter().filter(|g| path.starts_with(g.path())) {
        let m = match gi.matched_path_or_any_parents(path, false) {
            ignore::Match::None => gi.matched_path_or_any_parents(path, true),
            m => m,
        };
        if !m.is_none() {
            verdict = m.map(|_| ());
        }
    }
    verdict.is_ignore()
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use std::path::{Component, Path, PathBuf};

    /// The slow, obviously right fold of `.` and `..`.
    fn fold(p: &Path) -> PathBuf {
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    }

    #[test]
    fn normal_paths_are_copied_and_others_folded() {
        for p in [
            "/repo/apps/web",
            "apps/web",
            "/",
            "",
            ".",
            "./apps",
            "apps/./web",
            "apps/../web",
            "/repo//apps/",
            "apps/web/",
            "/repo/a/..",
            "..",
            "../x",
            "/repo/.hidden/x",
            "/repo/a..b/c.",
        ] {
            assert_eq!(normalize(Path::new(p)), fold(Path::new(p)), "{p:?}");
        }
    }
}
