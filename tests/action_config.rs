//! The Action on a pull request reads synclint's config from the base branch (issue 9, "switch
//! the check off"): a pull request that adds `exclude: ["**"]` and `fail-on: never` to its own
//! `.synclint.yaml` is linted with the base branch's config, and the job summary says that the
//! config changed. `action/run.sh` runs by bash against the real binary in a scratch git
//! repository (base commit, then the pull request's commit).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_synclint");

/// A Deployment with one schema error (an error finding).
const BAD: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: three
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
";

/// What a hostile pull request writes into the config to hide its findings.
const OFF: &str = "exclude: [\"**\"]\nfail-on: never\n";

fn repo(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("action-config")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    dir
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn commit(dir: &Path, files: &[(&str, &str)]) -> String {
    for (rel, text) in files {
        write(dir, rel, text);
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "c"]);
    git(dir, &["rev-parse", "HEAD"])
}

struct Run {
    out: Output,
    summary: String,
}

impl Run {
    fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
}

/// `action/run.sh` in `dir` for `event`, with the base commit `base`, `fail-on` left to the
/// config (the input set to empty) and `paths`.
fn action(dir: &Path, event: &str, base: &str, paths: &str) -> Run {
    let summary = dir.join("../summary-".to_string() + dir.file_name().unwrap().to_str().unwrap());
    let _ = std::fs::remove_file(&summary);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh");
    let out = Command::new("bash")
        .arg(script)
        .current_dir(dir)
        .env("SYNCLINT_BIN", BIN)
        .env("GITHUB_EVENT_NAME", event)
        .env("SYNCLINT_BASE_SHA", base)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("INPUT_PATHS", paths)
        .env("INPUT_FAIL_ON", "")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir.join("../home"))
        .output()
        .unwrap();
    Run {
        out,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".git" {
                continue;
            }
            if e.path().is_dir() {
                stack.push(e.path());
            } else if name.starts_with(".synclint-base") {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn pull_request_is_linted_with_the_base_branch_config() {
    let dir = repo("base-config");
    let base = commit(
        &dir,
        &[(".synclint.yaml", "fail-on: error\n"), ("deploy.yaml", BAD)],
    );
    commit(&dir, &[(".synclint.yaml", OFF)]);

    // Without the defence (a push: the branch's own config), the finding is hidden.
    let push = action(&dir, "push", "", ".");
    assert_eq!(push.code(), 0, "{}{}", push.stdout(), push.stderr());
    assert!(!push.stdout().contains("::error "), "{}", push.stdout());

    // On the pull request, the base branch's config: the error is reported and fails the step.
    let pr = action(&dir, "pull_request", &base, ".");
    assert_eq!(pr.code(), 1, "{}{}", pr.stdout(), pr.stderr());
    assert!(
        pr.stdout().contains("::error file=deploy.yaml"),
        "{}",
        pr.stdout()
    );
    assert!(
        pr.summary
            .contains("this pull request changes synclint's configuration (`.synclint.yaml`)"),
        "{}",
        pr.summary
    );
    assert!(
        pr.stderr().contains("linted with the base branch's config"),
        "{}",
        pr.stderr()
    );
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));

    // pull_request_target too.
    let target = action(&dir, "pull_request_target", &base, ".");
    assert_eq!(target.code(), 1);
}

#[test]
fn a_config_added_by_the_pull_request_is_ignored() {
    // No config on the base branch; the pull request adds one next to the linted directory.
    let dir = repo("added-config");
    let base = commit(&dir, &[("deploy/app.yaml", BAD)]);
    commit(&dir, &[("deploy/.synclint.yaml", OFF)]);
    let pr = action(&dir, "pull_request", &base, "deploy");
    assert_eq!(pr.code(), 1, "{}{}", pr.stdout(), pr.stderr());
    assert!(
        pr.stdout().contains("::error file=deploy/app.yaml"),
        "{}",
        pr.stdout()
    );
    assert!(
        pr.summary.contains("`deploy/.synclint.yaml`"),
        "{}",
        pr.summary
    );
    // An unchanged config: no note.
    let dir = repo("unchanged-config");
    let base = commit(
        &dir,
        &[(".synclint.yaml", "fail-on: error\n"), ("a.yaml", BAD)],
    );
    commit(&dir, &[("b.yaml", "x: 1\n")]);
    let pr = action(&dir, "pull_request", &base, ".");
    assert_eq!(pr.code(), 1);
    assert!(
        !pr.summary.contains("changes synclint's configuration"),
        "{}",
        pr.summary
    );
}

/// The base config is copied next to the original, so its relative paths (excludes) keep their
/// meaning; and the base config, not the pull request's, decides.
#[test]
fn the_base_config_keeps_its_relative_paths() {
    let dir = repo("relative");
    let base = commit(
        &dir,
        &[
            ("k8s/.synclint.yaml", "exclude: [\"vendor/**\"]\n"),
            ("k8s/vendor/third.yaml", BAD),
            ("k8s/apps/mine.yaml", BAD),
        ],
    );
    commit(&dir, &[("k8s/.synclint.yaml", "exclude: [\"**\"]\n")]);
    let pr = action(&dir, "pull_request", &base, "k8s");
    assert_eq!(pr.code(), 1, "{}{}", pr.stdout(), pr.stderr());
    let out = pr.stdout();
    assert!(out.contains("::error file=k8s/apps/mine.yaml"), "{out}");
    assert!(!out.contains("vendor/third.yaml"), "{out}");
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
}

/// A base commit that cannot be read (not fetched, no remote) means no config, never the pull
/// request's.
#[test]
fn an_unreadable_base_means_no_config() {
    let dir = repo("no-base");
    commit(&dir, &[(".synclint.yaml", OFF), ("deploy.yaml", BAD)]);
    let pr = action(
        &dir,
        "pull_request",
        "0123456789abcdef0123456789abcdef01234567",
        ".",
    );
    assert_eq!(pr.code(), 1, "{}{}", pr.stdout(), pr.stderr());
    assert!(
        pr.stderr()
            .contains("is not available: linting without a config"),
        "{}",
        pr.stderr()
    );
}
