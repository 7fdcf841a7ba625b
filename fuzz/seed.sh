#!/usr/bin/env bash
# Seed fuzz/corpus/<target>/ from the repository's own fixtures and a few hand-written inputs
# (the same seeds tests/fuzz_corpus.rs starts from). Safe to re-run: it only adds files.
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p $c/yaml $c/tree $c/jq $c/cron $c/glob $c/config
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  cp "$f" "$c/yaml/fixture-$i"
  # The tree target's first byte picks the file's role: 0 and 1 a manifest, 2 a kustomization, 3 a Chart.yaml.
  { printf '%s' "$((i % 4))"; cat "$f"; } > "$c/tree/fixture-$i"
done < <(find tests/fixtures examples -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
seed() { # target name text
  printf '%b' "$3" > "$c/$1/$2"
}
seed jq path '.spec.replicas'
seed jq select '.spec.template.spec.containers[] | select(.name == "x") | .image'
seed jq reduce 'reduce .[] as [$a, $b] (0; . + $a)'
seed jq def 'def f(g): g | g; f(.a) // empty'
seed jq interp '"x\\(.a)y" | ascii_downcase'
seed jq object '{a: .b, (.c): 1, $__loc__}'
seed jq cond 'if .a then .b elif .c then .d else .e end'
seed jq label 'label $out | foreach .[] as $i (0; . + 1; if . > 3 then ., break $out else empty end)'
seed jq slice '.a[1:2], .b[:3], .c[-1:]'
seed cron daily '0 22 * * *'
seed cron ranges '*/15 9-17 * * mon-fri'
seed cron tz 'TZ=Europe/Berlin 0 0 1 jan,jul *'
seed cron crontz 'CRON_TZ=UTC 5,10-20/2 * ? * 0-6'
seed cron macro '@daily'
seed glob star '*.yaml\0a.yaml'
seed glob braces '{a,b}/**/c?.y[a-z]ml\0a/x/y/c1.yaml'
seed glob deep '**/**/**/x\0a/b/c/x'
seed glob class '[!abc]*\0d'
seed glob nested 'apps/{web,{api,worker}-*}\0apps/api-1'
seed config rules 'rules:\n  sync-deadlock: off\n  hook-ttl: warning\nexclude: ["vendor/**"]\nfail-on: warning\n'
seed config argocd 'kubernetes-version: "1.31"\nargocd:\n  version: "2.13"\n  health-checks: ["example.com/Foo"]\n'
seed config limits 'limits:\n  file-bytes: 1000\n  depth: 10\n  findings-per-file: 5\nrender: false\nschema-dirs: [schemas]\n'
seed config repos 'repo-urls: ["https://e.com/r.git"]\nstorage-classes: [local]\nstrict-kinds: true\n'
seed yaml aliases 'a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n'
seed tree kustomization '2resources:\n- base\n- https://github.com/o/r//b?ref=v1\npatches:\n- path: p.yaml\nconfigMapGenerator:\n- name: c\n  files: [a=b.txt]\n'
seed tree chart '3apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- {name: r, version: 1.0.0, repository: "https://charts.e.com"}\n'
for t in yaml tree jq cron glob config; do echo "$t: $(ls $c/$t | wc -l) seeds"; done
