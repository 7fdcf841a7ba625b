//! `project-denies-resource`: see `rules/project-denies-resource.md`. (Stub: to be implemented.)

use crate::diag::Severity;

use super::{Rule, RuleInfo, page};

pub struct ProjectDeniesResource;

static INFO: RuleInfo = RuleInfo {
    id: "project-denies-resource",
    severity: Severity::Error,
    summary: "TODO",
    doc: page!("project-denies-resource"),
};

impl Rule for ProjectDeniesResource {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
