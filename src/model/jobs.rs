//! What to render, decided from the tree alone: every Kustomize root (claimed by an Application
//! or not: Argo CD would build it at that path) and every local Helm chart an Application syncs,
//! with Argo CD's parameters, checked against Helm's and Kubernetes' grammars. The renderer
//! (`crate::render`) runs these jobs; the results come back as [`Rendered`].

use foldhash::{HashMap, HashSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::yaml::Node;
use crate::load::{FileId, SourceFile, Workspace, normalize};

use super::app::{self, HelmOptions, SourceContext, SourceType};
use super::kustomize::Kustomizations;
use super::resource::Resource;

// A tree has few jobs, each built once: the size of a Kustomize job does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobKind {
    Kustomize,
    Helm(HelmJob),
}

/// `helm template` of a local chart, as Argo CD runs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct HelmJob {
    pub release: String,
    pub namespace: Option<String>,
    /// Value files, absolute, inside the repository (checked).
    pub value_files: Vec<PathBuf>,
    pub values: Option<String>,
    pub parameters: Vec<(String, String)>,
    pub string_parameters: Vec<(String, String)>,
    /// `source.helm.kubeVersion`/`apiVersions` (Argo CD 2.13+), over the configured cluster's.
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub skip_crds: bool,
    pub skip_tests: bool,
    pub skip_schema_validation: bool,
    /// `file://` dependencies not vendored in `charts/`: Argo CD's `helm dependency build`
    /// packages them from the checkout, so the renderer copies them in (offline).
    pub local_deps: Vec<LocalDep>,
}

/// A chart in the tree that `helm dependency build` would place in `charts/<name>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LocalDep {
    pub name: String,
    /// The dependency's chart directory (absolute, inside the repository, checked).
    pub dir: PathBuf,
    /// Its own unvendored `file://` dependencies.
    pub deps: Vec<LocalDep>,
}

#[derive(Debug, Clone)]
pub struct Job {
    /// The directory built (absolute).
    pub dir: PathBuf,
    /// As the user sees it (relative to the current directory).
    pub shown: String,
    pub kind: JobKind,
    /// Every file of the workspace the build reads (the render cache key hashes them).
    pub inputs: Vec<FileId>,
    /// Other files it reads (generator inputs, chart helpers), hashed from disk by the renderer.
    pub extra_inputs: Vec<PathBuf>,
    /// Why the build cannot run offline or safely; the job is then not run.
    pub blocker: Option<String>,
    /// Why Argo CD's own build fails before it starts (an invalid release name, a value file
    /// outside the repository): the job is not run and its outcome is that failure.
    pub refused: Option<String>,
    /// The repository root the build must stay inside.
    pub root: PathBuf,
}

/// What came of one job.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The output, as a file of its own (global id, after the workspace's files). Kustomize's
    /// origin annotations are relative to `origin_base`.
    Rendered { file: FileId, origin_base: PathBuf },
    /// The build failed: Argo CD's would too.
    Failed(String),
    /// Not run: part of what it needs is not in the tree (a remote base, an unvendored chart
    /// dependency) or may not be run (an invalid Helm argument). The app is known in part.
    Blocked(String),
    /// Not run here (no renderer installed, output too large): linted as written.
    Skipped(String),
}

/// Rendered output of a run.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// Rendered texts; file ids continue after the workspace's.
    pub files: Vec<Arc<SourceFile>>,
    /// Per job: its directory, kind and outcome.
    pub outcomes: Vec<(PathBuf, bool, Outcome)>,
    /// One-line notes for the user (a missing tool).
    pub notes: Vec<String>,
    /// The kustomizations the jobs were planned from (the model reuses them, not reads again).
    pub kustomizations: Option<Arc<super::kustomize::Kustomizations>>,
    /// Chart directories rendered as `file://` dependencies of a rendered chart.
    pub vendored_charts: Vec<PathBuf>,
    /// `outcomes` by (directory, helm), built on first lookup.
    index: std::sync::OnceLock<HashMap<(PathBuf, bool), usize>>,
    /// Workspace files a rendered build stands for, found on first use.
    covered: std::sync::OnceLock<HashSet<FileId>>,
}

