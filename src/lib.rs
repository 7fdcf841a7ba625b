//! synclint: an offline linter that models the sync Argo CD will run and reports the failures it
//! can prove.
//!
//! Data flows one way: the filesystem is read once into a [`Workspace`] (`load`, the only module
//! that reads files besides the renderer) → Kustomize and Helm sources are rendered (`render`,
//! the only module that runs processes) → resources, apps and the Argo CD instance are modelled
//! (`model`, all Argo CD semantics) → sync plans (`plan`) → findings (`rules`, one file per rule)
//! → reporters (`report`). [`check`] runs it all; [`analyze`] is the pure part.

pub mod baseline;
pub mod check;
pub mod config;
pub mod diag;
pub mod fix;
#[doc(hidden)]
pub mod fuzz;
pub mod limits;
pub mod load;
pub mod model;
pub mod plan;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod server;

mod suppress;

pub use check::{Options, Report, analyze, check, exit_code, render_jobs};
pub use load::{LoadError, LoadOptions, Workspace, load_with};

/// Lint paths (`-` reads `stdin`) with default options, rendering included.
/// Convenience for tests and embedding: the whole pipeline in one call.
pub fn check_paths(inputs: &[String], stdin: Option<String>) -> Result<Report, LoadError> {
    let ws = load::load(inputs, stdin)?;
    let opts = Options {
        render: Some(render::RenderOptions::default()),
        ..Options::default()
    };
    Ok(check(&ws, &opts))
}
