//! Directory walking: `.gitignore`-aware (ripgrep's `ignore` crate), symlinks followed with loop
//! detection, output sorted so results are deterministic.

use std::path::{Path, PathBuf};

pub struct Walked {
    pub files: Vec<PathBuf>,
    pub chart_dirs: Vec<PathBuf>,
    /// (path, message) for unreadable directories, symlink loops, …
    pub errors: Vec<(String, String)>,
}

fn wanted(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    ) || path.file_name().is_some_and(|n| n == "Kustomization")
}

pub fn walk(root: &Path) -> Walked {
    let mut files = Vec::new();
    let mut chart_dirs = Vec::new();
    let mut errors = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .add_custom_ignore_filename(".synclintignore")
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                if !e.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let p = e.into_path();
                if p.file_name().is_some_and(|n| n == "Chart.yaml")
                    && let Some(d) = p.parent()
                {
                    chart_dirs.push(d.to_path_buf());
                }
                if wanted(&p) {
                    files.push(p);
                }
            }
            Err(err) => errors.push(walk_error(&err)),
        }
    }
    files.sort();
    errors.sort();
    Walked {
        files,
        chart_dirs,
        errors,
    }
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
