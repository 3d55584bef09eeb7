# Shared settings of the deploy/local scripts. Every value can be overridden from the environment.
COHORT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COHORT_HOME=${COHORT_HOME:-$COHORT_ROOT/.cohort}
COHORT_LOGS=${COHORT_LOGS:-$COHORT_HOME/logs}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
POSTGRES_PORT=${POSTGRES_PORT:-5433}
POSTGRES_DATABASES=${POSTGRES_DATABASES:-"cohort_orchestrator cohort_context"}
INFRA_LIBS=$COHORT_HOME/infra-libs

mkdir -p "$COHORT_HOME" "$COHORT_LOGS"

say() { printf '%s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Fetches the broker's jars and the PostgreSQL binaries from Maven Central once.
fetch_infra_libs() {
  [ -f "$INFRA_LIBS/.complete" ] && return 0
  local platform
  case "$(uname -m)" in
    x86_64|amd64) platform=linux-amd64 ;;
    aarch64|arm64) platform=linux-arm64v8 ;;
    *) fail "no PostgreSQL binaries for $(uname -m)" ;;
  esac
  say "Fetching Kafka and PostgreSQL from Maven Central (first run only)..."
  rm -rf "$INFRA_LIBS"
  "$COHORT_ROOT/mvnw" -q -B -f "$COHORT_ROOT/deploy/local/pom.xml" dependency:copy-dependencies \
    -Dpostgres.binaries.platform="$platform" -DoutputDirectory="$INFRA_LIBS" \
    || fail "could not fetch the infrastructure jars (is Maven Central reachable?)"
  touch "$INFRA_LIBS/.complete"
}

# Waits until a TCP port on loopback accepts connections.
wait_for_port() {
  local port=$1 what=$2 seconds=${3:-60}
  for _ in $(seq $((seconds * 5))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  fail "$what did not open port $port within ${seconds}s; see $COHORT_LOGS"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
