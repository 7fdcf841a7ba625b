//! `pvc-waits-for-consumer`: a gated PersistentVolumeClaim whose class binds on first consumer,
//! while every pod that mounts it comes in a later step. See `rules/pvc-waits-for-consumer.md`.

use crate::diag::Diagnostic;
use crate::model::App;
use crate::model::health::{self, Source, scaled_to_zero};
use crate::model::storage::{Declared, first_consumer};
use crate::plan::Plan;

use super::{Cx, Rule, declare_rule, step_words};

declare_rule! {
    PvcWaitsForConsumer, "pvc-waits-for-consumer", Error,
    "a gated PersistentVolumeClaim binds on first consumer, but every pod that mounts it comes in a later step"
}

impl Rule for PvcWaitsForConsumer {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        _app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let m = cx.model;
        for (i, t) in plan.tasks.iter().enumerate() {
            let Some(id) = t.res else { continue };
            let r = &m.resources[id];
            if !r.is("", "PersistentVolumeClaim")
                || !plan.waited_on(i)
                || health::source(r.group, r.kind, &m.instance) != Some(Source::Builtin)
            {
                continue;
            }
            let Some(fc) = first_consumer(m, r) else {
                continue;
            };
            // Consumers that start a pod when their step is applied.
            let consumers: Vec<_> = plan
                .consumers(i)
                .filter(|d| {
                    plan.tasks[d.dependent].res.is_some_and(|c| {
                        let c = &m.resources[c];
                        !scaled_to_zero(c) && !c.is("batch", "CronJob")
                    })
                })
                .collect();
            let Some(first) = consumers.iter().min_by_key(|d| plan.step_of[d.dependent]) else {
                continue;
            };
            if plan.step_of[first.dependent] <= plan.step_of[i] {
                continue;
            }
            let ct = &plan.tasks[first.dependent];
            let Some(c) = ct.res.map(|c| &m.resources[c]) else {
                continue;
            };
            let span = r
                .root
                .path(&["spec", "storageClassName"])
                .map_or(r.name_span, |n| n.span);
            let class = if fc.by_default {
                format!("the default StorageClass `{}`", fc.class)
            } else {
                format!("StorageClass `{}`", fc.class)
            };
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    span,
                    format!(
                        "{} uses {class}, which binds on first consumer, but the first pod that mounts it comes from {} in {}; the claim stays Pending (health Progressing) and Argo CD waits on it forever",
                        r.display(),
                        c.display(),
                        step_words(ct.phase, ct.wave)
                    ),
                )
                .label("volumeBindingMode: WaitForFirstConsumer")
                .related(
                    c.file,
                    c.pod_refs[first.pod_ref].span,
                    format!("{} mounts it, in {}", c.display(), step_words(ct.phase, ct.wave)),
                )
                .help(format!(
                    "give {} the same wave as {} (or a later one), or use a StorageClass with volumeBindingMode: Immediate",
                    r.display(),
                    c.display()
                ))
                .note(match fc.declared {
                    Declared::Config => "the class is listed in the config's `storage-classes`; Argo CD's PVC health is Progressing while the claim is Pending, and the step is not left until it is Bound",
                    Declared::Tree(..) => "Argo CD's PVC health is Progressing while the claim is Pending, and the step is not left until it is Bound (no sync timeout by default)",
                });
            if let Declared::Tree(f, sp) = fc.declared {
                d = d.related(
                    f,
                    sp,
                    format!("StorageClass `{}` binds on first consumer", fc.class),
                );
            }
            out.push(d);
        }
    }
}
