//! synclint: an offline linter that models the sync Argo CD will run and reports the failures it
//! can prove.
//!
//! Data flows one way: files → documents with spans (`load`) → resources and apps (`model`) →
//! sync plans (`plan`) → findings (`rules`) → reporters (`report`).

pub mod baseline;
pub mod config;
pub mod diag;
pub mod load;
pub mod model;
pub mod plan;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod suppress;

use diag::{Diagnostic, Severity};
use load::{Loaded, ParsedFile};
use model::Model;
use plan::Plan;
use report::Summary;

/// Everything derived from one set of inputs.
pub struct Analysis<'a> {
    pub model: Model<'a>,
    pub plans: Vec<Plan<'a>>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// Resources with no schema (not validated).
    pub unvalidated: Vec<usize>,
    /// Problems worth telling the user that are not findings (unreadable schema files).
    pub notes: Vec<String>,
}

/// Render the Kustomize and Helm sources of the tree's apps with the installed tools, and add
/// the output as files the next parse reads in place of the raw manifests. Builds run in
/// parallel.
pub fn render(mut loaded: Loaded) -> Loaded {
    use rayon::prelude::*;
    // Only Applications and ApplicationSets point at sources to render.
    if !loaded
        .files
        .iter()
        .any(|f| f.text.contains("kind: Application") || f.text.contains("\"Application"))
    {
        return loaded;
    }
    enum Job {
        Kustomize(Option<String>),
        Helm {
            release: String,
            namespace: Option<String>,
            opts: model::app::HelmOptions,
        },
    }
    let jobs: Vec<(std::path::PathBuf, Job, Vec<usize>)> = {
        let parsed = load::parse_all(&loaded);
        let model = Model::build(&loaded, &parsed);
        let by_path: std::collections::HashMap<&std::path::Path, usize> = loaded
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.as_path(), i))
            .collect();
        let mut jobs: Vec<(std::path::PathBuf, Job, Vec<usize>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        // Only what an Application (or ApplicationSet) syncs is rendered: a bare kustomization
        // is not known to be an Argo CD app, and is linted as written.
        for a in model.apps.iter().filter(|a| !a.is_implicit()) {
            for d in &a.kustomize_dirs {
                if seen.insert(d.clone()) {
                    let blocker = model.kustomizations.blocker(d);
                    let closure = model.kustomizations.closure(d, &by_path);
                    jobs.push((d.clone(), Job::Kustomize(blocker), closure));
                }
            }
            for src in a
                .sources
                .iter()
                .filter(|s| s.local && s.kind == model::app::SourceType::Helm)
            {
                // One rendering per chart: the first app that uses it decides the values.
                if loaded.chart_dirs.contains(&src.dir) && seen.insert(src.dir.clone()) {
                    let templates: Vec<usize> = loaded
                        .files
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.path.starts_with(src.dir.join("templates")))
                        .map(|(i, _)| i)
                        .collect();
                    jobs.push((
                        src.dir.clone(),
                        Job::Helm {
                            release: src.helm.release.clone().unwrap_or_else(|| a.name.clone()),
                            namespace: a.dest_namespace.map(str::to_string),
                            opts: src.helm.clone(),
                        },
                        templates,
                    ));
                }
            }
        }
        jobs
    };
    if jobs.is_empty() {
        return loaded;
    }
    let kustomize = render::tool();
    let helm = render::helm_tool();
    if kustomize.is_none() && jobs.iter().any(|j| matches!(j.1, Job::Kustomize(_))) {
        loaded.render_notes.push(
            "no kustomize or kubectl found: Kustomize apps are linted as written, not rendered"
                .into(),
        );
    }
    if helm.is_none() && jobs.iter().any(|j| matches!(j.1, Job::Helm { .. })) {
        loaded.render_notes.push(
            "no helm found: Helm charts are not rendered, and their templates are not linted"
                .into(),
        );
    }
    // Builds are separate processes: run a few more at once than there are cores.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads().max(1) * 2)
        .build();
    let run_all = || -> Vec<Option<render::Outcome>> {
        jobs.par_iter()
            .map(|(dir, job, _)| match job {
                Job::Kustomize(Some(why)) => Some(render::Outcome::Skipped(why.clone())),
                Job::Kustomize(None) => kustomize.as_ref().map(|t| render::kustomize(dir, t)),
                Job::Helm {
                    release,
                    namespace,
                    opts,
                } => helm
                    .as_ref()
                    .map(|h| render::helm(h, dir, release, namespace.as_deref(), opts)),
            })
            .collect()
    };
    let outcomes = match &pool {
        Ok(p) => p.install(run_all),
        Err(_) => run_all(),
    };
    for ((dir, job, covered), outcome) in jobs.into_iter().zip(outcomes) {
        let shown = display_of(&loaded, &dir);
        match outcome {
            None => {}
            Some(render::Outcome::Rendered(text)) => {
                let id = loaded.files.len();
                loaded.files.push(load::SourceFile::new(
                    format!("{shown} (rendered)"),
                    dir.join(".synclint-rendered.yaml"),
                    text,
                ));
                loaded.classes.push(load::FileClass::Yaml);
                loaded.bad_utf8.push(None);
                if let Some(r) = loaded.roots.first_mut() {
                    r.files.push(id);
                }
                if matches!(job, Job::Helm { .. }) {
                    loaded.rendered_helm.insert(id);
                }
                loaded.rendered.insert(dir, id);
                loaded.covered.extend(covered);
            }
            Some(render::Outcome::Failed(msg)) => loaded.render_failures.push((dir, msg)),
            Some(render::Outcome::Skipped(why)) => loaded
                .render_notes
                .push(format!("{shown}: not rendered: {why}; linted as written")),
        }
    }
    loaded
}

