//! `unused-suppression`: produced by the suppression pass (`src/suppress.rs`), listed here so the
//! registry, `synclint rules` and `explain` know it. See `rules/unused-suppression.md`.

use super::{Rule, declare_rule};

declare_rule! {
    UnusedSuppression, "unused-suppression", Warning,
    "a synclint.io/ignore annotation or `# synclint: ignore` comment that suppresses nothing"
}

impl Rule for UnusedSuppression {}
