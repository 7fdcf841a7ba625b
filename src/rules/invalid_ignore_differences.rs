//! `invalid-ignore-differences`: see `rules/invalid-ignore-differences.md`. (Stub: to be implemented.)

use crate::diag::Severity;

use super::{Rule, RuleInfo, page};

pub struct InvalidIgnoreDifferences;

static INFO: RuleInfo = RuleInfo {
    id: "invalid-ignore-differences",
    severity: Severity::Error,
    summary: "TODO",
    doc: page!("invalid-ignore-differences"),
};

impl Rule for InvalidIgnoreDifferences {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
