//! The fuzz targets' bodies (`synclint::fuzz`, also run by cargo-fuzz in `fuzz/`) over a seeded
//! random corpus, on the stable toolchain, in every `cargo test`: seeds from the fixtures and the
//! classes of issue 9, mutated (byte edits, hostile tokens, nesting, splices). Deterministic (a
//! fixed seed), bounded by a time budget per target. A panic fails with the input saved under
//! the target's temp dir; a stack overflow aborts the test binary, which fails too.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Per target: stop at this many inputs or this much time, whichever comes first.
const BUDGET: Duration = Duration::from_millis(if cfg!(debug_assertions) { 1000 } else { 3000 });

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that reach the interesting corners of YAML, jq, cron and glob grammars.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: *a",
    "\"",
    "'",
    "\\(",
    "\\",
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "---\n",
    "...\n",
    "#",
    "|",
    ">",
    "!!str ",
    "!tag ",
    "%YAML 1.2\n",
    "? ",
    ",",
    "**",
    "*",
    "?",
    "{a,b}",
    "[!a]",
    "[^a]",
    "$x",
    ".a",
    ".[]",
    "//",
    "as $x | ",
    "reduce ",
    "def f: .; ",
    "@base64 ",
    "0 0 * * *",
    "*/5",
    "1-5",
    "TZ=UTC ",
    "jan-dec",
    "L",
    "\u{1b}[31m",
    "\u{0}",
    "\u{feff}",
    "é",
    "apiVersion: v1\n",
    "kind: ConfigMap\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\n",
    "kind: ApplicationSet\n",
    "metadata:\n  name: x\n",
    "spec:\n",
    "resources:\n- ",
    "jqPathExpressions: [",
    "schedule: ",
    "rules:\n  ",
    "exclude: [",
    "limits:\n  depth: ",
    "99999999999999999999",
    "-1",
    "0x1F",
    "~",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(input.len() + 1);
        match rng.below(9) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            1 if !input.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(input.len());
                input.drain(at.min(end)..end);
            }
            2 | 3 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                input.splice(at..at, t.iter().copied());
            }
            4 => {
                // Nesting: the same opener many times, closed or not.
                let (open, close) = [
                    ("[", "]"),
                    ("{a: ", "}"),
                    ("(", ")"),
                    ("- ", ""),
                    ("\\(\"", "\")"),
                ][rng.below(5)];
                let n = 1 + rng.below(400);
                let mut s = open.repeat(n);
                if rng.below(2) == 0 {
                    s.push_str(&close.repeat(n));
                }
                input.splice(at..at, s.bytes());
            }
            5 if !input.is_empty() => {
                // Duplicate a chunk (repeated keys, documents).
                let from = rng.below(input.len());
                let end = (from + 1 + rng.below(64)).min(input.len());
                let chunk: Vec<u8> = input[from..end].to_vec();
                for _ in 0..1 + rng.below(20) {
                    input.splice(at..at, chunk.iter().copied());
                }
            }
            6 => {
                // Splice another seed.
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(200)).min(other.len());
                input.splice(at..at, other[from..end].iter().copied());
            }
            7 => input.truncate(at),
            _ => {}
        }
    }
    input.truncate(256 * 1024);
}

/// Run `body` over the seeds, then mutated inputs, for `BUDGET`; returns how many ran.
fn run(name: &str, seeds: &[&str], max: usize, body: impl Fn(&[u8])) -> usize {
    let seeds: Vec<Vec<u8>> = seeds.iter().map(|s| s.as_bytes().to_vec()).collect();
    let mut rng =
        Rng(0x5eed_0000_0000_0001 ^ (name.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let start = Instant::now();
    let mut n = 0;
    let mut input = Vec::new();
    while n < max && (n < seeds.len() || start.elapsed() < BUDGET) {
        if n < seeds.len() {
            input.clone_from(&seeds[n]);
        } else {
            if rng.below(4) == 0 {
                input.clone_from(&seeds[rng.below(seeds.len())]);
            }
            mutate(&mut rng, &seeds, &mut input);
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&input)));
        if r.is_err() {
            let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-crash-{name}"));
            std::fs::write(&p, &input).unwrap();
            panic!("{name}: the input saved at {} panics", p.display());
        }
        n += 1;
    }
    eprintln!("{name}: {n} inputs in {:?}", start.elapsed());
    n
}

fn fixtures() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures"
    ))];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                out.push(t);
            }
        }
    }
    out.sort();
    out
}

