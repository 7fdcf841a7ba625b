//! `invalid-sync-wave`: a wave that is not a Go `Atoi` integer. See `rules/invalid-sync-wave.md`.

use crate::diag::Diagnostic;
use serde_json::Value;

use crate::load::yaml::Node;
use crate::model::argo::{ANN_WAVE, HELM_WEIGHT, WaveSource, atoi};
use crate::model::{App, Resource};
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    InvalidSyncWave, "invalid-sync-wave", Error,
    "a sync-wave (or helm.sh/hook-weight) is not an integer, so Argo CD silently uses 0"
}

/// A plain scalar the API server reads as a number or boolean, not a string.
fn unquoted_non_string(n: &Node<'_>) -> bool {
    matches!(n.resolved(), Some(Value::Bool(_) | Value::Number(_)))
}

/// A nearby integer to suggest: `" 5"` → `5`, `"1.5"` → `1`.
fn fix_for(v: &str) -> Option<String> {
    let t = v.trim();
    if atoi(t).is_some() {
        return Some(t.to_string());
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && f.abs() < 1e15)
        .map(|f| format!("{}", f.trunc() as i64))
}

/// The annotation value a resource's wave was read from (the kind value for the default 0).
fn wave_span(r: &Resource<'_>) -> crate::load::yaml::Span {
    let key = match r.argo.wave_source {
        WaveSource::Argo => ANN_WAVE,
        WaveSource::HelmWeight => HELM_WEIGHT,
        WaveSource::Default => return r.kind_span,
    };
    r.annotation(key).map_or(r.kind_span, |e| e.value.span)
}

impl Rule for InvalidSyncWave {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        _app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let res = &cx.model.resources;
        for o in &plan.wave_overflow {
            let (low, high) = (&res[o.low], &res[o.high]);
            // On the more extreme of the two: the one to bring back into range.
            let (r, other) = if high.argo.wave.unsigned_abs() >= low.argo.wave.unsigned_abs() {
                (high, low)
            } else {
                (low, high)
            };
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    wave_span(r),
                    format!(
                        "waves {} and {} in the {} phase are further apart than a 64-bit integer holds: the engine's wave comparison overflows, so this phase is applied in a random order",
                        low.argo.wave,
                        high.argo.wave,
                        o.phase.as_str()
                    ),
                )
                .label("wave out of range")
                .related(other.file, wave_span(other), format!("{} has wave {}", other.display(), other.argo.wave))
                .help("keep waves small (for example between -100 and 100); only their order matters")
                .note("the engine sorts with `a.wave - b.wave < 0` on Go's 64-bit int; the subtraction wraps, the sort sees an inconsistent order, and the tasks come out in the order of a map iteration"),
            );
        }
    }

    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        for key in [ANN_WAVE, HELM_WEIGHT] {
            let Some(e) = r.annotation(key) else { continue };
            let v = &e.value;
            let what = if key == ANN_WAVE {
                "sync-wave"
            } else {
                "hook-weight"
            };
            if unquoted_non_string(v) {
                out.push(
                    cx.finding(&INFO, r, v.span, format!("{what} `{}` is not quoted: annotation values must be strings", v.str().unwrap_or("")))
                        .label("unquoted number")
                        .help(format!("quote it: `{key}: \"{}\"`", v.str().unwrap_or("0")))
                        .note("the API server rejects an object whose annotation is a number, and Argo CD reads no annotations at all from it"),
                );
                continue;
            }
            let text = v.str().unwrap_or("");
            // `${ARGOCD_ENV_WAVE}`: a plugin (envsubst) writes the number before Argo CD reads it.
            if atoi(text).is_some() || crate::model::project::templated(text) {
                continue;
            }
            let fallback = match r.argo.wave_source {
                WaveSource::HelmWeight if key == ANN_WAVE => {
                    format!("the helm.sh/hook-weight ({})", r.argo.wave)
                }
                WaveSource::Argo if key == HELM_WEIGHT => continue,
                _ => "wave 0".to_string(),
            };
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    v.span,
                    format!("{what} `{text}` is not an integer: Argo CD silently uses {fallback}"),
                )
                .label("not an integer")
                .note("Argo CD parses waves with Go's strconv.Atoi: an optional sign and decimal digits, no spaces or decimals; anything else is ignored without a warning");
            d = match fix_for(text) {
                Some(n) => d.help(format!("write a whole number: `{key}: \"{n}\"`")),
                None => d.help(format!("write a whole number, e.g. `{key}: \"1\"`")),
            };
            out.push(d);
        }
    }
}
