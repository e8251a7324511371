#!/bin/sh
# stressvm-shard [--hold] STATE_DIR SECONDS [stressvm soak options...]
#
# One soak that survives pod restarts without starting its clock again. The first start fixes the end of the
# campaign in STATE_DIR/deadline (now + SECONDS); every start after a restart (crash, OOM kill, node drain)
# runs `stressvm soak` for the time that is left only, resuming from the journal in STATE_DIR. Once the time
# is up it prints `stressvm soak report` of STATE_DIR and exits with its verdict (0 every finding expected,
# 1 unexpected finding or missed expectation): a restart after the end never runs the campaign again.
# --hold: after the report, wait for SIGTERM instead of exiting (a StatefulSet, whose pods always restart).
# exec hands the process (and SIGTERM from Kubernetes) straight to stressvm.
set -eu

hold=false
if [ "${1:-}" = "--hold" ]; then hold=true; shift; fi
if [ $# -lt 2 ]; then
  echo "usage: stressvm-shard [--hold] STATE_DIR SECONDS [stressvm soak options...]" >&2
  exit 2
fi
state=$1
total=$2
shift 2
case "$total" in
  ''|*[!0-9]*) echo "stressvm-shard: SECONDS must be a whole number of seconds, found '$total'" >&2; exit 2 ;;
esac

mkdir -p "$state"
if [ ! -s "$state/deadline" ]; then
  # Written to a temporary file and renamed, so a kill leaves either no deadline or a whole one.
  echo $(( $(date +%s) + total )) > "$state/deadline.tmp"
  mv "$state/deadline.tmp" "$state/deadline"
fi
deadline=$(cat "$state/deadline")
left=$(( deadline - $(date +%s) ))

if [ "$left" -gt 0 ]; then
  exec stressvm soak --state "$state" --duration "${left}s" "$@"
fi

echo "stressvm-shard: the campaign in $state ended at $(date -u -d "@$deadline" 2>/dev/null || echo "$deadline"); its report:" >&2
if [ ! -f "$state/soak-journal.jsonl" ]; then
  echo "stressvm-shard: $state has no soak journal: nothing ran before the deadline" >&2
  exit 2
fi
if [ "$hold" = false ]; then
  exec stressvm soak report --state "$state"
fi
rc=0
stressvm soak report --state "$state" || rc=$?
echo "stressvm-shard: verdict exit code $rc; holding until the pod is stopped" >&2
trap 'exit $rc' TERM INT
while :; do sleep 3600 & wait $! || true; done
