#!/usr/bin/env bash
# Write DIR/SHA256SUMS: one "<hex>  <file>" line per release file in DIR (archives, wheels), sorted,
# for `sha256sum -c SHA256SUMS`. Usage: checksums.sh DIR. Run by the release workflow and tests.
set -euo pipefail
dir="${1:?usage: checksums.sh DIR}"
cd -- "$dir"
if command -v sha256sum >/dev/null 2>&1; then
  sum=(sha256sum)
else
  sum=(shasum -a 256)
fi
files=()
while IFS= read -r -d '' f; do
  files+=("${f#./}")
done < <(find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name '*.sha256' -print0 | LC_ALL=C sort -z)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "checksums.sh: no files in $dir" >&2
  exit 1
fi
"${sum[@]}" -- "${files[@]}" >SHA256SUMS
cat SHA256SUMS
