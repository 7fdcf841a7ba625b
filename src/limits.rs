//! Budgets that keep a hostile input from exhausting the machine. Exceeding one is a finding on
//! the file (or a note on the run), never an abort. Every limit can be set in `.synclint.yaml`
//! under `limits:`; the defaults are far above what real repositories need.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one file (stdin included); a larger file is skipped with a finding.
    pub file_bytes: u64,
    /// Bytes read in one run, all files together; files beyond it are skipped.
    pub run_bytes: u64,
    /// YAML nodes that alias expansion may create in one file.
    pub alias_nodes_per_file: u64,
    /// YAML nodes that alias expansion may create in one run.
    pub alias_nodes_per_run: u64,
    /// Nesting depth of a YAML document (aliases included), a jq expression or a schema.
    pub depth: usize,
    /// Alternatives a `{a,b}` glob may expand to, and `**` segments in one pattern.
    pub glob_size: usize,
    /// Applications one ApplicationSet may generate.
    pub generated_apps: usize,
    /// Findings of one rule in one file; the rest become one "N more" finding.
    pub findings_per_file: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 64 * 1024 * 1024,
            run_bytes: 4 * 1024 * 1024 * 1024,
            alias_nodes_per_file: 1_000_000,
            alias_nodes_per_run: 8_000_000,
            depth: 256,
            glob_size: 1024,
            generated_apps: 10_000,
            findings_per_file: 200,
        }
    }
}

/// A budget shared by the threads of one run.
#[derive(Debug)]
pub struct Budget {
    left: AtomicU64,
}

impl Budget {
    pub fn new(total: u64) -> Budget {
        Budget {
            left: AtomicU64::new(total),
        }
    }

    /// Take `n` units; `false` (and nothing taken) when fewer are left.
    pub fn take(&self, n: u64) -> bool {
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| l.checked_sub(n))
            .is_ok()
    }
}
