//! What the editor shows about each object, by file: its place in the sync plan (hover, code
//! lens, inlay hints) and its identity (go to definition). Built from the core's plan view, owned,
//! so a scoped re-lint can replace the entries of the files it covered.

use foldhash::{HashMap, HashSet};

use crate::load::FileId;
use crate::load::yaml::Span;
use crate::plan::view::{AppView, Loc, PlanView, TaskView};

/// One object's place in one app's sync.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The object's whole span (its document or `List` item).
    pub span: Span,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// `Kind/name`.
    pub label: String,
    pub app: String,
    pub place: Place,
}

#[derive(Debug, Clone)]
pub enum Place {
    Step {
        /// 1-based.
        step: usize,
        steps: usize,
        phase: &'static str,
        wave: i64,
        hook: bool,
        /// What the engine waits for, what it needs and notes, in a few words each.
        notes: Vec<String>,
    },
    /// A SyncFail hook: runs only when the sync fails.
    OnFailure,
    NotSynced(&'static str),
}

impl Entry {
    /// `step 2 of 3 · Sync · wave -10` (the code lens and inlay hint text).
    pub fn short(&self) -> String {
        match &self.place {
            Place::Step {
                step,
                phase,
                wave,
                hook,
                ..
            } => format!(
                "step {step} · {phase}{} · wave {wave}",
                if *hook { " hook" } else { "" }
            ),
            Place::OnFailure => "SyncFail hook · runs only if the sync fails".into(),
            Place::NotSynced(why) => format!("not synced: {why}"),
        }
    }

    /// The hover line: `Job/db-migrate · app · PreSync · wave 0 · step 1 of 3 · waits … · needs …`.
    pub fn long(&self) -> String {
        let mut parts = vec![format!("`{}`", self.label), format!("app `{}`", self.app)];
        match &self.place {
            Place::Step {
                step,
                steps,
                phase,
                wave,
                hook,
                notes,
            } => {
                parts.push(format!("{phase}{}", if *hook { " hook" } else { "" }));
                parts.push(format!("wave {wave}"));
                parts.push(format!("step {step} of {steps}"));
                parts.extend(notes.iter().cloned());
            }
            Place::OnFailure => parts.push("SyncFail hook: runs only if the sync fails".into()),
            Place::NotSynced(why) => parts.push(format!("not synced: {why}")),
        }
        parts.join(" · ")
    }
}

#[derive(Debug, Default)]
pub struct Index {
    pub by_file: HashMap<FileId, Vec<Entry>>,
}

fn task_notes(app: &AppView, si: usize, k: usize, t: &TaskView) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    notes.extend(t.waits.clone());
    notes.extend(t.moved.clone());
    notes.extend(t.child_app.clone());
    for d in app.dependencies.iter().filter(|d| d.from_task == (si, k)) {
        notes.push(format!(
            "needs {}, created in step {} {}",
            d.to,
            d.to_step,
            if d.deadlock {
                "✗ (after this one: the sync hangs)"
            } else {
                "✓"
            }
        ));
    }
    notes
}

fn entry(t: &TaskView, at: &Loc, app: &AppView, place: Place) -> (FileId, Entry) {
    (
        at.file,
        Entry {
            span: at.span,
            kind: t.kind.clone(),
            name: t.name.clone(),
            namespace: t.namespace.clone(),
            label: t.label.clone(),
            app: app.name.clone(),
            place,
        },
    )
}

/// Every object of the plan view, by the file it is written in.
pub fn entries(view: &PlanView) -> Vec<(FileId, Entry)> {
    let mut out = Vec::new();
    for app in &view.apps {
        for (si, step) in app.steps.iter().enumerate() {
            for (k, t) in step.tasks.iter().enumerate() {
                let Some(at) = &t.at else { continue };
                let place = Place::Step {
                    step: si + 1,
                    steps: app.steps.len(),
                    phase: step.phase,
                    wave: step.wave,
                    hook: t.hook,
                    notes: task_notes(app, si, k, t),
                };
                out.push(entry(t, at, app, place));
            }
        }
        for t in &app.sync_fail {
            if let Some(at) = &t.at {
                out.push(entry(t, at, app, Place::OnFailure));
            }
        }
        for n in &app.not_synced {
            out.push((
                n.at.file,
                Entry {
                    span: n.at.span,
                    kind: n.kind.clone(),
                    name: n.name.clone(),
                    namespace: None,
                    label: n.label.clone(),
                    app: app.name.clone(),
                    place: Place::NotSynced(n.reason),
                },
            ));
        }
    }
    out
}

impl Index {
    pub fn build(view: &PlanView) -> Index {
        let mut by_file: HashMap<FileId, Vec<Entry>> = HashMap::default();
        for (f, e) in entries(view) {
            by_file.entry(f).or_default().push(e);
        }
        Index { by_file }
    }

    /// Replace the entries of `files` with those of a scoped plan view.
    pub fn replace(&mut self, files: &HashSet<FileId>, view: &PlanView) {
        self.by_file.retain(|f, _| !files.contains(f));
        for (f, e) in entries(view) {
            if files.contains(&f) {
                self.by_file.entry(f).or_default().push(e);
            }
        }
    }

    /// The entries of the innermost object at `offset` (several: one per app and phase).
    pub fn at(&self, file: FileId, offset: u32) -> Vec<&Entry> {
        let Some(v) = self.by_file.get(&file) else {
            return Vec::new();
        };
        let inside = |e: &&Entry| e.span.start <= offset && offset <= e.span.end;
        let Some(best) = v
            .iter()
            .filter(inside)
            .map(|e| e.span.end - e.span.start)
            .min()
        else {
            return Vec::new();
        };
        v.iter()
            .filter(inside)
            .filter(|e| e.span.end - e.span.start == best)
            .collect()
    }

    /// Where objects of this kind and name are written, those in `namespace` first.
    pub fn find(&self, kind: &str, name: &str, namespace: Option<&str>) -> Vec<(FileId, Span)> {
        let mut hits: Vec<(bool, FileId, Span)> = Vec::new();
        for (&f, v) in &self.by_file {
            for e in v.iter().filter(|e| e.kind == kind && e.name == name) {
                let same_ns = namespace.is_none() || e.namespace.as_deref() == namespace;
                hits.push((!same_ns, f, e.span));
            }
        }
        hits.sort();
        hits.dedup();
        hits.into_iter().map(|(_, f, s)| (f, s)).collect()
    }
}
