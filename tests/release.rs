//! The release: `.github/workflows/release.yml` cannot run here, so it is checked by structure
//! (`.ci/run` also runs actionlint on it), and every script it calls runs here on the real binary:
//! check-version.sh, package.sh, checksums.sh, release-notes.sh, docker-context.sh and
//! python/synclint_build.py (the wheel). The archive names are the contract with
//! `action/install.sh` and the wheel backend, which download them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use synclint::load::yaml::{Node, ParseLimits};
use synclint::load::{FileClass, SourceFile};

const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> SourceFile {
    let f = SourceFile::new(
        rel.into(),
        root().join(rel),
        read(rel),
        FileClass::Yaml,
        &ParseLimits::default(),
    );
    assert!(f.yaml().issues.is_empty(), "{rel}: {:?}", f.yaml().issues);
    f
}

fn s<'a>(n: Option<&'a Node<'a>>) -> &'a str {
    n.and_then(Node::str).unwrap_or("")
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("runs");
    if !out.status.success() {
        panic!(
            "{cmd:?} failed: {:?}\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

fn bash(script: &str) -> Command {
    let mut c = Command::new("bash");
    c.arg(root().join(script));
    c
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest;
    let data = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_workflow_builds_every_target_and_calls_only_scripts_that_exist() {
    let f = yaml(".github/workflows/release.yml");
    let wf = &f.yaml().docs[0].root;
    // On a version tag only, read-only by default.
    let tags = wf
        .get("on")
        .and_then(|o| o.get("push"))
        .and_then(|p| p.get("tags"))
        .expect("on.push.tags");
    assert!(s(tags.items().first()).starts_with("v"), "tags: v*");
    assert_eq!(
        s(wf.get("permissions").and_then(|p| p.get("contents"))),
        "read"
    );
    let jobs = wf.get("jobs").expect("jobs");
    for job in ["version", "build", "release", "docker", "pypi", "crates"] {
        assert!(jobs.get(job).is_some(), "job {job}");
    }
    // Only the release job may write to the repository.
    for e in jobs.entries() {
        let name = s(Some(&e.key));
        let writes = s(e.value.get("permissions").and_then(|p| p.get("contents"))) == "write";
        assert_eq!(writes, name == "release", "{name} contents permission");
    }
    // The matrix builds exactly the targets install.sh and the wheel backend know.
    let matrix: Vec<&str> = jobs
        .get("build")
        .and_then(|b| b.get("strategy"))
        .and_then(|s| s.get("matrix"))
        .and_then(|m| m.get("include"))
        .expect("matrix.include")
        .items()
        .iter()
        .map(|i| s(i.get("target")))
        .collect();
    assert_eq!(matrix, TARGETS);
    let install = read("action/install.sh");
    let backend = read("python/synclint_build.py");
    for t in TARGETS {
        assert!(
            backend.contains(&format!("\"{t}\"")),
            "{t} not in synclint_build.py"
        );
        // install.sh builds the triple from its parts: arch-unknown-linux-musl and so on.
        let suffix = t.split_once('-').unwrap().1;
        assert!(install.contains(suffix), "{suffix} not in install.sh");
    }

    // Every step: `uses:` pinned to a version, `run:` scripts present in the repository, and no
    // `${{ }}` of event data (tag names, titles) pasted into a script.
    let mut scripts = 0;
    for e in jobs.entries() {
        let steps = e.value.get("steps").expect("steps");
        for step in steps.items() {
            if let Some(u) = step.get("uses").and_then(Node::str) {
                let (action, version) = u.split_once('@').unwrap_or_else(|| panic!("{u}"));
                assert!(action.contains('/') && !version.is_empty(), "{u}");
            }
            let Some(script) = step.get("run").and_then(Node::str) else {
                continue;
            };
            assert!(
                !script.contains("github.event") && !script.contains("github.ref_name"),
                "event data in a script: {script}"
            );
            for word in script.split(|c: char| c.is_whitespace() || c == '"') {
                if word.starts_with(".github/scripts/")
                    || word.starts_with("python/")
                    || word.starts_with(".ci/")
                {
                    assert!(root().join(word).is_file(), "{word} does not exist");
                    scripts += 1;
                }
            }
        }
    }
    assert!(scripts >= 6, "{scripts} script calls");
}

#[test]
fn the_dockerfile_copies_what_exists_and_the_ignore_file_keeps_it() {
    let text = read("Dockerfile");
    let ignore = read(".dockerignore");
    let ignored: Vec<&str> = ignore
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    let stages: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("FROM "))
        .filter_map(|l| l.split(" AS ").nth(1))
        .collect();
    assert_eq!(stages, ["build", "binaries", "full", "synclint"]);
    for line in text
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        for src in &words[1..words.len() - 1] {
            assert!(root().join(src).exists(), "COPY {src}: missing");
            assert!(!ignored.contains(src), "COPY {src}: in .dockerignore");
        }
    }
    // The workflow's named build context overrides the stage of that name.
    assert!(read(".github/workflows/release.yml").contains("build-contexts: binaries="));
}

#[test]
fn version_and_notes_scripts() {
    let version = env!("CARGO_PKG_VERSION");
    let out = run(bash(".github/scripts/check-version.sh").arg(format!("v{version}")));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), version);
    let bad = bash(".github/scripts/check-version.sh")
        .arg("v99.0.0")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not match"));

    let notes = run(bash(".github/scripts/release-notes.sh").arg(version));
    let notes = String::from_utf8_lossy(&notes.stdout);
    assert!(notes.contains("### Added"), "{notes}");
    assert!(!notes.contains(&format!("## [{version}]")), "{notes}");
    let none = bash(".github/scripts/release-notes.sh")
        .arg("99.0.0")
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
}

