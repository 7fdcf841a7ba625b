//! `missing-namespace`: see `rules/missing-namespace.md`. (Stub: to be implemented.)

use crate::diag::Severity;

use super::{Rule, RuleInfo, page};

pub struct MissingNamespace;

static INFO: RuleInfo = RuleInfo {
    id: "missing-namespace",
    severity: Severity::Error,
    summary: "TODO",
    doc: page!("missing-namespace"),
};

impl Rule for MissingNamespace {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
