//! Baselines: record today's findings by a fingerprint that ignores line numbers, then report only
//! new ones. Lets a team adopt synclint on a big repository without fixing everything first.

use foldhash::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::load::SourceFile;
use crate::report::fingerprint;

#[derive(Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Recorded>,
}

#[derive(Serialize, Deserialize)]
pub struct Recorded {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    pub resource: Option<String>,
    pub message: String,
}

fn rel(files: &[std::sync::Arc<SourceFile>], d: &Diagnostic, root: Option<&Path>) -> String {
    let f = &files[d.file];
    root.and_then(|r| f.path.strip_prefix(r).ok())
        .map_or_else(|| f.name.clone(), |p| p.to_string_lossy().into_owned())
}

/// The baseline file's text for `diags`. Paths are relative to `root` (the baseline's directory).
pub fn write(
    files: &[std::sync::Arc<SourceFile>],
    diags: &[Diagnostic],
    root: Option<&Path>,
) -> String {
    let b = Baseline {
        version: 1,
        findings: diags
            .iter()
            .map(|d| Recorded {
                fingerprint: fingerprint(files, d, root),
                rule: d.rule.to_string(),
                file: rel(files, d, root),
                resource: d
                    .resource
                    .as_ref()
                    .map(|r| format!("{}/{}", r.kind, r.name)),
                message: d.message.clone(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&b).unwrap_or_default() + "\n"
}

pub fn read(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a synclint baseline: {e}", path.display()))?;
    if b.version != 1 {
        return Err(format!(
            "{}: unsupported baseline version {}",
            path.display(),
            b.version
        ));
    }
    Ok(b)
}

/// Drop findings the baseline already records (as many times as it records them). Returns how many
/// were dropped.
pub fn filter(
    files: &[std::sync::Arc<SourceFile>],
    diags: &mut Vec<Diagnostic>,
    baseline: &Baseline,
    root: Option<&Path>,
) -> usize {
    let mut known: HashMap<&str, usize> = HashMap::default();
    for r in &baseline.findings {
        *known.entry(r.fingerprint.as_str()).or_default() += 1;
    }
    let before = diags.len();
    diags.retain(|d| {
        let fp = fingerprint(files, d, root);
        match known.get_mut(fp.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    before - diags.len()
}
