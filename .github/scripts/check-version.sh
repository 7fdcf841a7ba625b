#!/usr/bin/env bash
# The release tag must be v<version of Cargo.toml>: the Action downloads the release named after
# its own Cargo.toml version, so a mismatch would publish binaries no Action finds.
# Usage: check-version.sh TAG   (prints the version; writes version= to GITHUB_OUTPUT when set)
set -euo pipefail
tag="${1:?usage: check-version.sh TAG}"
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$root/Cargo.toml" | head -1)"
if [[ -z "$version" ]]; then
  echo "check-version.sh: no version in Cargo.toml" >&2
  exit 1
fi
if [[ "$tag" != "v$version" ]]; then
  echo "check-version.sh: tag $tag does not match Cargo.toml version $version (expected v$version)" >&2
  exit 1
fi
if ! grep -q "^## \[$version\]" "$root/CHANGELOG.md"; then
  echo "check-version.sh: CHANGELOG.md has no \"## [$version]\" section" >&2
  exit 1
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "version=$version" >>"$GITHUB_OUTPUT"
fi
echo "$version"