/// A directory as the user sees it: from the display name of a file inside it.
fn display_of(loaded: &Loaded, dir: &std::path::Path) -> String {
    loaded
        .files
        .iter()
        .find(|f| f.path.parent() == Some(dir))
        .and_then(|f| {
            std::path::Path::new(&f.name)
                .parent()
                .map(|p| p.display().to_string())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| dir.display().to_string())
}

/// Model, plan and lint parsed files with default settings.
pub fn analyze<'a>(loaded: &'a Loaded, parsed: &'a [ParsedFile<'a>]) -> Analysis<'a> {
    analyze_with(loaded, parsed, &config::Config::default())
}

/// Model, plan and lint parsed files: rules the config turns off are not run, severities are
/// overridden, and suppressions are applied.
pub fn analyze_with<'a>(
    loaded: &'a Loaded,
    parsed: &'a [ParsedFile<'a>],
    config: &config::Config,
) -> Analysis<'a> {
    let model = Model::build(loaded, parsed);
    let plans = plan::build_all(&model);
    let version = config
        .kubernetes_version
        .as_deref()
        .unwrap_or(rules::DEFAULT_KUBERNETES);
    let mut schemas = schema::set::SchemaSet::new(version);
    let mut notes = Vec::new();
    for r in model.resources.iter().filter(|r| r.is_crd()) {
        schemas.add_crd(r);
    }
    for dir in &config.schema_dirs {
        if let Err(e) = schemas.add_dir(dir) {
            notes.push(e);
        }
    }
    let cx = rules::Cx {
        model: &model,
        plans: &plans,
        kubernetes_minor: rules::deprecated_minor(version),
        schemas: config.enabled("schema").then_some(&schemas),
        strict_kinds: config.strict_kinds,
    };
    let enabled = |id: &str| config.enabled(id);
    let mut diagnostics = rules::run(&cx, &enabled);
    // Findings in rendered output point back to the source files.
    if !loaded.rendered.is_empty() {
        for d in &mut diagnostics {
            (d.file, d.span) = model.origin(d.file, d.span);
            for r in &mut d.related {
                (r.file, r.span) = model.origin(r.file, r.span);
            }
        }
    }
    let suppressed = suppress::apply(&model, &mut diagnostics, &enabled);
    for d in &mut diagnostics {
        if let Some(s) = config.severity(d.rule) {
            d.severity = s;
        }
    }
    rules::sort(&model, &mut diagnostics);
    let unvalidated: Vec<usize> = if config.enabled("schema") {
        model
            .resources
            .iter()
            .filter(|r| schemas.compiled(r).is_none())
            .map(|r| r.id)
            .collect()
    } else {
        Vec::new()
    };
    let mut summary = Summary {
        unvalidated: unvalidated.len(),
        files: loaded.files.len(),
        documents: model.documents,
        resources: model.resources.len(),
        suppressed,
        ..Summary::default()
    };
    summary.count(&diagnostics);
    Analysis {
        model,
        plans,
        diagnostics,
        summary,
        unvalidated,
        notes,
    }
}

/// Lint paths (`-` reads `stdin`) and return the findings, rendered as JSON-ready values.
/// Convenience for tests and embedding: the whole pipeline in one call.
pub fn check_paths(
    inputs: &[String],
    stdin: Option<String>,
) -> Result<(Loaded, Vec<Diagnostic>, Summary), load::LoadError> {
    let loaded = render(load::load(inputs, stdin)?);
    let (diags, summary) = {
        let parsed = load::parse_all(&loaded);
        let a = analyze(&loaded, &parsed);
        (a.diagnostics, a.summary)
    };
    Ok((loaded, diags, summary))
}

/// The exit code for a set of findings: 1 if any is at or above `fail_on` (`None`: never).
pub fn exit_code(diags: &[Diagnostic], fail_on: Option<Severity>) -> i32 {
    match fail_on {
        Some(level) if diags.iter().any(|d| d.severity >= level) => 1,
        _ => 0,
    }
}
