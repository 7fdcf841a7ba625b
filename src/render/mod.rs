//! Rendering with the tools the user has installed (`kustomize build`, else `kubectl kustomize`;
//! `helm template`), so apps are linted as Argo CD will apply them. The jobs come from the model
//! (`model::jobs::plan`), already checked offline; here they run in a sandbox (see
//! [`sandbox`]): a private temporary directory, a scrubbed environment, arguments that cannot
//! become flags, a timeout and an output cap. Results are cached by content ([`cache`]), so a
//! second run renders only what changed.

pub mod cache;
pub mod sandbox;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use crate::limits::Limits;
use crate::load::yaml::ParseLimits;
use crate::load::{SourceFile, Workspace};
use crate::model::jobs::{Job, JobKind, Outcome, Rendered};
use sandbox::Tool;

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The virtual file names of rendered output (in the rendered directory): never edited by fixes.
pub const RENDERED_HELM: &str = ".synclint-helm-template.yaml";
pub const RENDERED_KUSTOMIZE: &str = ".synclint-kustomize-build.yaml";

/// Is this file rendered output (as opposed to a file of the tree)?
pub fn is_rendered(f: &SourceFile) -> bool {
    f.path
        .file_name()
        .is_some_and(|n| n == RENDERED_HELM || n == RENDERED_KUSTOMIZE)
}

/// The renderers found on this machine.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    pub kustomize: Option<Tool>,
    pub helm: Option<Tool>,
}

impl Tools {
    /// Look the tools up on `PATH`.
    pub fn discover() -> Tools {
        Tools {
            kustomize: sandbox::kustomize_tool(),
            helm: sandbox::helm_tool(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub tools: Tools,
    /// Cache directory (`None`: no cache).
    pub cache: Option<PathBuf>,
    pub timeout: Duration,
    pub limits: Limits,
    /// `--kube-version` for Helm (`1.N`) when the Application sets none.
    pub kube_version: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            tools: Tools::discover(),
            cache: cache::default_dir(),
            timeout: TIMEOUT,
            limits: Limits::default(),
            // Argo CD passes the destination cluster's version; offline, the version synclint
            // validates against (Helm's built-in default is older, and fails `kubeVersion:`).
            kube_version: Some(crate::schema::set::DEFAULT_KUBERNETES.to_string()),
        }
    }
}

/// What one job produced, before it becomes a file.
#[derive(Debug, Clone)]
pub enum Raw {
    /// A build's output; `tree`: its parse in [`crate::load::codec`] form, when known.
    Output {
        text: String,
        origin_base: PathBuf,
        tree: Option<Vec<u8>>,
    },
    Failed(String),
    Blocked(String),
    Skipped(String),
}

/// Run the jobs (in parallel, through the cache) and return their output.
pub fn run(ws: &Workspace, jobs: &[Job], opts: &RenderOptions) -> Rendered {
    let mut rendered = Rendered::default();
    if jobs.is_empty() {
        return rendered;
    }
    let needs_kustomize = jobs
        .iter()
        .any(|j| j.kind == JobKind::Kustomize && j.blocker.is_none() && j.refused.is_none());
    let needs_helm = jobs
        .iter()
        .any(|j| matches!(j.kind, JobKind::Helm(_)) && j.blocker.is_none() && j.refused.is_none());
    if needs_kustomize && opts.tools.kustomize.is_none() {
        rendered.notes.push(
            "no kustomize or kubectl found: Kustomize apps are linted as written, not rendered"
                .into(),
        );
    }
    if needs_helm && opts.tools.helm.is_none() {
        rendered.notes.push(
            "no helm found: Helm charts are not rendered, and their templates are not linted"
                .into(),
        );
    }
    // Builds are separate processes: run a few more at once than there are cores.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads().max(1) * 2)
        .build();
    // A base is an input of every overlay that includes it: each file is hashed once.
    let digests = cache::Digests::new(ws);
    let run_all = || -> Vec<Raw> {
        jobs.par_iter()
            .map(|j| run_one(ws, j, opts, &digests))
            .collect()
    };
    let raws = match &pool {
        Ok(p) => p.install(run_all),
        Err(_) => run_all(),
    };
    let base = ws.files.len();
    let plimits = ParseLimits::of(&opts.limits, None);
    // Numbered in order; parsed when the model reads them (in parallel).
    let parsed: Vec<(bool, Parsed)> = jobs
        .par_iter()
        .zip(raws.into_par_iter())
        .map(|(job, raw)| {
            let helm = matches!(job.kind, JobKind::Helm(_));
            let done = match raw {
                Raw::Output {
                    text,
                    origin_base,
                    tree,
                } => {
                    let what = if helm {
                        "helm template"
                    } else {
                        "kustomize build"
                    };
                    Ok((
                        SourceFile::rendered(
                            format!("{} ({what})", job.shown),
                            job.dir.join(if helm {
                                RENDERED_HELM
                            } else {
                                RENDERED_KUSTOMIZE
                            }),
                            text,
                            tree,
                            &plimits,
                        ),
                        origin_base,
                    ))
                }
                Raw::Failed(m) => Err(match plugin_needed(&m) {
                    Some(why) => Outcome::Blocked(why.into()),
                    None => Outcome::Failed(m),
                }),
                Raw::Blocked(m) => Err(Outcome::Blocked(m)),
                Raw::Skipped(m) => Err(Outcome::Skipped(m)),
            };
            (helm, done)
        })
        .collect();
    for (job, (helm, done)) in jobs.iter().zip(parsed) {
        let outcome = match done {
            Ok((file, origin_base)) => {
                if let JobKind::Helm(h) = &job.kind {
                    crate::model::jobs::dep_dirs(&h.local_deps, &mut rendered.vendored_charts);
                }
                let id = base + rendered.files.len();
                rendered.files.push(Arc::new(file));
                Outcome::Rendered {
                    file: id,
                    origin_base,
                }
            }
            Err(o) => o,
        };
        rendered.outcomes.push((job.dir.clone(), helm, outcome));
    }
    rendered
}

/// A build that failed only because it needs what Argo CD can be configured to allow
/// (`kustomize.buildOptions`) or has (the network) and synclint never does: plugins, exec
/// functions, Helm inflation, a fetch (a values schema's remote `$ref`). Argo CD may well
/// build it; synclint cannot tell, so it is not rendered rather than failed.
fn plugin_needed(message: &str) -> Option<&'static str> {
    const PLUGIN: &str = "it uses a kustomize plugin, which runs only with `--enable-alpha-plugins` and which synclint never runs";
    const FETCH: &str = "it fetches a URL (such as a values schema's remote `$ref`), which Argo CD's repo server can and synclint, offline, never does";
    const SIGNS: [(&str, &str); 7] = [
        // Go's HTTP client: `Get "https://…": dial tcp: lookup …: no such host`.
        ("Get \"http", FETCH),
        ("dial tcp", FETCH),
        ("external plugins disabled", PLUGIN),
        ("unable to load external plugin", PLUGIN),
        ("--enable-alpha-plugins", PLUGIN),
        (
            "--enable-exec",
            "it runs an exec function, which needs `--enable-exec` and which synclint never runs",
        ),
        (
            "--enable-helm",
            "it inflates a Helm chart, which needs `--enable-helm` and the network",
        ),
    ];
    SIGNS
        .iter()
        .find(|(sign, _)| message.contains(sign))
        .map(|(_, why)| *why)
}

