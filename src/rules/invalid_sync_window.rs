//! `invalid-sync-window`: an AppProject sync window that Argo CD rejects, ignores or cannot
//! evaluate. See `rules/invalid-sync-window.md`.

pub(crate) mod cron;

use foldhash::HashSet;
use std::sync::LazyLock;

use crate::diag::{Diagnostic, Severity};
use crate::model::Resource;

use super::{Cx, Rule, declare_rule, suggest};
use crate::model::duration::{duration_hint, go_duration};

declare_rule! {
    InvalidSyncWindow, "invalid-sync-window", Error,
    "an AppProject sync window with a bad kind, cron schedule, duration, time zone or no target"
}

/// IANA zone names Go's `time.LoadLocation` accepts (generated from tzdata, see the file's header).
static ZONES_TEXT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schemas/iana-time-zones.txt"
));
static ZONES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    ZONES_TEXT
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});
static ZONE_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| ZONES.iter().copied().collect());

/// `time.LoadLocation` succeeds: "" and "UTC" are UTC, "Local" the controller's zone.
fn zone_ok(z: &str) -> bool {
    matches!(z, "" | "UTC" | "Local") || ZONE_SET.contains(z)
}

const BLOCKS: &str = "CanSync returns an error for it, and the controller treats that as a closed window: every sync of the apps the window matches is blocked; the Argo CD API also rejects the project";

/// The 5-field spelling of a robfig descriptor.
fn descriptor(s: &str) -> Option<&'static str> {
    match s.trim() {
        "@yearly" | "@annually" => Some("0 0 1 1 *"),
        "@monthly" => Some("0 0 1 * *"),
        "@weekly" => Some("0 0 * * 0"),
        "@daily" | "@midnight" => Some("0 0 * * *"),
        "@hourly" => Some("0 * * * *"),
        _ => None,
    }
}

