//! Files → documents with spans. Walks the inputs, reads each file once, parses in parallel.

pub mod source;
pub mod walk;
pub mod yaml;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use source::{FileId, LineCol, SourceFile};
use yaml::{ParsedYaml, Span};

/// Files larger than this are not parsed (spans are 32-bit; nobody commits such manifests).
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

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

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileClass {
    /// YAML that may hold Kubernetes objects.
    Yaml,
    /// Text with no `apiVersion`/`kind`: a values file, a CI config… Skipped silently.
    NotManifest,
    /// Skipped, with the reason shown as an `info` finding (Helm template, binary, …).
    Skipped(String),
    /// Could not be read (the message says why).
    Unreadable(String),
}

/// A file, read and parsed.
#[derive(Debug)]
pub struct ParsedFile<'a> {
    pub file: FileId,
    pub class: FileClass,
    pub yaml: ParsedYaml<'a>,
    /// Position of the first invalid UTF-8 byte, for a file that looks like a manifest.
    pub bad_utf8: Option<Span>,
}

pub struct Loaded {
    pub files: Vec<SourceFile>,
    pub roots: Vec<Root>,
    /// Pre-parse classification per file (same index as `files`).
    pub classes: Vec<FileClass>,
    pub bad_utf8: Vec<Option<Span>>,
    /// Helm chart directories met while walking (they hold `Chart.yaml`).
    pub chart_dirs: Vec<PathBuf>,
    /// Group manifests no Application claims into one app per command-line path, instead of one
    /// per directory (`--implicit-apps per-path`).
    pub group_per_path: bool,
    /// URLs of this repository from the config (`repo-urls`), besides its git remotes.
    pub repo_urls: Vec<String>,
    /// Kustomization directory → the file holding its rendered output.
    pub rendered: std::collections::HashMap<PathBuf, FileId>,
    /// Raw files that rendered output stands for (not turned into objects themselves).
    pub covered: std::collections::HashSet<FileId>,
    /// Rendered files that came from `helm template` (mapped back by `# Source:` comments).
    pub rendered_helm: std::collections::HashSet<FileId>,
    /// Kustomization directories whose build failed: (directory, message).
    pub render_failures: Vec<(PathBuf, String)>,
    /// Why some kustomizations were not rendered (shown with `-v`).
    pub render_notes: Vec<String>,
}

#[derive(Debug)]
pub enum LoadError {
    /// A path given on the command line does not exist.
    Missing(String),
    Io(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Missing(p) => write!(f, "{p}: no such file or directory"),
            LoadError::Io(m) => f.write_str(m),
        }
    }
}

/// How to read the inputs beyond the paths themselves.
#[derive(Default)]
pub struct LoadOptions {
    /// Files matching these globs (relative to the directory) are not read (config `exclude`).
    pub exclude: Option<(PathBuf, globset::GlobSet)>,
    /// Lint stdin as if it were this file, in the tree that holds it (editors' unsaved buffers).
    pub stdin_filename: Option<String>,
}

