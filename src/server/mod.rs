//! `synclint server`: a language server over stdio. It keeps the workspace in memory with open
//! buffers as overlays, re-lints a changed file's apps on each (debounced) edit, runs a full pass
//! when the editor is idle, renders Kustomize and Helm sources in the background, and answers
//! hover, code lens, inlay hint, definition and code action requests from what it last computed.

mod actions;
mod convert;
mod definition;
mod hover;
mod index;
mod lens;
mod scope;
mod state;
mod uri;

use foldhash::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;

use crate::load::FileId;
use crate::model::Rendered;
pub use state::Loader;
use state::{Analyzed, State};

/// Timings, overridable by the client's `initializationOptions` (`debounceMs`, `idleMs`).
struct Timing {
    /// Quiet time after an edit before the scoped re-lint.
    debounce: Duration,
    /// Quiet time after a scoped re-lint before the full pass.
    idle: Duration,
}

/// Results of background work.
enum Event {
    Analyzed(Analyzed, Duration),
    Rendered { files: usize, rendered: Rendered },
}

struct Server {
    conn: Connection,
    st: State,
    timing: Timing,
    events: (Sender<Event>, Receiver<Event>),
    /// Buffers edited since the last re-lint.
    dirty: HashSet<PathBuf>,
    relint_at: Option<Instant>,
    full_at: Option<Instant>,
    full_running: bool,
    render_running: bool,
    render_again: bool,
    /// What each file was last published with.
    published: HashMap<FileId, Vec<lsp::Diagnostic>>,
}

/// Run the server on stdin/stdout until the client says `exit`. Returns the exit code.
pub fn run(loader: Loader) -> i32 {
    let (conn, io) = Connection::stdio();
    let code = match serve(conn, loader) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("synclint server: {e}");
            1
        }
    };
    // The reader thread ends with stdin; the writer with the connection (dropped above).
    let _ = io.join();
    code
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                    lsp::SaveOptions {
                        include_text: Some(false),
                    },
                )),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        ..Default::default()
    }
}

fn root_of(params: &lsp::InitializeParams) -> PathBuf {
    #[allow(deprecated)]
    let from_client = params
        .workspace_folders
        .as_ref()
        .and_then(|w| w.first())
        .map(|w| &w.uri)
        .or(params.root_uri.as_ref())
        .and_then(uri::to_path);
    from_client.unwrap_or_else(|| crate::load::absolute(std::path::Path::new(".")))
}

fn serve(conn: Connection, loader: Loader) -> Result<(), String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let init: lsp::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("initialize: {e}"))?;
    let opt = |k: &str, d: u64| {
        init.initialization_options
            .as_ref()
            .and_then(|o| o.get(k))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(d)
    };
    let timing = Timing {
        debounce: Duration::from_millis(opt("debounceMs", 30)),
        idle: Duration::from_millis(opt("idleMs", 400)),
    };
    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "synclint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let st = State::new(root_of(&init), loader)?;
    let mut s = Server {
        conn,
        st,
        timing,
        events: crossbeam_channel::unbounded(),
        dirty: HashSet::default(),
        relint_at: None,
        full_at: None,
        full_running: false,
        render_running: false,
        render_again: false,
        published: HashMap::default(),
    };
    if watch {
        s.watch_files();
    }
    let t = Instant::now();
    s.st.full();
    s.log(format!(
        "first lint: {} files in {} ms",
        s.st.ws.files.len(),
        t.elapsed().as_millis()
    ));
    s.publish();
    s.start_render();
    s.main_loop()
}

