//! The sync plan, exactly as the engine builds it (spec/argocd.md §1–§3, Appendix A).

pub mod order;
pub mod view;

use foldhash::{HashMap, HashSet};

use crate::model::argo::Phase;
use crate::model::exclusions::Excluded;
use crate::model::podspec::{PodRef, RefKind};
use crate::model::{App, AppId, Model, ResId, Resource};

pub use order::kind_rank;

/// Why the engine moved a task from where its own phase/wave would put it (§1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moved {
    /// A Namespace pulled before the first object in it.
    Namespace { before: ResId },
    /// A CRD pulled before the first instance of its kind.
    Crd { before: ResId },
}

#[derive(Clone, Debug)]
pub struct Task<'a> {
    /// `None` for the engine's own CreateNamespace task.
    pub res: Option<ResId>,
    pub phase: Phase,
    pub wave: i64,
    pub kind: &'a str,
    pub group: &'a str,
    pub name: &'a str,
    /// Namespace after defaulting to the app's destination namespace.
    pub namespace: Option<&'a str>,
    pub hook: bool,
    /// Named by `generateName`: the engine appends a suffix, so no reference names it.
    pub generated: bool,
    pub moved: Option<Moved>,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub phase: Phase,
    pub wave: i64,
    /// Task indices (into `Plan::tasks`).
    pub tasks: std::ops::Range<usize>,
}

/// Why an object the app declares is never created under the name a pod references, on the
/// normal path of a sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmade {
    /// A SyncFail hook only: it runs after a failure, never before the steps that need it.
    SyncFailOnly,
    /// A PreDelete/PostDelete hook only: it runs when the Application is deleted.
    DeletionHook,
    /// `hook: Skip`: never applied.
    Skip,
    /// Named by `generateName`: the engine appends a suffix, so the written name never exists.
    GeneratedName,
}

/// A pod reference to an object this app declares but never creates under that name during a
/// sync (and no other task of the app creates).
#[derive(Clone, Debug)]
pub struct Unmet {
    /// The task that needs it (index into `Plan::tasks`).
    pub dependent: usize,
    /// Index into the dependent resource's `pod_refs`.
    pub pod_ref: usize,
    /// The object that is declared but never made.
    pub target: ResId,
    pub why: Unmade,
}

/// A SyncFail hook's pod dependency on an object the normal steps create.
#[derive(Clone, Debug)]
pub struct SyncFailDep {
    /// Index into `Plan::sync_fail`.
    pub hook: usize,
    /// The task that creates it first (index into `Plan::tasks`).
    pub provider: usize,
    /// Index into the hook resource's `pod_refs`.
    pub pod_ref: usize,
}

/// Two waves of one phase whose difference does not fit in 64 bits: the engine's `Less`
/// computes `a - b`, which wraps, so the phase is sorted in no reliable order.
#[derive(Clone, Debug)]
pub struct WaveOverflow {
    pub phase: Phase,
    /// The objects with the lowest and the highest wave of the phase.
    pub low: ResId,
    pub high: ResId,
}

/// A pod dependency resolved inside the app.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// The task that needs it (index into `Plan::tasks`).
    pub dependent: usize,
    /// The task that creates it first.
    pub provider: usize,
    /// Index into the dependent resource's `pod_refs`.
    pub pod_ref: usize,
}

#[derive(Clone, Debug)]
pub struct Plan<'a> {
    pub app: AppId,
    /// Sync tasks in engine order (SyncFail tasks excluded).
    pub tasks: Vec<Task<'a>>,
    pub steps: Vec<Step>,
    /// Task index → step index.
    pub step_of: Vec<usize>,
    /// SyncFail hooks: all started at once when the sync fails (§3.3).
    pub sync_fail: Vec<Task<'a>>,
    /// The sync spans more than one (phase, wave): non-hook tasks are health-gated (§2.2).
    pub multi_step: bool,
    pub has_hooks: bool,
    /// Resources not synced, with the reason (dropped hooks, Skip, deletion hooks, excluded kinds,
    /// earlier duplicates).
    pub not_synced: Vec<(ResId, &'static str)>,
    /// (kept, dropped) pairs of duplicate objects: the engine keeps the last one (§11).
    pub duplicates: Vec<(ResId, ResId)>,
    pub dependencies: Vec<Dependency>,
    /// References no task satisfies, to objects the app declares but never creates by that name.
    pub unmet: Vec<Unmet>,
    /// Dependencies of SyncFail hooks on the normal steps.
    pub sync_fail_deps: Vec<SyncFailDep>,
    pub wave_overflow: Vec<WaveOverflow>,
    /// Resource → its first task.
    first_task: HashMap<ResId, usize>,
    /// The resources of `not_synced`.
    skipped: HashSet<ResId>,
}