/// Read the inputs. `stdin` supplies the text for a `-` input.
pub fn load(inputs: &[String], stdin: Option<String>) -> Result<Loaded, LoadError> {
    load_with(inputs, stdin, &LoadOptions::default())
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

pub fn load_with(
    inputs: &[String],
    stdin: Option<String>,
    opts: &LoadOptions,
) -> Result<Loaded, LoadError> {
    // An editor buffer: lint the tree that holds the file, with stdin in its place.
    if let Some(name) = &opts.stdin_filename {
        let abs = absolute(Path::new(name));
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let tree = git_root(&dir).unwrap_or(dir);
        let tree_input = relative_to_cwd(&tree).to_string_lossy().into_owned();
        let text = stdin.unwrap_or_default();
        let mut loaded = load_with(
            &[tree_input],
            None,
            &LoadOptions {
                exclude: opts.exclude.clone(),
                stdin_filename: None,
            },
        )?;
        let (class, bad) = classify_text(name, text.as_bytes());
        let file = SourceFile::new(name.clone(), abs.clone(), text);
        match loaded.files.iter().position(|f| f.path == abs) {
            Some(i) => {
                loaded.files[i] = file;
                loaded.classes[i] = class;
                loaded.bad_utf8[i] = bad;
            }
            None => {
                let id = loaded.files.len();
                loaded.files.push(file);
                loaded.classes.push(class);
                loaded.bad_utf8.push(bad);
                if let Some(r) = loaded.roots.first_mut() {
                    r.files.push(id);
                }
            }
        }
        return Ok(loaded);
    }
    let mut stdin = stdin;
    let mut pending: Vec<(String, PathBuf, usize)> = Vec::new(); // (display, path, root index)
    let mut roots = Vec::new();
    let mut files: Vec<SourceFile> = Vec::new();
    let mut classes: Vec<FileClass> = Vec::new();
    let mut bad_utf8: Vec<Option<Span>> = Vec::new();
    let mut chart_dirs = Vec::new();
    let mut walk_errors: Vec<(String, String)> = Vec::new();

    for input in inputs {
        let ri = roots.len();
        if input == "-" {
            let text = stdin.take().unwrap_or_default();
            let cwd = std::env::current_dir().unwrap_or_default();
            let id = files.len();
            let (class, bad) = classify_text("<stdin>", text.as_bytes());
            files.push(SourceFile::new("<stdin>".into(), cwd.join("<stdin>"), text));
            classes.push(class);
            bad_utf8.push(bad);
            roots.push(Root {
                name: "-".into(),
                repo_roots: git_root(&cwd).into_iter().chain([cwd]).collect(),
                is_dir: false,
                files: vec![id],
            });
            continue;
        }
        let path = Path::new(input);
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::Missing(input.clone()),
            _ => LoadError::Io(format!("{input}: {e}")),
        })?;
        let abs = absolute(path);
        let dir = if meta.is_dir() {
            abs.clone()
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        roots.push(Root {
            name: input.clone(),
            repo_roots: git_root(&dir).into_iter().chain([dir]).collect(),
            is_dir: meta.is_dir(),
            files: Vec::new(),
        });
        if meta.is_dir() {
            let walked = walk::walk(path);
            chart_dirs.extend(walked.chart_dirs);
            walk_errors.extend(walked.errors);
            let excluded = |p: &Path| {
                opts.exclude.as_ref().is_some_and(|(base, set)| {
                    absolute(p)
                        .strip_prefix(base)
                        .is_ok_and(|rel| set.is_match(rel))
                })
            };
            pending.extend(
                walked
                    .files
                    .into_iter()
                    .filter(|p| !excluded(p))
                    .map(|p| (display(&p), p, ri)),
            );
        } else {
            pending.push((input.clone(), path.to_path_buf(), ri));
        }
    }

    // Unreadable directories and symlink loops become findings on a placeholder file.
    for (name, msg) in walk_errors {
        let id = files.len();
        files.push(SourceFile::new(
            name.clone(),
            PathBuf::from(&name),
            String::new(),
        ));
        classes.push(FileClass::Unreadable(msg));
        bad_utf8.push(None);
        if let Some(r) = roots.iter_mut().rev().find(|r| r.name != "-") {
            r.files.push(id);
        }
    }

    let read: Vec<(SourceFile, FileClass, Option<Span>, usize)> = pending
        .into_par_iter()
        .map(|(name, path, ri)| {
            let (file, class, bad) = read_file(name, path);
            (file, class, bad, ri)
        })
        .collect();
    for (file, class, bad, ri) in read {
        roots[ri].files.push(files.len());
        files.push(file);
        classes.push(class);
        bad_utf8.push(bad);
    }
    let chart_dirs_abs: Vec<PathBuf> = chart_dirs.iter().map(|d| absolute(d)).collect();
    for (i, f) in files.iter().enumerate() {
        if classes[i] == FileClass::Yaml
            && in_chart_templates(&f.path, &chart_dirs_abs)
            && f.text.contains("{{")
        {
            classes[i] = FileClass::Skipped(TEMPLATE_NOTE.into());
        }
    }
    Ok(Loaded {
        files,
        roots,
        classes,
        bad_utf8,
        chart_dirs: chart_dirs_abs,
        group_per_path: false,
        repo_urls: Vec::new(),
        rendered: Default::default(),
        covered: Default::default(),
        rendered_helm: Default::default(),
        render_failures: Vec::new(),
        render_notes: Vec::new(),
    })
}

