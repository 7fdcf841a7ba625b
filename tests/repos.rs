//! A whole GitOps repository (tests/fixtures/platform, written for these tests): an app-of-apps
//! root, a Kustomize overlay app (rendered for real: the test requires kubectl or kustomize), a
//! Helm chart app with value files (rendered: the test requires helm 3), an ApplicationSet with a
//! git directory generator, and AppProjects with whitelists.

mod common;

use std::path::{Path, PathBuf};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The fixture as a checkout of https://github.com/example/platform.git.
fn checkout(name: &str) -> PathBuf {
    let dir = common::scratch(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/platform"),
        &dir,
    );
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(
        dir.join(".git/config"),
        "[remote \"origin\"]\n\turl = git@github.com:example/platform.git\n",
    )
    .unwrap();
    dir
}

type Finding = (String, String, usize, Option<String>);

fn lint(dir: &Path) -> (Vec<Finding>, synclint::report::Summary) {
    let loaded = common::report(dir);
    let (diags, summary) = (&loaded.diagnostics, loaded.summary.clone());
    let f = diags
        .iter()
        .map(|d| {
            let f = &loaded.files[d.file];
            let rel = f
                .path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                d.rule.to_string(),
                rel,
                f.line_col(d.span.start).line,
                d.app.clone(),
            )
        })
        .collect();
    (f, summary)
}

#[test]
fn the_platform_repository() {
    let dir = checkout("repo-platform");
    let (found, summary) = lint(&dir);
    common::require_kustomize();
    common::require_helm();
    let app = |s: &str| Some(s.to_string());
    let mut want: Vec<Finding> = vec![
        // App-of-apps: children with waves, and Argo CD's configuration is not in the tree: one
        // info for the run.
        (
            "app-wave-no-health".into(),
            "apps/db.yaml".into(),
            7,
            app("root"),
        ),
        // apps/jobs.yaml: four mistakes in one Application.
        (
            "missing-project".into(),
            "apps/jobs.yaml".into(),
            8,
            app("root"),
        ),
        (
            "multiple-source-types".into(),
            "apps/jobs.yaml".into(),
            15,
            app("root"),
        ),
        (
            "invalid-ignore-differences".into(),
            "apps/jobs.yaml".into(),
            23,
            app("root"),
        ),
        (
            "invalid-retry".into(),
            "apps/jobs.yaml".into(),
            30,
            app("root"),
        ),
        // A source path the repository does not have.
        (
            "unknown-path".into(),
            "apps/legacy.yaml".into(),
            11,
            app("legacy"),
        ),
        // Rendered overlay: Deployment prod-web (replicas patched to 4) and its HPA fight under
        // selfHeal; the finding points at `replicas` in the base file the object came from.
        (
            "hpa-replicas-fight".into(),
            "base/deployment.yaml".into(),
            6,
            app("web"),
        ),
        // An app with no destination namespace and a ConfigMap with none.
        (
            "missing-namespace".into(),
            "jobs/configmap.yaml".into(),
            3,
            app("cron"),
        ),
        // The restricted project allows no cluster-scoped kinds.
        (
            "project-denies-resource".into(),
            "monitoring/clusterrole.yaml".into(),
            2,
            app("monitoring"),
        ),
        // A subdirectory the directory app does not read.
        (
            "orphan-manifest".into(),
            "monitoring/extra/dashboard.yaml".into(),
            1,
            app("monitoring"),
        ),
        // A sync window whose schedule robfig/cron rejects (it blocks syncs).
        (
            "invalid-sync-window".into(),
            "projects/restricted.yaml".into(),
            24,
            None,
        ),
    ];
    // overlays/broken names a file that does not exist: the build fails.
    want.push((
        "render-failed".into(),
        "apps/broken.yaml".into(),
        11,
        app("broken"),
    ));
    // Rendered with values-prod.yaml: the template's bad imagePullPolicy is a schema error.
    want.push((
        "schema".into(),
        "charts/db/templates/statefulset.yaml".into(),
        19,
        app("db"),
    ));
    let mut found = found;
    found.sort();
    want.sort();
    assert_eq!(found, want);
    // The ApplicationSet's generated apps own their tenants' manifests: the two identical
    // ConfigMaps are in different apps, so they are no duplicates.
    assert_eq!(summary.unvalidated, 0);
}

/// Task labels of one app's plan.
fn labels(view: &synclint::plan::view::PlanView, app: &str) -> Vec<String> {
    let a = view.apps.iter().find(|x| x.name == app).unwrap();
    a.steps
        .iter()
        .flat_map(|s| s.tasks.iter().map(|t| t.label.clone()))
        .collect()
}

#[test]
fn generated_apps_and_rendered_plans() {
    let dir = checkout("repo-platform-plan");
    let r = common::report(&dir);
    let view = r.plan.as_ref().unwrap();
    let names: Vec<&str> = view
        .apps
        .iter()
        .filter(|x| x.application.is_some())
        .map(|x| x.name.as_str())
        .collect();
    for n in [
        "root",
        "web",
        "db",
        "monitoring",
        "legacy",
        "tenant-a",
        "tenant-b",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let tenant = view.apps.iter().find(|x| x.name == "tenant-a").unwrap();
    assert_eq!(tenant.destination_namespace.as_deref(), Some("a"));
    assert_eq!(labels(view, "tenant-a").len(), 1);
    common::require_kustomize();
    assert_eq!(
        labels(view, "web"),
        vec!["Deployment/prod-web", "HorizontalPodAutoscaler/prod-web"]
    );
    // The root app's plan orders its child apps by wave.
    let order = labels(view, "root");
    let pos = |n: &str| {
        order
            .iter()
            .position(|x| x == &format!("Application/{n}"))
            .unwrap()
    };
    assert!(
        pos("db") < pos("web") && pos("web") < pos("monitoring"),
        "{order:?}"
    );
}

#[test]
fn no_render_lints_the_raw_files() {
    let dir = checkout("repo-platform-raw");
    let r = common::report_raw(&dir);
    assert_eq!(
        labels(r.plan.as_ref().unwrap(), "web"),
        vec!["Deployment/web", "HorizontalPodAutoscaler/web"]
    );
}
