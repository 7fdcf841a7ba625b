#!/usr/bin/env bash
# Cache key for the synclint binary that action.yml builds: runner OS/arch, the action's ref, and a
# hash of everything that goes into the binary (Cargo.toml, Cargo.lock, build.rs, src/, rules/,
# schemas/). A moving ref (`@main`) still gets a new binary when the sources change.
# Reads GITHUB_ACTION_PATH, ACTION_REF, RUNNER_OS_ARCH; writes `key=` to GITHUB_OUTPUT.
set -euo pipefail

cd -- "${GITHUB_ACTION_PATH:?}"

# sha256sum on Linux, shasum on macOS.
if command -v sha256sum >/dev/null 2>&1; then
  sha256=(sha256sum)
else
  sha256=(shasum -a 256)
fi

inputs=()
for p in Cargo.toml Cargo.lock build.rs src rules schemas; do
  if [[ -e "$p" ]]; then
    inputs+=("$p")
  fi
done

hash=$(
  find "${inputs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 "${sha256[@]}" |
    "${sha256[@]}" | cut -d' ' -f1
)

ref="${ACTION_REF:-}"
ref="${ref//[^A-Za-z0-9._-]/_}"
key="synclint-${RUNNER_OS_ARCH:-unknown}-${ref:-local}-${hash:0:32}"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "key=$key" >>"$GITHUB_OUTPUT"
else
  echo "key=$key"
fi
