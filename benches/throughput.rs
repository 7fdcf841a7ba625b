//! `cargo bench`: how synclint's cost compares with reading its input, on a real corpus and on the
//! same corpus four times over. For each tree it runs, in one session:
//!
//! - `cat` of every YAML/JSON file (the floor: reading the bytes),
//! - `synclint debug-parse` (walk, read and parse; nothing else),
//! - `synclint check --no-render --format json`, on two threads and on one,
//!
//! and prints wall and CPU (user+sys) seconds, peak memory, and the ratios the targets are stated
//! in: check CPU, check wall ÷ cat wall, the 4× tree ÷ the 1× tree, one thread ÷ two, and peak
//! memory against the input's size, each with its target and a verdict. Children are measured
//! with GNU time (`/usr/bin/time`: CPU, peak memory) and a monotonic clock (wall).
//!
//! Shared machines drift: the commands run in interleaved rounds (each command once per round,
//! 15 rounds on the corpus, 5 on the 4× tree) and each keeps its fastest round, so every ratio
//! compares runs made at the same moments; the median wall is printed beside it.
//!
//! `cargo bench -- --instructions` also counts instructions with valgrind (one thread, so the
//! count is exact and repeatable): the 4× tree ÷ the 1× tree says whether anything in the
//! pipeline grows faster than its input, whatever the machine's load.
//!
//! The corpus is `../shared/corpus` by default; `cargo bench -- DIR` picks another tree.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Clone, Copy)]
struct Sample {
    /// The fastest round.
    wall: f64,
    median: f64,
    cpu: f64,
    rss_kb: u64,
}

/// One run of `cmd` under GNU time.
fn run_once(label: &str, cmd: &[&str], env: &[(&str, &str)]) -> Sample {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("@@%e %U %S %M")
        .args(cmd)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .output()
        .expect("GNU time (/usr/bin/time) is needed to measure");
    let wall = start.elapsed().as_secs_f64();
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
    Sample {
        wall,
        median: wall,
        cpu: v[1] + v[2],
        rss_kb: v[3] as u64,
    }
}

/// (label, argv, environment)
type Cmd<'a> = (&'a str, Vec<String>, Vec<(&'a str, &'a str)>);

