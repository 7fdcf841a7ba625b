#!/usr/bin/env bash
# Fetch one npm package with `npm pack`, check it against a pinned sha512 integrity (as the
# registry publishes it: `npm view PKG@VER dist.integrity`), and unpack it into DEST/package.
# Usage: npm-package.sh PKG@VER INTEGRITY DEST   (DEST is created; an existing one is replaced)
set -euo pipefail
spec="${1:?usage: npm-package.sh PKG@VER INTEGRITY DEST}"
integrity="${2:?usage: npm-package.sh PKG@VER INTEGRITY DEST}"
dest="${3:?usage: npm-package.sh PKG@VER INTEGRITY DEST}"
command -v npm >/dev/null 2>&1 || {
  echo "npm-package: npm is needed to fetch $spec" >&2
  exit 1
}
rm -rf -- "$dest"
mkdir -p "$dest"
(cd "$dest" && npm pack --silent "$spec" >/dev/null)
tgz="$(ls "$dest"/*.tgz)"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 | tr -d '\n')"
if [[ "$got" != "$integrity" ]]; then
  echo "npm-package: $spec does not match the pinned integrity ($got)" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$dest"
rm -f -- "$tgz"