impl Rendered {
    /// Workspace files a rendered build stands for: a rendered kustomization's closure, and a
    /// rendered chart's templates (its subcharts' too; those without template syntax parse as
    /// YAML, but the rendered copy is the one Argo CD applies). Neither is read as written.
    pub fn covered(&self, ws: &Workspace, kust: &Kustomizations) -> &HashSet<FileId> {
        self.covered.get_or_init(|| {
            let mut covered: HashSet<FileId> = HashSet::default();
            for (dir, helm, o) in &self.outcomes {
                match (o, helm) {
                    (Outcome::Rendered { .. }, false) => covered.extend(kust.closure(ws, dir)),
                    (Outcome::Rendered { .. }, true) => {
                        covered.extend(ws.files_under(dir).filter(|&f| {
                            ws.files[f].path.strip_prefix(dir).is_ok_and(|rel| {
                                rel.parent().is_some_and(|p| {
                                    p.components().any(|c| c.as_os_str() == "templates")
                                })
                            })
                        }))
                    }
                    _ => {}
                }
            }
            covered
        })
    }

    /// The outcome for a directory (`helm` picks the Helm job).
    pub fn outcome(&self, dir: &Path, helm: bool) -> Option<&Outcome> {
        // Asked once per app and per kustomize root: an index, not a scan of every job.
        let index = self.index.get_or_init(|| {
            let mut m = HashMap::with_capacity_and_hasher(self.outcomes.len(), Default::default());
            for (i, (d, h, _)) in self.outcomes.iter().enumerate() {
                m.entry((d.clone(), *h)).or_insert(i);
            }
            m
        });
        index
            .get(&(dir.to_path_buf(), helm))
            .map(|&i| &self.outcomes[i].2)
    }

    pub fn rendered_file(&self, dir: &Path, helm: bool) -> Option<FileId> {
        match self.outcome(dir, helm) {
            Some(Outcome::Rendered { file, .. }) => Some(*file),
            _ => None,
        }
    }
}

/// The file a failed build names as missing (`lstat P: no such file or directory`, as kustomize
/// and Helm, both Go, word it), if the message names one.
pub fn missing_input(message: &str) -> Option<&Path> {
    const GONE: &str = ": no such file or directory";
    let end = message.find(GONE)?;
    let head = &message[..end];
    let start = head.rfind([' ', '\''])? + 1;
    let path = Path::new(&head[start..]);
    path.is_absolute().then_some(path)
}

/// Helm's release-name grammar (`chartutil.ValidateReleaseName`): lower-case DNS-1123 labels
/// joined by dots, at most 53 characters. Anything else (a `--flag`) is refused.
pub fn valid_release_name(s: &str) -> bool {
    super::resource::dns1123_subdomain(s, 53)
}

/// A Kubernetes namespace name: a DNS-1123 label.
pub fn valid_namespace(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The root a path must stay inside: the repository (git root, else the input) holding `dir`.
fn repo_root_of(ws: &Workspace, dir: &Path) -> PathBuf {
    ws.roots
        .iter()
        .flat_map(|r| r.repo_roots.iter())
        .filter(|r| dir.starts_with(r))
        .min_by_key(|r| r.components().count())
        .cloned()
        .unwrap_or_else(|| dir.to_path_buf())
}

fn shown(ws: &Workspace, dir: &Path) -> String {
    let f = super::kustomize::NAMES
        .iter()
        .chain(&["Chart.yaml"])
        .find_map(|n| ws.file_at(&dir.join(n)));
    f.and_then(|f| {
        Path::new(&ws.files[f].name)
            .parent()
            .map(|p| p.display().to_string())
    })
    .filter(|s| !s.is_empty())
    .unwrap_or_else(|| dir.display().to_string())
}

/// Why a Helm source is not rendered.
enum NotRun {
    /// Argo CD fails too (Helm rejects the release name; the repo server refuses a value file
    /// outside the repository).
    Refused(String),
    /// Not possible here (a value file from another source, one not in this checkout).
    Blocked(String),
}

/// Where Argo CD reads a value file of this repository: relative to the chart, or to the
/// repository's root when absolute (`ResolveValueFilePathOrUrl`). Outside `root` when it
/// leaves the repository, which Argo CD refuses.
fn value_file_path(chart: &Path, root: &Path, f: &str) -> PathBuf {
    if Path::new(f).is_absolute() {
        normalize(&root.join(f.trim_start_matches('/')))
    } else {
        normalize(&chart.join(f))
    }
}

/// The value files of a Helm source of this repository that the checkout does not have, by
/// index in `valueFiles`. Argo CD passes each to Helm, which fails on a missing one unless
/// `ignoreMissingValueFiles` is set. Left out: another source's or a URL's files, names a
/// template or `$ENV` still fills in, globs (expanded since Argo CD 3.4), and paths a
/// `.synclintignore` keeps out of the walk.
pub fn missing_value_files(ws: &Workspace, src: &super::app::AppSource) -> Vec<(usize, PathBuf)> {
    if src.kind != SourceType::Helm || src.helm.ignore_missing_value_files || src.helm.unevaluated {
        return Vec::new();
    }
    let root = repo_root_of(ws, &src.dir);
    src.helm
        .value_files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.contains(['$', '{', '*', '?', '[']) && !f.contains("://"))
        .map(|(i, f)| (i, value_file_path(&src.dir, &root, f)))
        .filter(|(_, p)| p.starts_with(&root) && !ws.exists(p) && !ws.lint_ignored(p))
        .collect()
}

