//! `crd-order`: a custom resource whose CRD may not exist yet when it is applied. See
//! `rules/crd-order.md`.

use foldhash::HashMap;

use crate::diag::{Diagnostic, Severity};
use crate::model::argo::{ANN_WAVE, Phase};
use crate::model::instance::Fact;
use crate::model::{AppId, Model, Resource};

use super::{Cx, Rule, declare_rule};

declare_rule! {
    CrdOrder, "crd-order", Warning,
    "a custom resource whose CRD another app ships, with nothing making that app sync first"
}

/// The kinds an Argo CD install defines (`applications.argoproj.io`, …).
const ARGO_CD_KINDS: [&str; 3] = ["Application", "ApplicationSet", "AppProject"];

/// The (phase, wave) an object asks for by its own annotations.
fn own_step(r: &Resource<'_>) -> (Phase, i64) {
    let phase = if r.argo.is_hook {
        r.argo.phases.first().copied().unwrap_or(Phase::Sync)
    } else {
        Phase::Sync
    };
    (phase, r.argo.wave)
}

fn skip_dry_run(model: &Model<'_>, r: &Resource<'_>) -> bool {
    r.argo.has_option("SkipDryRunOnMissingResource=true")
        || model.apps_of[r.id]
            .iter()
            .any(|&a| model.apps[a].has_option("SkipDryRunOnMissingResource=true"))
}

