//! Running a renderer on a hostile tree. What the repository controls never reaches the command
//! line as a flag: the kustomization is named through a wrapper written as JSON in a private
//! temporary directory, Helm's release name is bound with `--name-template=` after a grammar
//! check, every value is bound with `=`, and the chart comes after `--`. The environment is
//! cleared and rebuilt: an empty `PATH` (no `git`, no plugins), a private `HOME`, Helm's caches
//! and plugin directory in the temporary directory, no kubeconfig. The process gets a timeout and
//! its output a size cap.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Raw, RenderOptions};
use crate::model::jobs::HelmJob;

/// A renderer binary and the subcommand that builds (`kustomize build`, `kubectl kustomize`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub path: PathBuf,
    pub subcommand: &'static str,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// `kustomize build` if installed, else `kubectl kustomize`. Google Cloud SDK's `kubectl` is a
/// dispatcher that asks the current cluster for its version first; its versioned siblings
/// (`kubectl.1.NN`) are plain kubectl, which never contacts a cluster to build.
pub fn kustomize_tool() -> Option<Tool> {
    if let Some(k) = on_path("kustomize") {
        return Some(Tool {
            path: k,
            subcommand: "build",
        });
    }
    let kubectl = on_path("kubectl")?;
    let real = std::fs::canonicalize(&kubectl).unwrap_or(kubectl.clone());
    let dispatched = real.parent().and_then(|dir| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let minor = name.strip_prefix("kubectl.1.")?.parse().ok()?;
                Some((minor, e.path()))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, p)| p)
    });
    Some(Tool {
        path: dispatched.unwrap_or(kubectl),
        subcommand: "kustomize",
    })
}

pub fn helm_tool() -> Option<Tool> {
    on_path("helm").map(|p| Tool {
        path: p,
        subcommand: "template",
    })
}

/// A private working area, removed when dropped.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        let dir = tempfile::Builder::new().prefix("synclint-").tempdir()?;
        // tempfile leaves the mode to the umask: rendered values (secrets) stay private.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
        }
        for sub in ["home", "cache", "config", "data", "plugins", "work"] {
            std::fs::create_dir(dir.path().join(sub))?;
        }
        Ok(Scratch { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A command with a cleared, rebuilt environment, run inside the scratch directory.
    fn command(&self, tool: &Tool) -> Command {
        let p = self.path();
        let mut cmd = Command::new(&tool.path);
        cmd.env_clear()
            .current_dir(p.join("work"))
            .env("PATH", "")
            .env("HOME", p.join("home"))
            .env("XDG_CACHE_HOME", p.join("cache"))
            .env("XDG_CONFIG_HOME", p.join("config"))
            .env("XDG_DATA_HOME", p.join("data"))
            .env("LANG", "C.UTF-8")
            // No kubeconfig: nothing to contact.
            .env("KUBECONFIG", p.join("home").join("no-kubeconfig"))
            // No KRM plugins, no alpha commands.
            .env("KUSTOMIZE_PLUGIN_HOME", p.join("plugins"))
            .env("KUSTOMIZE_ENABLE_ALPHA_COMMANDS", "false")
            // git, should anything start it: no configuration, no prompts, no protocols.
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ALLOW_PROTOCOL", "none")
            // Helm: caches, config and plugins in the scratch area; no repositories.
            .env("HELM_CACHE_HOME", p.join("cache"))
            .env("HELM_CONFIG_HOME", p.join("config"))
            .env("HELM_DATA_HOME", p.join("data"))
            .env("HELM_PLUGINS", p.join("plugins"))
            .env(
                "HELM_REPOSITORY_CONFIG",
                p.join("config").join("repositories.yaml"),
            )
            .env("HELM_REPOSITORY_CACHE", p.join("cache").join("repository"))
            .env(
                "HELM_REGISTRY_CONFIG",
                p.join("config").join("registry.json"),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group, so a timeout kills everything it started.
            cmd.process_group(0);
        }
        cmd
    }
}

/// Build an absolute kustomization directory.
pub fn kustomize(tool: &Tool, dir: &Path, opts: &RenderOptions) -> Raw {
    let scratch = match Scratch::new() {
        Ok(s) => s,
        Err(e) => return Raw::Skipped(format!("cannot create a temporary directory: {e}")),
    };
    let wrap = scratch.path().join("wrap");
    if let Err(e) = std::fs::create_dir(&wrap) {
        return Raw::Skipped(format!("cannot create a temporary directory: {e}"));
    }
    let wrap = std::fs::canonicalize(&wrap).unwrap_or(wrap);
    let rel = super::relative(&wrap, dir);
    // JSON is YAML: the path is a quoted string whatever its characters (`app #1`).
    let text = serde_json::json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [rel.to_string_lossy()],
        "buildMetadata": ["originAnnotations"],
    })
    .to_string();
    if let Err(e) = std::fs::write(wrap.join("kustomization.yaml"), text) {
        return Raw::Skipped(format!("cannot write the wrapper kustomization: {e}"));
    }
    let mut cmd = scratch.command(tool);
    cmd.arg(tool.subcommand)
        .arg("--load-restrictor=LoadRestrictionsRootOnly")
        .arg("--")
        .arg(&wrap);
    match run(&mut cmd, opts.timeout, opts.limits.file_bytes) {
        Ok(out) => Raw::Output {
            text: out,
            origin_base: wrap,
            tree: None,
        },
        Err(e) => e,
    }
}