/// Check a Helm source against what Argo CD accepts, and resolve its value files.
fn helm_job(
    ws: &Workspace,
    chart: &Path,
    root: &Path,
    release: &str,
    namespace: Option<&str>,
    opts: &HelmOptions,
) -> Result<HelmJob, NotRun> {
    if opts.unevaluated {
        return Err(NotRun::Blocked(
            "the ApplicationSet's template leaves `{{ … }}` in the Helm options (a function or pipeline synclint does not evaluate)"
                .into(),
        ));
    }
    if !valid_release_name(release) {
        return Err(NotRun::Refused(format!(
            "release name `{}` is not a valid Helm release name",
            crate::report::escape::clip(release, 60)
        )));
    }
    if let Some(ns) = namespace
        && !valid_namespace(ns)
    {
        return Err(NotRun::Blocked(format!(
            "namespace `{}` is not a valid namespace name",
            crate::report::escape::clip(ns, 60)
        )));
    }
    let mut value_files = Vec::new();
    for f in &opts.value_files {
        if f.starts_with('$') || f.contains("://") {
            return Err(NotRun::Blocked(format!(
                "value file `{}` comes from another source or repository",
                crate::report::escape::clip(f, 80)
            )));
        }
        let p = value_file_path(chart, root, f);
        if !p.starts_with(root) {
            return Err(NotRun::Refused(format!(
                "value file `{}` is outside the repository",
                crate::report::escape::clip(f, 80)
            )));
        }
        if ws.file_at(&p).is_none() {
            if opts.ignore_missing_value_files {
                continue;
            }
            return Err(NotRun::Blocked(format!(
                "value file `{}` is not in this checkout",
                crate::report::escape::clip(f, 80)
            )));
        }
        value_files.push(p);
    }
    let bad_key = opts
        .parameters
        .iter()
        .chain(&opts.string_parameters)
        .find(|(k, _)| k.starts_with('-') || k.contains('\n'));
    if let Some((k, _)) = bad_key {
        return Err(NotRun::Blocked(format!(
            "parameter name `{}` is not a Helm value path",
            crate::report::escape::clip(k, 60)
        )));
    }
    // Bound with `=` when passed, but still refused when they cannot be what they claim.
    if let Some(v) = &opts.kube_version
        && !v
            .trim_start_matches('v')
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(NotRun::Refused(format!(
            "kubeVersion `{}` is not a Kubernetes version",
            crate::report::escape::clip(v, 60)
        )));
    }
    if let Some(v) = opts
        .api_versions
        .iter()
        .find(|v| v.is_empty() || v.starts_with('-') || v.contains(char::is_whitespace))
    {
        return Err(NotRun::Refused(format!(
            "apiVersions entry `{}` is not an API version",
            crate::report::escape::clip(v, 60)
        )));
    }
    Ok(HelmJob {
        release: release.to_string(),
        namespace: namespace.map(str::to_string),
        value_files,
        values: opts.values.clone(),
        parameters: opts.parameters.clone(),
        string_parameters: opts.string_parameters.clone(),
        kube_version: opts.kube_version.clone(),
        api_versions: opts.api_versions.clone(),
        skip_crds: opts.skip_crds,
        skip_tests: opts.skip_tests,
        skip_schema_validation: opts.skip_schema_validation,
        local_deps: Vec::new(),
    })
}

