//! `synclint server` driven over stdio by a small JSON-RPC client: the real binary, the real
//! protocol (Content-Length framing), one workspace in a scratch directory.

mod common;

#[path = "common/lsp.rs"]
mod lsp;

use std::time::{Duration, Instant};

use lsp::{Client, TIMEOUT, uri};
use serde_json::{Value, json};

fn with_code<'a>(d: &'a [Value], code: &str) -> Vec<&'a Value> {
    d.iter().filter(|x| x["code"] == code).collect()
}

const JOB: &str = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  annotations:
    argocd.argoproj.io/sync-wave: \"0\"
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 600
  template:
    spec:
      serviceAccountName: migrator
      restartPolicy: Never
      containers:
      - name: migrate
        image: busybox:1.36
";

const SA: &str = "\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
  annotations:
    argocd.argoproj.io/sync-wave: \"5\"
";

/// Apply LSP text edits (one file, non-overlapping) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        // The test texts are ASCII: UTF-16 units are bytes.
        start + ch
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}

#[test]
fn language_server_over_stdio() {
    let dir = common::tree(
        "server-stdio",
        &[("app/job.yaml", JOB), ("app/sa.yaml", SA)],
    );
    let dir = dir.canonicalize().unwrap();
    let job = uri(&dir.join("app/job.yaml"));
    let sa = uri(&dir.join("app/sa.yaml"));
    let mut c = Client::start(&dir, &[]);

    // Capabilities.
    let init = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&dir),
            "capabilities": {},
            "initializationOptions": {"debounceMs": 5, "idleMs": 50},
        }),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert!(caps["codeLensProvider"].is_object());
    assert_eq!(caps["inlayHintProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "synclint");
    c.notify("initialized", json!({}));

    // Diagnostics after didOpen: exact range (the reference's value), code, link, related span.
    for (u, text) in [(&job, JOB), (&sa, SA)] {
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }
    let d = c.diagnostics(&job, |d| !with_code(d, "sync-deadlock").is_empty());
    let dl = with_code(&d, "sync-deadlock")[0];
    assert_eq!(
        dl["range"],
        json!({"start": {"line": 11, "character": 26}, "end": {"line": 11, "character": 34}}),
        "the span of `migrator` in `serviceAccountName: migrator`"
    );
    assert_eq!(dl["severity"], 1);
    assert_eq!(dl["source"], "synclint");
    assert!(
        dl["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/rules/sync-deadlock.md")
    );
    let related = dl["relatedInformation"]
        .as_array()
        .expect("related information");
    let in_sa: Vec<&Value> = related
        .iter()
        .filter(|r| r["location"]["uri"] == sa)
        .collect();
    assert!(!in_sa.is_empty(), "a related span in sa.yaml: {related:?}");
    let line = in_sa[0]["location"]["range"]["start"]["line"]
        .as_u64()
        .unwrap();
    assert!(line <= 5, "inside sa.yaml's object: {in_sa:?}");

    // Hover on the Job: its place in the sync and what it needs.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": job}, "position": {"line": 1, "character": 7}}),
    );
    let text = h["contents"]["value"].as_str().unwrap().to_string();
    for want in [
        "`Job/db-migrate`",
        "Sync",
        "wave 0",
        "step 1 of 2",
        "needs ServiceAccount/migrator, created in step 2 ✗",
    ] {
        assert!(text.contains(want), "hover lacks {want:?}: {text}");
    }

    // Code lens on the `kind:` line.
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": sa}}),
    );
    assert_eq!(lenses[0]["range"]["start"]["line"], 1);
    assert_eq!(lenses[0]["command"]["title"], "step 2 · Sync · wave 5");

    // Go to definition: from `serviceAccountName: migrator` to the ServiceAccount.
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": job}, "position": {"line": 11, "character": 28}}),
    );
    assert_eq!(def[0]["uri"], sa, "{def}");
    assert_eq!(def[0]["range"]["start"]["line"], 0);

    // Moving the ServiceAccount to an earlier wave in sa.yaml clears the finding in job.yaml.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": sa, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": 5, "character": 35}, "end": {"line": 5, "character": 36}},
                "text": "-5",
            }],
        }),
    );
    c.diagnostics(&job, |d| with_code(d, "sync-deadlock").is_empty());
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": sa}}),
    );
    assert_eq!(lenses[0]["command"]["title"], "step 1 · Sync · wave -5");

    // And back: the finding returns.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": sa, "version": 3}, "contentChanges": [{"text": SA}]}),
    );
    let d = c.diagnostics(&job, |d| !with_code(d, "sync-deadlock").is_empty());
    let dl = with_code(&d, "sync-deadlock")[0].clone();

    // A code action whose edit, applied, makes the finding go away: the suppression comment.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": job},
            "range": dl["range"],
            "context": {"diagnostics": [dl]},
        }),
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            let t = a["title"].as_str().unwrap();
            t.contains("synclint: ignore") || t.starts_with("Suppress")
        })
        .unwrap_or_else(|| panic!("no suppression action in {actions}"))
        .clone();
    assert_eq!(suppress["kind"], "quickfix");
    let edits = suppress["edit"]["changes"][&job].as_array().unwrap();
    let fixed = apply(JOB, edits);
    assert!(
        fixed.contains("      # synclint: ignore sync-deadlock -- ")
            && fixed.contains("\n      serviceAccountName: migrator\n"),
        "{fixed}"
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": job, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let d = c.diagnostics(&job, |d| with_code(d, "sync-deadlock").is_empty());
    assert!(with_code(&d, "unused-suppression").is_empty(), "{d:?}");

    // Hover on the rule id in the suppression: the rule's summary.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": job}, "position": {"line": 11, "character": 28}}),
    );
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**sync-deadlock** (error): "), "{text}");

    // Shutdown, exit, and the process ends with 0.
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r, Value::Null);
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}
