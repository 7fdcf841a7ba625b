//! Directory walking: `.gitignore`-aware (ripgrep's `ignore` crate), output sorted so results are
//! deterministic, and confined to the tree being linted: a symlink is followed only when its
//! target resolves inside the root, `/proc`, `/sys` and `/dev` are never entered, and special files
//! (FIFOs, sockets, devices) are never opened.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Walked<T> {
    /// Files worth reading (YAML, JSON, `Kustomization`), outside hidden directories, with what
    /// the caller's `read` made of each (read on the walking thread, while the walk goes on).
    pub files: Vec<(PathBuf, T)>,
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

/// Walk `root` on every core; `read` is called, on the walking threads, for each file worth
/// reading (so reading and parsing overlap the walk instead of waiting for it).
pub fn walk<T: Send>(root: &Path, read: &(dyn Fn(&Path) -> T + Sync)) -> Walked<T> {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    // The entry filter must be `'static`: what it notes goes through shared sinks.
    let skipped: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let outside: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let (skipped_sink, outside_sink) = (skipped.clone(), outside.clone());
    let root_c = canonical_root.clone();
    let filter = move |e: &ignore::DirEntry| -> bool {
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
                    if let Ok(mut s) = skipped_sink.lock() {
                        s.push((
                            display(e.path()),
                            format!(
                                "symbolic link to {}, outside the tree being linted: not followed",
                                crate::report::escape::terminal(&t.to_string_lossy())
                            ),
                        ));
                    }
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
    };
    let found: Mutex<Found<T>> = Mutex::new(Found::default());
    let record = |f: &mut dyn FnMut(&mut Found<T>)| {
        if let Ok(mut g) = found.lock() {
            f(&mut g);
        }
    };
    // As many walkers as the rest of the run has workers (`RAYON_NUM_THREADS` bounds both).
    let threads = rayon::current_num_threads();
    ignore::WalkBuilder::new(root)
        .follow_links(true)
        .hidden(false)
        .require_git(false)
        .add_custom_ignore_filename(".synclintignore")
        .threads(threads)
        .filter_entry(filter)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let e = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        // A dangling link to something that is not a manifest (a script, a
                        // build output) is nothing synclint would have read.
                        if dangling(&err).is_some_and(|p| !wanted(p)) {
                            return ignore::WalkState::Continue;
                        }
                        let mut e = Some(walk_error(&err));
                        record(&mut |g| g.errors.extend(e.take()));
                        return ignore::WalkState::Continue;
                    }
                };
                let Some(t) = e.file_type() else {
                    return ignore::WalkState::Continue;
                };
                if t.is_dir() {
                    let mut p = Some(e.into_path());
                    record(&mut |g| g.dirs.extend(p.take()));
                    return ignore::WalkState::Continue;
                }
                if !t.is_file() {
                    if wanted(e.path()) || !t.is_symlink() {
                        let kind = special_kind(&t);
                        let mut why = Some((
                            display(e.path()),
                            format!("{kind}, not a regular file: not read"),
                        ));
                        record(&mut |g| g.skipped.extend(why.take()));
                    }
                    return ignore::WalkState::Continue;
                }
                let p = e.into_path();
                let mut read = (wanted(&p) && !hidden(&p, root)).then(|| (p.clone(), read(&p)));
                let mut p = Some(p);
                record(&mut |g| {
                    g.paths.extend(p.take());
                    g.files.extend(read.take());
                });
                ignore::WalkState::Continue
            })
        });
    let mut g = found.into_inner().unwrap_or_else(|p| p.into_inner());
    // Threads finish in any order: sort what the caller sees.
    let Found {
        files, paths, dirs, ..
    } = &mut g;
    rayon::join(
        || sort_paths(files, |f| &f.0),
        || rayon::join(|| sort_paths(paths, |p| p), || sort_paths(dirs, |p| p)),
    );
    g.errors.sort();
    let mut skipped = skipped.lock().map(|s| s.clone()).unwrap_or_default();
    skipped.extend(g.skipped);
    skipped.sort();
    let mut outside_links = outside.lock().map(|o| o.clone()).unwrap_or_default();
    outside_links.sort();
    Walked {
        files: g.files,
        paths: g.paths,
        dirs: g.dirs,
        errors: g.errors,
        skipped,
        outside_links,
    }
}

struct Found<T> {
    files: Vec<(PathBuf, T)>,
    paths: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    errors: Vec<(String, String)>,
    skipped: Vec<(String, String)>,
}

impl<T> Default for Found<T> {
    fn default() -> Self {
        Found {
            files: Vec::new(),
            paths: Vec::new(),
            dirs: Vec::new(),
            errors: Vec::new(),
            skipped: Vec::new(),
        }
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

/// The path of a "not found" walk error: a symbolic link whose target does not exist.
fn dangling(err: &ignore::Error) -> Option<&Path> {
    fn not_found(err: &ignore::Error) -> bool {
        match err {
            ignore::Error::Io(e) => e.kind() == std::io::ErrorKind::NotFound,
            ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
                not_found(err)
            }
            _ => false,
        }
    }
    fn path(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } => path(err),
            _ => None,
        }
    }
    path(err).filter(|_| not_found(err))
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

/// Sort paths in `Path`'s own order (component-wise), for the normalised absolute paths a walk
/// yields: on byte keys where a separator sorts before every other byte, as the end of a
/// component does. Comparing components is several times slower, and a big tree has tens of
/// thousands of paths.
pub fn sort_paths<T: Send>(v: &mut [T], path: impl Fn(&T) -> &Path + Sync) {
    use rayon::slice::ParallelSliceMut;
    let sep = std::path::MAIN_SEPARATOR as u8;
    v.par_sort_by_cached_key(|t| {
        let mut k = path(t).as_os_str().as_encoded_bytes().to_vec();
        k.iter_mut().filter(|c| **c == sep).for_each(|c| *c = 0);
        k
    });
}