/// `helm template` of a local chart, the way Argo CD runs it.
pub fn helm(tool: &Tool, chart: &Path, job: &HelmJob, opts: &RenderOptions) -> Raw {
    let scratch = match Scratch::new() {
        Ok(s) => s,
        Err(e) => return Raw::Skipped(format!("cannot create a temporary directory: {e}")),
    };
    // Checked by the model already; checked again where the argument is built.
    if !crate::model::jobs::valid_release_name(&job.release) {
        return Raw::Skipped("invalid release name".into());
    }
    let mut cmd = scratch.command(tool);
    cmd.args(helm_args(job, opts.kube_version.as_deref()));
    if let Some(v) = &job.values {
        let p = scratch.path().join("values.yaml");
        if std::fs::write(&p, v).is_err() {
            return Raw::Skipped("cannot write the inline values".into());
        }
        cmd.arg(format!("--values={}", p.display()));
    }
    // The flags Argo CD adds after the values (`--api-versions`, `--include-crds`, `--skip-*`).
    cmd.args(helm_tail_args(job));
    // Unvendored `file://` dependencies: a private copy of the chart with them in charts/, as
    // Argo CD's `helm dependency build` would leave it.
    let copy;
    let chart_arg = if job.local_deps.is_empty() {
        chart
    } else {
        copy = scratch.path().join("chart");
        let mut budget = opts.limits.file_bytes.saturating_mul(4);
        if let Err(e) = vendor(chart, &job.local_deps, &copy, &mut budget) {
            return Raw::Skipped(format!(
                "cannot copy the chart and its local dependencies: {e}"
            ));
        }
        copy.as_path()
    };
    cmd.arg("--").arg(chart_arg);
    match run(&mut cmd, opts.timeout, opts.limits.file_bytes) {
        Ok(out) => Raw::Output {
            text: out,
            origin_base: chart.to_path_buf(),
            tree: None,
        },
        Err(e) => e,
    }
}

/// Copy `chart` to `to`, and each local dependency (recursively) to `to/charts/<name>`.
fn vendor(
    chart: &Path,
    deps: &[crate::model::jobs::LocalDep],
    to: &Path,
    budget: &mut u64,
) -> std::io::Result<()> {
    copy_tree(chart, to, budget, 0)?;
    for d in deps {
        let into = to.join("charts").join(&d.name);
        if into.exists() {
            std::fs::remove_dir_all(&into)?;
        }
        vendor(&d.dir, &d.deps, &into, budget)?;
    }
    Ok(())
}

