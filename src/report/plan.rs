//! `synclint plan`: the engine's order as a table, JSON, or a mermaid diagram.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::model::{Model, Resource};
use crate::plan::{Moved, Plan, Task};

/// Where an object is written: rendered objects point back to their source file.
fn at(m: &Model<'_>, r: &Resource<'_>) -> (String, usize) {
    let (f, span) = m.origin(r.file, r.root.span);
    (
        m.files[f].name.clone(),
        m.files[f].line_col(span.start).line,
    )
}

fn line_of(m: &Model<'_>, r: &Resource<'_>) -> usize {
    at(m, r).1
}

fn task_label(m: &Model<'_>, t: &Task<'_>) -> String {
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

/// Is step `s` followed by a health wait (§2.2)?
pub fn gated(plan: &Plan<'_>, s: usize) -> bool {
    s + 1 < plan.steps.len() || plan.step_has_hook(s)
}

fn deadlock(plan: &Plan<'_>, dep: &crate::plan::Dependency) -> bool {
    plan.step_of[dep.provider] > plan.step_of[dep.dependent] && plan.waited_on(dep.dependent)
}

/// For a child Application in a parent's plan: does the parent wait for it (§2.2)?
fn child_app_note(m: &Model<'_>, t: &Task<'_>, health: bool) -> Option<String> {
    let r = &m.resources[t.res?];
    if !r.is("argoproj.io", "Application") {
        return None;
    }
    Some(if health {
        "child app: waits until it is Healthy (argocd-cm health check)".into()
    } else {
        "child app: not waited on (no Application health check in argocd-cm)".into()
    })
}

pub fn table(m: &Model<'_>, plans: &[Plan<'_>]) -> String {
    let mut out = String::new();
    let health = crate::rules::application_health_defined(m);
    for plan in plans {
        let app = &m.apps[plan.app];
        let origin = match app.application {
            Some(a) => {
                let r = &m.resources[a];
                format!("Application at {}:{}", m.files[r.file].name, line_of(m, r))
            }
            None => "no Application: default sync policy".to_string(),
        };
        let _ = writeln!(
            out,
            "app {} ({origin}): {} step(s){}",
            app.name,
            plan.steps.len(),
            if plan.multi_step {
                ", each waits for the previous one to be Healthy"
            } else {
                ", applied at once, not waited on"
            }
        );
        let mut rows: Vec<[String; 6]> = vec![[
            "step".into(),
            "phase".into(),
            "wave".into(),
            "object".into(),
            "at".into(),
            "waits on".into(),
        ]];
        for (si, step) in plan.steps.iter().enumerate() {
            for ti in step.tasks.clone() {
                let t = &plan.tasks[ti];
                let at = t.res.map_or_else(
                    || "(CreateNamespace=true)".to_string(),
                    |id| {
                        let (f, l) = at(m, &m.resources[id]);
                        format!("{f}:{l}")
                    },
                );
                let mut notes: Vec<String> = Vec::new();
                let completes = t.res.is_some_and(|id| {
                    let r = &m.resources[id];
                    crate::rules::waits_to_complete(r)
                });
                if t.hook && completes {
                    notes.push("hook: waits until it completes".into());
                } else if t.hook {
                    notes.push("hook: done once created".into());
                } else if plan.waited_on(ti) && child_app_note(m, t, health).is_none() {
                    notes.push("Healthy before the next step".into());
                }
                if let Some(w) = moved_words(m, &t.moved) {
                    notes.push(w);
                }
                if let Some(c) = child_app_note(m, t, health) {
                    notes.push(c);
                }
                for d in plan.dependencies.iter().filter(|d| d.dependent == ti) {
                    let p = &plan.tasks[d.provider];
                    let mark = if deadlock(plan, d) {
                        " ✗ created later: deadlock"
                    } else {
                        ""
                    };
                    notes.push(format!(
                        "needs {} (step {}){mark}",
                        task_label(m, p),
                        plan.step_of[d.provider] + 1
                    ));
                }
                rows.push([
                    (si + 1).to_string(),
                    t.phase.as_str().into(),
                    t.wave.to_string(),
                    task_label(m, t),
                    at,
                    notes.join("; "),
                ]);
            }
        }
        let widths: Vec<usize> = (0..5)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let mut line = String::from("  ");
            for c in 0..5 {
                let _ = write!(line, "{:<w$}  ", r[c], w = widths[c]);
            }
            line.push_str(&r[5]);
            let _ = writeln!(out, "{}", line.trim_end());
        }
        for t in &plan.sync_fail {
            let _ = writeln!(
                out,
                "  on failure (SyncFail, all at once): {}",
                task_label(m, t)
            );
        }
        for (id, why) in &plan.not_synced {
            let r = &m.resources[*id];
            let _ = writeln!(
                out,
                "  not synced: {} at {}:{} ({why})",
                r.display(),
                m.files[r.file].name,
                line_of(m, r)
            );
        }
        out.push('\n');
    }
    if plans.is_empty() {
        out.push_str("no Kubernetes objects found\n");
    }
    out
}

