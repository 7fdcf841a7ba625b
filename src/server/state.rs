//! The server's memory: the workspace with open buffers as overlays, the last render, the
//! findings by file, the plan index; full and scoped passes over it.

use foldhash::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{Options, Report};
use crate::diag::Diagnostic;
use crate::load::{FileClass, FileId, SourceFile, Workspace};
use crate::model::Rendered;

use super::index::Index;
use super::scope::{self, Membership, Part};

/// Loads the workspace at a root with the command line's options and the config found there.
pub type Loader = Box<dyn Fn(&Path) -> Result<(Workspace, Options), String> + Send>;

pub struct State {
    pub root: PathBuf,
    loader: Loader,
    pub ws: Workspace,
    pub opts: Options,
    /// The last render (empty until the first one lands, and after the file ids shift).
    pub rendered: Arc<Rendered>,
    /// Findings by the file they point at.
    pub diags: HashMap<FileId, Vec<Diagnostic>>,
    pub index: Index,
    members: Membership,
    global: HashSet<FileId>,
    /// The part the last scoped pass ran on.
    part: Option<Part>,
    /// Open buffers (their text wins over the disk's).
    pub open: HashMap<PathBuf, String>,
    /// Bumped on every change to the workspace: a background pass of an older generation is stale.
    pub generation: u64,
    /// Files whose findings may have changed since they were last published.
    pub touched: HashSet<FileId>,
}

/// What a full pass computed, to be applied if the workspace has not changed since.
pub struct Analyzed {
    pub generation: u64,
    pub report: Report,
}

impl State {
    pub fn new(root: PathBuf, loader: Loader) -> Result<State, String> {
        let (ws, opts) = loader(&root)?;
        let mut s = State {
            root,
            loader,
            ws,
            opts,
            rendered: Arc::new(Rendered::default()),
            diags: HashMap::default(),
            index: Index::default(),
            members: Membership::default(),
            global: HashSet::default(),
            part: None,
            open: HashMap::default(),
            generation: 0,
            touched: HashSet::default(),
        };
        s.global = scope::globals(&s.ws);
        Ok(s)
    }

    /// Read the tree and the config again (the config changed, files appeared or went away);
    /// open buffers stay overlaid.
    pub fn reload(&mut self) -> Result<(), String> {
        let (ws, opts) = (self.loader)(&self.root)?;
        self.ws = ws;
        self.opts = opts;
        self.rendered = Arc::new(Rendered::default());
        self.part = None;
        let open: Vec<(PathBuf, String)> = self
            .open
            .iter()
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        for (p, t) in open {
            self.overlay(&p, t);
        }
        self.global = scope::globals(&self.ws);
        self.generation += 1;
        self.touched.extend(self.diags.keys().copied());
        Ok(())
    }

    /// Every file findings may point at: the workspace's, then the rendered ones (`Report::files`).
    pub fn files(&self) -> Vec<Arc<SourceFile>> {
        self.ws
            .files
            .iter()
            .chain(&self.rendered.files)
            .cloned()
            .collect()
    }

    /// Is this path one the server tracks: in the workspace, or a YAML file under the root?
    pub fn tracks(&self, path: &Path) -> bool {
        self.ws.file_at(path).is_some()
            || (path.starts_with(&self.root) && super::convert::is_yaml(path))
    }

    /// Put `text` in place of a file (an open buffer, or the disk after a change). Returns the
    /// file's id when its text changed. A new file shifts rendered file ids: the render is dropped
    /// until the next one lands.
    pub fn overlay(&mut self, path: &Path, text: String) -> Option<FileId> {
        if text.len() as u64 > self.opts.settings.limits.file_bytes {
            return None;
        }
        let before = self.ws.file_at(path);
        if let Some(id) = before
            && self.ws.files[id].text() == text
            && self.ws.files[id].class != FileClass::NotManifest
        {
            return None;
        }
        let name = match before {
            Some(id) => self.ws.files[id].name.clone(),
            None => path.to_string_lossy().into_owned(),
        };
        let len = self.ws.files.len();
        self.ws
            .set_overlay(path, name, text, &self.opts.settings.limits);
        if self.ws.files.len() != len {
            self.rendered = Arc::new(Rendered::default());
        }
        self.generation += 1;
        self.ws.file_at(path)
    }

    /// A file went away: it stays as a blank (ids do not shift) until the next reload.
    pub fn remove(&mut self, path: &Path) -> Option<FileId> {
        let id = self.ws.file_at(path)?;
        let f = &self.ws.files[id];
        self.ws.files[id] = Arc::new(SourceFile::placeholder(
            f.name.clone(),
            f.path.clone(),
            FileClass::NotManifest,
        ));
        self.generation += 1;
        Some(id)
    }

    /// A full pass on the current workspace (blocking).
    pub fn full(&mut self) {
        let report = crate::check::analyze(&self.ws, &self.rendered, &self.opts);
        let g = self.generation;
        self.apply_full(Analyzed {
            generation: g,
            report,
        });
    }

    /// What a background full pass needs.
    pub fn snapshot(&self) -> (u64, Workspace, Arc<Rendered>, Options) {
        (
            self.generation,
            self.ws.clone(),
            self.rendered.clone(),
            self.opts.clone(),
        )
    }

    /// Take a full pass's result. `false` when the workspace changed since it started.
    pub fn apply_full(&mut self, a: Analyzed) -> bool {
        if a.generation != self.generation {
            return false;
        }
        self.touched.extend(self.diags.keys().copied());
        self.diags.clear();
        for d in a.report.diagnostics {
            self.touched.insert(d.file);
            self.diags.entry(d.file).or_default().push(d);
        }
        let view = a.report.plan.unwrap_or_default();
        self.index = Index::build(&view);
        self.members = Membership::build(&view);
        self.global = scope::globals(&self.ws);
        true
    }

    /// Re-lint only what `changed` affects. `false` when that is everything (a global file
    /// changed): the caller runs a full pass.
    pub fn scoped(&mut self, changed: &[FileId]) -> bool {
        let Some((keep, related)) = scope::covered(&self.ws, changed, &self.members, &self.global)
        else {
            return false;
        };
        let kinds = scope::kinds(&self.ws, &keep);
        let mut ids: Vec<FileId> = keep.iter().chain(&self.global).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let part = match self.part.take() {
            Some(mut p) if p.fits(&self.ws, &ids, &kinds, &self.rendered) => {
                p.refresh(&self.ws, changed);
                p
            }
            _ => {
                let cut = |f: FileId| self.global.contains(&f) && !related.contains(&f);
                Part::new(&self.ws, ids, kinds, &cut, &self.rendered)
            }
        };
        let mut report = crate::check::analyze(&part.ws, &part.rendered, &self.opts);
        part.remap(&mut report);
        self.part = Some(part);
        for f in &keep {
            if self.diags.remove(f).is_some() {
                self.touched.insert(*f);
            }
        }
        for d in report.diagnostics {
            if keep.contains(&d.file) {
                self.touched.insert(d.file);
                self.diags.entry(d.file).or_default().push(d);
            }
        }
        if let Some(view) = &report.plan {
            self.index.replace(&keep, view);
        }
        true
    }
}
