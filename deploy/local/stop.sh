#!/usr/bin/env bash
# Stops everything deploy/local/run.sh started: the services, then Kafka and PostgreSQL.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/common.sh"
PIDS=$COHORT_HOME/pids
# Every service is asked to stop at once; each leaves its Kafka groups and closes its pools on the way out, and
# is forced only if it is still there after 30 s.
running=()
for f in "$PIDS"/*.pid; do
  [ -e "$f" ] || continue
  if kill "$(cat "$f")" 2>/dev/null; then
    running+=("$f")
  else
    rm -f "$f"
  fi
done
for _ in $(seq 300); do
  alive=false
  for f in "${running[@]}"; do kill -0 "$(cat "$f")" 2>/dev/null && alive=true; done
  $alive || break
  sleep 0.1
done
for f in "${running[@]}"; do
  kill -9 "$(cat "$f")" 2>/dev/null && say "forced $(basename "$f" .pid) to stop" || say "stopped $(basename "$f" .pid)"
  rm -f "$f"
done
"$dir/infra.sh" stop