fn task_json(m: &Model<'_>, plan: &Plan<'_>, t: &Task<'_>, ti: Option<usize>) -> Value {
    let (api, file, line) = t
        .res
        .map_or((Value::from("v1"), Value::Null, Value::Null), |id| {
            let r = &m.resources[id];
            (
                Value::from(r.api_version),
                Value::from(m.files[r.file].name.as_str()),
                Value::from(line_of(m, r)),
            )
        });
    json!({
        "apiVersion": api,
        "kind": t.kind,
        "name": t.name,
        "namespace": t.namespace,
        "file": file,
        "line": line,
        "hook": t.hook,
        "waitedOn": ti.is_some_and(|i| plan.waited_on(i)),
        "moved": moved_words(m, &t.moved),
        "synthetic": t.res.is_none(),
    })
}

pub fn json(m: &Model<'_>, plans: &[Plan<'_>]) -> String {
    let apps: Vec<Value> = plans
        .iter()
        .map(|plan| {
            let app = &m.apps[plan.app];
            let application = app.application.map(|a| {
                let r = &m.resources[a];
                json!({"file": m.files[r.file].name, "line": line_of(m, r)})
            });
            let steps: Vec<Value> = plan
                .steps
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    json!({
                        "step": si + 1,
                        "phase": s.phase.as_str(),
                        "wave": s.wave,
                        "gated": gated(plan, si),
                        "tasks": s.tasks.clone().map(|ti| task_json(m, plan, &plan.tasks[ti], Some(ti))).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let deps: Vec<Value> = plan
                .dependencies
                .iter()
                .map(|d| {
                    let r = &m.resources[plan.tasks[d.dependent].res.unwrap_or(0)];
                    let pr = &r.pod_refs[d.pod_ref];
                    json!({
                        "from": task_label(m, &plan.tasks[d.dependent]),
                        "to": task_label(m, &plan.tasks[d.provider]),
                        "via": pr.via,
                        "fromStep": plan.step_of[d.dependent] + 1,
                        "toStep": plan.step_of[d.provider] + 1,
                        "deadlock": deadlock(plan, d),
                    })
                })
                .collect();
            let not_synced: Vec<Value> = plan
                .not_synced
                .iter()
                .map(|(id, why)| {
                    let r = &m.resources[*id];
                    json!({"kind": r.kind, "name": r.sort_name(), "file": m.files[r.file].name, "line": line_of(m, r), "reason": why})
                })
                .collect();
            json!({
                "name": app.name,
                "application": application,
                "destinationNamespace": app.dest_namespace,
                "multiStep": plan.multi_step,
                "steps": steps,
                "syncFail": plan.sync_fail.iter().map(|t| task_json(m, plan, t, None)).collect::<Vec<_>>(),
                "notSynced": not_synced,
                "dependencies": deps,
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({"version": 1, "apps": apps})).unwrap_or_default()
}

fn esc(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

pub fn mermaid(m: &Model<'_>, plans: &[Plan<'_>]) -> String {
    let mut out = String::from("flowchart TD\n");
    let mut red_links = Vec::new();
    let mut link = 0usize;
    for plan in plans {
        let a = plan.app;
        let app = &m.apps[a];
        let _ = writeln!(out, "  subgraph app{a}[\"app {}\"]", esc(&app.name));
        let _ = writeln!(out, "    direction TB");
        for (si, s) in plan.steps.iter().enumerate() {
            let gate = if gated(plan, si) { " · waits" } else { "" };
            let _ = writeln!(
                out,
                "    subgraph a{a}s{si}[\"{}. {} wave {}{gate}\"]",
                si + 1,
                s.phase.as_str(),
                s.wave
            );
            for ti in s.tasks.clone() {
                let t = &plan.tasks[ti];
                let label = esc(&task_label(m, t));
                if t.hook {
                    let _ = writeln!(out, "      a{a}t{ti}([\"{label}\"])");
                } else {
                    let _ = writeln!(out, "      a{a}t{ti}[\"{label}\"]");
                }
            }
            let _ = writeln!(out, "    end");
        }
        for si in 1..plan.steps.len() {
            let _ = writeln!(out, "    a{a}s{} --> a{a}s{si}", si - 1);
            link += 1;
        }
        for d in &plan.dependencies {
            let bad = deadlock(plan, d);
            let _ = writeln!(
                out,
                "    a{a}t{} -.->|{}| a{a}t{}",
                d.dependent,
                if bad { "needs, deadlock" } else { "needs" },
                d.provider
            );
            if bad {
                red_links.push(link);
            }
            link += 1;
        }
        let _ = writeln!(out, "  end");
    }
    for l in red_links {
        let _ = writeln!(out, "  linkStyle {l} stroke:#d00,stroke-width:2px");
    }
    out
}
