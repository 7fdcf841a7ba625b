//! `invalid-sync-wave`: a wave that is not a Go `Atoi` integer. See `rules/invalid-sync-wave.md`.

use crate::diag::Diagnostic;
use serde_json::Value;

use crate::load::yaml::Node;
use crate::model::Resource;
use crate::model::argo::{ANN_WAVE, HELM_WEIGHT, WaveSource, atoi};

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

impl Rule for InvalidSyncWave {
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
            if atoi(text).is_some() {
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