/// Run every command once per round, `rounds` times, interleaved; keep each one's fastest round
/// (wall and CPU), its median wall, and its highest peak memory.
fn measure_all(cmds: &[Cmd<'_>], rounds: usize) -> Vec<Sample> {
    let mut runs: Vec<Vec<Sample>> = vec![Vec::new(); cmds.len()];
    for _ in 0..rounds {
        for (i, (label, cmd, env)) in cmds.iter().enumerate() {
            let argv: Vec<&str> = cmd.iter().map(String::as_str).collect();
            runs[i].push(run_once(label, &argv, env));
        }
    }
    let out: Vec<Sample> = runs
        .iter()
        .map(|r| {
            let mut walls: Vec<f64> = r.iter().map(|s| s.wall).collect();
            walls.sort_by(f64::total_cmp);
            Sample {
                wall: walls[0],
                median: walls[walls.len() / 2],
                cpu: r.iter().map(|s| s.cpu).fold(f64::INFINITY, f64::min),
                rss_kb: r.iter().map(|s| s.rss_kb).max().unwrap_or(0),
            }
        })
        .collect();
    for ((label, ..), s) in cmds.iter().zip(&out) {
        println!(
            "  {label:<34} {:>7.3} s wall (median {:.3}) {:>7.3} s cpu {:>8.1} MiB peak",
            s.wall,
            s.median,
            s.cpu,
            s.rss_kb as f64 / 1024.0
        );
    }
    out
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
    one: Sample,
    /// `check` of the reference tree, run in the same rounds (for the scaling ratio).
    reference: Option<Sample>,
    bytes: u64,
}

/// Measure a tree; `reference` is another tree whose `check` runs in the same rounds, so that
/// the cost ratio of the two is not the machine's drift between two sessions.
fn bench_tree(name: &str, dir: &Path, bin: &str, rounds: usize, reference: Option<&Path>) -> Row {
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
    let own = |args: &[&str]| -> Vec<String> {
        std::iter::once(bin)
            .chain(args.iter().copied())
            .map(String::from)
            .collect()
    };
    let check_args = ["check", "--no-render", "--no-config", "--format", "json", d];
    let reference_args = reference.map(|r| {
        own(&[
            "check",
            "--no-render",
            "--no-config",
            "--format",
            "json",
            r.to_str().unwrap(),
        ])
    });
    let mut cmds = vec![
        (
            "cat",
            vec!["sh".to_string(), "-c".to_string(), cat_cmd],
            vec![],
        ),
        ("parse only", own(&["debug-parse", d]), vec![]),
        ("check --no-render (2 threads)", own(&check_args), vec![]),
        (
            "check --no-render (1 thread)",
            own(&check_args),
            vec![("RAYON_NUM_THREADS", "1")],
        ),
    ];
    if let Some(r) = reference_args {
        cmds.push(("check --no-render, 1× (reference)", r, vec![]));
    }
    let s = measure_all(&cmds, rounds);
    let (cat, check, one) = (s[0], s[2], s[3]);
    let reference = s.get(4).copied();
    println!(
        "  check/cat wall {:.2}×   1 thread/2 threads wall {:.2}×   peak {:.1} MB = {:.2}× input + {:.1} MB",
        check.wall / cat.wall.max(0.001),
        one.wall / check.wall.max(0.001),
        check.rss_kb as f64 * 1024.0 / 1e6,
        (check.rss_kb as f64 * 1024.0) / bytes.max(1) as f64,
        (check.rss_kb as f64 * 1024.0 - 2.0 * bytes as f64) / 1e6,
    );
    Row {
        cat,
        check,
        one,
        reference,
        bytes,
    }
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
    let one = bench_tree("1×", &corpus, bin, 15, None);
    let four_dir = std::env::temp_dir().join("synclint-bench-4x");
    let _ = std::fs::remove_dir_all(&four_dir);
    for i in 0..4 {
        copy_tree(&corpus, &four_dir.join(format!("copy{i}")));
    }
    let four = bench_tree("4×", &four_dir, bin, 5, Some(&corpus));
    // Against the corpus runs made in the same rounds as the 4× ones.
    let base = four.reference.unwrap_or(one.check);
    let scale = four.check.cpu / base.cpu.max(0.001);
    println!(
        "4× tree ÷ 1× tree: check cpu {scale:.2}×, wall {:.2}×, input {:.2}×, cat {:.2}×",
        four.check.wall / base.wall.max(0.001),
        four.bytes as f64 / one.bytes.max(1) as f64,
        four.cat.wall / one.cat.wall.max(0.001),
    );
    let instructions = std::env::args()
        .any(|a| a == "--instructions")
        .then(|| {
            let i1 = instructions(bin, &corpus)?;
            let i4 = instructions(bin, &four_dir)?;
            println!(
                "instructions (valgrind, 1 thread): 1× {:.2} G, 4× {:.2} G, ratio {:.2}×",
                i1 as f64 / 1e9,
                i4 as f64 / 1e9,
                i4 as f64 / i1.max(1) as f64
            );
            Some(i4 as f64 / i1.max(1) as f64)
        })
        .flatten();
    let _ = std::fs::remove_dir_all(&four_dir);

    // The targets (issue 13), each with what was measured.
    // One thread ÷ two: the fastest rounds decide, the medians are shown beside them.
    let threads = |what: &'static str, r: &Row| {
        (
            what,
            r.one.wall >= 1.7 * r.check.wall,
            format!(
                "{:.2}× (medians {:.2}×)",
                r.one.wall / r.check.wall.max(0.001),
                r.one.median / r.check.median.max(0.001)
            ),
        )
    };
    let memory_ok = |r: &Row| r.check.rss_kb as f64 * 1024.0 <= 2.0 * r.bytes as f64 + 60e6;
    let verdicts = [
        (
            "check CPU on the corpus ≤ 0.5 s",
            one.check.cpu <= 0.5,
            format!("{:.3} s", one.check.cpu),
        ),
        (
            "check wall ≤ 2.5× cat on the corpus",
            one.check.wall <= 2.5 * one.cat.wall,
            format!("{:.2}×", one.check.wall / one.cat.wall.max(0.001)),
        ),
        threads("two threads ≥ 1.7× faster than one (corpus)", &one),
        threads("two threads ≥ 1.7× faster than one (4×)", &four),
        (
            "4× tree ≤ 4.4× the corpus (CPU)",
            scale <= 4.4,
            format!("{scale:.2}×"),
        ),
        (
            "peak memory ≤ 2× input + 60 MB (corpus)",
            memory_ok(&one),
            format!("{:.1} MB", one.check.rss_kb as f64 * 1024.0 / 1e6),
        ),
        (
            "peak memory ≤ 2× input + 60 MB (4×)",
            memory_ok(&four),
            format!("{:.1} MB", four.check.rss_kb as f64 * 1024.0 / 1e6),
        ),
    ];
    println!("targets:");
    for (what, ok, got) in verdicts {
        println!("  {} {what}: {got}", if ok { "ok  " } else { "MISS" });
    }
    if let Some(r) = instructions {
        let ok = r <= 4.4;
        println!(
            "  {} 4× tree ≤ 4.4× the corpus (instructions): {r:.2}×",
            if ok { "ok  " } else { "MISS" }
        );
    }
}

/// Instructions `check --no-render` executes on one thread, counted by valgrind (`None` when
/// valgrind is not installed).
fn instructions(bin: &str, dir: &Path) -> Option<u64> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .args([
            bin,
            "check",
            "--no-render",
            "--no-config",
            "--format",
            "json",
        ])
        .arg(dir)
        .env("RAYON_NUM_THREADS", "1")
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.contains("Collected :"))?;
    line.rsplit(':')
        .next()?
        .trim()
        .replace(',', "")
        .parse()
        .ok()
}
