//! `synclint plan`: the engine's order as a table, JSON, or a mermaid diagram. Formats the plan
//! view; every fact in it was derived by the core.

use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::{Value, json};

use super::escape::terminal;
use crate::load::SourceFile;
use crate::plan::view::{AppView, Loc, PlanView, TaskView};

fn file_name<'f>(files: &'f [Arc<SourceFile>], loc: &Loc) -> &'f str {
    &files[loc.file].name
}

pub fn table(files: &[Arc<SourceFile>], view: &PlanView) -> String {
    let mut out = String::new();
    for app in &view.apps {
        let origin = match &app.application {
            Some(l) => format!(
                "Application at {}:{}",
                terminal(file_name(files, l)),
                l.line
            ),
            None => "no Application: default sync policy".to_string(),
        };
        let _ = writeln!(
            out,
            "app {} ({origin}): {} step(s){}",
            terminal(&app.name),
            app.steps.len(),
            if app.multi_step {
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
        for (si, step) in app.steps.iter().enumerate() {
            for (k, t) in step.tasks.iter().enumerate() {
                let at = t.at.as_ref().map_or_else(
                    || "(CreateNamespace=true)".to_string(),
                    |l| format!("{}:{}", terminal(file_name(files, l)), l.line),
                );
                let mut notes: Vec<String> = Vec::new();
                notes.extend(t.waits.clone());
                notes.extend(t.moved.clone());
                notes.extend(t.child_app.clone());
                for d in app.dependencies.iter().filter(|d| d.from_task == (si, k)) {
                    let mark = if d.deadlock {
                        " ✗ created later: deadlock"
                    } else {
                        ""
                    };
                    notes.push(format!(
                        "needs {} (step {}){mark}",
                        terminal(&d.to),
                        d.to_step
                    ));
                }
                rows.push([
                    (si + 1).to_string(),
                    step.phase.into(),
                    step.wave.to_string(),
                    terminal(&t.label).into_owned(),
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
        for t in &app.sync_fail {
            let _ = writeln!(
                out,
                "  on failure (SyncFail, all at once): {}",
                terminal(&t.label)
            );
        }
        for n in &app.not_synced {
            let _ = writeln!(
                out,
                "  not synced: {} at {}:{} ({})",
                terminal(&n.label),
                terminal(file_name(files, &n.at)),
                n.at.line,
                n.reason
            );
        }
        if let Some(p) = &app.partial {
            let _ = writeln!(out, "  linted in part: {}", terminal(p));
        }
        out.push('\n');
    }
    if view.apps.is_empty() {
        out.push_str("no Kubernetes objects found\n");
    }
    out
}

fn task_json(files: &[Arc<SourceFile>], t: &TaskView) -> Value {
    json!({
        "apiVersion": t.api_version,
        "kind": t.kind,
        "name": t.name,
        "namespace": t.namespace,
        "file": t.at.as_ref().map(|l| file_name(files, l)),
        "line": t.at.as_ref().map(|l| l.line),
        "hook": t.hook,
        "waitedOn": t.waited_on,
        "waits": t.waits,
        "moved": t.moved,
        "synthetic": t.synthetic,
    })
}

fn app_json(files: &[Arc<SourceFile>], app: &AppView) -> Value {
    let steps: Vec<Value> = app
        .steps
        .iter()
        .enumerate()
        .map(|(si, s)| {
            json!({
                "step": si + 1,
                "phase": s.phase,
                "wave": s.wave,
                "gated": s.gated,
                "tasks": s.tasks.iter().map(|t| task_json(files, t)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let deps: Vec<Value> = app
        .dependencies
        .iter()
        .map(|d| {
            json!({
                "from": d.from,
                "to": d.to,
                "via": d.via,
                "fromStep": d.from_step,
                "toStep": d.to_step,
                "deadlock": d.deadlock,
            })
        })
        .collect();
    let not_synced: Vec<Value> = app
        .not_synced
        .iter()
        .map(|n| {
            json!({"kind": n.kind, "name": n.name, "file": file_name(files, &n.at), "line": n.at.line, "reason": n.reason})
        })
        .collect();
    json!({
        "name": app.name,
        "application": app.application.as_ref().map(|l| json!({"file": file_name(files, l), "line": l.line})),
        "destinationNamespace": app.destination_namespace,
        "multiStep": app.multi_step,
        "steps": steps,
        "syncFail": app.sync_fail.iter().map(|t| task_json(files, t)).collect::<Vec<_>>(),
        "notSynced": not_synced,
        "dependencies": deps,
    })
}

pub fn json(files: &[Arc<SourceFile>], view: &PlanView) -> String {
    let apps: Vec<Value> = view.apps.iter().map(|a| app_json(files, a)).collect();
    serde_json::to_string_pretty(&json!({"version": 1, "apps": apps})).unwrap_or_default()
}

/// A mermaid label: quotes and angle brackets as entities, control characters shown.
fn esc(s: &str) -> String {
    terminal(s)
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('`', "#96;")
}

pub fn mermaid(view: &PlanView) -> String {
    let mut out = String::from("flowchart TD\n");
    let mut red_links = Vec::new();
    let mut link = 0usize;
    for (a, app) in view.apps.iter().enumerate() {
        let _ = writeln!(out, "  subgraph app{a}[\"app {}\"]", esc(&app.name));
        let _ = writeln!(out, "    direction TB");
        let mut ti = 0usize;
        let mut ids: Vec<Vec<usize>> = Vec::new();
        for (si, s) in app.steps.iter().enumerate() {
            let gate = if s.gated { " · waits" } else { "" };
            let _ = writeln!(
                out,
                "    subgraph a{a}s{si}[\"{}. {} wave {}{gate}\"]",
                si + 1,
                s.phase,
                s.wave
            );
            let mut row = Vec::new();
            for t in &s.tasks {
                let label = esc(&t.label);
                if t.hook {
                    let _ = writeln!(out, "      a{a}t{ti}([\"{label}\"])");
                } else {
                    let _ = writeln!(out, "      a{a}t{ti}[\"{label}\"]");
                }
                row.push(ti);
                ti += 1;
            }
            ids.push(row);
            let _ = writeln!(out, "    end");
        }
        for si in 1..app.steps.len() {
            let _ = writeln!(out, "    a{a}s{} --> a{a}s{si}", si - 1);
            link += 1;
        }
        for d in &app.dependencies {
            let _ = writeln!(
                out,
                "    a{a}t{} -.->|{}| a{a}t{}",
                ids[d.from_task.0][d.from_task.1],
                if d.deadlock {
                    "needs, deadlock"
                } else {
                    "needs"
                },
                ids[d.to_task.0][d.to_task.1]
            );
            if d.deadlock {
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
