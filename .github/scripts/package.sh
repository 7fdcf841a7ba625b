#!/usr/bin/env bash
# Package one release binary: OUTDIR/synclint-TARGET.tar.gz (a .zip for Windows targets) holding
# synclint-TARGET/{synclint[.exe], LICENSE, README.md, CHANGELOG.md, completions/, man/}, and
# OUTDIR/<archive>.sha256 ("<hex>  <archive>", as `sha256sum -c` reads it).
#
# Usage: package.sh TARGET BINARY OUTDIR
# The binary must run on this machine (the release builds natively): it writes its own shell
# completions and man pages. Run by .github/workflows/release.yml and by tests/release.rs.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: package.sh TARGET BINARY OUTDIR" >&2
  exit 2
fi
target="$1"
binary="$2"
out="$3"
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-python3}"

case "$target" in
  *windows*) exe=".exe" ext="zip" ;;
  *) exe="" ext="tar.gz" ;;
esac
name="synclint-$target"

stage="$(mktemp -d)"
trap 'rm -rf -- "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/completions" "$dir/man" "$out"
cp -- "$binary" "$dir/synclint$exe"
chmod +x "$dir/synclint$exe"
cp -- "$root/LICENSE" "$root/README.md" "$root/CHANGELOG.md" "$dir/"
"$dir/synclint$exe" completions bash >"$dir/completions/synclint.bash"
"$dir/synclint$exe" completions zsh >"$dir/completions/_synclint"
"$dir/synclint$exe" completions fish >"$dir/completions/synclint.fish"
"$dir/synclint$exe" completions powershell >"$dir/completions/_synclint.ps1"
"$dir/synclint$exe" man --dir "$dir/man"

archive="$name.$ext"
rm -f -- "$out/$archive" "$out/$archive.sha256"
if [[ "$ext" == zip ]]; then
  (cd "$stage" && "$python" -m zipfile -c "$archive" "$name")
else
  # Stable order and owner, so the archive depends only on its files.
  tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$stage/$archive" "$name" 2>/dev/null ||
    tar -C "$stage" -czf "$stage/$archive" "$name"
fi
mv -- "$stage/$archive" "$out/$archive"

if command -v sha256sum >/dev/null 2>&1; then
  hash="$(sha256sum -- "$out/$archive" | cut -d' ' -f1)"
else
  hash="$(shasum -a 256 -- "$out/$archive" | cut -d' ' -f1)"
fi
echo "$hash  $archive" >"$out/$archive.sha256"
echo "$out/$archive"
