//! A small LSP client for tests and benchmarks: JSON-RPC with Content-Length framing over the
//! stdio of a `synclint server` process.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: VecDeque<Value>,
    next_id: i64,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    pub fn start(root: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(binary())
            .args(["server", "--stdio"])
            .args(args)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start synclint server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            backlog: VecDeque::new(),
            next_id: 1,
        }
    }

    pub fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn recv(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Send a request and wait for its response (other messages are kept for later).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.recv(deadline);
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{method} failed: {m}");
                return m["result"].clone();
            }
            // Server-to-client requests (registerCapability) get an empty answer.
            if m.get("id").is_some() && m.get("method").is_some() {
                let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": null});
                self.send(reply);
                continue;
            }
            self.backlog.push_back(m);
        }
    }

    /// The next diagnostics published for `uri` that satisfy `ok`.
    pub fn diagnostics(&mut self, uri: &str, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        let mut last = None;
        loop {
            let m = match self.backlog.pop_front() {
                Some(m) => m,
                None => {
                    if Instant::now() > deadline {
                        panic!("no matching diagnostics for {uri}; last published: {last:?}");
                    }
                    let left = deadline.saturating_duration_since(Instant::now());
                    match self.rx.recv_timeout(left) {
                        Ok(v) => v,
                        Err(_) => panic!("no matching diagnostics for {uri}; last: {last:?}"),
                    }
                }
            };
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                let d = m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if ok(&d) {
                    return d;
                }
                last = Some(d);
            }
        }
    }
}

/// The binary under test: cargo's for tests, `SYNCLINT` (or the release build) for benchmarks.
fn binary() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("SYNCLINT") {
        return p.into();
    }
    match option_env!("CARGO_BIN_EXE_synclint") {
        Some(p) => p.into(),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/synclint"),
    }
}

/// The `file://` URI of an absolute path (test paths need no escaping).
pub fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

impl Client {
    /// Log messages (`window/logMessage`) received so far, taken out of the backlog.
    pub fn logs(&mut self) -> Vec<String> {
        while let Ok(m) = self.rx.try_recv() {
            self.backlog.push_back(m);
        }
        let mut out = Vec::new();
        self.backlog.retain(|m| {
            if m["method"] == "window/logMessage" {
                out.push(m["params"]["message"].as_str().unwrap_or("").to_string());
                false
            } else {
                true
            }
        });
        out
    }

    /// Forget what was received (diagnostics of earlier passes).
    pub fn clear(&mut self) {
        while let Ok(m) = self.rx.try_recv() {
            self.backlog.push_back(m);
        }
        self.backlog.retain(|m| m["method"] == "window/logMessage");
    }
}
