//! Directory walking: `.gitignore`-aware (ripgrep's `ignore` crate), output sorted so results are
//! deterministic, and confined to the tree being linted: a symlink is followed only when its
//! target resolves inside the root, `/proc`, `/sys` and `/dev` are never entered, and special files
//! (FIFOs, sockets, devices) are never opened.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Walked {
    /// Files worth reading (YAML, JSON, `Kustomization`), outside hidden directories.
    pub files: Vec<PathBuf>,
    /// Every regular file reached, hidden ones included (existence facts, never read).
    pub paths: Vec<PathBuf>,
    /// Every directory reached (the root included).
    pub dirs: Vec<PathBuf>,
    /// (path, message) for unreadable directories, symlink loops, …
    pub errors: Vec<(String, String)>,
    /// (path, why) for entries not followed: links out of the tree, special files.
    pub skipped: Vec<(String, String)>,
    /// Symbolic links not followed because they lead out of the tree (renderers must not
    /// follow them either).
    pub outside_links: Vec<PathBuf>,
}

fn wanted(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    ) || path.file_name().is_some_and(|n| n == "Kustomization")
}

/// Below a hidden file or directory (relative to the root): not linted, as before `hidden(false)`.
fn hidden(p: &Path, root: &Path) -> bool {
    p.strip_prefix(root).unwrap_or(p).components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
    })
}

/// Pseudo filesystems whose contents are not files (and can be endless).
fn pseudo(canonical: &Path) -> bool {
    ["/proc", "/sys", "/dev"]
        .iter()
        .any(|p| canonical.starts_with(p))
}

pub fn walk(root: &Path) -> Walked {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let skipped: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let outside: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let sink = skipped.clone();
    let note = move |p: &Path, why: String| {
        if let Ok(mut s) = sink.lock() {
            s.push((display(p), why));
        }
    };
    let outside_sink = outside.clone();
    let note2 = note.clone();
    let mut files = Vec::new();
    let mut paths = Vec::new();
    let mut dirs = Vec::new();
    let mut errors = Vec::new();
    {
        let root_c = canonical_root.clone();
        let walker = ignore::WalkBuilder::new(root)
            .follow_links(true)
            .hidden(false)
            .require_git(false)
            .add_custom_ignore_filename(".synclintignore")
            .filter_entry(move |e| {
                if e.depth() == 0 {
                    return !pseudo(&root_c) || root_c == Path::new("/");
                }
                if e.file_name() == ".git" {
                    return false;
                }
                if e.path_is_symlink() {
                    match std::fs::canonicalize(e.path()) {
                        Ok(t) if t.starts_with(&root_c) && !pseudo(&t) => {}
                        Ok(t) => {
                            if let Ok(mut o) = outside_sink.lock() {
                                o.push(e.path().to_path_buf());
                            }
                            note(
                                e.path(),
                                format!(
                                    "symbolic link to {}, outside the tree being linted: not followed",
                                    crate::report::escape::terminal(&t.to_string_lossy())
                                ),
                            );
                            return false;
                        }
                        // A dangling link: nothing to read.
                        Err(_) => return false,
                    }
                }
                // Never enter pseudo filesystems when linting `/` itself.
                if root_c == Path::new("/") && e.depth() == 1 {
                    return !pseudo(e.path());
                }
                true
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let Some(t) = e.file_type() else { continue };
                    if t.is_dir() {
                        dirs.push(e.into_path());
                        continue;
                    }
                    if !t.is_file() {
                        if wanted(e.path()) || !t.is_symlink() {
                            let kind = special_kind(&t);
                            note2(e.path(), format!("{kind}, not a regular file: not read"));
                        }
                        continue;
                    }
                    let p = e.into_path();
                    if wanted(&p) && !hidden(&p, root) {
                        files.push(p.clone());
                    }
                    paths.push(p);
                }
                Err(err) => errors.push(walk_error(&err)),
            }
        }
    }
    // The workspace keeps `paths` and `dirs` in sorted sets; only the files' order matters here.
    files.sort_unstable();
    errors.sort();
    let mut skipped = skipped.lock().map(|s| s.clone()).unwrap_or_default();
    skipped.sort();
    let mut outside_links = outside.lock().map(|o| o.clone()).unwrap_or_default();
    outside_links.sort();
    Walked {
        files,
        paths,
        dirs,
        errors,
        skipped,
        outside_links,
    }
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./")
        .map(str::to_string)
        .unwrap_or_else(|| s.into_owned())
}

fn walk_error(err: &ignore::Error) -> (String, String) {
    match err {
        ignore::Error::WithPath { path, err } => {
            (path.to_string_lossy().into_owned(), inner_message(err))
        }
        ignore::Error::WithDepth { err, .. } => walk_error(err),
        ignore::Error::Loop { child, ancestor } => (
            child.to_string_lossy().into_owned(),
            format!(
                "symlink loop: {} points back to {}",
                child.display(),
                ancestor.display()
            ),
        ),
        other => ("<walk>".into(), other.to_string()),
    }
}

fn inner_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Io(e) => e.to_string(),
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            inner_message(err)
        }
        other => other.to_string(),
    }
}
