//! Rendering Kustomize sources with the tools the user has installed (`kustomize build`, else
//! `kubectl kustomize`), so apps are linted as Argo CD will apply them. Never runs plugins, never
//! reaches the network (remote bases and `helmCharts` are not rendered), has a timeout, and never
//! writes into the user's tree: the build runs through a wrapper kustomization in a temporary
//! directory that adds `buildMetadata: [originAnnotations]`, so every rendered object says which
//! file it came from.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::load::yaml::Node;

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// What came of one render.
#[derive(Debug, Clone)]
pub enum Outcome {
    Rendered(String),
    /// The build failed: Argo CD's would too.
    Failed(String),
    /// Not attempted offline (remote bases, Helm charts inside Kustomize).
    Skipped(String),
}

/// The Kustomize command available here: `kustomize build` or `kubectl kustomize`.
pub fn tool() -> Option<(PathBuf, &'static str)> {
    let find = |name: &str| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    };
    if let Some(k) = find("kustomize") {
        return Some((k, "build"));
    }
    find("kubectl").map(|k| (k, "kustomize"))
}

/// `from` → `to` as a relative path (both absolute), e.g. `../../work/repo/app`.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// Why a kustomization cannot be rendered offline, if it cannot.
pub fn offline_blocker(kustomization: &Node<'_>) -> Option<String> {
    if kustomization
        .get("helmCharts")
        .is_some_and(|h| !h.items().is_empty())
    {
        return Some(
            "it inflates Helm charts (helmCharts), which needs --enable-helm and the network"
                .into(),
        );
    }
    for key in ["resources", "bases", "components"] {
        for item in kustomization.get(key).map(Node::items).unwrap_or(&[]) {
            if let Some(s) = item.str()
                && (s.contains("://") || s.starts_with("github.com/") || s.starts_with("git@"))
            {
                return Some(format!("it includes the remote base `{s}`"));
            }
        }
    }
    None
}

/// Build `dir` (an absolute kustomization directory).
pub fn kustomize(dir: &Path, tool: &(PathBuf, &'static str)) -> Outcome {
    static N: AtomicUsize = AtomicUsize::new(0);
    let wrap = std::env::temp_dir().join(format!(
        "synclint-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    if let Err(e) = std::fs::create_dir_all(&wrap) {
        return Outcome::Skipped(format!("cannot create a temporary directory: {e}"));
    }
    let wrap = crate::load::absolute(&wrap);
    let rel = relative(&wrap, dir);
    let text = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- {}\nbuildMetadata: [originAnnotations]\n",
        rel.display()
    );
    let outcome = match std::fs::write(wrap.join("kustomization.yaml"), text) {
        Err(e) => Outcome::Skipped(format!("cannot write the wrapper kustomization: {e}")),
        Ok(()) => run(Command::new(&tool.0).arg(tool.1).arg(&wrap), TIMEOUT),
    };
    let _ = std::fs::remove_dir_all(&wrap);
    outcome
}

fn run(cmd: &mut Command, timeout: Duration) -> Outcome {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // No exec/containerized KRM plugins: they are off unless enabled by flag, and the
        // environment must not enable them either.
        .env_remove("KUSTOMIZE_PLUGIN_HOME")
        .env("KUSTOMIZE_ENABLE_ALPHA_COMMANDS", "false")
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Outcome::Skipped(format!("cannot run the renderer: {e}")),
    };
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    // Read both pipes on threads so a large output cannot block the child.
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let out = out_t.join().unwrap_or_default();
    let err = err_t.join().unwrap_or_default();
    match status {
        None => Outcome::Failed(format!("timed out after {} s", timeout.as_secs())),
        Some(s) if s.success() => Outcome::Rendered(out),
        Some(_) => Outcome::Failed(clean_error(&err)),
    }
}