impl<'a> Plan<'a> {
    /// Is the engine waiting on this task's health before it moves on (§2.2)?
    pub fn waited_on(&self, task: usize) -> bool {
        let t = &self.tasks[task];
        if t.hook {
            return true;
        }
        // The engine's `multiStep` is judged over every task, SyncFail hooks included (they sort
        // last): with one, the non-hooks beside a hook in a single step are waited on too.
        if !self.multi_step && self.sync_fail.is_empty() {
            return false;
        }
        // The final step is not waited on unless it holds a hook.
        self.gated(self.step_of[task])
    }

    pub fn step_has_hook(&self, step: usize) -> bool {
        self.tasks[self.steps[step].tasks.clone()]
            .iter()
            .any(|t| t.hook)
    }

    /// First task index of a resource, if it is synced.
    pub fn task_of(&self, r: ResId) -> Option<usize> {
        self.first_task.get(&r).copied()
    }

    /// Is this resource left out of the sync?
    pub fn is_synced(&self, r: ResId) -> bool {
        !self.skipped.contains(&r)
    }
}

/// Build the plan of one app.
pub fn build<'m>(model: &'m Model<'_>, app: &'m App<'_>) -> Plan<'m> {
    let res = &model.resources;
    let dest = app.dest_ns();
    let ns_of = |r: &'m Resource<'_>| r.namespace.or(dest);
    let mut not_synced = Vec::new();

    // Dedup by group/kind/namespace/name, keeping the last (NormalizeTargetObjects).
    let mut last: HashMap<(&str, &str, Option<&str>, &str), ResId> = HashMap::default();
    let mut duplicates = Vec::new();
    for &id in &app.resources {
        let r = &res[id];
        let Some(name) = r.name else { continue };
        if let Some(prev) = last.insert((r.group, r.kind, ns_of(r), name), id) {
            duplicates.push((id, prev));
            not_synced.push((prev, "a later copy of the same object wins"));
        }
    }
    let dropped_dups: HashSet<ResId> = duplicates.iter().map(|&(_, d)| d).collect();

    let mut tasks: Vec<Task<'m>> = Vec::new();
    let mut sync_fail: Vec<Task<'m>> = Vec::new();
    for &id in &app.resources {
        if dropped_dups.contains(&id) {
            continue;
        }
        let r = &res[id];
        let m = &r.argo;
        // Only a sure exclusion: an install's defaults may have been changed.
        let server = app.cluster.server.as_deref();
        if model.instance.excluded(r.group, r.kind, server) == Excluded::Yes {
            not_synced.push((id, "excluded kind (never synced by Argo CD)"));
            continue;
        }
        if m.dropped {
            not_synced.push((id, "hook with no valid type: ignored by the engine"));
            continue;
        }
        if m.skip {
            not_synced.push((id, "hook: Skip"));
            continue;
        }
        if m.deletion_hook {
            not_synced.push((
                id,
                "PreDelete/PostDelete hook: runs only when the app is deleted",
            ));
            continue;
        }
        let phases: &[Phase] = if m.is_hook { &m.phases } else { &[Phase::Sync] };
        for &phase in phases {
            let t = Task {
                res: Some(id),
                phase,
                wave: m.wave,
                kind: r.kind,
                group: r.group,
                name: r.sort_name(),
                namespace: ns_of(r),
                hook: m.is_hook,
                generated: r.name.is_none(),
                moved: None,
            };
            if phase == Phase::SyncFail {
                sync_fail.push(t);
            } else {
                tasks.push(t);
            }
        }
    }

    // CreateNamespace=true: a PreSync/0 task for the destination namespace, unless the app ships it.
    let create_ns = app.has_option("CreateNamespace=true")
        && dest.is_some()
        && !tasks
            .iter()
            .any(|t| t.group.is_empty() && t.kind == "Namespace" && Some(t.name) == dest);

    if create_ns {
        tasks.push(Task {
            res: None,
            phase: Phase::PreSync,
            wave: 0,
            kind: "Namespace",
            group: "",
            name: dest.unwrap_or(""),
            namespace: None,
            hook: false,
            generated: false,
            moved: None,
        });
    }
    let wave_overflow = order::wave_overflow(tasks.iter().chain(&sync_fail));
    order::sort(&mut tasks);
    order::adjust_deps(&mut tasks, res);
    // Whether the plan is multi-step is judged without the CreateNamespace task: that task only
    // exists on a sync where the namespace is missing, and Argo CD creates it before the dry-run.
    let mut real = tasks.iter().filter(|t| t.res.is_some());
    let first = real.next().map(|t| (t.phase, t.wave));
    let last = real.next_back().map(|t| (t.phase, t.wave)).or(first);
    let multi_step = first != last;

    let mut steps: Vec<Step> = Vec::new();
    let mut step_of = Vec::with_capacity(tasks.len());
    for (i, t) in tasks.iter().enumerate() {
        match steps.last_mut() {
            Some(s) if s.phase == t.phase && s.wave == t.wave => s.tasks.end = i + 1,
            _ => steps.push(Step {
                phase: t.phase,
                wave: t.wave,
                tasks: i..i + 1,
            }),
        }
        step_of.push(steps.len() - 1);
    }
    let has_hooks = tasks.iter().chain(&sync_fail).any(|t| t.hook);
    let mut first_task = HashMap::default();
    for (i, t) in tasks.iter().enumerate() {
        if let Some(r) = t.res {
            first_task.entry(r).or_insert(i);
        }
    }

    let skipped = not_synced.iter().map(|(r, _)| *r).collect();
    let mut plan = Plan {
        app: app.id,
        tasks,
        steps,
        step_of,
        sync_fail,
        multi_step,
        has_hooks,
        not_synced,
        duplicates,
        dependencies: Vec::new(),
        unmet: Vec::new(),
        sync_fail_deps: Vec::new(),
        wave_overflow,
        skipped,
        first_task,
    };
    plan.dependencies = dependencies(&plan, res);
    plan.unmet = unmet(&plan, res, ns_of);
    plan.sync_fail_deps = sync_fail_deps(&plan, res);
    plan
}

