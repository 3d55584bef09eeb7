#!/usr/bin/env bash
# Coordination overhead of a running Cohort (start it with deploy/local/run.sh): submits tasks, then reads from their
# task views the hop from a dependency finishing to its dependent starting, submit to the lead's first start, and the
# makespan efficiency. Usage: bench/hops.sh [tasks, default 34: >200 hops] [at once, default 4]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -f cli/target/cohort-cli.jar ] || ./mvnw -q -B -pl cli -am package -DskipTests
export COHORT_HOME=${COHORT_HOME:-$root/.cohort}
exec java -Dslf4j.internal.verbosity=ERROR -cp "cli/target/cohort-cli.jar:cli/target/lib/*" bench/Hops.java "$@"
