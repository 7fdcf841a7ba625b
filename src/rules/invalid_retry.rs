//! `invalid-retry`: an Application's `syncPolicy.retry` that Argo CD cannot use as written. See
//! `rules/invalid-retry.md`.

use crate::diag::{Diagnostic, Severity};
use crate::load::yaml::Node;
use crate::model::Resource;

use super::{Cx, Rule, declare_rule};
use crate::model::duration::{SECOND, argo_duration, duration_hint};
use crate::model::project::{app_spec, whose};

declare_rule! {
    InvalidRetry, "invalid-retry", Error,
    "a sync retry with an unparsable backoff duration, a factor below 1, or a maxDuration below the duration"
}

/// `application_defaults.go`: duration 5s, factor 2, maxDuration 3m (§9.4).
const DEFAULT_DURATION: i128 = 5 * SECOND;
const DEFAULT_MAX_DURATION: i128 = 180 * SECOND;

impl Rule for InvalidRetry {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let Some(retry) = app_spec(r).and_then(|s| s.path(&["syncPolicy", "retry"])) else {
            return;
        };
        // Type errors (a string limit, a fractional factor) are the schema rule's, when it runs.
        let types = cx.schemas.is_none();
        let who = whose(r);
        let never_retried = "when a sync fails, NextRetryAt returns this parse error instead of a retry time: the operation ends Failed with \"(failed to retry: …)\" and is never retried";

        // An ApplicationSet's template value is only known once the controller fills it.
        let filled = |n: &&Node<'_>| {
            !(r.kind == "ApplicationSet" && n.str().is_some_and(crate::model::project::templated))
        };
        if let Some(limit) = retry
            .get("limit")
            .filter(|n| n.scalar().is_some() && n.str().is_some())
            .filter(filled)
        {
            match limit.as_i64() {
                Some(l) if l < -1 => {
                    let mut d = cx
                        .finding(&INFO, r, limit.span, format!("retry limit {l} of {who} is below -1: any negative limit means unlimited retries"))
                        .label("negative limit")
                        .help("write `limit: -1` for unlimited retries, or a positive count")
                        .note("the controller retries while `RetryCount < Limit || Limit < 0`, so every negative limit retries forever");
                    d.severity = Severity::Warning;
                    out.push(d);
                }
                None if types => out.push(
                    cx.finding(&INFO, r, limit.span, format!("retry limit `{}` of {who} is not an integer", limit.str().unwrap_or("")))
                        .label("not an integer")
                        .help("write the number of retries as a plain integer, e.g. `limit: 5` (-1 for unlimited)")
                        .note("`limit` is an int64: the API server rejects a non-integer, so the Application is never created or updated"),
                ),
                _ => {}
            }
        }

        let Some(backoff) = retry.get("backoff").filter(|b| b.is_map()) else {
            return;
        };
        let parse = |key: &str| -> Option<(&Node<'_>, Result<i128, String>)> {
            let n = backoff.get(key).filter(filled)?;
            let text = n.str().filter(|t| !t.is_empty())?;
            Some((n, argo_duration(text)))
        };
        let duration = parse("duration");
        let max = parse("maxDuration");
        for (key, parsed) in [("duration", &duration), ("maxDuration", &max)] {
            if let Some((n, Err(e))) = parsed {
                let text = n.str().unwrap_or("");
                let hint = duration_hint(text);
                out.push(
                    cx.finding(&INFO, r, n.span, format!("retry backoff {key} `{text}` of {who} is not a duration: {e}"))
                        .label("not a Go duration")
                        .help(format!("write a whole number of seconds or a Go duration with units ns, us, ms, s, m, h{hint}"))
                        .note(never_retried),
                );
            }
        }

        if let Some(f) = backoff
            .get("factor")
            .filter(|n| n.str().is_some())
            .filter(filled)
        {
            match f.as_i64() {
                Some(v) if v < 1 => {
                    let effect = if v == 0 {
                        "every retry after the first is started at once"
                    } else {
                        "the waits alternate in sign, so retries run back to back"
                    };
                    out.push(
                        cx.finding(&INFO, r, f.span, format!("retry backoff factor {v} of {who} is below 1: {effect}"))
                            .label("factor below 1")
                            .help("use `factor: 2` (the default) for exponential backoff, or `factor: 1` for a constant wait")
                            .note("the wait before retry n is `duration * factor^n`, capped at maxDuration"),
                    );
                }
                None if types => out.push(
                    cx.finding(&INFO, r, f.span, format!("retry backoff factor `{}` of {who} is not an integer", f.str().unwrap_or("")))
                        .label("not an integer")
                        .help("write the factor as a plain integer, e.g. `factor: 2`")
                        .note("`factor` is an int64: the API server rejects a non-integer, so the Application is never created or updated"),
                ),
                _ => {}
            }
        }

        // The cap applies only when it is positive (`if maxDuration > 0`).
        let dur = match &duration {
            Some((_, Ok(d))) => Some(*d),
            Some((_, Err(_))) => None,
            None => Some(DEFAULT_DURATION),
        };
        let cap = match &max {
            Some((_, Ok(m))) => Some(*m),
            Some((_, Err(_))) => None,
            None => Some(DEFAULT_MAX_DURATION),
        };
        if let (Some(d), Some(m)) = (dur, cap)
            && m > 0
            && m < d
        {
            let dtext = duration.as_ref().and_then(|(n, _)| n.str()).unwrap_or("5s");
            let (span, message, label) = match (&max, &duration) {
                (Some((n, _)), _) => (
                    n.span,
                    format!(
                        "retry backoff maxDuration `{}` of {who} is shorter than its duration `{dtext}`{}: every retry waits {}",
                        n.str().unwrap_or(""),
                        if duration.is_none() {
                            " (the default)"
                        } else {
                            ""
                        },
                        n.str().unwrap_or("")
                    ),
                    "shorter than the duration",
                ),
                (None, Some((n, _))) => (
                    n.span,
                    format!(
                        "retry backoff duration `{dtext}` of {who} is longer than the default maxDuration 3m: every retry waits 3m"
                    ),
                    "longer than maxDuration",
                ),
                (None, None) => return,
            };
            out.push(
                cx.finding(&INFO, r, span, message)
                    .label(label)
                    .help("make maxDuration at least as long as duration (set both explicitly), or lower duration")
                    .note("the wait before retry n is `duration * factor^n`, capped at maxDuration (default 3m), so the backoff never grows"),
            );
        }
    }
}
