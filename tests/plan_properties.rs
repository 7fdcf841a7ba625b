//! Generated plans (seeded, so a failure reproduces): random phases, waves up to the int64
//! extremes, hooks, SyncFail hooks, delete policies, paused and suspended objects, dependencies,
//! single- and multi-step plans. Every rule and every plan format runs on each without a panic
//! and without an `internal-error` finding. In memory, below the loader's filesystem walk.

use std::fmt::Write as _;
use std::path::PathBuf;

use synclint::Workspace;
use synclint::limits::Limits;
use synclint::model::jobs::Rendered;
use synclint::model::{Model, Settings};
use synclint::rules::{self, Cx};

/// xorshift64*: small, seeded, good enough to pick from lists.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const NAMES: &[&str] = &["a", "b", "data", "migrate-", "web"];
const WAVES: &[&str] = &[
    "-1",
    "0",
    "1",
    "2",
    "5",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775806",
    "1.5",
    "",
    "99999999999999999999",
];
const HOOKS: &[&str] = &[
    "PreSync",
    "Sync",
    "PostSync",
    "SyncFail",
    "Skip",
    "PreDelete",
    "PostDelete",
    "",
    "presync",
    "PreSync,SyncFail",
    "Sync,PostSync",
    "Skip,PreSync",
    "PostDelete,PreSync",
    " , ",
];
const HELM_HOOKS: &[&str] = &[
    "pre-install",
    "post-upgrade",
    "crd-install",
    "crd-install,pre-install",
    "test",
    "pre-delete",
];
const POLICIES: &[&str] = &[
    "HookSucceeded",
    "HookFailed",
    "BeforeHookCreation",
    "HookSucceeded,HookFailed",
    "BeforeHookCreation,HookSucceeded",
    "hooksucceeded",
    "",
];
const KINDS: &[&str] = &[
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Deployment",
    "StatefulSet",
    "Job",
    "Pod",
    "CronJob",
    "Rollout",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "Namespace",
    "CustomResourceDefinition",
    "Widget",
    "Service",
    "Ingress",
    "Application",
];

fn api_version(kind: &str) -> &'static str {
    match kind {
        "Deployment" | "StatefulSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        "Rollout" | "Application" => "argoproj.io/v1alpha1",
        "StorageClass" => "storage.k8s.io/v1",
        "CustomResourceDefinition" => "apiextensions.k8s.io/v1",
        "Widget" => "example.com/v1",
        "Ingress" => "networking.k8s.io/v1",
        _ => "v1",
    }
}

/// A pod spec with random references, at `indent`.
fn pod_spec(rng: &mut Rng, out: &mut String, indent: &str) {
    let _ = writeln!(
        out,
        "{indent}restartPolicy: {}",
        rng.pick(&["Never", "Always", "OnFailure"])
    );
    if rng.chance(50) {
        let _ = writeln!(out, "{indent}serviceAccountName: {}", rng.pick(NAMES));
    }
    let _ = writeln!(
        out,
        "{indent}containers:\n{indent}- name: main\n{indent}  image: img:1"
    );
    if rng.chance(60) {
        let _ = writeln!(
            out,
            "{indent}  envFrom:\n{indent}  - {}: {{name: {}}}",
            rng.pick(&["secretRef", "configMapRef"]),
            rng.pick(NAMES)
        );
    }
    if rng.chance(50) {
        let _ = writeln!(
            out,
            "{indent}volumes:\n{indent}- name: v\n{indent}  persistentVolumeClaim: {{claimName: {}}}",
            rng.pick(NAMES)
        );
    }
}