/// Does task `t` create the object a pod reference names?
fn provides(t: &Task<'_>, r: &PodRef<'_>, ns: Option<&str>) -> bool {
    t.res.is_some()
        && !t.generated
        && t.kind == r.kind.kind()
        && t.group == r.kind.group()
        && t.name == r.name
        && (!r.kind.namespaced() || t.namespace.is_none() || ns.is_none() || t.namespace == ns)
}

/// For every pod reference of every task, the first task in this plan that creates the target.
fn dependencies(plan: &Plan<'_>, res: &[Resource<'_>]) -> Vec<Dependency> {
    // Tasks by the name they create, in plan order.
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::default();
    for (i, t) in plan.tasks.iter().enumerate() {
        if t.res.is_some() && !t.generated {
            by_name.entry((t.kind, t.name)).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        let Some(id) = t.res else { continue };
        for (ri, r) in res[id].pod_refs.iter().enumerate() {
            if r.kind == RefKind::ServiceAccount && r.name == "default" {
                continue;
            }
            let candidates = by_name.get(&(r.kind.kind(), r.name));
            if let Some(&p) = candidates
                .into_iter()
                .flatten()
                .find(|&&p| plan.tasks[p].res != t.res && provides(&plan.tasks[p], r, t.namespace))
            {
                out.push(Dependency {
                    dependent: i,
                    provider: p,
                    pod_ref: ri,
                });
            }
        }
    }
    out
}

/// Does this pod reference name this object (kind, group, name, and namespace when both are known)?
fn names(
    r: &PodRef<'_>,
    kind: &str,
    group: &str,
    name: &str,
    ns: Option<&str>,
    ref_ns: Option<&str>,
) -> bool {
    kind == r.kind.kind()
        && group == r.kind.group()
        && name == r.name
        && (!r.kind.namespaced() || ns.is_none() || ref_ns.is_none() || ns == ref_ns)
}

/// References that no task satisfies, to objects the app declares but never creates under that
/// name: SyncFail-only hooks, deletion hooks, Skip objects, and `generateName` objects referenced
/// by their prefix (with or without its trailing `-`).
fn unmet<'m>(
    plan: &Plan<'m>,
    res: &'m [Resource<'_>],
    ns_of: impl Fn(&'m Resource<'_>) -> Option<&'m str>,
) -> Vec<Unmet> {
    // Candidates: (resource, the name it is written under, why it is never made by that name).
    let mut never: Vec<(ResId, &str, Unmade)> = Vec::new();
    for t in &plan.sync_fail {
        if let Some(id) = t.res
            && plan.task_of(id).is_none()
            && !t.generated
        {
            never.push((id, t.name, Unmade::SyncFailOnly));
        }
    }
    for (id, _) in &plan.not_synced {
        let r = &res[*id];
        let why = if r.argo.skip {
            Unmade::Skip
        } else if r.argo.deletion_hook {
            Unmade::DeletionHook
        } else {
            continue;
        };
        if let Some(name) = r.name {
            never.push((*id, name, why));
        }
    }
    let mut generated: Vec<(ResId, &str)> = Vec::new();
    for t in plan.tasks.iter().chain(&plan.sync_fail) {
        if let Some(id) = t.res
            && t.generated
            && !generated.iter().any(|(g, _)| *g == id)
        {
            generated.push((id, t.name));
        }
    }
    if never.is_empty() && generated.is_empty() {
        return Vec::new();
    }
    let provided: HashSet<(usize, usize)> = plan
        .dependencies
        .iter()
        .map(|d| (d.dependent, d.pod_ref))
        .collect();
    let mut out = Vec::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        let Some(id) = t.res else { continue };
        for (ri, pr) in res[id].pod_refs.iter().enumerate() {
            if provided.contains(&(i, ri))
                || (pr.kind == RefKind::ServiceAccount && pr.name == "default")
            {
                continue;
            }
            let hit = never
                .iter()
                .find(|(n, name, _)| {
                    let r = &res[*n];
                    *n != id && names(pr, r.kind, r.group, name, ns_of(r), t.namespace)
                })
                .map(|&(n, _, why)| (n, why))
                .or_else(|| {
                    generated
                        .iter()
                        .find(|(g, prefix)| {
                            let r = &res[*g];
                            *g != id
                                && [*prefix, prefix.strip_suffix('-').unwrap_or(prefix)]
                                    .iter()
                                    .any(|p| names(pr, r.kind, r.group, p, ns_of(r), t.namespace))
                        })
                        .map(|&(g, _)| (g, Unmade::GeneratedName))
                });
            if let Some((target, why)) = hit {
                out.push(Unmet {
                    dependent: i,
                    pod_ref: ri,
                    target,
                    why,
                });
            }
        }
    }
    out
}