/// kubectl prefixes its errors with a log header, and the wrapper kustomization adds a layer of
/// its own: keep what went wrong inside the user's tree.
fn clean_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let line = lines
        .iter()
        .find(|l| l.contains("err=") || l.starts_with("Error:"))
        .or(lines.last())
        .copied()
        .unwrap_or("");
    let line = line
        .split_once("err=\"")
        .map_or(line, |(_, rest)| rest.trim_end_matches('"'));
    let line = line.strip_prefix("Error: ").unwrap_or(line);
    let mut msg = line.replace("\\'", "'").replace("\\\"", "\"");
    if let Some(i) = msg.find("' must resolve to a file': ") {
        msg = msg[i + "' must resolve to a file': ".len()..].to_string();
    }
    for prefix in [
        "recursed accumulation of path '",
        "recursed merging from path '",
    ] {
        if let Some(rest) = msg.strip_prefix(prefix)
            && let Some(j) = rest.find("': ")
        {
            msg = rest[j + 3..].to_string();
        }
    }
    let msg = msg
        .split("': must build at directory")
        .next()
        .unwrap_or(&msg);
    msg.trim_end_matches('\'').to_string()
}

/// `helm template` of a local chart, the way Argo CD runs it (release name, namespace, value
/// files, inline values, parameters, CRDs included). Never updates dependencies.
pub fn helm(
    helm_bin: &Path,
    chart: &Path,
    release: &str,
    namespace: Option<&str>,
    opts: &crate::model::app::HelmOptions,
) -> Outcome {
    let chart_yaml = std::fs::read_to_string(chart.join("Chart.yaml")).unwrap_or_default();
    if chart_yaml.contains("dependencies:") && !chart.join("charts").is_dir() {
        return Outcome::Skipped(
            "the chart has dependencies that are not vendored in charts/ (helm dependency build needs the network)".into(),
        );
    }
    let mut cmd = Command::new(helm_bin);
    cmd.arg("template")
        .arg(release)
        .arg(chart)
        .arg("--include-crds");
    if let Some(ns) = namespace {
        cmd.arg("--namespace").arg(ns);
    }
    for f in &opts.value_files {
        if f.starts_with('$') || f.contains("://") {
            return Outcome::Skipped(format!(
                "value file `{f}` comes from another source or repository"
            ));
        }
        cmd.arg("--values")
            .arg(crate::load::normalize(&chart.join(f)));
    }
    let mut tmp = None;
    if let Some(v) = &opts.values {
        let p = std::env::temp_dir().join(format!(
            "synclint-values-{}-{release}.yaml",
            std::process::id()
        ));
        if std::fs::write(&p, v).is_ok() {
            cmd.arg("--values").arg(&p);
            tmp = Some(p);
        }
    }
    for (k, v) in &opts.parameters {
        cmd.arg("--set").arg(format!("{k}={v}"));
    }
    // Helm must not reach a registry or a repository: no repository config, no cache.
    cmd.env("HELM_REPOSITORY_CONFIG", "/dev/null")
        .env("HELM_OFFLINE", "1");
    let out = run(&mut cmd, TIMEOUT);
    if let Some(p) = tmp {
        let _ = std::fs::remove_file(p);
    }
    out
}

/// The `helm` binary, if installed.
pub fn helm_tool() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("helm"))
            .find(|p| p.is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/tmp/a/b"), Path::new("/work/r/x")),
            PathBuf::from("../../../work/r/x")
        );
        assert_eq!(
            relative(Path::new("/w/t"), Path::new("/w/r")),
            PathBuf::from("../r")
        );
    }

    #[test]
    fn kubectl_errors_are_cleaned() {
        let e = "E1122 07:17:31.121031     364 run.go:72] \"command failed\" err=\"accumulating resources: boom\"";
        assert_eq!(clean_error(e), "accumulating resources: boom");
        let wrapped = "# Warning: 'bases' is deprecated.\nE1 run.go:72] \"command failed\" err=\"accumulating resources: accumulation err='accumulating resources from '../../w/app': '/w/app' must resolve to a file': recursed accumulation of path '/w/app': loading KV pairs: file sources: [a.xml]: no such file\"";
        assert_eq!(
            clean_error(wrapped),
            "loading KV pairs: file sources: [a.xml]: no such file"
        );
    }
}
