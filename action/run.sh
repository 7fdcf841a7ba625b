#!/usr/bin/env bash
# synclint GitHub Action entry point. Runnable locally too (tests/action.rs does).
#
# Inputs come from the environment only, never from `${{ }}` interpolation into a script:
#   INPUT_PATHS       files or directories to lint (default `.`). Several lines: one path per line,
#                     so a path may contain spaces. A single line: paths separated by whitespace.
#   INPUT_FAIL_ON     error|warning|info|never; empty: the config's `fail-on`, else `error`
#   INPUT_SARIF_FILE  when set, also write SARIF 2.1.0 there (for code scanning)
#   INPUT_CONFIG      when set, `--config FILE`; otherwise .synclint.yaml is found as usual
#   INPUT_BASELINE    when set, `--baseline FILE`
#   SYNCLINT_BIN      the synclint binary (default: `synclint` on PATH)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  set by the runner; ignored when unset
#
# 1. `synclint check --format github`: one annotation per finding on stdout, which GitHub shows on
#    the diff. Its exit code (0, 1, or 2) is this script's exit code.
# 2. `--format sarif` into INPUT_SARIF_FILE, when set.
# 3. `--format json` and `synclint plan --format mermaid` for the job summary: counts, a table of
#    findings, and the sync plan.
# Outputs: findings, errors, warnings, exit-code.
set -euo pipefail

bin="${SYNCLINT_BIN:-synclint}"
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
out_file="${GITHUB_OUTPUT:-/dev/null}"
summary_file="${GITHUB_STEP_SUMMARY:-/dev/null}"

if ! command -v "$bin" >/dev/null 2>&1; then
  echo "synclint: binary not found: $bin" >&2
  echo "exit-code=2" >>"$out_file"
  exit 2
fi

# --- paths -------------------------------------------------------------------------------------
raw="${INPUT_PATHS:-.}"
paths=()
if [[ "$raw" == *$'\n'* ]]; then
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    if [[ -n "$line" ]]; then
      paths+=("$line")
    fi
  done <<<"$raw"
else
  read -r -a paths <<<"$raw" || true
fi
if [[ ${#paths[@]} -eq 0 ]]; then
  paths=(.)
fi

# --- on a pull request, the config of the base branch (action/base-config.sh) -------------------
no_config=""
base_config_file=""
if [[ "${GITHUB_EVENT_NAME:-}" == pull_request* && -n "${SYNCLINT_BASE_SHA:-}" ]]; then
  # shellcheck source=action/base-config.sh
  source "$here/base-config.sh"
fi

# --- options -----------------------------------------------------------------------------------
# `plan` takes the config; `check` also takes the baseline. `--` ends the options, so a path that
# starts with `-` stays a path.
config_args=()
if [[ -n "${INPUT_CONFIG:-}" ]]; then
  config_args+=(--config "$INPUT_CONFIG")
elif [[ -n "$no_config" ]]; then
  config_args+=(--no-config)
fi
check_args=(${config_args[@]+"${config_args[@]}"})
if [[ -n "${INPUT_BASELINE:-}" ]]; then
  check_args+=(--baseline "$INPUT_BASELINE")
fi
fail_on="${INPUT_FAIL_ON:-}"
gate_args=()
if [[ -n "$fail_on" ]]; then
  gate_args+=(--fail-on "$fail_on")
fi

tmp="$(mktemp -d)"
trap 'rm -rf -- "$tmp" ${base_config_file:+"$base_config_file"}' EXIT

# --- 1. annotations and the exit code ----------------------------------------------------------
code=0
"$bin" check --format github ${check_args[@]+"${check_args[@]}"} ${gate_args[@]+"${gate_args[@]}"} \
  -- "${paths[@]}" >"$tmp/annotations" || code=$?
cat "$tmp/annotations"

errors=$(grep -c '^::error ' "$tmp/annotations" || true)
warnings=$(grep -c '^::warning ' "$tmp/annotations" || true)
findings=$(grep -cE '^::(error|warning|notice) ' "$tmp/annotations" || true)
{
  echo "findings=$findings"
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "exit-code=$code"
} >>"$out_file"

if [[ $code -ne 0 && $code -ne 1 ]]; then
  {
    echo "## synclint could not run"
    echo
    echo "\`synclint check\` exited with code $code: a usage error, an input path that does not"
    echo "exist or cannot be read, or a bad config file. The step log has the message."
  } >>"$summary_file"
  exit "$code"
fi

# --- 2. SARIF ----------------------------------------------------------------------------------
if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
  mkdir -p -- "$(dirname -- "$INPUT_SARIF_FILE")"
  "$bin" check --format sarif --fail-on never ${check_args[@]+"${check_args[@]}"} \
    -- "${paths[@]}" >"$INPUT_SARIF_FILE"
  echo "synclint: wrote SARIF to $INPUT_SARIF_FILE" >&2
fi

# --- 3. job summary ----------------------------------------------------------------------------
json_ok=1
"$bin" check --format json --fail-on never ${check_args[@]+"${check_args[@]}"} \
  -- "${paths[@]}" >"$tmp/check.json" || json_ok=0
if ! "$bin" plan --format mermaid ${config_args[@]+"${config_args[@]}"} \
  -- "${paths[@]}" >"$tmp/plan.mmd"; then
  : >"$tmp/plan.mmd"
fi

if [[ $json_ok -eq 1 ]] && command -v python3 >/dev/null 2>&1; then
  python3 "$here/summary.py" "$tmp/check.json" "$tmp/plan.mmd" "${fail_on:-default}" "$code" \
    >>"$summary_file"
else
  # No python3 (or no JSON): counts and the plan only.
  {
    echo "## synclint: $errors error(s), $warnings warning(s), $findings finding(s) in all"
    echo
    if [[ -s "$tmp/plan.mmd" ]]; then
      echo '### Sync plan'
      echo
      echo '```mermaid'
      cat "$tmp/plan.mmd"
      echo '```'
    fi
  } >>"$summary_file"
fi

exit "$code"
