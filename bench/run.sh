#!/usr/bin/env bash
# Cohort's benchmark suite (issue 14): starts a stack of its own on this machine with the model simulator and
# measures, in one run, the hop overhead, makespan efficiency, saturation and scale-out, SSE fan-out, memory and the
# orchestrator's per-event cost, next to an in-process floor (bench/Floor.java) on the same simulator.
# Results: bench/target/results-<date>.json and .md, the scale-out chart bench/target/scale-out-<date>.svg (a full
# run also writes docs/scale-out.svg). What each figure means: docs/performance.md#benchmark-suite.
#
# Usage: bench/run.sh [--quick] [--only SECTIONS] [--slots N] [--serial-gc] [--jvm OPTIONS]
#                     [--saturation O:W,...] [--scale-out W,...]
#        bench/run.sh --report bench/target/results-<date>.json   (the tables and the chart again)
#   --quick          a smoke run: fewer tasks, configurations and seconds (8-11 minutes on 2 cores, the full about 35)
#   --only LIST      comma-separated sections: hops,efficiency,floor,sse,growth,saturation,admission (default: all)
#   --slots N        subtasks one role runs at once in one worker process (cohort.worker.concurrency, default 2)
#   --serial-gc      run every service with -XX:+UseSerialGC (default: the JVM's choice, G1 on this kind of machine)
#   --jvm OPTIONS    more JVM options for every service, space-separated (e.g. "-XX:TieredStopAtLevel=1")
#   --saturation L   section c's configurations at latency 0 as orchestrators:workers, in order (e.g. 1:2,1:1;
#                    "none"); a configuration that keeps the processes of the one before measures them warm
#   --scale-out L    worker processes for the scale-out at 1000 ms (e.g. 1,2,4; "none")
#
# The stack is isolated from deploy/local/run.sh's: its own COHORT_HOME (bench/target/home, emptied each run),
# Kafka on 19092/19093, PostgreSQL on 15433, orchestrators on 18080 and 18083, context store 18081, dashboard
# 18082, simulator 18090, workers 18100+. Everything it starts is stopped when it ends, however it ends.
# Not part of ./mvnw verify: bench/ is not a Maven module.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"

# The tables and the chart again from a results file; nothing is started.
if [ "${1:-}" = "--report" ]; then
  [ -f "${2:-}" ] || { echo "usage: $0 --report bench/target/results-<date>.json" >&2; exit 2; }
  app=orchestrator-service/target/quarkus-app
  [ -d bench/target/apps/orchestrator-service ] && app=bench/target/apps/orchestrator-service
  exec java -cp "$app/lib/main/*:$app/lib/boot/*:cli/target/cohort-cli.jar:cli/target/lib/*" bench/Bench.java --report "$2"
fi

ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --quick|--serial-gc) ARGS+=("$1") ;;
    --only|--slots|--jvm|--saturation|--scale-out) [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }; ARGS+=("$1" "$2"); shift ;;
    --only=*|--slots=*|--jvm=*|--saturation=*|--scale-out=*) ARGS+=("${1%%=*}" "${1#*=}") ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

export BENCH_HOME=$root/bench/target/home
export COHORT_HOME=$BENCH_HOME
export COHORT_LOGS=$BENCH_HOME/logs
export KAFKA_PORT=${BENCH_KAFKA_PORT:-19092}
export KAFKA_CONTROLLER_PORT=${BENCH_KAFKA_CONTROLLER_PORT:-19093}
export POSTGRES_PORT=${BENCH_POSTGRES_PORT:-15433}
# shellcheck source=../deploy/local/common.sh
source "$root/deploy/local/common.sh"

SERVICES="model-simulator context-store-service orchestrator-service dashboard-service agent-worker-service"
APPS=$root/bench/target/apps

# The ports this stack uses must be free: another benchmark, or anything else, would mix into the figures.
for port in $KAFKA_PORT $KAFKA_CONTROLLER_PORT $POSTGRES_PORT 18080 18081 18082 18083 18090 $(seq 18100 18107); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use; is another benchmark running? (bench/run.sh uses 15433, 18080-18107, 19092-19093)"
  fi
