//! `cargo bench --bench server_latency [-- DIR]`: how fast `synclint server` answers after a
//! one-file edit, once the first full lint is done. Without DIR it lints a generated tree of
//! 3,000 manifest files (300 apps of 10 files, each app an Application in `apps/`).
//!
//! For a sample of plain manifest files it opens the file, then 20 times sends a `didChange`
//! (the whole text, one line added) followed at once by a hover: the hover is answered after the
//! edit is applied and its apps re-linted, so its round trip is the edit-to-answer latency. The
//! server's own timing of each re-lint comes from its log. The release binary is used
//! (`target/release/synclint`, or `SYNCLINT`); `--no-render` unless `RENDER=1`.

#[path = "../tests/common/lsp.rs"]
mod lsp;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp::{Client, uri};
use serde_json::json;

fn generate(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::create_dir_all(dir.join("apps")).unwrap();
    for i in 0..300 {
        let app = format!("svc-{i:03}");
        let d = dir.join(&app);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            dir.join("apps").join(format!("{app}.yaml")),
            format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {app}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/repo.git\n    path: {app}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {app}\n  syncPolicy:\n    automated: {{}}\n"
            ),
        )
        .unwrap();
        let meta = |kind: &str, wave: i32| {
            format!(
                "kind: {kind}\nmetadata:\n  name: {app}\n  labels:\n    app: {app}\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{wave}\"\n"
            )
        };
        let files = [
            (
                "serviceaccount.yaml",
                format!("apiVersion: v1\n{}", meta("ServiceAccount", -1)),
            ),
            (
                "configmap.yaml",
                format!(
                    "apiVersion: v1\n{}data:\n  LOG_LEVEL: info\n",
                    meta("ConfigMap", -1)
                ),
            ),
            (
                "secret.yaml",
                format!(
                    "apiVersion: v1\n{}type: Opaque\nstringData:\n  password: x\n",
                    meta("Secret", -1)
                ),
            ),
            (
                "service.yaml",
                format!(
                    "apiVersion: v1\n{}spec:\n  selector:\n    app: {app}\n  ports:\n  - port: 80\n    targetPort: 8080\n",
                    meta("Service", 0)
                ),
            ),
            (
                "deployment.yaml",
                format!(
                    "apiVersion: apps/v1\n{}spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n      serviceAccountName: {app}\n      containers:\n      - name: app\n        image: nginx:1.27\n        envFrom:\n        - configMapRef:\n            name: {app}\n        env:\n        - name: PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: {app}\n              key: password\n        ports:\n        - containerPort: 8080\n        resources:\n          requests:\n            cpu: 10m\n            memory: 32Mi\n",
                    meta("Deployment", 0)
                ),
            ),
            (
                "hpa.yaml",
                format!(
                    "apiVersion: autoscaling/v2\n{}spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {app}\n  minReplicas: 2\n  maxReplicas: 5\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: 80\n",
                    meta("HorizontalPodAutoscaler", 1)
                ),
            ),
            (
                "pdb.yaml",
                format!(
                    "apiVersion: policy/v1\n{}spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: {app}\n",
                    meta("PodDisruptionBudget", 1)
                ),
            ),
            (
                "ingress.yaml",
                format!(
                    "apiVersion: networking.k8s.io/v1\n{}spec:\n  rules:\n  - host: {app}.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {app}\n            port:\n              number: 80\n",
                    meta("Ingress", 1)
                ),
            ),
            (
                "networkpolicy.yaml",
                format!(
                    "apiVersion: networking.k8s.io/v1\n{}spec:\n  podSelector:\n    matchLabels:\n      app: {app}\n  policyTypes: [Ingress]\n",
                    meta("NetworkPolicy", 1)
                ),
            ),
            (
                "migrate.yaml",
                format!(
                    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {app}-migrate\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation\nspec:\n  backoffLimit: 1\n  activeDeadlineSeconds: 300\n  ttlSecondsAfterFinished: 600\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: busybox:1.36\n"
                ),
            ),
        ];
        for (name, text) in files {
            std::fs::write(d.join(name), text).unwrap();
        }
    }
}