/// Package the test binary as every Linux target and as Windows, then checksum, verify, lay out
/// the Docker context and build wheels, as the workflow does.
/// The test binary without its debug info (a fifth of the size), so packaging is quick; `strip`
/// missing only makes the test slower.
fn small_binary(dir: &Path) -> String {
    let copy = dir.join("synclint");
    std::fs::copy(env!("CARGO_BIN_EXE_synclint"), &copy).unwrap();
    let _ = Command::new("strip").arg(&copy).status();
    copy.to_string_lossy().into_owned()
}

#[test]
fn package_checksums_docker_context_and_wheels() {
    let dist = scratch("release-dist");
    let bin = &small_binary(&scratch("release-bin"));
    for t in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-pc-windows-msvc",
    ] {
        let out = run(bash(".github/scripts/package.sh").args([t, bin]).arg(&dist));
        let archive = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let ext = if t.contains("windows") {
            "zip"
        } else {
            "tar.gz"
        };
        assert_eq!(archive, dist.join(format!("synclint-{t}.{ext}")));
        let sum = std::fs::read_to_string(dist.join(format!("synclint-{t}.{ext}.sha256"))).unwrap();
        assert_eq!(
            sum,
            format!("{}  synclint-{t}.{ext}\n", sha256_hex(&archive))
        );
    }
    // The tarball: the binary, the docs, completions and man pages.
    let list = run(Command::new("tar")
        .arg("-tzf")
        .arg(dist.join("synclint-x86_64-unknown-linux-musl.tar.gz")));
    let list = String::from_utf8_lossy(&list.stdout);
    for f in [
        "synclint",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "completions/synclint.bash",
        "completions/_synclint",
        "completions/synclint.fish",
        "completions/_synclint.ps1",
        "man/synclint.1",
        "man/synclint-check.1",
    ] {
        assert!(
            list.lines()
                .any(|l| l == format!("synclint-x86_64-unknown-linux-musl/{f}")),
            "{f} missing:\n{list}"
        );
    }

    // Wheels, from the same binaries.
    for t in ["x86_64-unknown-linux-musl", "x86_64-pc-windows-msvc"] {
        let out = run(Command::new("python3")
            .arg(root().join("python/synclint_build.py"))
            .args(["wheel", "--binary", bin, "--target", t, "--out"])
            .arg(&dist));
        let wheel = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        assert!(wheel.is_file(), "{}", wheel.display());
    }
    let version = env!("CARGO_PKG_VERSION");
    let linux_wheel = dist.join(format!(
        "synclint-{version}-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_2_x86_64.whl"
    ));
    check_wheel(&linux_wheel, "synclint");
    check_wheel(
        &dist.join(format!("synclint-{version}-py3-none-win_amd64.whl")),
        "synclint.exe",
    );

    // SHA256SUMS over archives and wheels, which sha256sum verifies.
    let out = run(bash(".github/scripts/checksums.sh").arg(&dist));
    let sums = String::from_utf8_lossy(&out.stdout);
    assert_eq!(sums.lines().count(), 5, "{sums}");
    assert!(!sums.contains(".sha256"), "{sums}");
    run(Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&dist));

    let ctx = dist.join("docker");
    run(bash(".github/scripts/docker-context.sh")
        .arg(&dist)
        .arg(&ctx));
    for arch in ["amd64", "arm64"] {
        let b = ctx.join(format!("linux-{arch}/synclint"));
        let v = run(Command::new(&b).arg("--version"));
        assert_eq!(
            String::from_utf8_lossy(&v.stdout).trim(),
            format!("synclint {version}")
        );
    }
}

/// A wheel's RECORD lists every file with its sha256, its WHEEL is not purelib, and the binary
/// is in the scripts of its data directory (what pip installs into bin/).
fn check_wheel(wheel: &Path, binary: &str) {
    let version = env!("CARGO_PKG_VERSION");
    let script = format!(
        r#"
import base64, hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert f"synclint-{version}.data/scripts/{binary}" in names, names
wheel = z.read("synclint-{version}.dist-info/WHEEL").decode()
assert "Root-Is-Purelib: false" in wheel, wheel
record = z.read("synclint-{version}.dist-info/RECORD").decode().splitlines()
for line in record:
    path, digest, size = line.rsplit(",", 2)
    if path.endswith("RECORD"):
        continue
    data = z.read(path)
    want = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert digest == want and int(size) == len(data), path
assert len(record) == len(names), (record, names)
info = z.getinfo(f"synclint-{version}.data/scripts/{binary}")
assert (info.external_attr >> 16) & 0o111, "not executable"
"#
    );
    run(Command::new("python3").arg("-c").arg(script).arg(wheel));
}
