#!/usr/bin/env bash
# What an agent's reads before it starts cost the context store of a running stack (deploy/local/run.sh): one GET per
# key side by side against one POST /latest, in alternating blocks. Usage: bench/reads.sh TASK_ID KEY[,KEY...] [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export COHORT_HOME=${COHORT_HOME:-$root/.cohort}
exec java bench/Reads.java "$@"
