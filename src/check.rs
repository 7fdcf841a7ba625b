//! The pipeline, one entry point for every front end (CLI, pre-commit, the Action, the language
//! server): a loaded [`Workspace`] and its rendered output in, a [`Report`] out. `analyze` is pure;
//! `render` is the one step that runs processes (through the cache).

use rayon::prelude::*;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::load::{FileId, SourceFile, Workspace};
use crate::model::jobs::{self, Job, Rendered};
use crate::model::kustomize::Kustomizations;
use crate::model::{Model, Settings};
use crate::plan::{self, Plan};
use crate::report::Summary;
use crate::rules;
use crate::schema::set::{SchemaFile, SchemaSet};

/// Everything a run is asked to do, besides the files.
#[derive(Clone, Default)]
pub struct Options {
    pub config: Config,
    pub settings: Settings,
    /// `--schema-dir` files, read at the edge.
    pub schema_files: Vec<SchemaFile>,
    /// Rendering (`None`: lint Kustomize and Helm sources as written).
    pub render: Option<crate::render::RenderOptions>,
    /// Build the sync plan view (`plan`, editors).
    pub plan: bool,
    /// The files whose findings are wanted (empty: all). An editor asks about one file: the
    /// whole tree is still modelled and planned, but purely local work (schema validation) is
    /// done only for objects written in these files.
    pub focus: Vec<std::path::PathBuf>,
    /// Leave [`Report::verbose`] empty (a run without `-v`: nobody reads those lines).
    pub skip_verbose: bool,
}

/// What a run found.
pub struct Report {
    /// Every file findings may point at: the workspace's, then the rendered ones.
    pub files: Vec<Arc<SourceFile>>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// The sync plans, when asked for.
    pub plan: Option<plan::view::PlanView>,
    /// `apiVersion kind` of objects no schema covers, with their count.
    pub unvalidated: Vec<(String, usize)>,
    /// Things worth telling the user that are not findings (a missing renderer).
    pub notes: Vec<String>,
    /// What `-v` lists: skipped files and why, apps that are only partly known.
    pub verbose: Vec<String>,
}

/// What to render for this tree (pure).
pub fn render_jobs(ws: &Workspace, opts: &Options) -> Vec<Job> {
    let limit = opts.settings.limits.generated_apps;
    jobs::plan(ws, &Kustomizations::for_tree(ws, limit), limit)
}

/// Run the renderers (through the cache).
pub fn render(ws: &Workspace, opts: &Options) -> Rendered {
    match &opts.render {
        Some(r) => {
            let limit = opts.settings.limits.generated_apps;
            let kust = std::sync::Arc::new(Kustomizations::for_tree(ws, limit));
            let jobs = jobs::plan(ws, &kust, limit);
            let mut rendered = crate::render::run(ws, &jobs, r);
            rendered.kustomizations = Some(kust);
            rendered
        }
        None => Rendered::default(),
    }
}

