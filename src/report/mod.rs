//! Reporters: diagnostics → human | json, and the sync plan → table | json | mermaid.

pub mod escape;
pub mod github;
pub mod human;
pub mod json;
pub mod plan;
pub mod sarif;

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub resources: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings silenced by a suppression annotation or comment.
    pub suppressed: usize,
    /// Findings left out because the baseline records them.
    pub baselined: usize,
    /// Objects of a kind with no schema (not validated).
    pub unvalidated: usize,
}

impl Summary {
    pub fn count(&mut self, diags: &[Diagnostic]) {
        for d in diags {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// A finding's identity that survives edits elsewhere in the file: rule, file (relative to the
/// repository root), object, and the text under the primary span. Line numbers are left out.
pub fn fingerprint(
    files: &[std::sync::Arc<crate::load::SourceFile>],
    d: &Diagnostic,
    root: Option<&std::path::Path>,
) -> String {
    use std::hash::Hasher;
    let f = &files[d.file];
    let path = root
        .and_then(|r| f.path.strip_prefix(r).ok())
        .map_or_else(|| f.name.clone(), |p| p.to_string_lossy().into_owned());
    let text = f.text().get(d.span.range()).unwrap_or("");
    let object = d.resource.as_ref().map_or(String::new(), |r| {
        format!(
            "{}|{}|{}|{}",
            r.api_version,
            r.kind,
            r.namespace.as_deref().unwrap_or(""),
            r.name
        )
    });
    // Explicit bytes with separators: the same on every platform and Rust version.
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for part in [
        d.rule,
        path.replace('\\', "/").as_str(),
        object.as_str(),
        text,
    ] {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    format!("{:016x}", h.finish())
}

/// FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`.
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
