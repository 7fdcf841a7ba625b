#![no_main]

use std::sync::OnceLock;

// One empty directory for the whole run: the tree's root (only its listing is read).
static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    synclint::fuzz::tree(dir.path(), data);
});