impl Server {
    fn send(&self, m: impl Into<Message>) {
        // A closed connection ends the main loop on its next receive.
        let _ = self.conn.sender.send(m.into());
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn log(&self, message: String) {
        self.notify::<lsp::notification::LogMessage>(lsp::LogMessageParams {
            typ: lsp::MessageType::LOG,
            message,
        });
    }

    fn watch_files(&self) {
        let opts = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: ["**/*.yaml", "**/*.yml", "**/*.json", "**/kustomization"]
                .iter()
                .map(|g| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect(),
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "synclint-watch".into(),
                method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(opts).ok(),
            }],
        };
        self.send(Request::new(
            "synclint-watch".to_string().into(),
            lsp::request::RegisterCapability::METHOD.into(),
            params,
        ));
    }

    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            let next = [self.relint_at, self.full_at.filter(|_| !self.full_running)]
                .into_iter()
                .flatten()
                .min();
            let timer = match next {
                Some(at) => crossbeam_channel::at(at),
                None => crossbeam_channel::never(),
            };
            let events = self.events.1.clone();
            select! {
                recv(self.conn.receiver) -> msg => {
                    let Ok(msg) = msg else { return Ok(()) };
                    match msg {
                        Message::Request(req) => {
                            if self.conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                                return Ok(());
                            }
                            self.request(req);
                        }
                        Message::Notification(n) => {
                            if n.method == lsp::notification::Exit::METHOD {
                                return Ok(());
                            }
                            self.notification(n);
                        }
                        Message::Response(_) => {}
                    }
                }
                recv(events) -> ev => {
                    if let Ok(ev) = ev {
                        self.event(ev);
                    }
                }
                recv(timer) -> _ => self.tick(),
            }
        }
    }

    /// Deadlines: the debounced re-lint, then the idle full pass.
    fn tick(&mut self) {
        let now = Instant::now();
        if self.relint_at.is_some_and(|t| t <= now) {
            self.relint();
        }
        if self.full_at.is_some_and(|t| t <= Instant::now()) && !self.full_running {
            self.full_at = None;
            self.start_full();
        }
    }

    /// Apply the edited buffers and re-lint what they affect; publish.
    fn relint(&mut self) {
        self.relint_at = None;
        if self.dirty.is_empty() {
            return;
        }
        let t = Instant::now();
        let files_before = self.st.ws.files.len();
        let mut changed: Vec<FileId> = Vec::new();
        for p in std::mem::take(&mut self.dirty) {
            let text = match self.st.open.get(&p) {
                Some(t) => Some(t.clone()),
                None => std::fs::read_to_string(&p).ok(),
            };
            let id = match text {
                Some(text) => self.st.overlay(&p, text),
                None => self.st.remove(&p),
            };
            changed.extend(id);
        }
        if changed.is_empty() {
            return;
        }
        let grew = self.st.ws.files.len() != files_before;
        if !grew && self.st.scoped(&changed) {
            self.publish();
            self.log(format!(
                "re-lint of {} changed file(s): {:.1} ms",
                changed.len(),
                t.elapsed().as_secs_f64() * 1000.0
            ));
            self.full_at = Some(Instant::now() + self.timing.idle);
        } else {
            // A global file changed (or the tree grew): everything is re-linted, at once.
            self.full_at = Some(Instant::now());
            if grew {
                self.start_render();
            }
        }
    }

    fn start_full(&mut self) {
        let (generation, ws, rendered, opts) = self.st.snapshot();
        let tx = self.events.0.clone();
        self.full_running = true;
        std::thread::spawn(move || {
            let t = Instant::now();
            let report = crate::check::analyze(&ws, &rendered, &opts);
            // The workspace copy is dropped on this thread, not the main one.
            drop(ws);
            let _ = tx.send(Event::Analyzed(
                Analyzed { generation, report },
                t.elapsed(),
            ));
        });
    }

    fn start_render(&mut self) {
        if self.st.opts.render.is_none() {
            return;
        }
        if self.render_running {
            self.render_again = true;
            return;
        }
        self.render_running = true;
        let ws = self.st.ws.clone();
        let opts = self.st.opts.clone();
        let tx = self.events.0.clone();
        std::thread::spawn(move || {
            let rendered = crate::check::render(&ws, &opts);
            let _ = tx.send(Event::Rendered {
                files: ws.files.len(),
                rendered,
            });
        });
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Analyzed(a, took) => {
                self.full_running = false;
                if self.st.apply_full(a) {
                    self.log(format!("full pass: {} ms", took.as_millis()));
                    self.publish();
                } else if self.full_at.is_none() {
                    // Stale: the workspace changed while it ran.
                    self.full_at = Some(Instant::now() + self.timing.idle);
                }
            }
            Event::Rendered {
                files,
                mut rendered,
            } => {
                self.render_running = false;
                // Kept across edits: the model must read the kustomizations of the workspace it
                // is built from, not the ones this render was planned from.
                rendered.kustomizations = None;
                // Rendered file ids continue the workspace's: valid only if no file was added.
                if files == self.st.ws.files.len() {
                    self.st.rendered = Arc::new(rendered);
                    self.st.generation += 1;
                    self.full_at = Some(Instant::now());
                }
                if std::mem::take(&mut self.render_again) {
                    self.start_render();
                }
            }
        }
    }

    /// Publish the findings of every file whose findings changed; clear the files that have none.
    fn publish(&mut self) {
        let touched: Vec<FileId> = self.st.touched.drain().collect();
        let files = self.st.files();
        let nws = self.st.ws.files.len();
        let uri_of = |id: FileId| (id < nws).then(|| uri::from_path(&files[id].path));
        for f in touched {
            if f >= nws {
                continue;
            }
            let now: Vec<lsp::Diagnostic> = self
                .st
                .diags
                .get(&f)
                .into_iter()
                .flatten()
                .map(|d| convert::diagnostic(d, &files, &uri_of))
                .collect();
            let before = self.published.get(&f);
            if before.map_or(now.is_empty(), |b| *b == now) {
                continue;
            }
            self.notify::<lsp::notification::PublishDiagnostics>(lsp::PublishDiagnosticsParams {
                uri: uri::from_path(&files[f].path),
                diagnostics: now.clone(),
                version: None,
            });
            if now.is_empty() {
                self.published.remove(&f);
            } else {
                self.published.insert(f, now);
            }
        }
    }

    fn mark_dirty(&mut self, path: PathBuf, delay: Duration) {
        self.dirty.insert(path);
        let at = Instant::now() + delay;
        self.relint_at = Some(self.relint_at.map_or(at, |t| t.max(at)));
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                if !self.st.tracks(&path) {
                    return;
                }
                self.st.open.insert(path.clone(), p.text_document.text);
                self.mark_dirty(path, Duration::ZERO);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                let Some(text) = self.st.open.get_mut(&path) else {
                    return;
                };
                for c in p.content_changes {
                    match c.range {
                        Some(r) => {
                            let a = convert::text_offset(text, r.start);
                            let b = convert::text_offset(text, r.end).max(a);
                            text.replace_range(a..b, &c.text);
                        }
                        None => *text = c.text,
                    }
                }
                let delay = self.timing.debounce;
                self.mark_dirty(path, delay);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                // Back to what is on disk.
                if self.st.open.remove(&path).is_some() {
                    self.mark_dirty(path, Duration::ZERO);
                }
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                if scope::is_config(&path) {
                    self.reload();
                } else {
                    // Renderers read the disk: what was saved may render differently.
                    self.start_render();
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(p) =
                    n.extract::<lsp::DidChangeWatchedFilesParams>(DidChangeWatchedFiles::METHOD)
                else {
                    return;
                };
                let mut render = false;
                for c in p.changes {
                    let Some(path) = uri::to_path(&c.uri) else {
                        continue;
                    };
                    if scope::is_config(&path) {
                        self.reload();
                        return;
                    }
                    if self.st.open.contains_key(&path) || !self.st.tracks(&path) {
                        continue;
                    }
                    render = true;
                    self.mark_dirty(path, Duration::ZERO);
                }
                if render {
                    self.start_render();
                }
            }
            _ => {}
        }
    }

    fn reload(&mut self) {
        match self.st.reload() {
            Ok(()) => {
                self.full_at = Some(Instant::now());
                self.start_render();
            }
            Err(e) => self.notify::<lsp::notification::ShowMessage>(lsp::ShowMessageParams {
                typ: lsp::MessageType::ERROR,
                message: format!("synclint: {e}"),
            }),
        }
    }

    /// The file a request is about, with pending edits applied first (answers match the buffer).
    fn file_for(&mut self, u: &lsp::Uri) -> Option<FileId> {
        if !self.dirty.is_empty() {
            self.relint();
        }
        self.st.ws.file_at(&uri::to_path(u)?)
    }

    fn request(&mut self, req: Request) {
        use lsp::request::*;
        let id = req.id.clone();
        let result: Result<serde_json::Value, String> = match req.method.as_str() {
            HoverRequest::METHOD => req
                .extract::<lsp::HoverParams>(HoverRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| {
                    let pp = p.text_document_position_params;
                    let h = self
                        .file_for(&pp.text_document.uri)
                        .and_then(|f| hover::hover(&self.st, f, pp.position));
                    serde_json::to_value(h).unwrap_or_default()
                }),
            GotoDefinition::METHOD => req
                .extract::<lsp::GotoDefinitionParams>(GotoDefinition::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| {
                    let pp = p.text_document_position_params;
                    let locs = self
                        .file_for(&pp.text_document.uri)
                        .map(|f| definition::definition(&self.st, f, pp.position))
                        .unwrap_or_default();
                    serde_json::to_value(lsp::GotoDefinitionResponse::Array(locs))
                        .unwrap_or_default()
                }),
            CodeActionRequest::METHOD => req
                .extract::<lsp::CodeActionParams>(CodeActionRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| {
                    let a = self
                        .file_for(&p.text_document.uri)
                        .map(|f| {
                            actions::code_actions(&self.st, f, p.range, &p.context.diagnostics)
                        })
                        .unwrap_or_default();
                    serde_json::to_value(a).unwrap_or_default()
                }),
            CodeLensRequest::METHOD => req
                .extract::<lsp::CodeLensParams>(CodeLensRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| {
                    let l = self
                        .file_for(&p.text_document.uri)
                        .map(|f| lens::code_lenses(&self.st, f))
                        .unwrap_or_default();
                    serde_json::to_value(l).unwrap_or_default()
                }),
            InlayHintRequest::METHOD => req
                .extract::<lsp::InlayHintParams>(InlayHintRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| {
                    let h = self
                        .file_for(&p.text_document.uri)
                        .map(|f| lens::inlay_hints(&self.st, f, p.range))
                        .unwrap_or_default();
                    serde_json::to_value(h).unwrap_or_default()
                }),
            _ => {
                self.send(Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("unknown request {}", req.method),
                ));
                return;
            }
        };
        self.send(match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e),
        });
    }
}
