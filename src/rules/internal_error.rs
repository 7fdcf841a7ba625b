//! `internal-error`: a rule, or an app's plan, crashed. The runner (`rules::run`,
//! `plan::build_all`) turns the panic into this finding; the rule itself checks nothing. See
//! `rules/internal-error.md`.

use super::{Rule, declare_rule};

declare_rule! {
    InternalError, "internal-error", Error,
    "a rule or an app's sync plan crashed on this input: a bug in synclint, reported instead of aborting"
}

impl Rule for InternalError {}
