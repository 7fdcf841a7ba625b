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

fn has(found: &[Finding], rule: &str, file: &str, line: usize, app: Option<&str>) -> bool {
    found
        .iter()
        .any(|(r, f, l, a)| r == rule && f == file && *l == line && a.as_deref() == app)
}

#[test]
fn the_platform_repository() {
    let dir = checkout("repo-platform");
    let (found, summary) = lint(&dir);
    let kustomize = synclint::render::tool().is_some();
    let helm = synclint::render::helm_tool().is_some();
    let show = format!("{found:#?}");

    // App-of-apps: children with waves, no Application health check in argocd-cm.
    assert!(
        has(
            &found,
            "app-wave-no-health",
            "apps/db.yaml",
            7,
            Some("root")
        ),
        "{show}"
    );
    assert!(
        has(
            &found,
            "app-wave-no-health",
            "apps/web.yaml",
            7,
            Some("root")
        ),
        "{show}"
    );
    // A source path that the repository does not have.
    assert!(
        has(
            &found,
            "unknown-path",
            "apps/legacy.yaml",
            11,
            Some("legacy")
        ),
        "{show}"
    );
    // The restricted project allows no cluster-scoped kinds.
    assert!(
        has(
            &found,
            "project-denies-resource",
            "monitoring/clusterrole.yaml",
            2,
            Some("monitoring")
        ),
        "{show}"
    );
    // A subdirectory the directory app does not read.
    assert!(
        has(
            &found,
            "orphan-manifest",
            "monitoring/extra/dashboard.yaml",
            1,
            Some("monitoring")
        ),
        "{show}"
    );

    if kustomize {
        // Rendered: the overlay's Deployment (renamed prod-web, replicas patched to 4) and its
        // HPA fight under selfHeal; the finding points at `replicas` in the base file.
        assert!(
            has(
                &found,
                "hpa-replicas-fight",
                "base/deployment.yaml",
                6,
                Some("web")
            ),
            "{show}"
        );
    } else {
        eprintln!("kustomize/kubectl not installed: the overlay app is linted as written");
        assert!(
            has(
                &found,
                "hpa-replicas-fight",
                "base/deployment.yaml",
                6,
                Some("web")
            ),
            "{show}"
        );
    }

    if helm {
        // Rendered with values-prod.yaml: the template's bad imagePullPolicy is a schema error.
        assert!(
            found.iter().any(|(r, f, _, a)| r == "schema"
                && f == "charts/db/templates/statefulset.yaml"
                && a.as_deref() == Some("db")),
            "{show}"
        );
    } else {
        eprintln!("helm not installed: the chart app's rendering is not tested here");
        assert!(
            has(&found, "skipped-file", "charts/db/Chart.yaml", 1, None),
            "{show}"
        );
    }

    // The ApplicationSet's generated apps own their tenants' manifests: the two identical
    // ConfigMaps are in different apps, so they are no duplicates.
    assert!(
        !found.iter().any(|(r, ..)| r == "duplicate-resource"),
        "{show}"
    );
    assert!(
        !found.iter().any(|(r, ..)| r == "unresolved-generator"),
        "{show}"
    );
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