impl Rule for InvalidSyncWindow {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        if !r.is("argoproj.io", "AppProject") {
            return;
        }
        let Some(windows) = r.root.path(&["spec", "syncWindows"]) else {
            return;
        };
        let text = cx.text(r.file);
        for (i, w) in windows.items().iter().enumerate() {
            if !w.is_map() {
                continue;
            }
            let what = format!("sync window {} of {}", i + 1, r.display());
            let head = w.entries().first().map_or(w.span, |e| e.key.span);
            let push = |out: &mut Vec<Diagnostic>, d: Diagnostic| out.push(d);

            // kind: a wrong value is the schema rule's enum error when it runs.
            match w.get("kind") {
                None => push(out, cx.finding(&INFO, r, head, format!("{what} has no kind"))
                    .label("no `kind`")
                    .help("add `kind: allow` or `kind: deny`")
                    .note("the controller ignores a window whose kind is neither allow nor deny, and the Argo CD API rejects the project (\"kind '' mismatch: can only be allow or deny\")")),
                Some(k) => {
                    let v = k.str().unwrap_or("");
                    if v != "allow" && v != "deny" && cx.schemas.is_none() {
                        let fix = match v.to_ascii_lowercase().as_str() {
                            "allow" => "write `kind: allow` (lower case)".to_string(),
                            "deny" => "write `kind: deny` (lower case)".to_string(),
                            _ => "use `kind: allow` or `kind: deny`".to_string(),
                        };
                        push(out, cx.finding(&INFO, r, k.span, format!("{what} has kind `{v}`, which is neither `allow` nor `deny`"))
                            .label("not allow or deny")
                            .help(fix)
                            .note("kinds are exact and lower-case: the controller ignores any other window, and the Argo CD API rejects the project"));
                    }
                }
            }

            // schedule
            match w.get("schedule").filter(|s| s.non_empty_str().is_some()) {
                None => push(
                    out,
                    cx.finding(&INFO, r, head, format!("{what} has no schedule"))
                        .label("no `schedule`")
                        .help("add a 5-field cron schedule, e.g. `schedule: \"0 22 * * *\"`")
                        .note(format!(
                            "an empty schedule does not parse (\"empty spec string\"): {BLOCKS}"
                        )),
                ),
                Some(s) => {
                    let spec = s.str().unwrap_or("");
                    if let Err(e) = cron::parse(spec, &zone_ok) {
                        let span = s.token_span(text, e.start, e.len);
                        let help = if let Some(five) = descriptor(spec) {
                            format!(
                                "descriptors are not enabled; write `{}` as `\"{five}\"`",
                                spec.trim()
                            )
                        } else if spec.trim_start().starts_with("@every") {
                            "descriptors are not enabled; write a 5-field cron schedule for when the window opens, and its length as `duration`".to_string()
                        } else if spec.split_whitespace().count() == 6 {
                            "there is no seconds field: write minute hour day-of-month month day-of-week".to_string()
                        } else {
                            "write 5 cron fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or JAN-DEC) day-of-week (0-6 or SUN-SAT)".to_string()
                        };
                        push(out, cx.finding(&INFO, r, span, format!("{what} has schedule `{spec}`, which is not a valid 5-field cron schedule: {}", e.message))
                            .label("not a valid schedule")
                            .help(help)
                            .note(BLOCKS));
                    }
                }
            }

            // duration
            match w.get("duration").filter(|d| d.non_empty_str().is_some()) {
                None => push(
                    out,
                    cx.finding(&INFO, r, head, format!("{what} has no duration"))
                        .label("no `duration`")
                        .help("add how long the window stays open, e.g. `duration: 1h`")
                        .note(format!(
                            "an empty duration does not parse (time.ParseDuration(\"\")): {BLOCKS}"
                        )),
                ),
                Some(d) => {
                    let v = d.str().unwrap_or("");
                    if let Err(e) = go_duration(v) {
                        push(out, cx.finding(&INFO, r, d.span, format!("{what} has duration `{v}`, which is not a Go duration: {e}"))
                            .label("not a Go duration")
                            .help(format!("write a Go duration with units ns, us, ms, s, m, h, e.g. `90m` or `1h30m`{}", duration_hint(v)))
                            .note(BLOCKS));
                    }
                }
            }

            // timeZone: an unknown zone only logs a warning and falls back to UTC.
            if let Some(z) = w.get("timeZone")
                && let Some(v) = z.str()
                && !zone_ok(v)
            {
                let mut d = cx
                    .finding(&INFO, r, z.span, format!("{what} has time zone `{v}`, which is not an IANA time zone: Argo CD uses UTC"))
                    .label("unknown time zone")
                    .help(match suggest(v, &ZONES) {
                        Some(s) => format!("write `timeZone: {s}`"),
                        None => "use an IANA name such as `Europe/Berlin` or `America/New_York`".to_string(),
                    })
                    .note("the window's Validate logs \"Invalid time zone … Using UTC as default time zone\", so the window opens and closes on UTC time");
                d.severity = Severity::Warning;
                push(out, d);
            }

            // A target: applications, namespaces or clusters.
            let targets = ["applications", "namespaces", "clusters"]
                .iter()
                .any(|k| w.get(k).is_some_and(|l| !l.items().is_empty()));
            if !targets {
                push(out, cx.finding(&INFO, r, head, format!("{what} matches no application, namespace or cluster"))
                    .label("no target")
                    .help("add `applications: [\"*\"]` (or `namespaces`/`clusters` globs) to say which apps the window applies to")
                    .note("the Argo CD API rejects the project (\"requires one of application, cluster or namespace\"); applied with kubectl, the window matches no app and never takes effect"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::zone_ok;

    #[test]
    fn zones() {
        for z in [
            "",
            "UTC",
            "Local",
            "Europe/Berlin",
            "America/New_York",
            "US/Eastern",
            "Etc/GMT+5",
            "EST",
        ] {
            assert!(zone_ok(z), "{z}");
        }
        for z in [
            "utc",
            "Europe/berlin",
            "Mars/Olympus",
            "CEST",
            "GMT+1",
            "../etc/passwd",
        ] {
            assert!(!zone_ok(z), "{z}");
        }
    }
}
