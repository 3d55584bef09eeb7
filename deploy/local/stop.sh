#!/usr/bin/env bash
# Stops everything deploy/local/run.sh started: the services, then Kafka and PostgreSQL.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/common.sh"
PIDS=$COHORT_HOME/pids
for f in "$PIDS"/*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped $(basename "$f" .pid)"
  fi
  rm -f "$f"
done
"$dir/infra.sh" stop