/// For every pod reference of every SyncFail hook, the first normal task that creates it.
fn sync_fail_deps(plan: &Plan<'_>, res: &[Resource<'_>]) -> Vec<SyncFailDep> {
    let mut out = Vec::new();
    for (h, t) in plan.sync_fail.iter().enumerate() {
        let Some(id) = t.res else { continue };
        for (ri, r) in res[id].pod_refs.iter().enumerate() {
            if r.kind == RefKind::ServiceAccount && r.name == "default" {
                continue;
            }
            if let Some(p) = plan
                .tasks
                .iter()
                .position(|p| p.res != t.res && provides(p, r, t.namespace))
            {
                out.push(SyncFailDep {
                    hook: h,
                    provider: p,
                    pod_ref: ri,
                });
            }
        }
    }
    out
}

impl Plan<'_> {
    /// Does this dependency hang the sync: the dependent is waited on, and its dependency is
    /// created only in a later step?
    pub fn deadlocks(&self, d: &Dependency) -> bool {
        self.step_of[d.provider] > self.step_of[d.dependent] && self.waited_on(d.dependent)
    }

    /// Is step `s` followed by a health wait (§2.2)?
    pub fn gated(&self, s: usize) -> bool {
        s + 1 < self.steps.len() || self.step_has_hook(s)
    }

    /// The tasks whose pods mount this task's object (a PersistentVolumeClaim), by dependency.
    pub fn consumers(&self, provider: usize) -> impl Iterator<Item = &Dependency> {
        self.dependencies
            .iter()
            .filter(move |d| d.provider == provider)
    }

    /// An empty plan (for an app whose plan could not be built).
    fn empty(app: AppId) -> Self {
        Plan {
            app,
            tasks: Vec::new(),
            steps: Vec::new(),
            step_of: Vec::new(),
            sync_fail: Vec::new(),
            multi_step: false,
            has_hooks: false,
            not_synced: Vec::new(),
            duplicates: Vec::new(),
            dependencies: Vec::new(),
            unmet: Vec::new(),
            sync_fail_deps: Vec::new(),
            wave_overflow: Vec::new(),
            first_task: HashMap::default(),
            skipped: HashSet::default(),
        }
    }
}

/// Plans for every app. A plan that cannot be built (a bug) is an `internal-error` finding and
/// an empty plan; the other apps are unaffected.
pub fn build_all<'m>(
    model: &'m Model<'_>,
    errors: &mut Vec<crate::diag::Diagnostic>,
) -> Vec<Plan<'m>> {
    use rayon::prelude::*;
    let built: Vec<Result<Plan<'m>, String>> = model
        .apps
        .par_iter()
        .map(|a| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(model, a))).map_err(
                |p| {
                    p.downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_default()
                },
            )
        })
        .collect();
    built
        .into_iter()
        .zip(&model.apps)
        .map(|(b, app)| match b {
            Ok(p) => p,
            Err(msg) => {
                let file = app
                    .application
                    .or(app.resources.first().copied())
                    .map_or(0, |r| model.resources[r].file);
                let payload: Box<dyn std::any::Any + Send> = Box::new(msg);
                errors.push(crate::check::internal_error(
                    &format!("the sync plan of app `{}`", app.name),
                    file,
                    &*payload,
                ));
                Plan::empty(app.id)
            }
        })
        .collect()
}
