//! The module map the README's development section promises, checked on the source: only `load`
//! touches the filesystem (and `render`, which runs the tools), and no rule imports another rule
//! (what two rules share is an Argo CD fact, and lives in `model`).

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn no_filesystem_access_below_load() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let calls = [
        "std::fs",
        "fs::read",
        "File::open",
        "read_dir(",
        ".exists()",
        ".is_dir()",
        ".is_file()",
        ".metadata()",
        "symlink_metadata",
        "canonicalize(",
    ];
    let mut found = Vec::new();
    for layer in ["model", "rules", "plan", "report", "schema"] {
        for f in sources(&src.join(layer)) {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if let Some(c) = calls.iter().find(|c| code.contains(*c)) {
                    found.push(format!("{}:{}: {c}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "filesystem access below load:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_rule_imports_another_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let rules: Vec<String> = sources(&dir)
        .iter()
        .filter_map(|p| p.file_stem()?.to_str().map(str::to_string))
        .filter(|n| n != "mod")
        .collect();
    let mut found = Vec::new();
    for f in sources(&dir).iter().filter(|p| !p.ends_with("mod.rs")) {
        let me = f.file_stem().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(f).unwrap();
        for other in rules.iter().filter(|r| **r != me) {
            for path in [format!("super::{other}::"), format!("rules::{other}::")] {
                if text.contains(&path) {
                    found.push(format!("{} uses {path}", f.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "rules importing rules:\n{}",
        found.join("\n")
    );
}