/// Render (if enabled), then analyze.
pub fn check(ws: &Workspace, opts: &Options) -> Report {
    let rendered = render(ws, opts);
    analyze(ws, &rendered, opts)
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// A bug, reported as one finding instead of a dead process.
pub fn internal_error(what: &str, file: FileId, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    Diagnostic::new(
        rules::INTERNAL_ERROR,
        Severity::Error,
        file,
        Default::default(),
        format!(
            "internal error in {what}: {}; the rest of the run is complete — please report this at https://github.com/synclint/synclint/issues",
            crate::report::escape::clip(&panic_message(panic), 200)
        ),
    )
    .help("this is a bug in synclint, not in your manifests; `synclint.io/ignore: internal-error` silences it meanwhile")
}

/// Model, plan and lint: rules the config turns off are not run, severities are overridden,
/// suppressions are applied, and each file's findings of one rule are capped.
pub fn analyze(ws: &Workspace, rendered: &Rendered, opts: &Options) -> Report {
    let files: Vec<Arc<SourceFile>> = ws.files.iter().chain(&rendered.files).cloned().collect();
    // What the model reads, parsed on every core before it reads it: each workspace file no
    // build stands for, and each build's output.
    {
        let covered = rendered
            .kustomizations
            .as_ref()
            .map(|k| rendered.covered(ws, k));
        let parse = |f: &Arc<SourceFile>| {
            let _ = f.yaml();
        };
        rayon::join(
            || {
                ws.files
                    .par_iter()
                    .enumerate()
                    .filter(|(i, f)| {
                        f.class == crate::load::FileClass::Yaml
                            && covered.is_none_or(|c| !c.contains(i))
                    })
                    .for_each(|(_, f)| parse(f))
            },
            || rendered.files.par_iter().for_each(parse),
        );
    }
    let config = &opts.config;
    let version = config
        .kubernetes_version
        .as_deref()
        .unwrap_or(crate::schema::set::DEFAULT_KUBERNETES);
    // The schema bundle is parsed, and the bundled schemas of the kinds written in the files
    // compiled, while the model is built. An editor's run (a focus) compiles only the kinds of
    // its files, after the model.
    let (built, mut schemas) = rayon::join(
        || {
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                Model::build(ws, rendered, &opts.settings)
            }))
        },
        || {
            let schemas = SchemaSet::new(version, opts.settings.limits.depth);
            if config.enabled("schema") && opts.focus.is_empty() {
                schemas.prepare_bundled(files.iter().flat_map(|f| &f.yaml().docs).filter_map(
                    |d| {
                        let field = |k: &str| d.root.get(k).and_then(|n| n.non_empty_str());
                        Some((field("apiVersion")?, field("kind")?))
                    },
                ));
            }
            schemas
        },
    );
    let model = match built {
        Ok(m) => m,
        Err(p) => {
            let mut summary = Summary {
                files: files.len(),
                ..Summary::default()
            };
            let diagnostics = vec![internal_error("the model", 0, &*p)];
            summary.count(&diagnostics);
            return Report {
                files,
                diagnostics,
                summary,
                plan: None,
                unvalidated: Vec::new(),
                notes: rendered.notes.clone(),
                verbose: Vec::new(),
            };
        }
    };
    let mut diagnostics = Vec::new();
    let mut notes = rendered.notes.clone();
    for r in model.resources.iter().filter(|r| r.is_crd()) {
        schemas.add_crd(r, model.text(r.file));
    }
    for bad in schemas.add_files(&opts.schema_files) {
        notes.push(format!("schema file not used: {bad}"));
    }
    // Workspace files in focus; a rendered object is in focus when its source is.
    let focus: Option<std::collections::HashSet<FileId>> = (!opts.focus.is_empty()).then(|| {
        (0..ws.files.len())
            .filter(|&f| opts.focus.contains(&ws.files[f].path))
            .collect()
    });
    // Decided once per resource: a rendered object's origin is a search of its build's map.
    let in_focus: Option<Vec<bool>> = focus.as_ref().map(|ids| {
        model
            .resources
            .par_iter()
            .map(|r| {
                ids.contains(&r.file)
                    || (r.file >= ws.files.len()
                        && ids.contains(&model.origin_file(r.file, r.kind_span)))
            })
            .collect()
    });
    let focused = |r: &crate::model::Resource<'_>| {
        in_focus
            .as_ref()
            .is_none_or(|f| f.get(r.id) != Some(&false))
    };
    // The bundled kinds not compiled yet (in `List`s, in focus) are compiled beside the plans.
    let (plans, ()) = rayon::join(
        || plan::build_all(&model, &mut diagnostics),
        || {
            if config.enabled("schema") {
                schemas.prepare(model.resources.iter().filter(|r| focused(r)));
            }
        },
    );
    let plans: Vec<Plan<'_>> = plans;
    let cx = rules::Cx {
        model: &model,
        plans: &plans,
        kubernetes_minor: rules::deprecated_minor(version),
        schemas: config.enabled("schema").then_some(&schemas),
        focus: &focused,
        strict_kinds: config.strict_kinds,
        limits: &opts.settings.limits,
    };
    let enabled = |id: &str| config.enabled(id);
    diagnostics.extend(rules::run(&cx, &enabled));
    // An editor shows one file's findings: the others are dropped before their positions are
    // mapped back and their suppressions read (which would parse the files a build stands for).
    if let Some(ids) = &focus {
        let wanted = |file: FileId, span| ids.contains(&model.origin_file(file, span));
        diagnostics
            .retain(|d| wanted(d.file, d.span) || d.related.iter().any(|r| wanted(r.file, r.span)));
    }
    // Findings in rendered output point back to the source files.
    if !rendered.files.is_empty() {
        for d in &mut diagnostics {
            (d.file, d.span) = model.origin(d.file, d.span);
            for r in &mut d.related {
                (r.file, r.span) = model.origin(r.file, r.span);
            }
        }
    }
    let suppressed = crate::suppress::apply(&model, &mut diagnostics, &enabled);
    for d in &mut diagnostics {
        if let Some(s) = config.severity(d.rule) {
            d.severity = s;
        }
    }
    rules::soften_unsynced(&model, &mut diagnostics);
    rules::sort(&model.files, &mut diagnostics);
    rules::cap(&mut diagnostics, opts.settings.limits.findings_per_file);
    let mut unvalidated: Vec<(String, usize)> = Vec::new();
    if config.enabled("schema") {
        // Counted per kind first: the schema lookup is made once per kind, not per object.
        let mut by_kind: foldhash::HashMap<(&str, &str), (usize, &crate::model::Resource<'_>)> =
            Default::default();
        for r in model.resources.iter().filter(|r| focused(r)) {
            by_kind.entry((r.api_version, r.kind)).or_insert((0, r)).0 += 1;
        }
        for ((api_version, kind), (n, r)) in by_kind {
            if matches!(schemas.compiled(r), Ok(None)) {
                unvalidated.push((format!("{api_version} {kind}"), n));
            }
        }
        unvalidated.sort();
    }
    let mut summary = Summary {
        unvalidated: unvalidated.iter().map(|(_, n)| n).sum(),
        files: ws.files.len(),
        documents: model.documents,
        resources: model.resources.len(),
        suppressed,
        ..Summary::default()
    };
    summary.count(&diagnostics);
    let verbose = if opts.skip_verbose {
        Vec::new()
    } else {
        verbose_lines(&model)
    };
    let plan = opts.plan.then(|| plan::view::build(&model, &plans));
    // The compiled schemas and the model are big trees: freed on both cores.
    drop(plans);
    rayon::join(move || drop(schemas), move || drop(model));
    Report {
        files,
        diagnostics,
        summary,
        plan,
        unvalidated,
        notes,
        verbose,
    }
}

