#!/bin/sh
# Regenerates synclint's bundled schemas:
#   schemas/kubernetes/v1.NN.json  for every Kubernetes minor in VERSIONS (one k8s-openapi build each)
#   schemas/argocd/v1alpha1.json   from argocd/v1alpha1.yaml (ObjectMeta etc. from the newest version)
# then validates the result (check binary: compile every kind, run the probes).
#
#   tools/schema-gen/generate.sh            # all versions
#   VERSIONS="35" tools/schema-gen/generate.sh
#
# Debug builds on purpose: a release build of k8s-openapi with schemars takes ~7 min, a debug one ~1 min per version,
# and generation takes a second either way. Output is deterministic (sorted keys), so a re-run with unchanged
# inputs leaves `git diff` empty.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
VERSIONS=${VERSIONS:-"33 34 35 36 37"}
newest=$(printf '%s\n' $VERSIONS | sort -n | tail -1)
cd "$here"
mkdir -p "$repo/schemas/kubernetes" "$repo/schemas/argocd"
for v in $VERSIONS; do
    cargo build --quiet --features "v1_$v"
    ./target/debug/schema-gen kubernetes "$repo/schemas/kubernetes/v1.$v.json"
    if [ "$v" = "$newest" ]; then
        ./target/debug/schema-gen argocd argocd/v1alpha1.yaml "$repo/schemas/argocd/v1alpha1.json"
    fi
done
# Compile every kind and run the probes (known mistakes must fail, valid documents must pass).
# The check binary is version-independent; it was built with the last feature.
status=0
for v in $VERSIONS; do
    if ! out=$(./target/debug/check "$repo/schemas/kubernetes/v1.$v.json" "$repo/schemas/argocd/v1alpha1.json" 2>&1); then
        printf '%s\n' "$out" | grep -v '^probe ok'
        status=1
    fi
done
ls -l "$repo"/schemas/kubernetes/*.json "$repo"/schemas/argocd/*.json
exit $status