pub const TEMPLATE_NOTE: &str = "Helm chart template";

fn in_chart_templates(path: &Path, charts: &[PathBuf]) -> bool {
    if charts.is_empty() {
        return false;
    }
    path.ancestors().any(|a| {
        a.file_name().is_some_and(|n| n == "templates")
            && a.parent().is_some_and(|p| charts.iter().any(|c| c == p))
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

fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

fn read_file(name: String, path: PathBuf) -> (SourceFile, FileClass, Option<Span>) {
    let abs = absolute(&path);
    let meta = std::fs::metadata(&path);
    if let Ok(m) = &meta
        && m.len() > MAX_FILE_SIZE
    {
        let class = FileClass::Skipped(format!(
            "file is {} MiB, larger than the {} MiB limit",
            m.len() / (1024 * 1024),
            MAX_FILE_SIZE / (1024 * 1024)
        ));
        return (SourceFile::new(name, abs, String::new()), class, None);
    }
    match std::fs::read(&path) {
        Err(e) => (
            SourceFile::new(name, abs, String::new()),
            FileClass::Unreadable(e.to_string()),
            None,
        ),
        Ok(bytes) => {
            let (class, bad) = classify_text(&name, &bytes);
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                // Keep the text (lossy) so a finding can show the line.
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            (SourceFile::new(name, abs, text), class, bad)
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Decide, before parsing, what a file is.
fn classify_text(name: &str, bytes: &[u8]) -> (FileClass, Option<Span>) {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return (
            FileClass::Skipped("binary file (contains NUL bytes)".into()),
            None,
        );
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    let kustomization = matches!(
        base,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    );
    let looks_like_manifest = contains(bytes, b"apiVersion") && contains(bytes, b"kind");
    if let Err(e) = std::str::from_utf8(bytes) {
        if looks_like_manifest {
            let off = e.valid_up_to();
            return (FileClass::Yaml, Some(Span::new(off, off)));
        }
        return (FileClass::Skipped("not UTF-8 text".into()), None);
    }
    if looks_like_manifest || kustomization {
        (FileClass::Yaml, None)
    } else {
        (FileClass::NotManifest, None)
    }
}

/// Parse every YAML file, in parallel.
pub fn parse_all<'a>(loaded: &'a Loaded) -> Vec<ParsedFile<'a>> {
    loaded
        .files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let class = loaded.classes[i].clone();
            let bad_utf8 = loaded.bad_utf8[i];
            let mut yaml = if class == FileClass::Yaml && bad_utf8.is_none() {
                yaml::parse(&f.text)
            } else {
                ParsedYaml::default()
            };
            let mut class = class;
            // A file that holds `{{` is a Go/Helm template, not YAML, when it does not parse or when
            // an unquoted `{{ … }}` parsed as a nested flow mapping (`name: {{ .Values.x }}`).
            if class == FileClass::Yaml
                && f.text.contains("{{")
                && (yaml.issues.iter().any(|i| i.related.is_none())
                    || yaml
                        .docs
                        .iter()
                        .any(|d| has_template_mapping(&d.root, &f.text)))
            {
                class = FileClass::Skipped("Go/Helm template (contains `{{ }}`), not YAML".into());
                yaml = ParsedYaml::default();
            }
            ParsedFile {
                file: i,
                class,
                yaml,
                bad_utf8,
            }
        })
        .collect()
}

/// An unquoted Go template expression: a flow mapping whose source starts with `{{`.
fn has_template_mapping(n: &yaml::Node<'_>, text: &str) -> bool {
    match &n.kind {
        yaml::NodeKind::Map(entries) => {
            text.get(n.span.range())
                .is_some_and(|t| t.starts_with("{{"))
                || entries.iter().any(|e| {
                    has_template_mapping(&e.key, text) || has_template_mapping(&e.value, text)
                })
        }
        yaml::NodeKind::Seq(items) => items.iter().any(|i| has_template_mapping(i, text)),
        yaml::NodeKind::Scalar(_) => false,
    }
}