/// Regular files and directories only (a link is not followed: the model refused links out of
/// the tree, and one inside it is not worth the risk), within a byte budget.
fn copy_tree(from: &Path, to: &Path, budget: &mut u64, depth: usize) -> std::io::Result<()> {
    use std::io::Error;
    if depth > 32 {
        return Err(Error::other("the chart is nested too deeply"));
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let dest = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &dest, budget, depth + 1)?;
        } else if kind.is_file() {
            let len = entry.metadata()?.len();
            *budget = budget
                .checked_sub(len)
                .ok_or_else(|| Error::other("the charts are too large"))?;
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// The arguments of Argo CD's `helm template` (util/helm/cmd.go `template()`, Argo CD 2.14+) up
/// to the value files, each bound with `=` so no value can become a flag. `kube_version` is the
/// configured cluster's, overridden by the source's `helm.kubeVersion`.
pub fn helm_args(job: &HelmJob, kube_version: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "template".to_string(),
        format!("--name-template={}", job.release),
    ];
    if let Some(ns) = &job.namespace {
        args.push(format!("--namespace={ns}"));
    }
    if let Some(v) = job.kube_version.as_deref().or(kube_version) {
        args.push(format!("--kube-version={v}"));
    }
    for (k, v) in &job.parameters {
        args.push(format!("--set={k}={}", clean_set_value(v)));
    }
    for (k, v) in &job.string_parameters {
        args.push(format!("--set-string={k}={}", clean_set_value(v)));
    }
    for f in &job.value_files {
        args.push(format!("--values={}", f.display()));
    }
    args
}

/// What follows the values: `--api-versions`, `--include-crds` unless `skipCrds`,
/// `--skip-schema-validation` and `--skip-tests` when set.
pub fn helm_tail_args(job: &HelmJob) -> Vec<String> {
    let mut args: Vec<String> = job
        .api_versions
        .iter()
        .map(|v| format!("--api-versions={v}"))
        .collect();
    if !job.skip_crds {
        args.push("--include-crds".into());
    }
    if job.skip_schema_validation {
        args.push("--skip-schema-validation".into());
    }
    if job.skip_tests {
        args.push("--skip-tests".into());
    }
    args
}

