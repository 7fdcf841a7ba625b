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
#   SYNCLINT_MAX_ANNOTATIONS  annotations per severity (default 10: GitHub shows at most 10 error
#                     and 10 warning annotations per step, and drops the rest)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  set by the runner; ignored when unset
#
# 1. One lint: `synclint check --format github --json-file … [--sarif-file …]`. Its exit code
#    (0, 1, or 2) is this script's exit code.
# 2. The annotations, errors first, then by rule, at most SYNCLINT_MAX_ANNOTATIONS per severity;
#    the rest are printed as plain log lines, and the job summary says how many.
# 3. `synclint plan --format mermaid` and the JSON report make the job summary: every error, the
#    warnings and infos folded, each rule linked to its page, and the sync plan.
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

# --- 1. one lint ------------------------------------------------------------------------------
sarif_args=()
if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
  mkdir -p -- "$(dirname -- "$INPUT_SARIF_FILE")"
  sarif_args+=(--sarif-file "$INPUT_SARIF_FILE")
fi
code=0
"$bin" check --format github --json-file "$tmp/check.json" ${sarif_args[@]+"${sarif_args[@]}"} \
  ${check_args[@]+"${check_args[@]}"} ${gate_args[@]+"${gate_args[@]}"} \
  -- "${paths[@]}" >"$tmp/annotations" || code=$?

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
if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
  echo "synclint: wrote SARIF to $INPUT_SARIF_FILE" >&2
fi

# --- 2. annotations: errors first, then by rule, capped per severity ---------------------------
# One workflow command per line (messages are %-escaped). A stable sort keeps file order within a
# rule. Past the cap a finding is printed without the `::` prefix: in the log, not annotated.
max="${SYNCLINT_MAX_ANNOTATIONS:-10}"
[[ "$max" =~ ^[0-9]+$ ]] || max=10
awk '
  function rank(l) { return l ~ /^::error / ? 0 : (l ~ /^::warning / ? 1 : 2) }
  function rule(l) { return match(l, /,title=[^,:]*/) ? substr(l, RSTART + 7, RLENGTH - 7) : "" }
  /^::(error|warning|notice) / { printf "%d\t%s\t%d\t%s\n", rank($0), rule($0), NR, $0 }
' "$tmp/annotations" | LC_ALL=C sort -t $'\t' -k1,1n -k2,2 -k3,3n | cut -f4- >"$tmp/sorted"
awk -v max="$max" -v counts="$tmp/unannotated" '
  { sev = $0; sub(/^::/, "", sev); sub(/ .*/, "", sev); n[sev]++ }
  n[sev] <= max { print; next }
  {
    line = $0; sub(/^::/, "", line)
    gsub(/%0D/, " ", line); gsub(/%0A/, " ", line); gsub(/%3A/, ":", line); gsub(/%2C/, ",", line)
    gsub(/%25/, "%", line)
    rest[++nrest] = "  " line
    left[sev]++
  }
  END {
    if (nrest) print "synclint: GitHub shows at most " max " annotations per severity; the other findings:"
    for (i = 1; i <= nrest; i++) print rest[i]
    printf "error=%d\nwarning=%d\nnotice=%d\n", left["error"], left["warning"], left["notice"] >counts
  }
' "$tmp/sorted"
not_annotated() { sed -n "s/^$1=//p" "$tmp/unannotated"; }

# --- 3. job summary ----------------------------------------------------------------------------
if ! "$bin" plan --format mermaid ${config_args[@]+"${config_args[@]}"} \
  -- "${paths[@]}" >"$tmp/plan.mmd"; then
  : >"$tmp/plan.mmd"
fi

if command -v python3 >/dev/null 2>&1; then
  SYNCLINT_NOT_ANNOTATED="$(not_annotated error),$(not_annotated warning),$(not_annotated notice)" \
    SYNCLINT_MAX_ANNOTATIONS="$max" \
    python3 "$here/summary.py" "$tmp/check.json" "$tmp/plan.mmd" "${fail_on:-default}" "$code" \
    >>"$summary_file"
else
  # No python3: counts and the plan only.
  {
    echo "## synclint: $errors error(s), $warnings warning(s), $findings finding(s) in all"
    echo
    echo "$(not_annotated error) error(s) and $(not_annotated warning) warning(s) were not annotated" \
      "(GitHub shows at most $max per severity): the step log lists them."
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