/// A job's result: its output file (parsed when first read) and origin base, or why there is
/// none.
type Parsed = Result<(SourceFile, PathBuf), Outcome>;

fn run_one(ws: &Workspace, job: &Job, opts: &RenderOptions, digests: &cache::Digests) -> Raw {
    if let Some(why) = &job.refused {
        return Raw::Failed(why.clone());
    }
    if let Some(why) = &job.blocker {
        return Raw::Blocked(why.clone());
    }
    let tool = match &job.kind {
        JobKind::Kustomize => opts.tools.kustomize.as_ref(),
        JobKind::Helm(_) => opts.tools.helm.as_ref(),
    };
    let Some(tool) = tool else {
        return Raw::Skipped(match job.kind {
            JobKind::Kustomize => "no kustomize or kubectl is installed".into(),
            JobKind::Helm(_) => "helm is not installed".into(),
        });
    };
    let key = opts.cache.as_ref().map(|_| {
        let limits = ParseLimits::of(&opts.limits, None);
        cache::key(
            ws,
            digests,
            job,
            tool,
            opts.kube_version.as_deref(),
            &limits,
        )
    });
    if let (Some(dir), Some(k)) = (&opts.cache, &key)
        && let Some(hit) = cache::get(dir, k)
    {
        return hit;
    }
    let mut raw = match &job.kind {
        JobKind::Kustomize => sandbox::kustomize(tool, &job.dir, opts),
        JobKind::Helm(h) => sandbox::helm(tool, &job.dir, h, opts),
    };
    // Parsed once here, for the cache: a later run decodes the tree instead of parsing.
    if opts.cache.is_some()
        && let Raw::Output { text, tree, .. } = &mut raw
    {
        let parsed = crate::load::yaml::parse_with(text, &ParseLimits::of(&opts.limits, None));
        *tree = Some(crate::load::codec::encode(&parsed, text));
    }
    if let (Some(dir), Some(k)) = (&opts.cache, &key)
        && matches!(raw, Raw::Output { .. } | Raw::Failed(_))
    {
        cache::put(dir, k, &raw);
    }
    raw
}

/// The relative path from `from` to `to` (both absolute), e.g. `../../work/repo/app`.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    use std::path::Component;
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/tmp/a/b"), Path::new("/work/r/x")),
            PathBuf::from("../../../work/r/x")
        );
        assert_eq!(
            relative(Path::new("/w/t"), Path::new("/w/r")),
            PathBuf::from("../r")
        );
    }
}
