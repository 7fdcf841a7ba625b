#!/usr/bin/env bash
# Lay out the release's static Linux binaries for the Dockerfile's `binaries` stage:
# OUT/linux-amd64/synclint and OUT/linux-arm64/synclint, from DIST/synclint-<target>.tar.gz.
# Usage: docker-context.sh DIST OUT. The workflow then builds with
# `--build-context binaries=OUT`, so the image gets the same binaries as the release.
set -euo pipefail
dist="${1:?usage: docker-context.sh DIST OUT}"
out="${2:?usage: docker-context.sh DIST OUT}"
for pair in x86_64-unknown-linux-musl:amd64 aarch64-unknown-linux-musl:arm64; do
  target="${pair%%:*}"
  arch="${pair##*:}"
  archive="$dist/synclint-$target.tar.gz"
  [[ -f "$archive" ]] || {
    echo "docker-context.sh: $archive is missing" >&2
    exit 1
  }
  mkdir -p "$out/linux-$arch"
  tar -xzf "$archive" -C "$out/linux-$arch" --strip-components=1 "synclint-$target/synclint"
  chmod +x "$out/linux-$arch/synclint"
done
find "$out" -type f | LC_ALL=C sort
