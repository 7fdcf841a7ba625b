//! Entry points for fuzzing: the cargo-fuzz targets in `fuzz/` call these, and so does the stable
//! harness `tests/fuzz_corpus.rs`, which runs them over a generated corpus in every `cargo test`.
//! Each takes arbitrary bytes and must return: a panic, a stack overflow, a hang or a runaway
//! allocation is a bug (issue 9).

use std::path::{Path, PathBuf};

use crate::load::SourceFile;
use crate::load::yaml::ParseLimits;
use crate::model::glob::{self, Dialect};

fn text(data: &[u8]) -> &str {
    match std::str::from_utf8(data) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// The YAML loader and file classification, then every document as JSON and as a resource.
pub fn yaml(data: &[u8]) {
    let limits = ParseLimits::default();
    let f = SourceFile::from_bytes(
        "fuzz.yaml".into(),
        PathBuf::from("/fuzz/fuzz.yaml"),
        data.to_vec(),
        &limits,
    );
    for (di, doc) in f.yaml().docs.iter().enumerate() {
        let _ = doc.root.to_json();
        let _ = crate::model::Resource::from_node(0, 0, di, &doc.root, f.text());
    }
}

/// The jq parser of `ignoreDifferences.jqPathExpressions`.
pub fn jq(data: &[u8]) {
    let _ = crate::rules::invalid_ignore_differences::jq::check(text(data));
}

/// The cron parser of sync windows.
pub fn cron(data: &[u8]) {
    let _ = crate::rules::invalid_sync_window::cron::parse(text(data), &|z| z.len() < 40);
}

/// Glob and brace patterns of every dialect: `pattern NUL value`.
pub fn glob(data: &[u8]) {
    let s = text(data);
    let (pattern, value) = s.split_once('\0').unwrap_or((s, "a/b/c.yaml"));
    for d in [
        Dialect::Gobwas(None),
        Dialect::Gobwas(Some('/')),
        Dialect::Gobwas(Some('.')),
        Dialect::Filepath,
        Dialect::Doublestar,
    ] {
        let _ = glob::matches(d, pattern, value);
    }
}

/// The config loader (`.synclint.yaml`).
pub fn config(data: &[u8]) {
    let _ = crate::config::parse(text(data), Path::new("/fuzz/.synclint.yaml"));
}

/// The whole analysis of a one-file tree held in memory: the first byte picks what the file is
/// (a manifest stream, a kustomization, a Chart.yaml), the rest is its text. `dir` is an empty
/// directory the tree is rooted at (nothing is read from it but its listing).
pub fn tree(dir: &Path, data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = match pick % 4 {
        0 | 1 => "manifests.yaml",
        2 => "kustomization.yaml",
        _ => "Chart.yaml",
    };
    let opts = crate::LoadOptions {
        stdin_filename: Some(dir.join(name).to_string_lossy().into_owned()),
        ..Default::default()
    };
    let Ok(ws) = crate::load_with(&["-".to_string()], Some(rest.to_vec()), &opts) else {
        return;
    };
    let options = crate::Options {
        render: None,
        plan: true,
        ..Default::default()
    };
    let r = crate::analyze(&ws, &Default::default(), &options);
    // The reporters too: every format over every finding.
    use crate::report::{github, human, json, sarif};
    let _ = human::render(&r.files, &r.diagnostics, &r.summary, false, false);
    let _ = json::render(&r.files, &r.diagnostics, &r.summary);
    let _ = sarif::render(&r.files, &r.diagnostics, Some(dir));
    let _ = github::render(&r.files, &r.diagnostics, Some(dir));
}
