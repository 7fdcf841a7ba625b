# Sourced by run.sh on a pull request (GITHUB_EVENT_NAME pull_request*, SYNCLINT_BASE_SHA set).
#
# The pull request's own .synclint.yaml could switch the check off (`exclude: ["**"]`,
# `fail-on: never`, `schema-dirs` anywhere), so the config is read from the base commit instead:
# the file synclint would find for the first path (or the `config` input), as it is on the base
# branch, copied next to where it lives so its relative paths keep their meaning. No config there
# means none at all (`--no-config`), whatever the pull request adds. When the pull request changes
# a config file, the job summary says so.
#
# In: paths, summary_file, SYNCLINT_BASE_SHA, INPUT_CONFIG.
# Out: INPUT_CONFIG (the copy) or no_config=1; base_config_file (removed on exit by run.sh).
base="$SYNCLINT_BASE_SHA"
if ! top="$(git rev-parse --show-toplevel 2>/dev/null)"; then
  echo "synclint: not a git checkout: the base branch's config cannot be read; linting without one" >&2
  no_config=1
  return 0
fi
# A shallow checkout may lack the base commit.
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  git fetch --quiet --no-tags --depth=1 origin "$base" >/dev/null 2>&1 || true
fi
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  echo "synclint: base commit $base is not available: linting without a config" >&2
  no_config=1
  return 0
fi

# Where synclint would look: the `config` input, else the first path's directory and its parents.
candidates=()
if [[ -n "${INPUT_CONFIG:-}" ]]; then
  candidates+=("$(realpath -m --relative-to="$top" -- "$INPUT_CONFIG")")
else
  start="${paths[0]}"
  [[ -d "$start" ]] || start="$(dirname -- "$start")"
  d="$(realpath -m --relative-to="$top" -- "$start")"
  while [[ "$d" != ..* ]]; do
    for n in .synclint.yaml .synclint.yml; do
      if [[ "$d" == . ]]; then candidates+=("$n"); else candidates+=("$d/$n"); fi
    done
    [[ "$d" == . ]] && break
    d="$(dirname -- "$d")"
  done
fi
found=""
for c in ${candidates[@]+"${candidates[@]}"}; do
  if git cat-file -e "$base:$c" 2>/dev/null; then
    found="$c"
    break
  fi
done
INPUT_CONFIG=""
if [[ -z "$found" ]]; then
  no_config=1
else
  dir="$top/$(dirname -- "$found")"
  [[ -d "$dir" ]] || dir="$top"
  # mktemp creates a new file (never follows a planted link).
  base_config_file="$(mktemp --suffix=.yaml -- "$dir/.synclint-base.XXXXXX")"
  git show "$base:$found" >"$base_config_file"
  INPUT_CONFIG="$base_config_file"
fi

changed="$(git diff --name-only "$base" HEAD -- ':(glob)**/.synclint.yaml' ':(glob)**/.synclint.yml' \
  ${found:+"$found"} 2>/dev/null | sort -u || true)"
if [[ -n "$changed" ]]; then
  list="$(printf '`%s` ' $changed)"
  echo "synclint: this pull request changes the linter's config (${changed//$'\n'/, }); linted with the base branch's config" >&2
  {
    echo "> **Note:** this pull request changes synclint's configuration (${list% }); it was linted"
    echo "> with the configuration of the base branch."
    echo
  } >>"$summary_file"
fi