/// One generated object (a YAML document).
fn object(rng: &mut Rng) -> String {
    let kind = rng.pick(KINDS);
    let mut s = format!(
        "apiVersion: {}\nkind: {kind}\nmetadata:\n",
        api_version(kind)
    );
    let name = rng.pick(NAMES);
    if name.ends_with('-') && rng.chance(70) {
        let _ = writeln!(s, "  generateName: {name}");
    } else {
        let _ = writeln!(s, "  name: {}", name.trim_end_matches('-'));
    }
    if rng.chance(20) {
        let _ = writeln!(s, "  namespace: {}", rng.pick(&["shop", "other"]));
    }
    let mut ann = String::new();
    if rng.chance(60) {
        let _ = writeln!(
            ann,
            "    argocd.argoproj.io/sync-wave: \"{}\"",
            rng.pick(WAVES)
        );
    }
    if rng.chance(50) {
        let _ = writeln!(ann, "    argocd.argoproj.io/hook: \"{}\"", rng.pick(HOOKS));
    }
    if rng.chance(15) {
        let _ = writeln!(ann, "    helm.sh/hook: \"{}\"", rng.pick(HELM_HOOKS));
    }
    if rng.chance(10) {
        let _ = writeln!(ann, "    helm.sh/hook-weight: \"{}\"", rng.pick(WAVES));
    }
    if rng.chance(35) {
        let _ = writeln!(
            ann,
            "    argocd.argoproj.io/hook-delete-policy: \"{}\"",
            rng.pick(POLICIES)
        );
    }
    if rng.chance(10) {
        let _ = writeln!(
            ann,
            "    argocd.argoproj.io/sync-options: \"{}\"",
            rng.pick(&[
                "Prune=false",
                "ServerSideApply=false",
                "CreateNamespace=true"
            ])
        );
    }
    if kind == "StorageClass" && rng.chance(50) {
        ann.push_str("    storageclass.kubernetes.io/is-default-class: \"true\"\n");
    }
    if !ann.is_empty() {
        s.push_str("  annotations:\n");
        s.push_str(&ann);
    }
    match kind {
        "Deployment" | "StatefulSet" | "Rollout" => {
            s.push_str("spec:\n");
            if rng.chance(30) {
                let _ = writeln!(s, "  paused: {}", rng.pick(&["true", "false", "yes"]));
            }
            if rng.chance(20) {
                let _ = writeln!(s, "  replicas: {}", rng.pick(&["0", "1", "3"]));
            }
            s.push_str("  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n");
            pod_spec(rng, &mut s, "      ");
        }
        "Job" => {
            s.push_str("spec:\n");
            if rng.chance(30) {
                let _ = writeln!(s, "  suspend: {}", rng.pick(&["true", "false"]));
            }
            if rng.chance(50) {
                s.push_str("  activeDeadlineSeconds: 60\n");
            }
            s.push_str("  template:\n    spec:\n");
            pod_spec(rng, &mut s, "      ");
        }
        "CronJob" => {
            s.push_str("spec:\n  schedule: \"* * * * *\"\n  suspend: true\n  jobTemplate:\n    spec:\n      template:\n        spec:\n");
            pod_spec(rng, &mut s, "          ");
        }
        "Pod" => {
            s.push_str("spec:\n");
            pod_spec(rng, &mut s, "  ");
        }
        "PersistentVolumeClaim" => {
            s.push_str("spec:\n");
            if rng.chance(70) {
                let _ = writeln!(
                    s,
                    "  storageClassName: \"{}\"",
                    rng.pick(&["a", "b", "", "gp3"])
                );
            }
            if rng.chance(10) {
                s.push_str("  volumeName: pv-1\n");
            }
        }
        "StorageClass" => {
            let _ = writeln!(
                s,
                "provisioner: x\nvolumeBindingMode: {}",
                rng.pick(&["WaitForFirstConsumer", "Immediate"])
            );
        }
        "CustomResourceDefinition" => {
            s.push_str("spec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n");
        }
        "Service" => {
            let _ = writeln!(
                s,
                "spec:\n  type: {}",
                rng.pick(&["ClusterIP", "LoadBalancer"])
            );
        }
        "Application" => {
            s.push_str("spec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: shop}\n");
        }
        _ => {}
    }
    s
}

