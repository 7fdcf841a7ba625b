//! A whole GitOps repository (tests/fixtures/platform, written for these tests): an app-of-apps
//! root, a Kustomize overlay app (rendered for real when kubectl or kustomize is installed), a
//! Helm chart app with value files (rendered when helm is installed), an ApplicationSet with a
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
    let (loaded, diags, summary) =
        synclint::check_paths(&[dir.to_string_lossy().into_owned()], None).unwrap();
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
    let kustomize = synclint::render::tool().is_some();
    let helm = synclint::render::helm_tool().is_some();
    let app = |s: &str| Some(s.to_string());
    let mut want: Vec<Finding> = vec![
        // App-of-apps: children with waves, and no Application health check in argocd-cm.
        (
            "app-wave-no-health".into(),
            "apps/db.yaml".into(),
            7,
            app("root"),
        ),
        (
            "app-wave-no-health".into(),
            "apps/web.yaml".into(),
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
    if kustomize {
        // overlays/broken names a file that does not exist: the build fails.
        want.push((
            "render-failed".into(),
            "apps/broken.yaml".into(),
            11,
            app("broken"),
        ));
    } else {
        eprintln!(
            "kustomize/kubectl not installed: the overlays are linted as written, unrendered"
        );
    }
    if helm {
        // Rendered with values-prod.yaml: the template's bad imagePullPolicy is a schema error.
        want.push((
            "schema".into(),
            "charts/db/templates/statefulset.yaml".into(),
            19,
            app("db"),
        ));
    } else {
        eprintln!("helm not installed: the chart app is not rendered; its templates are skipped");
        want.push((
            "skipped-file".into(),
            "charts/db/Chart.yaml".into(),
            1,
            None,
        ));
    }
    let mut found = found;
    found.sort();
    want.sort();
    assert_eq!(found, want);
    // The ApplicationSet's generated apps own their tenants' manifests: the two identical
    // ConfigMaps are in different apps, so they are no duplicates.
    assert_eq!(summary.unvalidated, 0);
}

#[test]
fn generated_apps_and_rendered_plans() {
    let dir = checkout("repo-platform-plan");
    let loaded = synclint::render(
        synclint::load::load(&[dir.to_string_lossy().into_owned()], None).unwrap(),
    );
    let parsed = synclint::load::parse_all(&loaded);
    let a = synclint::analyze(&loaded, &parsed);
    let names: Vec<&str> = a
        .model
        .apps
        .iter()
        .filter(|x| !x.is_implicit())
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
    let tenant = a.model.apps.iter().find(|x| x.name == "tenant-a").unwrap();
    assert_eq!(tenant.dest_namespace, Some("a"));
    assert!(tenant.self_heal);
    assert_eq!(tenant.resources.len(), 1);
    if synclint::render::tool().is_some() {
        let web = a.model.apps.iter().find(|x| x.name == "web").unwrap();
        let names: Vec<String> = web
            .resources
            .iter()
            .map(|&r| a.model.resources[r].display())
            .collect();
        assert_eq!(
            names,
            vec!["Deployment/prod-web", "HorizontalPodAutoscaler/prod-web"]
        );
    }
    // The root app's plan orders its child apps by wave.
    let root = a.model.apps.iter().find(|x| x.name == "root").unwrap();
    let plan = &a.plans[root.id];
    let order: Vec<&str> = plan.tasks.iter().map(|t| t.name).collect();
    let pos = |n: &str| order.iter().position(|x| *x == n).unwrap();
    assert!(
        pos("db") < pos("web") && pos("web") < pos("monitoring"),
        "{order:?}"
    );
}

#[test]
fn no_render_lints_the_raw_files() {
    let dir = checkout("repo-platform-raw");
    let loaded = synclint::load::load(&[dir.to_string_lossy().into_owned()], None).unwrap();
    let parsed = synclint::load::parse_all(&loaded);
    let a = synclint::analyze(&loaded, &parsed);
    let web = a.model.apps.iter().find(|x| x.name == "web").unwrap();
    let names: Vec<String> = web
        .resources
        .iter()
        .map(|&r| a.model.resources[r].display())
        .collect();
    assert_eq!(names, vec!["Deployment/web", "HorizontalPodAutoscaler/web"]);
}