impl Rule for CrdOrder {
    fn check_model(&self, cx: &Cx<'_, '_>, out: &mut Vec<Diagnostic>) {
        let m = cx.model;
        let mut crds: HashMap<(&str, &str), Vec<&Resource<'_>>> = HashMap::default();
        for r in &m.resources {
            if let Some(key) = r.crd_key() {
                crds.entry(key).or_default().push(r);
            }
        }
        if crds.is_empty() {
            return;
        }
        let mut inverted_reported: Vec<(usize, usize)> = Vec::new();
        // One finding per app and CRD it lacks (the fix is the app's), at its first custom
        // resource; the others are counted in it.
        let mut reported: HashMap<(AppId, usize), (usize, usize)> = HashMap::default();
        for r in &m.resources {
            if r.is_crd() {
                continue;
            }
            let Some(defs) = crds.get(&(r.group, r.kind)) else {
                continue;
            };
            // Argo CD's own kinds: their CRDs exist before any app of this Argo CD can sync; so
            // do CRDs the config says the cluster has (installed at bootstrap).
            if r.group == "argoproj.io" && ARGO_CD_KINDS.contains(&r.kind) {
                continue;
            }
            let group_kind = format!("{}/{}", r.group, r.kind);
            if m.settings
                .cluster_crds
                .iter()
                .any(|c| *c == group_kind || defs.iter().any(|d| d.name == Some(c.as_str())))
            {
                continue;
            }
            let apps = &m.apps_of[r.id];
            let same_app = defs
                .iter()
                .find(|c| m.apps_of[c.id].iter().any(|a| apps.contains(a)));
            if let Some(crd) = same_app {
                // Legal: the engine moves the CRD up (§1.3). Worth knowing, not failing.
                let app = m.apps_of[crd.id]
                    .iter()
                    .find(|a| apps.contains(a))
                    .copied()
                    .unwrap_or(0);
                if own_step(crd) > own_step(r) && !inverted_reported.contains(&(crd.id, app)) {
                    inverted_reported.push((crd.id, app));
                    let span = crd
                        .annotation(ANN_WAVE)
                        .or_else(|| r.annotation(ANN_WAVE))
                        .map_or(crd.kind_span, |e| e.value.span);
                    let (cp, cw) = own_step(crd);
                    let (rp, rw) = own_step(r);
                    let mut d = cx
                        .finding(
                            &INFO,
                            crd,
                            span,
                            format!(
                                "{} is annotated for the {} phase, wave {cw}, after its custom resource {} ({} phase, wave {rw}); Argo CD applies the CRD first anyway",
                                crd.display(),
                                cp.as_str(),
                                r.display(),
                                rp.as_str()
                            ),
                        )
                        .label("misleading wave")
                        .related(r.file, r.kind_span, "this custom resource needs the CRD")
                        .help("give the CRD a wave no later than its custom resources so the annotations say what happens")
                        .note("since Argo CD 2.0 the engine moves a CRD before the first instance of its kind and skips the dry-run for custom resources whose CRD is in the same sync");
                    d.severity = Severity::Info;
                    out.push(d);
                }
                continue;
            }
            // Cross-app: only between explicit Applications of this repo.
            if apps.is_empty() || apps.iter().any(|&a| m.apps[a].is_implicit()) {
                continue;
            }
            let Some(crd) = defs
                .iter()
                .find(|c| m.apps_of[c.id].iter().any(|&a| !m.apps[a].is_implicit()))
            else {
                continue;
            };
            if skip_dry_run(m, r) {
                continue;
            }
            let (Some(crd_app), Some(cr_app)) = (
                m.apps_of[crd.id]
                    .iter()
                    .copied()
                    .find(|&a| !m.apps[a].is_implicit()),
                apps.iter().copied().find(|&a| !m.apps[a].is_implicit()),
            ) else {
                continue;
            };
            // Only apps that one Argo CD syncs into one cluster can provide each other's CRDs.
            if !same_instance_and_cluster(m, crd_app, cr_app) {
                continue;
            }
            let mut severity = Severity::Warning;
            // A manual app syncs when someone asks: the order is theirs, not a certain failure.
            // A retried sync recovers once the CRD's (automated) app has synced: the first
            // attempts fail, the app does not stay failed.
            // Unless the parent waits for the consumer's wave to be healthy before it creates the
            // CRD's app: then no retry can see the CRD.
            let crd_app_waits = matches!(m.instance.app_health, Fact::Yes(_))
                && sibling_waves(m, crd_app, cr_app).is_some_and(|(cw, rw)| cw > rw);
            let softened = if !m.apps[cr_app].automated {
                Some("the app is not automated: it syncs when someone asks, so the order is theirs")
            } else if m.apps[cr_app].retries && m.apps[crd_app].automated && !crd_app_waits {
                Some(if m.apps[cr_app].automated && !m.apps[cr_app].has_retry {
                    "Argo CD retries a failed automated sync 5 times (5 s to 80 s apart, about 2.5 minutes in all) when the Application sets no syncPolicy.retry, and a retry succeeds once the CRD's app has synced"
                } else {
                    "its syncPolicy.retry retries the failed sync, which succeeds once the CRD's app has synced"
                })
            } else {
                None
            };
            if softened.is_some() {
                severity = Severity::Info;
            }
            if let Some((cw, rw)) = sibling_waves(m, crd_app, cr_app)
                && cw < rw
            {
                // The parent's waves order the two apps if it waits on child health.
                match m.instance.app_health {
                    Fact::Yes(_) => continue,
                    Fact::Unknown => severity = Severity::Info,
                    Fact::No(..) => {}
                }
            }
            if let Some((at, more)) = reported.get_mut(&(cr_app, crd.id)) {
                *more += 1;
                if *more <= 3 {
                    out[*at].related.push(crate::diag::Label {
                        file: r.file,
                        span: r.kind_span,
                        message: format!("{} needs it too", r.display()),
                    });
                }
                continue;
            }
            reported.insert((cr_app, crd.id), (out.len(), 0));
            let (crd_app, cr_app) = (m.apps[crd_app].name.as_str(), m.apps[cr_app].name.as_str());
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    r.kind_span,
                    format!(
                        "{} needs the CRD {}, which app `{crd_app}` ships; nothing makes `{crd_app}` sync before `{cr_app}`",
                        r.display(),
                        crd.display()
                    ),
                )
                .label(format!("{}/{} is defined by another app", r.group, r.kind))
                .related(crd.file, crd.name_span, format!("CRD shipped by app `{crd_app}`"))
                .help("annotate the custom resource with `argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true` (or set it in the app's syncOptions), or ship the CRD in the same app; if the CRD is installed before Argo CD syncs (at bootstrap), list it under `cluster-crds` in .synclint.yaml")
                .note(match softened {
                    Some(why) => format!("not a certain failure: {why}; while the CRD is missing, the dry-run cannot find the kind and the whole sync fails before anything is applied"),
                    None => "while the CRD is missing the dry-run cannot find the kind, and the whole sync fails before anything is applied; app-of-apps waves only order apps if argocd-cm has an Application health check".into(),
                });
            d.severity = severity;
            out.push(d);
        }
        for &(at, more) in reported.values().filter(|(_, more)| *more > 0) {
            let d = &mut out[at];
            let also = format!(
                "{more} more custom resource(s) of this kind in the same app need it too{}",
                if more > 3 {
                    " (the first 3 are marked)"
                } else {
                    ""
                }
            );
            d.note = Some(match d.note.take() {
                Some(n) => format!("{n}. {also}"),
                None => also,
            });
        }
    }
}

/// Do both apps belong to one Argo CD and deploy into what may be one cluster?
fn same_instance_and_cluster(m: &Model<'_>, a: AppId, b: AppId) -> bool {
    m.same_instance(a, b) && m.apps[a].cluster.may_equal(&m.apps[b].cluster)
}

/// The waves of two child Applications of one parent.
fn sibling_waves(m: &Model<'_>, a: AppId, b: AppId) -> Option<(i64, i64)> {
    let (pa, pb) = (m.apps[a].parent?, m.apps[b].parent?);
    if pa != pb {
        return None;
    }
    let wave = |x: AppId| m.apps[x].application.map(|id| m.resources[id].argo.wave);
    Some((wave(a)?, wave(b)?))
}
