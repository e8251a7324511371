#!/usr/bin/env bash
# Every built-in scenario that expects pass, run over N schedules (default 100,000) under random and PCT d3:
# prints a README table row per run (violations, distinct fingerprints, coverage, speed). Issue 11's
# "correct scenarios clean over 100,000 schedules". Usage: tools/measure-clean.sh [STRESSVM] [N]
set -euo pipefail
S=${1:-stressvm}
N=${2:-100000}
echo "| scenario | strategy | schedules | violations | verdict | exit | distinct fingerprints | classes | schedules/s |"
echo "|---|---|---:|---|---|---:|---:|---:|---:|"
for scenario in $("$S" list | awk '$2 == "expect" && $3 == "pass" {print $1}'); do
  for strategy in random pct; do
    set +e
    out=$("$S" run "$scenario" --seeds "$N" --strategy "$strategy" 2>/dev/null)
    rc=$?
    set -e
    viol=$(sed -n 's/^violations  *//p' <<<"$out")
    verdict=$(sed -n 's/^verdict  *//p' <<<"$out")
    fps=$(sed -n 's/.*distinct fingerprints \([^ ]*\).*/\1/p' <<<"$out")
    classes=$(sed -n 's/^coverage  *classes \([^ ]*\).*/\1/p' <<<"$out")
    speed=$(sed -n 's/^speed  *\([0-9]*\).*/\1/p' <<<"$out")
    echo "| $scenario | $strategy | $N | $viol | $verdict | $rc | $fps | $classes | $speed |"
  done
done
