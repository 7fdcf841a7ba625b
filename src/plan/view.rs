//! The sync plans as owned data, with every fact already derived (what each step waits for, which
//! dependency deadlocks, where each object is written): reporters and the language server only
//! format it.

use crate::load::FileId;
use crate::load::yaml::Span;
use crate::model::app::Completeness;
use crate::model::instance::Fact;
use crate::model::{Model, Resource, health};

use super::{Moved, Plan, Task};

/// Where an object is written (rendered objects point back to their source file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct TaskView {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// `Kind/name` as messages write it.
    pub label: String,
    /// `None` for the engine's own CreateNamespace task.
    pub at: Option<Loc>,
    pub hook: bool,
    pub waited_on: bool,
    /// What the engine waits for before it goes on, in a few words.
    pub waits: Option<String>,
    pub moved: Option<String>,
    /// For a child Application: whether the parent waits for it.
    pub child_app: Option<String>,
    pub synthetic: bool,
}

#[derive(Debug, Clone)]
pub struct StepView {
    pub phase: &'static str,
    pub wave: i64,
    pub gated: bool,
    pub tasks: Vec<TaskView>,
}

#[derive(Debug, Clone)]
pub struct DepView {
    pub from: String,
    pub to: String,
    pub via: String,
    pub from_step: usize,
    pub to_step: usize,
    /// (step index, task index in the step) of each end.
    pub from_task: (usize, usize),
    pub to_task: (usize, usize),
    pub deadlock: bool,
}

#[derive(Debug, Clone)]
pub struct NotSyncedView {
    pub kind: String,
    pub name: String,
    pub label: String,
    pub at: Loc,
    pub reason: &'static str,
}

#[derive(Debug, Clone)]
pub struct AppView {
    pub name: String,
    pub application: Option<Loc>,
    pub destination_namespace: Option<String>,
    pub multi_step: bool,
    pub partial: Option<String>,
    pub steps: Vec<StepView>,
    pub sync_fail: Vec<TaskView>,
    pub not_synced: Vec<NotSyncedView>,
    pub dependencies: Vec<DepView>,
}

#[derive(Debug, Clone, Default)]
pub struct PlanView {
    pub apps: Vec<AppView>,
}

fn at(m: &Model<'_>, r: &Resource<'_>) -> Loc {
    let (file, span) = m.origin(r.file, r.root.span);
    Loc {
        file,
        span,
        line: m.files[file].line_col(span.start).line,
    }
}

fn label(m: &Model<'_>, t: &Task<'_>) -> String {
    match t.res {
        Some(id) => m.resources[id].display(),
        None => format!("Namespace/{}", t.name),
    }
}

fn moved_words(m: &Model<'_>, mv: &Option<Moved>) -> Option<String> {
    match mv {
        Some(Moved::Namespace { before }) => Some(format!(
            "moved before {} (its namespace)",
            m.resources[*before].display()
        )),
        Some(Moved::Crd { before }) => Some(format!(
            "moved before {} (its CRD)",
            m.resources[*before].display()
        )),
        None => None,
    }
}

fn task_view(m: &Model<'_>, plan: &Plan<'_>, t: &Task<'_>, ti: Option<usize>) -> TaskView {
    let r = t.res.map(|id| &m.resources[id]);
    let waited_on = ti.is_some_and(|i| plan.waited_on(i));
    let child_app = r.filter(|r| r.is("argoproj.io", "Application")).map(|_| {
        if matches!(m.instance.app_health, Fact::Yes(_)) {
            "child app: waits until it is Healthy (argocd-cm health check)".to_string()
        } else {
            "child app: not waited on (no Application health check in argocd-cm)".to_string()
        }
    });
    // What the engine waits for on it (§2.2, §5.3); a kind without a health check is done once
    // applied, so nothing is waited for.
    let health = r.and_then(|r| health::waits_for(r, &m.instance));
    let waits = if t.hook {
        Some(match &health {
            Some(h) => format!("hook: {h}"),
            None => "hook: done once created (no health check)".to_string(),
        })
    } else if waited_on && child_app.is_none() {
        health.clone()
    } else {
        None
    };
    let waited_on = waited_on && (t.hook || child_app.is_some() || health.is_some());
    TaskView {
        api_version: r.map_or("v1", |r| r.api_version).to_string(),
        kind: t.kind.to_string(),
        name: t.name.to_string(),
        namespace: t.namespace.map(str::to_string),
        label: label(m, t),
        at: r.map(|r| at(m, r)),
        hook: t.hook,
        waited_on,
        waits,
        moved: moved_words(m, &t.moved),
        child_app,
        synthetic: t.res.is_none(),
    }
}

pub fn build(m: &Model<'_>, plans: &[Plan<'_>]) -> PlanView {
    let apps = plans
        .iter()
        .map(|plan| {
            let app = &m.apps[plan.app];
            // Task index → (step, position in the step).
            let mut pos = vec![(0, 0); plan.tasks.len()];
            let steps = plan
                .steps
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    for (k, ti) in s.tasks.clone().enumerate() {
                        pos[ti] = (si, k);
                    }
                    StepView {
                        phase: s.phase.as_str(),
                        wave: s.wave,
                        gated: plan.gated(si),
                        tasks: s
                            .tasks
                            .clone()
                            .map(|ti| task_view(m, plan, &plan.tasks[ti], Some(ti)))
                            .collect(),
                    }
                })
                .collect();
            let dependencies = plan
                .dependencies
                .iter()
                .map(|d| {
                    let r = &m.resources[plan.tasks[d.dependent].res.unwrap_or(0)];
                    DepView {
                        from: label(m, &plan.tasks[d.dependent]),
                        to: label(m, &plan.tasks[d.provider]),
                        via: r.pod_refs[d.pod_ref].via.clone(),
                        from_step: plan.step_of[d.dependent] + 1,
                        to_step: plan.step_of[d.provider] + 1,
                        from_task: pos[d.dependent],
                        to_task: pos[d.provider],
                        deadlock: plan.deadlocks(d),
                    }
                })
                .collect();
            let not_synced = plan
                .not_synced
                .iter()
                .map(|(id, why)| {
                    let r = &m.resources[*id];
                    NotSyncedView {
                        kind: r.kind.to_string(),
                        name: r.sort_name().to_string(),
                        label: r.display(),
                        at: at(m, r),
                        reason: why,
                    }
                })
                .collect();
            AppView {
                name: app.name.clone(),
                application: app.application.map(|a| at(m, &m.resources[a])),
                destination_namespace: app.dest_ns().map(str::to_string),
                multi_step: plan.multi_step,
                partial: match &app.completeness {
                    Completeness::Partial(w) => Some(w.clone()),
                    Completeness::Complete => None,
                },
                steps,
                sync_fail: plan
                    .sync_fail
                    .iter()
                    .map(|t| task_view(m, plan, t, None))
                    .collect(),
                not_synced,
                dependencies,
            }
        })
        .collect();
    PlanView { apps }
}