/// What `-v` says about the tree: files left out and why, apps known only in part.
fn verbose_lines(m: &Model<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let name = |f: FileId| crate::report::escape::terminal(&m.files[f].name).into_owned();
    for (i, f) in m.ws.files.iter().enumerate() {
        if f.class == crate::load::FileClass::NotManifest {
            out.push(format!(
                "skipped {}: no apiVersion/kind (not a Kubernetes manifest)",
                name(i)
            ));
        }
    }
    for &f in &m.fragments {
        out.push(format!(
            "skipped {}: a kustomization names it as a patch, generator or transformer (a fragment, not a whole object)",
            name(f)
        ));
    }
    let mut set_aside: Vec<(&FileId, &&str)> = m.set_aside.iter().collect();
    set_aside.sort_unstable();
    for (&f, why) in set_aside {
        out.push(format!("skipped {}: {why}", name(f)));
    }
    if let Some(why) = &m.open_because {
        out.push(format!(
            "files no Application syncs are linted as apps of their own: {}",
            crate::report::escape::terminal(why)
        ));
    }
    for &f in &m.left_out {
        out.push(format!(
            "skipped {}: left out of a kustomization's resources, or listed there only in a comment (not applied)",
            name(f)
        ));
    }
    for app in &m.apps {
        if let crate::model::app::Completeness::Partial(why) = &app.completeness {
            out.push(format!(
                "app {}: linted in part ({}); findings that need the whole app are not reported",
                crate::report::escape::terminal(&app.name),
                crate::report::escape::terminal(why)
            ));
        }
        for src in app
            .sources
            .iter()
            .filter(|s| s.local && !m.ws.is_dir(&s.dir))
        {
            out.push(format!(
                "app {}: source path {} is not in this tree; its manifests are linted without it",
                crate::report::escape::terminal(&app.name),
                crate::report::escape::terminal(&src.dir.to_string_lossy())
            ));
        }
    }
    for (dir, helm, o) in &m.rendered.outcomes {
        if let crate::model::jobs::Outcome::Skipped(why)
        | crate::model::jobs::Outcome::Blocked(why) = o
        {
            out.push(format!(
                "{}: not rendered{}: {}; linted as written",
                crate::report::escape::terminal(&m.shown_dir(dir)),
                if *helm { " (helm)" } else { "" },
                crate::report::escape::terminal(why)
            ));
        }
    }
    out
}

/// The exit code for a set of findings: 1 if any is at or above `fail_on` (`None`: never).
pub fn exit_code(diags: &[Diagnostic], fail_on: Option<Severity>) -> i32 {
    match fail_on {
        Some(level) if diags.iter().any(|d| d.severity >= level) => 1,
        _ => 0,
    }
}