/// A workspace of `apps` directories (one implicit app each), some split over two files.
fn workspace(rng: &mut Rng, apps: usize) -> Workspace {
    let limits = Limits::default();
    let mut ws = Workspace::default();
    // One directory input: every directory below is an implicit app, as for `synclint check`.
    ws.roots.push(synclint::load::Root {
        name: "prop".into(),
        repo_roots: Vec::new(),
        is_dir: true,
        files: Vec::new(),
    });
    for a in 0..apps {
        let files = 1 + usize::from(rng.chance(15));
        for f in 0..files {
            let docs = 1 + rng.below(4);
            let text: Vec<String> = (0..docs).map(|_| object(rng)).collect();
            let path = PathBuf::from(format!("/prop/app{a}/f{f}.yaml"));
            ws.set_overlay(
                &path,
                format!("app{a}/f{f}.yaml"),
                text.join("---\n"),
                &limits,
            );
        }
    }
    // Sometimes the instance's health checks are in the tree.
    if rng.chance(20) {
        ws.set_overlay(
            &PathBuf::from("/prop/argocd/argocd-cm.yaml"),
            "argocd/argocd-cm.yaml".into(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  resource.customizations.health.apps_Deployment: |\n    return {}\n  resource.customizations.health.argoproj.io_Application: |\n    return {}\n".into(),
            &limits,
        );
    }
    ws
}

/// What one worker saw.
#[derive(Default)]
struct Tally {
    plans: usize,
    multi_step: usize,
    sync_fail: usize,
}

/// Lint `count` generated workspaces from `seed`; panics on any crash or internal error.
fn run(seed: u64, count: usize) -> Tally {
    let mut rng = Rng(seed);
    let rendered = Rendered::default();
    let limits = Limits::default();
    let mut tally = Tally::default();
    for w in 0..count {
        let ws = workspace(&mut rng, APPS);
        let settings = Settings {
            storage_classes: vec!["gp3".into()],
            ..Settings::default()
        };
        let model = Model::build(&ws, &rendered, &settings);
        let mut errors = Vec::new();
        let plans = synclint::plan::build_all(&model, &mut errors);
        assert!(
            errors.is_empty(),
            "seed {seed:#x}, workspace {w}: {errors:?}"
        );
        let cx = Cx {
            model: &model,
            plans: &plans,
            kubernetes_minor: 33,
            schemas: None,
            strict_kinds: false,
            limits: &limits,
            focus: &|_| true,
        };
        let diags = rules::run(&cx, &|_| true);
        if let Some(d) = diags.iter().find(|d| d.rule == rules::INTERNAL_ERROR) {
            let f = &model.files[d.file];
            panic!(
                "seed {seed:#x}, workspace {w}: {}\n--- {}\n{}",
                d.message,
                f.name,
                f.text()
            );
        }
        let view = synclint::plan::view::build(&model, &plans);
        let _ = synclint::report::plan::table(&ws.files, &view);
        let _ = synclint::report::plan::mermaid(&view);
        // Pretty JSON is slow in a debug build; a sample is enough for the formatter.
        if w % 8 == 0 {
            let _ = synclint::report::plan::json(&ws.files, &view);
        }
        tally.plans += plans.len();
        tally.multi_step += plans.iter().filter(|p| p.multi_step).count();
        tally.sync_fail += plans.iter().filter(|p| !p.sync_fail.is_empty()).count();
    }
    tally
}

const APPS: usize = 20;

#[test]
fn ten_thousand_generated_plans_run_every_rule_and_format_without_a_panic() {
    const WORKSPACES: usize = 440;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let per = WORKSPACES.div_ceil(workers);
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|i| s.spawn(move || run(0x5eed_1234_abcd_0001 + i as u64 * 0x9e37_79b9, per)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let plans: usize = tallies.iter().map(|t| t.plans).sum();
    let multi_step: usize = tallies.iter().map(|t| t.multi_step).sum();
    let sync_fail: usize = tallies.iter().map(|t| t.sync_fail).sum();
    eprintln!("{plans} plans, {multi_step} multi-step, {sync_fail} with SyncFail hooks");
    assert!(plans >= 10_000, "only {plans} plans");
    // The generator reaches the cases that matter.
    assert!(multi_step > plans / 4, "{multi_step} multi-step plans");
    assert!(sync_fail > plans / 20, "{sync_fail} with SyncFail hooks");
}
