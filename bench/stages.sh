#!/usr/bin/env bash
# Where a hop's time goes on a running stack, from the records on Kafka since an instant (default: the last hour).
# Usage: bench/stages.sh [since, ISO-8601]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$root/orchestrator-service/target/quarkus-app/lib/main
exec java -cp "$lib/*" "$root/bench/Stages.java" "$@"
