//! Throughput over a generated tree: `cargo bench` (or `cargo bench -- 20000` for the document
//! count). Reports load+parse, model+plan+rules, and the whole pipeline, best of 5 runs.
//! A plain harness keeps CI free of a benchmarking framework's build time.

use std::path::Path;
use std::time::{Duration, Instant};

/// A realistic app: a PreSync migration with its RBAC, config, a Deployment with HPA, a Service.
/// Its ConfigMap is a plain Sync resource, so every app carries one real sync-deadlock: the
/// benchmark measures reporting too.
fn app(i: usize) -> String {
    format!(
        r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator-{i}
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/sync-wave: "-1"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-{i}
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate-{i}
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded
spec:
  activeDeadlineSeconds: 600
  backoffLimit: 1
  template:
    spec:
      serviceAccountName: migrator-{i}
      restartPolicy: Never
      containers:
      - name: migrate
        image: registry.example.com/migrate:{i}
        envFrom:
        - configMapRef:
            name: config-{i}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  labels: {{app: web-{i}, tier: frontend}}
spec:
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}}}
    spec:
      containers:
      - name: web
        image: registry.example.com/web:{i}
        ports: [{{containerPort: 8080}}]
        env:
        - name: LOG_LEVEL
          valueFrom:
            configMapKeyRef: {{name: config-{i}, key: LOG_LEVEL}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web-{i}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web-{i}}}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
spec:
  selector: {{app: web-{i}}}
  ports: [{{port: 80, targetPort: 8080}}]
"#
    )
}

fn generate(root: &Path, docs: usize) -> usize {
    let _ = std::fs::remove_dir_all(root);
    let apps = docs.div_ceil(6);
    let mut bytes = 0;
    for i in 0..apps {
        let dir = root.join(format!("team-{}/app-{i}", i % 50));
        std::fs::create_dir_all(&dir).unwrap();
        let text = app(i);
        bytes += text.len();
        std::fs::write(dir.join("manifests.yaml"), text).unwrap();
    }
    bytes
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let docs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-tree");
    let bytes = generate(&root, docs);
    let input = vec![root.to_string_lossy().into_owned()];
    let mb = bytes as f64 / 1e6;

    let load = best(5, || {
        let l = synclint::load::load(&input, None).unwrap();
        let p = synclint::load::parse_all(&l);
        p.len()
    });
    let loaded = synclint::load::load(&input, None).unwrap();
    let parsed = synclint::load::parse_all(&loaded);
    let analyze = best(5, || synclint::analyze(&loaded, &parsed).diagnostics.len());
    let total = best(5, || synclint::check_paths(&input, None).unwrap().1.len());

    let a = synclint::analyze(&loaded, &parsed);
    println!(
        "generated {docs} documents, {mb:.1} MB in {} files; {} findings",
        loaded.files.len(),
        a.diagnostics.len()
    );
    println!(
        "load + parse       {:>8.1} ms  ({:.1} MB/s)",
        load.as_secs_f64() * 1e3,
        mb / load.as_secs_f64()
    );
    println!("model + plan + lint{:>8.1} ms", analyze.as_secs_f64() * 1e3);
    println!(
        "whole pipeline     {:>8.1} ms  ({:.0} documents/s)",
        total.as_secs_f64() * 1e3,
        docs as f64 / total.as_secs_f64()
    );
}
