//! `invalid-retry`: an Application's `syncPolicy.retry` that Argo CD cannot use as written. See
//! `rules/invalid-retry.md`.

use crate::diag::{Diagnostic, Severity};
use crate::load::yaml::Node;
use crate::model::Resource;

use super::{Cx, Rule, declare_rule};
use crate::model::project::{app_spec, whose};

declare_rule! {
    InvalidRetry, "invalid-retry", Error,
    "a sync retry with an unparsable backoff duration, a factor below 1, or a maxDuration below the duration"
}

const SECOND: i128 = 1_000_000_000;
/// `application_defaults.go`: duration 5s, factor 2, maxDuration 3m (§9.4).
const DEFAULT_DURATION: i128 = 5 * SECOND;
const DEFAULT_MAX_DURATION: i128 = 180 * SECOND;

/// Go's `time.ParseDuration`, in nanoseconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, units ns us µs
/// ms s m h (no `d`), `0` alone needs no unit. The error text is Go's.
pub(super) fn go_duration(orig: &str) -> Result<i128, String> {
    const MAX: u128 = 1 << 63;
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix(['-', '+']) {
        neg = s.starts_with('-');
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // [0-9]*
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u128 = 0;
        for &c in &b[..int_len] {
            v = v * 10 + u128::from(c - b'0');
            if v > MAX {
                return Err(invalid());
            }
        }
        s = &s[int_len..];
        // (\.[0-9]*)?
        let (mut frac, mut scale, mut post) = (0u128, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in rest[..n].bytes() {
                if overflow {
                    continue;
                }
                let y = frac * 10 + u128::from(c - b'0');
                if y > MAX {
                    overflow = true;
                    continue;
                }
                frac = y;
                scale *= 10.0;
            }
            post = n > 0;
            s = &rest[n..];
        }
        if int_len == 0 && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|c| *c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let unit_text = &s[..unit_len];
        s = &s[unit_len..];
        let unit: u128 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit \"{unit_text}\" in duration \"{orig}\""
                ));
            }
        };
        if v > MAX / unit {
            return Err(invalid());
        }
        v *= unit;
        if frac > 0 {
            v += (frac as f64 * (unit as f64 / scale)) as u128;
            if v > MAX {
                return Err(invalid());
            }
        }
        total += v;
        if total > MAX {
            return Err(invalid());
        }
    }
    if neg {
        return Ok(-(total as i128));
    }
    if total > MAX - 1 {
        return Err(invalid());
    }
    Ok(total as i128)
}

/// `parseStringToDuration`: a bare integer is seconds, anything else goes to `time.ParseDuration`.
pub(super) fn argo_duration(s: &str) -> Result<i128, String> {
    if let Some(secs) = crate::model::argo::atoi(s) {
        return Ok(i128::from(secs) * SECOND);
    }
    go_duration(s).map_err(|e| format!("unable to parse {s}: {e}"))
}

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

/// A hint for the common mistakes: days, spaces, upper-case units.
pub(super) fn duration_hint(text: &str) -> String {
    let t = text.trim();
    if let Some(n) = t.strip_suffix('d').and_then(|n| n.parse::<u64>().ok()) {
        return format!(" (`{}h` for {t})", n * 24);
    }
    if t != text || t.contains(' ') {
        return " (no spaces)".into();
    }
    let lower = t.to_ascii_lowercase();
    if lower != t && go_duration(&lower).is_ok() {
        return format!(" (units are lower-case: `{lower}`)");
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::{argo_duration, go_duration};

    #[test]
    fn go_durations() {
        let ok = |s: &str, ns: i128| assert_eq!(go_duration(s), Ok(ns), "{s}");
        ok("0", 0);
        ok("-0", 0);
        ok("5s", 5_000_000_000);
        ok("90m", 5_400_000_000_000);
        ok("1h30m", 5_400_000_000_000);
        ok("1.5h", 5_400_000_000_000);
        ok(".5s", 500_000_000);
        ok("5.s", 5_000_000_000);
        ok("-1m", -60_000_000_000);
        ok("+2ms", 2_000_000);
        ok("3\u{b5}s", 3_000);
        ok("3\u{3bc}s", 3_000);
        ok("10us", 10_000);
        ok("2562047h", 2_562_047 * 3_600_000_000_000);
        for bad in [
            "",
            "1d",
            "5",
            "s",
            ".s",
            "1 h",
            "1H",
            "1h-1m",
            "abc",
            "--1s",
            "9999999999h",
            "1.2.3s",
        ] {
            assert!(go_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(
            go_duration("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(
            go_duration("5").unwrap_err(),
            "time: missing unit in duration \"5\""
        );
    }

    #[test]
    fn argo_durations() {
        assert_eq!(argo_duration("30"), Ok(30_000_000_000));
        assert_eq!(argo_duration("+30"), Ok(30_000_000_000));
        assert_eq!(argo_duration("2m"), Ok(120_000_000_000));
        assert!(argo_duration("2 m").is_err());
        assert!(argo_duration("1d").is_err());
    }
}
