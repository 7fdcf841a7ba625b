//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A fresh directory under cargo's per-target temp dir. It is a repository root of its own (an
/// empty `.git`), so nothing of the enclosing checkout (its root, its remotes) leaks in.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

/// Write `files` (relative path, text) into a fresh scratch dir.
pub fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// (rule, file relative to `dir`, line) of every finding when linting `dir`.
pub fn findings(dir: &Path) -> Vec<(String, String, usize)> {
    let (loaded, diags, _) =
        synclint::check_paths(&[dir.to_string_lossy().into_owned()], None).unwrap();
    let mut out: Vec<(String, String, usize)> = diags
        .iter()
        .map(|d| {
            let f = &loaded.files[d.file];
            let rel = f
                .path
                .strip_prefix(dir)
                .map_or_else(|_| f.name.clone(), |p| p.to_string_lossy().into_owned());
            (d.rule.to_string(), rel, f.line_col(d.span.start).line)
        })
        .collect();
    out.sort();
    out
}
