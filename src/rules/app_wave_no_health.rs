//! `app-wave-no-health`: app-of-apps waves that do not wait. See `rules/app-wave-no-health.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::Node;
use crate::model::Model;
use crate::model::argo::ANN_WAVE;

use super::{Cx, Rule, declare_rule, step_words};

declare_rule! {
    AppWaveNoHealth, "app-wave-no-health", Warning,
    "child Applications carry sync waves, but no argocd-cm gives Applications a health check"
}

/// Does any `argocd-cm` in the tree define a health check for `argoproj.io/Application`?
pub fn application_health_defined(m: &Model<'_>) -> bool {
    m.resources.iter().any(|r| {
        r.is("", "ConfigMap")
            && r.name == Some("argocd-cm")
            && r.root.get("data").is_some_and(|d| {
                d.get("resource.customizations.health.argoproj.io_Application")
                    .is_some()
                    || d.get("resource.customizations")
                        .and_then(Node::str)
                        .is_some_and(|s| {
                            s.contains("argoproj.io/Application") && s.contains("health.lua")
                        })
            })
    })
}

impl Rule for AppWaveNoHealth {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        if application_health_defined(m) {
            return;
        }
        for plan in cx.plans {
            for (i, t) in plan.tasks.iter().enumerate() {
                let Some(id) = t.res else { continue };
                let r = &m.resources[id];
                if !r.is("argoproj.io", "Application") {
                    continue;
                }
                let Some(wave) = r.annotation(ANN_WAVE) else {
                    continue;
                };
                let step = plan.step_of[i];
                if step + 1 >= plan.steps.len() {
                    continue;
                }
                let next = &plan.steps[step + 1];
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        wave.value.span,
                        format!(
                            "{} has a sync-wave, but the parent app does not wait for it: {} starts as soon as it is created",
                            r.display(),
                            step_words(next.phase, next.wave)
                        ),
                    )
                    .label("does not order child apps")
                    .help("add the Application health check (resource.customizations.health.argoproj.io_Application) to argocd-cm, as in the Argo CD docs")
                    .note("Argo CD 1.8 removed the built-in health check for Applications; without it a child Application has no health, counts as synced at once, and later waves do not wait for it"),
                );
            }
        }
    }
}
