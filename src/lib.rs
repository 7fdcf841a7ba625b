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
    let loaded = load::load(inputs, stdin)?;
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