/// Why a chart cannot be rendered offline from this checkout (`Err`), or the `file://`
/// dependencies the renderer must vendor for it, as Argo CD's `helm dependency build` would.
fn chart_deps(
    ws: &Workspace,
    chart: &Path,
    root: &Path,
    depth: usize,
) -> Result<Vec<LocalDep>, String> {
    // Helm loads every file of the chart directory and follows symbolic links.
    if let Some(link) = ws.outside_link_under(chart) {
        return Err(format!(
            "the chart holds `{}`, a symbolic link out of the tree",
            crate::report::escape::clip(
                &link.strip_prefix(chart).unwrap_or(link).to_string_lossy(),
                120
            )
        ));
    }
    let Some(f) = ws.file_at(&chart.join("Chart.yaml")) else {
        return Ok(Vec::new());
    };
    let Some(doc) = ws.files[f].yaml().docs.first() else {
        return Ok(Vec::new());
    };
    let deps = doc.root.get("dependencies").map(Node::items).unwrap_or(&[]);
    // A dependency vendored in charts/ (a directory or a packaged `.tgz`) is used as it is.
    let vendored_dir = chart.join("charts");
    let packaged = ws.file_names_in(&vendored_dir);
    let mut local = Vec::new();
    for d in deps {
        let repo = d.get("repository").and_then(Node::str).unwrap_or("");
        let Some(name) = d.get("name").and_then(Node::str) else {
            continue;
        };
        let vendored = ws.is_dir(&vendored_dir.join(name))
            || packaged.iter().any(|f| {
                f.strip_prefix(name)
                    .is_some_and(|v| v.starts_with('-') && v.ends_with(".tgz"))
            });
        if vendored {
            continue;
        }
        let Some(rel) = repo.strip_prefix("file://") else {
            return Err(
                "the chart has dependencies that are not vendored in charts/ (helm dependency build needs the network)"
                    .into(),
            );
        };
        let dir = normalize(&chart.join(rel));
        let clip = |s: &str| crate::report::escape::clip(s, 80);
        if !dir.starts_with(root)
            || !ws.is_dir(&dir)
            || ws.file_at(&dir.join("Chart.yaml")).is_none()
        {
            return Err(format!(
                "the chart's dependency `{}` (`{}`) is not a chart in this repository",
                clip(name),
                clip(repo)
            ));
        }
        // The name becomes a directory under charts/: one plain path component.
        let plain =
            !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0']);
        if depth == 0 || !plain || ws.through_outside_link(&dir) {
            return Err(format!(
                "the chart's dependency `{}` cannot be vendored offline",
                clip(name)
            ));
        }
        local.push(LocalDep {
            name: name.to_string(),
            deps: chart_deps(ws, &dir, root, depth - 1)?,
            dir,
        });
    }
    Ok(local)
}

/// Every chart directory a render reads: the chart and its vendored `file://` dependencies.
pub fn dep_dirs(deps: &[LocalDep], out: &mut Vec<PathBuf>) {
    for d in deps {
        out.push(d.dir.clone());
        dep_dirs(&d.deps, out);
    }
}

