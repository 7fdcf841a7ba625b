//! `cargo bench`: how synclint's cost compares with reading its input, on a real corpus and on the
//! same corpus four times over. For each tree it runs, in one session and best of 3:
//!
//! - `cat` of every YAML/JSON file (the floor: reading the bytes),
//! - `synclint debug-parse` (walk, read and parse; nothing else),
//! - `synclint check --no-render --format json`, on two threads and on one,
//!
//! and prints wall and CPU (user+sys) seconds, peak memory, and the ratios the targets are stated
//! in: check CPU, check wall ÷ cat wall, the 4× tree ÷ the 1× tree, one thread ÷ two, and peak
//! memory against the input's size. Children are measured with GNU time (`/usr/bin/time`).
//!
//! The corpus is `../shared/corpus` by default; `cargo bench -- DIR` picks another tree.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Sample {
    wall: f64,
    cpu: f64,
    rss_kb: u64,
}

/// Run `cmd` under GNU time, `runs` times, and keep the fastest (by CPU).
fn measure(label: &str, cmd: &[&str], env: &[(&str, &str)], runs: usize) -> Sample {
    let mut best: Option<Sample> = None;
    for _ in 0..runs {
        let out = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("@@%e %U %S %M")
            .args(cmd)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .output()
            .expect("GNU time (/usr/bin/time) is needed to measure");
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("@@"))
            .unwrap_or_else(|| panic!("{label}: no timing in {err}"));
        let v: Vec<f64> = line
            .split_whitespace()
            .map(|x| x.parse().unwrap_or(0.0))
            .collect();
        let s = Sample {
            wall: v[0],
            cpu: v[1] + v[2],
            rss_kb: v[3] as u64,
        };
        if best.as_ref().is_none_or(|b| s.cpu < b.cpu) {
            best = Some(s);
        }
    }
    let s = best.unwrap();
    println!(
        "  {label:<34} {:>7.3} s wall {:>7.3} s cpu {:>8.1} MB peak",
        s.wall,
        s.cpu,
        s.rss_kb as f64 / 1024.0
    );
    s
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            yaml_files(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

struct Row {
    cat: Sample,
    check: Sample,
    bytes: u64,
}

fn bench_tree(name: &str, dir: &Path, bin: &str) -> Row {
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    files.sort();
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let list = std::env::temp_dir().join(format!("synclint-bench-{name}.list"));
    let mut text = String::new();
    for f in &files {
        text.push_str(&f.to_string_lossy());
        text.push('\0');
    }
    std::fs::write(&list, text).unwrap();
    println!(
        "{name}: {} ({} files, {:.1} MB of YAML)",
        dir.display(),
        files.len(),
        bytes as f64 / 1e6
    );
    let d = dir.to_str().unwrap();
    let cat_cmd = format!(
        "xargs -0 cat < '{}' > /dev/null",
        list.to_string_lossy().replace('\'', "'\\''")
    );
    let cat = measure("cat", &["sh", "-c", &cat_cmd], &[], 3);
    measure("parse only", &[bin, "debug-parse", d], &[], 3);
    let check = measure(
        "check --no-render (2 threads)",
        &[
            bin,
            "check",
            "--no-render",
            "--no-config",
            "--format",
            "json",
            d,
        ],
        &[],
        3,
    );
    let one = measure(
        "check --no-render (1 thread)",
        &[
            bin,
            "check",
            "--no-render",
            "--no-config",
            "--format",
            "json",
            d,
        ],
        &[("RAYON_NUM_THREADS", "1")],
        3,
    );
    println!(
        "  check/cat wall {:.2}×   1 thread/2 threads wall {:.2}×   peak {:.1} MB = {:.2}× input + {:.1} MB",
        check.wall / cat.wall.max(0.001),
        one.wall / check.wall.max(0.001),
        check.rss_kb as f64 / 1024.0,
        (check.rss_kb as f64 * 1024.0) / bytes.max(1) as f64,
        (check.rss_kb as f64 * 1024.0 - 2.0 * bytes as f64) / 1e6,
    );
    Row { cat, check, bytes }
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_synclint");
    let arg = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from);
    let corpus =
        arg.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if !corpus.is_dir() {
        eprintln!(
            "no corpus at {}: pass a directory (`cargo bench -- DIR`)",
            corpus.display()
        );
        return;
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average: {}", load.trim());
    let one = bench_tree("1×", &corpus, bin);
    let four_dir = std::env::temp_dir().join("synclint-bench-4x");
    let _ = std::fs::remove_dir_all(&four_dir);
    for i in 0..4 {
        copy_tree(&corpus, &four_dir.join(format!("copy{i}")));
    }
    let four = bench_tree("4×", &four_dir, bin);
    println!(
        "4× tree ÷ 1× tree: check cpu {:.2}×, wall {:.2}×, input {:.2}×, cat {:.2}×",
        four.check.cpu / one.check.cpu.max(0.001),
        four.check.wall / one.check.wall.max(0.001),
        four.bytes as f64 / one.bytes.max(1) as f64,
        four.cat.wall / one.cat.wall.max(0.001),
    );
    let _ = std::fs::remove_dir_all(&four_dir);
}
