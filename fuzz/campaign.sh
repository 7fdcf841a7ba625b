#!/usr/bin/env bash
# The campaign issue 9 asks for: every target to its execution count, one after another, without
# sanitizers (`-s none`: the bodies are safe Rust; we look for panics, aborts, timeouts and memory
# blow-ups, not UB) so that the counts are reached in minutes. Results: fuzz/logs/<target>.log and
# one line per target in fuzz/logs/summary.txt (exit code, executions, seconds).
# Usage: fuzz/campaign.sh [target...]   (default: all six)
set -uo pipefail
cd "$(dirname "$0")"
mkdir -p logs
bash ./seed.sh >/dev/null
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(jq cron config glob yaml tree)
for t in "${targets[@]}"; do
  case $t in
    jq|config) runs=10000000; len=262144 ;;
    cron) runs=10000000; len=262144 ;;
    glob) runs=1000000; len=262144 ;;
    yaml|tree) runs=1000000; len=262144 ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  start=$(date +%s)
  cargo +nightly fuzz run -s none "$t" "corpus/$t" -- -max_len=$len -runs=$runs \
    -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
  echo "$t rc=$rc executions=${execs:-?} seconds=$(( $(date +%s) - start )) max_len=$len" >> logs/summary.txt
done