/// Every render the tree asks for, in a stable order.
pub fn plan(ws: &Workspace, kust: &Kustomizations, generated_limit: usize) -> Vec<Job> {
    let mut jobs: BTreeMap<(PathBuf, bool), Job> = BTreeMap::new();
    let kustomize_job = |dir: &Path| {
        let (inputs, extra_inputs) = kust.inputs(ws, dir);
        Job {
            dir: dir.to_path_buf(),
            shown: shown(ws, dir),
            kind: JobKind::Kustomize,
            inputs,
            extra_inputs,
            blocker: kust.blocker(dir),
            refused: None,
            root: repo_root_of(ws, dir),
        }
    };
    // Each root's inputs (its whole closure) are independent: gathered in parallel.
    let roots: Vec<Job> = {
        use rayon::prelude::*;
        kust.roots().into_par_iter().map(kustomize_job).collect()
    };
    for job in roots {
        jobs.insert((job.dir.clone(), false), job);
    }
    // Applications (and ApplicationSets) may point below a root, or at charts.
    let mut seen_charts: HashSet<PathBuf> = HashSet::default();
    let mut plugin_dirs: Vec<PathBuf> = Vec::new();
    for_each_app_spec(ws, generated_limit, "Application", |app| {
        for src in app.sources.iter().filter(|s| s.local) {
            match src.kind {
                SourceType::Plugin => plugin_dirs.push(src.dir.clone()),
                SourceType::Kustomize if kust.by_dir.contains_key(&src.dir) => {
                    jobs.entry((src.dir.clone(), false))
                        .or_insert_with(|| kustomize_job(&src.dir));
                }
                // One rendering per chart: the first app that uses it decides the values.
                SourceType::Helm if seen_charts.insert(src.dir.clone()) => {
                    let Some(chart_file) = ws.file_at(&src.dir.join("Chart.yaml")) else {
                        continue;
                    };
                    let root = repo_root_of(ws, &src.dir);
                    let release = src.helm.release.clone().unwrap_or_else(|| app.name.clone());
                    // `helm.namespace` overrides the destination's (GetNamespaceOrDefault).
                    let ns = src.helm.namespace.as_deref().or(app.dest_ns());
                    let helm = helm_job(ws, &src.dir, &root, &release, ns, &src.helm);
                    let deps = chart_deps(ws, &src.dir, &root, 4);
                    let mut dirs = vec![src.dir.clone()];
                    dep_dirs(deps.as_deref().unwrap_or(&[]), &mut dirs);
                    let mut inputs: Vec<FileId> =
                        dirs.iter().flat_map(|d| ws.files_under(d)).collect();
                    inputs.push(chart_file);
                    if let Ok(h) = &helm {
                        inputs.extend(h.value_files.iter().filter_map(|p| ws.file_at(p)));
                    }
                    inputs.sort_unstable();
                    inputs.dedup();
                    use std::ops::Bound;
                    let extra_inputs: Vec<PathBuf> = dirs
                        .iter()
                        .flat_map(|d| {
                            ws.paths
                                .range::<Path, _>((Bound::Excluded(d.as_path()), Bound::Unbounded))
                                .take_while(move |p| p.starts_with(d))
                        })
                        .filter(|p| ws.file_at(p).is_none())
                        .cloned()
                        .collect();
                    let (kind, blocker, refused) = match helm {
                        Ok(mut h) => match deps {
                            Ok(d) => {
                                h.local_deps = d;
                                (JobKind::Helm(h), None, None)
                            }
                            Err(b) => (JobKind::Helm(h), Some(b), None),
                        },
                        Err(e) => (
                            JobKind::Helm(HelmJob::default()),
                            match &e {
                                NotRun::Blocked(m) => Some(m.clone()),
                                NotRun::Refused(_) => None,
                            },
                            match e {
                                NotRun::Refused(m) => Some(m),
                                NotRun::Blocked(_) => None,
                            },
                        ),
                    };
                    jobs.insert(
                        (src.dir.clone(), true),
                        Job {
                            dir: src.dir.clone(),
                            shown: shown(ws, &src.dir),
                            kind,
                            inputs,
                            extra_inputs,
                            blocker,
                            refused,
                            root,
                        },
                    );
                }
                _ => {}
            }
        }
    });
    // A Config Management Plugin builds its source path, often from files it generates first:
    // Argo CD never runs kustomize there, and synclint never runs plugins.
    for dir in plugin_dirs {
        if let Some(job) = jobs.get_mut(&(dir, false)) {
            job.blocker = Some(
                "an Application's `plugin:` source builds it with a Config Management Plugin, which synclint never runs".into(),
            );
        }
    }
    jobs.into_values().collect()
}

/// Call `f` with every Application of the tree, and every Application an ApplicationSet
/// generates (resources are not assigned yet), in files whose text holds `needle` (a cheap
/// filter: a field the caller looks for).
pub(crate) fn for_each_app_spec(
    ws: &Workspace,
    limit: usize,
    needle: &str,
    mut f: impl FnMut(&app::App<'_>),
) {
    use rayon::prelude::*;
    // The text searches cover every byte of the tree: on all cores.
    let candidates: Vec<FileId> = ws
        .files
        .par_iter()
        .enumerate()
        .filter(|(_, file)| {
            let text = file.text();
            file.class == crate::load::FileClass::Yaml
                && crate::load::source::occurs(text, needle)
                && (needle == "Application" || crate::load::source::occurs(text, "Application"))
        })
        .map(|(fid, _)| fid)
        .collect();
    for fid in candidates {
        let file = &ws.files[fid];
        let text = file.text();
        let scx = SourceContext {
            ws,
            repo_roots: ws.repo_roots_of(fid),
        };
        for (di, doc) in file.yaml().docs.iter().enumerate() {
            let Some(r) = Resource::from_node(0, fid, di, &doc.root, text) else {
                continue;
            };
            if r.is("argoproj.io", "Application") {
                f(&app::from_application(0, &r, &scx));
            } else if r.is("argoproj.io", "ApplicationSet") {
                for a in super::generated_apps(&r, &scx, limit).unwrap_or_default() {
                    f(&a);
                }
            }
        }
    }
}
