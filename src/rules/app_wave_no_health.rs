//! `app-wave-no-health`: app-of-apps waves that do not wait. See `rules/app-wave-no-health.md`.
//!
//! Whether Applications have a health check is a fact about the Argo CD instance, often kept
//! outside the tree (a remote install base, an operator, Helm values). The rule speaks with the
//! strength of what it knows: a warning per parent app when the instance's configuration is in the
//! tree and lacks the check; one `info` for the whole run when the configuration is not in the tree.

use crate::diag::{Diagnostic, Severity};
use crate::model::argo::ANN_WAVE;
use crate::model::instance::{Fact, Version};
use crate::model::{Model, Resource};

use super::{Cx, Rule, declare_rule, step_words};

declare_rule! {
    AppWaveNoHealth, "app-wave-no-health", Warning,
    "child Applications carry sync waves, but the Argo CD instance has no health check for Applications"
}

/// Argo CD 1.8 removed the built-in Application health check; older releases wait on children.
const REMOVED_IN: Version = Version::new(1, 8, 0);

/// Does the Argo CD instance give Applications a health check (as far as the tree and config tell)?
pub fn application_health_defined(m: &Model<'_>) -> bool {
    matches!(m.instance.app_health, Fact::Yes(_))
}

/// A child Application with a wave that a later step of its parent is meant to wait for.
struct Child<'r> {
    /// The parent app, whose plan holds the child.
    parent: crate::model::AppId,
    r: &'r Resource<'r>,
    wave_span: crate::load::yaml::Span,
    next: String,
}

impl Rule for AppWaveNoHealth {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        if application_health_defined(m) || !m.instance.at_least(REMOVED_IN) {
            return;
        }
        // Per parent app: its waved children that something later waits for.
        let mut parents: Vec<Vec<Child<'_>>> = Vec::new();
        for plan in cx.plans {
            let mut children = Vec::new();
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
                let Some(next) = plan.steps.get(step + 1) else {
                    continue;
                };
                children.push(Child {
                    parent: plan.app,
                    r,
                    wave_span: wave.value.span,
                    next: step_words(next.phase, next.wave),
                });
            }
            if !children.is_empty() {
                parents.push(children);
            }
        }
        // A configuration that one app tree syncs is that tree's Argo CD: another tree of the
        // repo may be another cluster's instance, whose configuration is not known here.
        let (known, unknown): (Vec<&Vec<Child<'_>>>, Vec<&Vec<Child<'_>>>) =
            match m.instance.app_health {
                Fact::Yes(_) => return,
                Fact::Unknown => (Vec::new(), parents.iter().collect()),
                Fact::No(..) => {
                    let trees = m.config_trees();
                    parents.iter().partition(|children| {
                        let root = m.app_root(children[0].parent);
                        trees.is_empty() || trees.iter().any(|&t| m.same_instance(t, root))
                    })
                }
            };
        if let Fact::No(cm_file, cm_span) = m.instance.app_health {
            // Children no Application of the tree syncs (applied by hand, or by a parent kept
            // elsewhere): their real parent, and so its next wave, is not known. One finding for
            // all of them, not one per directory.
            let (implicit, explicit): (Vec<&Vec<Child<'_>>>, Vec<&Vec<Child<'_>>>) = known
                .into_iter()
                .partition(|children| m.apps[children[0].parent].is_implicit());
            let groups: Vec<Vec<&Child<'_>>> = explicit
                .into_iter()
                .map(|c| c.iter().collect())
                .chain((!implicit.is_empty()).then(|| implicit.into_iter().flatten().collect()))
                .collect();
            for children in groups {
                let first = children[0];
                let by_hand = m.apps[first.parent].is_implicit();
                let message = if by_hand {
                    format!(
                        "{} has a sync-wave, but no Application of this tree syncs it, and a parent app elsewhere would not wait for it: Argo CD's configuration has no Application health check{}",
                        first.r.display(),
                        others_unsynced(children.len())
                    )
                } else {
                    format!(
                        "{} has a sync-wave, but the parent app does not wait for it: {} starts as soon as it is created{}",
                        first.r.display(),
                        first.next,
                        others(children.len())
                    )
                };
                let mut d = cx
                    .finding(&INFO, first.r, first.wave_span, message)
                    .label("does not order child apps")
                    .related(cm_file, cm_span, "Argo CD's configuration, without an Application health check")
                    .help(if by_hand {
                        // Applied by hand (`kubectl apply`, `argocd app create --file`), no sync
                        // orders them at all; a parent kept elsewhere needs the check.
                        "if they are applied by hand, their waves order nothing (sync them from a parent app); if a parent app elsewhere syncs them, add the Application health check (resource.customizations.health.argoproj.io_Application) to argocd-cm"
                    } else {
                        "add the Application health check (resource.customizations.health.argoproj.io_Application) to argocd-cm, as in the Argo CD docs"
                    })
                    .note("Argo CD 1.8 removed the built-in health check for Applications; without it a child Application has no health, counts as synced at once, and later waves do not wait for it");
                for c in children.iter().skip(1).take(4) {
                    d = d.related(
                        c.r.file,
                        c.wave_span,
                        format!("{} also has a wave", c.r.display()),
                    );
                }
                out.push(d);
            }
        }
        // Once per run: the configuration is elsewhere, so this is a question, not a finding.
        let Some(first) = unknown.first().map(|c| &c[0]) else {
            return;
        };
        let total: usize = unknown.iter().map(|c| c.len()).sum();
        let mut d = cx
            .finding(
                &INFO,
                first.r,
                first.wave_span,
                format!(
                    "{total} child Application(s) carry sync-waves; their parent apps wait for them only if the Argo CD instance that syncs them has an Application health check, and this tree does not hold its configuration"
                ),
            )
            .label("ordered only with an Application health check")
            .help("if your instance has the check, say so in .synclint.yaml (`argocd: {health-checks: [argoproj.io/Application]}`); if not, add it to argocd-cm (resource.customizations.health.argoproj.io_Application)")
            .note("Argo CD 1.8 removed the built-in health check for Applications; without it later waves do not wait for earlier child apps");
        d.severity = Severity::Info;
        out.push(d);
    }
}

fn others_unsynced(n: usize) -> String {
    match n {
        1 => String::new(),
        2 => " (and 1 other child Application no Application of this tree syncs)".into(),
        n => format!(
            " (and {} other child Applications no Application of this tree syncs)",
            n - 1
        ),
    }
}

fn others(n: usize) -> String {
    match n {
        1 => String::new(),
        2 => " (and 1 other child Application of the same parent)".into(),
        n => format!(
            " (and {} other child Applications of the same parent)",
            n - 1
        ),
    }
}