done

# Jars: built once if missing (offline when the local repository has everything); never rebuilt here when present,
# since someone may be working on the services. A copy is run, so a rebuild during the run changes nothing.
missing=()
for m in $SERVICES; do [ -f "$m/target/quarkus-app/quarkus-run.jar" ] || missing+=("$m"); done
[ -f cli/target/cohort-cli.jar ] || missing+=(cli)
if [ ${#missing[@]} -gt 0 ]; then
  say "Building ${missing[*]} (a few minutes the first time)..."
  ./mvnw -o -q -B package -DskipTests -pl "$(IFS=,; echo "${missing[*]}")" -am >"$root/bench/target/build.log" 2>&1 \
    || ./mvnw -q -B package -DskipTests -pl "$(IFS=,; echo "${missing[*]}")" -am >>"$root/bench/target/build.log" 2>&1 \
    || fail "the build failed; see bench/target/build.log"
fi
rm -rf "$APPS" && mkdir -p "$APPS"
for m in $SERVICES; do cp -r "$m/target/quarkus-app" "$APPS/$m"; done

# A clean slate: no broker or database state from an earlier run (an earlier run's infrastructure is stopped first).
"$root/deploy/local/infra.sh" stop >/dev/null 2>&1 || true
rm -rf "$BENCH_HOME/kafka" "$BENCH_HOME/postgres/data" "$BENCH_HOME/pids" "$BENCH_HOME/keys" "$COHORT_LOGS"
mkdir -p "$BENCH_HOME/pids" "$COHORT_LOGS"
# The broker's jars and PostgreSQL's binaries: those of the local stack when it fetched them, else fetched once.
if [ ! -f "$INFRA_LIBS/.complete" ] && [ -f "$root/.cohort/infra-libs/.complete" ]; then
  rm -rf "$INFRA_LIBS" && ln -s "$root/.cohort/infra-libs" "$INFRA_LIBS"
fi

DRIVER=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The driver stops the services it started when it is asked to end (its shutdown hook).
  if [ -n "$DRIVER" ] && kill -0 "$DRIVER" 2>/dev/null; then
    kill "$DRIVER" 2>/dev/null || true
    for _ in $(seq 900); do kill -0 "$DRIVER" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$DRIVER" 2>/dev/null || true
  fi
  # Services the driver started and could not stop itself (it was killed): only the pids it recorded.
  for f in "$BENCH_HOME"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null && grep -q "$APPS" "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  sleep 1
  for f in "$BENCH_HOME"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null && grep -q "$APPS" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  "$root/deploy/local/infra.sh" stop >/dev/null 2>&1 || true
  say "Benchmark stack stopped."
  exit $rc
}
trap cleanup EXIT
trap 'say "Interrupted (SIGINT)."; exit 130' INT
trap 'say "Terminated (SIGTERM)."; exit 143' TERM

say "Starting Kafka (:$KAFKA_PORT) and PostgreSQL (:$POSTGRES_PORT) for the benchmark..."
"$root/deploy/local/infra.sh" start >/dev/null

CP="$APPS/orchestrator-service/lib/main/*:$APPS/orchestrator-service/lib/boot/*:$root/cli/target/cohort-cli.jar:$root/cli/target/lib/*"
export BENCH_CP=$CP BENCH_APPS=$APPS BENCH_ROOT=$root
# In the background, so that a signal to this script reaches the trap at once (it then ends the driver). Its long
# class path goes in an argument file.
printf '%s\n' -Xmx1g -Dslf4j.internal.verbosity=ERROR -cp "\"$CP\"" "\"$root/bench/Bench.java\"" > "$BENCH_HOME/driver.args"
java @"$BENCH_HOME/driver.args" "${ARGS[@]+"${ARGS[@]}"}" &
DRIVER=$!
wait "$DRIVER"