/// Argo CD's `cleanSetParameters`: a comma is escaped (Helm would split the value there) unless
/// already escaped or the value is a `{a,b}` list.
pub fn clean_set_value(v: &str) -> String {
    if v.starts_with('{') && v.ends_with('}') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut prev = '\0';
    for c in v.chars() {
        if c == ',' && prev != '\\' {
            out.push_str("\\,");
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// Run to completion, within `timeout`, reading at most `cap` bytes of output.
fn run(cmd: &mut Command, timeout: Duration, cap: u64) -> Result<String, Raw> {
    let mut child = cmd
        .spawn()
        .map_err(|e| Raw::Skipped(format!("cannot run the renderer: {e}")))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    // Read both pipes on threads so a large output cannot block the child.
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = stdout {
            let _ = o.take(cap.saturating_add(1)).read_to_end(&mut s);
        }
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = stderr {
            let _ = e.take(64 * 1024).read_to_end(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > timeout => {
                kill(&mut child);
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => break None,
        }
    };
    let out = out_t.join().unwrap_or_default();
    let err = err_t.join().unwrap_or_default();
    match status {
        None => Err(Raw::Failed(format!(
            "timed out after {} s",
            timeout.as_secs()
        ))),
        Some(_) if out.len() as u64 > cap => Err(Raw::Skipped(format!(
            "its output is larger than the {} MiB file limit",
            cap / (1024 * 1024)
        ))),
        Some(s) if s.success() => {
            String::from_utf8(out).map_err(|_| Raw::Failed("the output is not UTF-8".into()))
        }
        Some(_) => Err(Raw::Failed(clean_error(&String::from_utf8_lossy(&err)))),
    }
}

fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The whole process group: the renderer and anything it started.
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(format!("-{}", child.id()))
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// kubectl prefixes its errors with a log header, and the wrapper kustomization adds a layer of
/// its own: keep what went wrong inside the user's tree.
pub fn clean_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // kubectl's klog line may put the message on the following lines (`err=<`).
    let joined = lines.join(" ");
    let line = lines
        .iter()
        .position(|l| (l.contains("err=") && !l.ends_with("err=<")) || l.starts_with("Error:"))
        // Helm states the cause on the lines after `…in the following chart(s):`.
        .map(|i| match lines[i].ends_with(':') {
            true => lines[i..].join(" "),
            false => lines[i].to_string(),
        })
        .unwrap_or_else(|| {
            joined.split_once("err=<").map_or(joined.clone(), |(_, r)| {
                r.trim_end_matches('>').trim().to_string()
            })
        });
    let line = line
        .split_once("err=\"")
        .map_or(line.as_str(), |(_, rest)| rest.trim_end_matches('"'))
        .to_string();
    let line = line.strip_prefix("Error: ").unwrap_or(&line);
    let mut msg = line.replace("\\'", "'").replace("\\\"", "\"");
    // Nested accumulations (an overlay, its base, the base's base): the innermost names the
    // file that failed and why.
    if let Some(i) = msg.rfind("accumulation err='") {
        msg = msg[i + "accumulation err='".len()..].to_string();
    }
    if let Some(i) = msg.rfind("' must resolve to a file': ") {
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
    crate::report::escape::clip(&go_values(msg.trim_end_matches('\'')), 400)
}

/// Go values kustomize prints with `%v`: pointers (`&{0xc000… 0xc000…}`) say nothing, and a
/// `resid.ResId{…}` is an object, shown as `Kind/name`.
fn go_values(msg: &str) -> String {
    use std::sync::OnceLock;
    static PTR: OnceLock<Option<regex::Regex>> = OnceLock::new();
    static RESID: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let ptr = PTR.get_or_init(|| regex::Regex::new(r" ?&\{0x[0-9a-f]+(?: 0x[0-9a-f]+)*\}").ok());
    let resid = RESID.get_or_init(|| {
        regex::Regex::new(
            r#"(?:id )?resid\.ResId\{Gvk:resid\.Gvk\{Group:"[^"]*", Version:"[^"]*", Kind:"([^"]*)"[^}]*\}, Name:"([^"]*)", Namespace:"([^"]*)"\}"#,
        )
        .ok()
    });
    let mut out = msg.to_string();
    if let Some(re) = ptr {
        out = re.replace_all(&out, "").into_owned();
    }
    if let Some(re) = resid {
        out = re
            .replace_all(&out, |c: &regex::Captures<'_>| {
                if c[3].is_empty() {
                    format!("{}/{}", &c[1], &c[2])
                } else {
                    format!("{}/{} (namespace {})", &c[1], &c[2], &c[3])
                }
            })
            .into_owned();
    }
    out
}

#[cfg(test)]
mod go_value_tests {
    #[test]
    fn pointers_go_and_object_ids_read_as_kind_and_name() {
        let m = r#"merging from generator &{0xc000118f70 0xc000125180}: id resid.ResId{Gvk:resid.Gvk{Group:"", Version:"v1", Kind:"ConfigMap", isClusterScoped:false}, Name:"app-config", Namespace:""} does not exist; cannot merge or replace"#;
        assert_eq!(
            super::go_values(m),
            "merging from generator: ConfigMap/app-config does not exist; cannot merge or replace"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{clean_error, clean_set_value};

    #[test]
    fn set_values_escape_commas_as_argo_cd_does() {
        assert_eq!(clean_set_value("a,b"), "a\\,b");
        assert_eq!(clean_set_value("a\\,b"), "a\\,b");
        assert_eq!(clean_set_value("{a,b}"), "{a,b}");
        assert_eq!(clean_set_value("plain"), "plain");
    }

    /// The scratch directory is private whatever the umask (issue 9: temp file races).
    #[cfg(unix)]
    #[test]
    fn scratch_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let s = super::Scratch::new().unwrap();
        let mode = std::fs::metadata(s.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let name = s.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.len() > "synclint-".len() + 4, "{name}");
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
        let multiline = "E1201 10:00:00.000000 1 run.go:72] \"command failed\" err=<\n\taccumulating resources: missing thing\n >";
        assert_eq!(
            clean_error(multiline),
            "accumulating resources: missing thing"
        );
        let helm = "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nweb:\nGet \"https://x.example/s.json\": dial tcp: no such host\n";
        assert_eq!(
            clean_error(helm),
            "values don't meet the specifications of the schema(s) in the following chart(s): web: Get \"https://x.example/s.json\": dial tcp: no such host"
        );
    }
}