/// Plain manifests (not Argo CD objects, not kustomizations) to edit, spread over the tree.
fn sample(dir: &Path, n: usize) -> Vec<PathBuf> {
    let mut all = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let t = std::fs::read_to_string(&p).unwrap_or_default();
                let plain = (t.contains("kind: Deployment") || t.contains("kind: ConfigMap"))
                    && !t.contains("apiVersion: argoproj.io")
                    && !t.contains("{{")
                    && !p
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with("kustomization");
                if plain {
                    all.push(p);
                }
            }
        }
    }
    all.sort();
    let step = (all.len() / n).max(1);
    all.into_iter().step_by(step).take(n).collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(label: &str, mut v: Vec<f64>) {
    v.sort_by(f64::total_cmp);
    let pick = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "  {label:<36} median {:>6.1} ms   p90 {:>6.1} ms   max {:>6.1} ms   ({} edits)",
        pick(0.5),
        pick(0.9),
        pick(1.0),
        v.len()
    );
}

fn main() {
    let arg = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let dir = match arg {
        Some(d) => PathBuf::from(d).canonicalize().expect("DIR"),
        None => {
            let d = std::env::temp_dir().join("synclint-server-latency");
            generate(&d);
            d
        }
    };
    let render = std::env::var_os("RENDER").is_some();
    let args: &[&str] = if render { &[] } else { &["--no-render"] };
    println!("synclint server latency on {}", dir.display());
    let t = Instant::now();
    let mut c = Client::start(&dir, args);
    c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&dir),
            "capabilities": {},
            // Only the hover triggers the re-lint; no full pass runs during the measurement.
            "initializationOptions": {"debounceMs": 600000, "idleMs": 600000},
        }),
    );
    c.notify("initialized", json!({}));
    let files = sample(&dir, 10);
    assert!(
        !files.is_empty(),
        "no plain manifest to edit under {}",
        dir.display()
    );
    let hover = |c: &mut Client, u: &str| {
        c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 0}}),
        )
    };
    hover(&mut c, &uri(&files[0]));
    let first = t.elapsed();
    let logs = c.logs();
    println!(
        "  load + first full lint: {:.0} ms ({})",
        ms(first),
        logs.iter()
            .find(|l| l.starts_with("first lint"))
            .map_or("", |s| s)
    );
    if render {
        // Let the background render land and its full pass finish.
        std::thread::sleep(Duration::from_secs(20));
        for l in c.logs() {
            println!("  {l}");
        }
    }
    let mut round_trips = Vec::new();
    for f in &files {
        let u = uri(f);
        let text = std::fs::read_to_string(f).unwrap();
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}}),
        );
        hover(&mut c, &u);
        for i in 0..20 {
            let edited = format!("{text}\n# edit {i}\n");
            let t = Instant::now();
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": u, "version": i + 2}, "contentChanges": [{"text": edited}]}),
            );
            hover(&mut c, &u);
            round_trips.push(ms(t.elapsed()));
        }
        c.clear();
    }
    let relints: Vec<f64> = c
        .logs()
        .iter()
        .filter_map(|l| l.strip_prefix("re-lint of 1 changed file(s): "))
        .filter_map(|l| l.trim_end_matches(" ms").parse().ok())
        .collect();
    println!(
        "  {} files edited: {}",
        files.len(),
        files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap_or(f).display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    stats("edit → hover answered (round trip)", round_trips);
    if !relints.is_empty() {
        stats("server's re-lint (scoped pass)", relints);
    }
    c.request("shutdown", serde_json::Value::Null);
    c.notify("exit", serde_json::Value::Null);
    let _ = c.child.wait();
}
