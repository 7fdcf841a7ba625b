#!/usr/bin/env bash
# Regenerate schemas/argocd/health-kinds.json: the group/kinds Argo CD ships a health check for.
# Usage: tools/health-kinds.sh ARGO_CD_GIT_DIR [REV]   (a clone or bare mirror of argoproj/argo-cd)
# Built-in Go checks are listed by hand from gitops-engine/pkg/health/health.go
# (GetHealthCheckFunc); bundled Lua checks are the resource_customizations/*/*/health.lua files,
# with `_` in a directory name meaning `*`.
set -euo pipefail
gitdir=$1
rev=${2:-HEAD}
{
  printf '{\n "source": "argoproj/argo-cd %s",\n' "$(git --git-dir="$gitdir" rev-parse --short=12 "$rev")"
  cat <<'JSON'
 "builtin": [
  {"group": "apps", "kind": "Deployment"},
  {"group": "apps", "kind": "StatefulSet"},
  {"group": "apps", "kind": "ReplicaSet"},
  {"group": "apps", "kind": "DaemonSet"},
  {"group": "extensions", "kind": "Ingress"},
  {"group": "networking.k8s.io", "kind": "Ingress"},
  {"group": "argoproj.io", "kind": "Workflow"},
  {"group": "apiregistration.k8s.io", "kind": "APIService"},
  {"group": "", "kind": "Service"},
  {"group": "", "kind": "PersistentVolumeClaim"},
  {"group": "", "kind": "Pod"},
  {"group": "batch", "kind": "Job"},
  {"group": "autoscaling", "kind": "HorizontalPodAutoscaler"}
 ],
 "lua": [
JSON
  git --git-dir="$gitdir" ls-tree -r --name-only "$rev" resource_customizations \
    | sed -n 's#^resource_customizations/\([^/]*\)/\([^/]*\)/health\.lua$#\1 \2#p' \
    | sort -u \
    | awk '{ g=$1; k=$2; gsub(/_/, "*", g); gsub(/_/, "*", k); printf "%s  {\"group\": \"%s\", \"kind\": \"%s\"}", sep, g, k; sep=",\n" } END { print "" }'
  printf ' ]\n}\n'
} 