const MANIFESTS: &[&str] = &[
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\ndata: {k: v}\n",
    "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a, namespace: argocd}\nspec:\n  project: default\n  source: {repoURL: 'https://e.com/r.git', path: p, directory: {include: '{a,b}*.yaml'}}\n  destination: {server: 'https://kubernetes.default.svc', namespace: d}\n  ignoreDifferences:\n  - {group: apps, kind: Deployment, jqPathExpressions: ['.spec.replicas']}\n  syncPolicy: {automated: {}, syncOptions: [CreateNamespace=true]}\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s, namespace: argocd}\nspec:\n  generators:\n  - matrix:\n      generators:\n      - list: {elements: [{a: '1'}, {a: '2'}]}\n      - git: {repoURL: 'https://e.com/r.git', revision: HEAD, directories: [{path: '**/x'}]}\n  template:\n    metadata: {name: 'x-{{a}}'}\n    spec: {project: default, source: {repoURL: 'https://e.com/r.git', path: '{{path}}'}, destination: {server: 'https://kubernetes.default.svc', namespace: d}}\n",
    "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p, namespace: argocd}\nspec:\n  syncWindows:\n  - {kind: allow, schedule: '0 22 * * *', duration: 1h, applications: ['*']}\n",
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: foos.x.io}\nspec:\n  group: x.io\n  names: {kind: Foo, plural: foos}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {n: {type: integer}}}}}\n---\napiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f, namespace: n}\nspec: {n: x}\n",
    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations: {argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/sync-wave: '-1'}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: x}]\n",
    "resources:\n- base\n- https://github.com/o/r//b?ref=v1\npatches:\n- path: p.yaml\nconfigMapGenerator:\n- name: c\n  files: [a=b.txt]\n",
    "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- {name: r, version: 1.0.0, repository: 'https://charts.e.com'}\n",
];

#[test]
fn fuzz_yaml() {
    let mut seeds: Vec<String> = fixtures();
    seeds.extend(MANIFESTS.iter().map(|s| s.to_string()));
    let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
    run("yaml", &seeds, 20_000, synclint::fuzz::yaml);
}

#[test]
fn fuzz_jq() {
    run(
        "jq",
        &[
            ".spec.replicas",
            ".metadata.labels[\"app.kubernetes.io/name\"]",
            ".spec.template.spec.containers[] | select(.name == \"x\") | .image",
            "reduce .[] as [$a, $b] (0; . + $a)",
            "def f(g): g | g; f(.a) // empty",
            "\"x\\(.a)y\" | ascii_downcase",
            "{a: .b, (.c): 1, $__loc__}",
            "if .a then .b elif .c then .d else .e end",
            "try error(\"x\") catch .",
            "label $out | foreach .[] as $i (0; . + 1; if . > 3 then ., break $out else empty end)",
            ". as {a: $x, b: [$y, $z]} ?// [$x] | $x",
            ".a[1:2], .b[:3], .c[-1:]",
        ],
        50_000,
        synclint::fuzz::jq,
    );
}

#[test]
fn fuzz_cron() {
    run(
        "cron",
        &[
            "0 22 * * *",
            "*/15 9-17 * * mon-fri",
            "TZ=Europe/Berlin 0 0 1 jan,jul *",
            "CRON_TZ=UTC 5,10-20/2 * ? * 0-6",
            "@daily",
            "0 0 31 2 *",
        ],
        50_000,
        synclint::fuzz::cron,
    );
}

#[test]
fn fuzz_glob() {
    run(
        "glob",
        &[
            "*.yaml\0a.yaml",
            "{a,b}/**/c?.y[a-z]ml\0a/x/y/c1.yaml",
            "**/**/**/x\0a/b/c/x",
            "[!abc]*\0d",
            "apps/{web,{api,worker}-*}\0apps/api-1",
            "\\*\0*",
        ],
        50_000,
        synclint::fuzz::glob,
    );
}

#[test]
fn fuzz_config() {
    run(
        "config",
        &[
            "rules:\n  sync-deadlock: off\n  hook-ttl: warning\nexclude: [\"vendor/**\"]\nfail-on: warning\n",
            "kubernetes-version: \"1.31\"\nargocd:\n  version: \"2.13\"\n  health-checks: [\"example.com/Foo\"]\n",
            "limits:\n  file-bytes: 1000\n  depth: 10\n  findings-per-file: 5\nrender: false\nschema-dirs: [schemas]\n",
            "repo-urls: [\"https://e.com/r.git\"]\nstorage-classes: [local]\nstrict-kinds: true\n",
        ],
        50_000,
        synclint::fuzz::config,
    );
}

#[test]
fn fuzz_tree() {
    let dir = tempfile::tempdir().unwrap();
    let mut seeds: Vec<String> = Vec::new();
    // A whole analysis is slow in a debug build: the hand-written seeds and a few fixtures.
    let some: Vec<String> = fixtures().into_iter().step_by(6).collect();
    for (i, s) in MANIFESTS
        .iter()
        .map(|s| s.to_string())
        .chain(some)
        .enumerate()
    {
        // The first byte picks the file's role (see `synclint::fuzz::tree`).
        seeds.push(format!("{}{s}", (b'0' + (i % 4) as u8) as char));
    }
    let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
    run("tree", &seeds, 5_000, |d| {
        synclint::fuzz::tree(dir.path(), d)
    });
}
