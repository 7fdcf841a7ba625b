//! `unused-suppression`: produced by the suppression pass (`src/suppress.rs`), listed here so the
//! registry, `synclint rules` and `explain` know it. See `rules/unused-suppression.md`.

use crate::diag::Severity;

use super::{Rule, RuleInfo, page};

pub struct UnusedSuppression;

static INFO: RuleInfo = RuleInfo {
    id: "unused-suppression",
    severity: Severity::Warning,
    summary: "a synclint.io/ignore annotation or `# synclint: ignore` comment that suppresses nothing",
    doc: page!("unused-suppression"),
};

impl Rule for UnusedSuppression {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
