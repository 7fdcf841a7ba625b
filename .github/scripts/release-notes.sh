#!/usr/bin/env bash
# Print the CHANGELOG.md section of VERSION (the lines under "## [VERSION]" up to the next
# "## ["), the body of the GitHub release. Usage: release-notes.sh VERSION
set -euo pipefail
version="${1:?usage: release-notes.sh VERSION}"
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
notes="$(awk -v v="$version" '
  index($0, "## [" v "]") == 1 { on = 1; next }
  on && /^## \[/ { exit }
  on && /^\[[^]]*\]: / { next }
  on { print }
' "$root/CHANGELOG.md")"
if [[ -z "${notes//[[:space:]]/}" ]]; then
  echo "release-notes.sh: CHANGELOG.md has no notes for $version" >&2
  exit 1
fi
printf '%s\n' "$notes"
