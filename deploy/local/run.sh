#!/usr/bin/env bash
# Starts Cohort on this machine and runs a sample task end to end:
#   Kafka (KRaft) and PostgreSQL, the model simulator (or real models, see below), the orchestrator, the context
#   store, the dashboard and two workers; then submits a task, shows the team's progress until it is done and
#   exports what the agents wrote. Cohort keeps running until Ctrl-C or deploy/local/stop.sh.
#
# Usage: deploy/local/run.sh ["task description"] [--exit]
#   --exit              stop everything once the sample task has ended
# Real models instead of the simulator:
#   OLLAMA_BASE_URL=http://localhost:11434   every role on that Ollama (profile "local")
#   OPENROUTER_API_KEY=...                   the lead on OpenRouter, workers on Ollama (profile "hybrid")
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/common.sh"

TASK="Build a todo REST API with a web front end"
EXIT_AFTER=false
for arg in "$@"; do
  case "$arg" in
    --exit) EXIT_AFTER=true ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) TASK=$arg ;;
  esac
done

PIDS=$COHORT_HOME/pids
mkdir -p "$PIDS" "$COHORT_HOME/exports"
SERVICES="model-simulator context-store-service orchestrator-service dashboard-service agent-worker-service"

stop_all() { "$dir/stop.sh" >/dev/null 2>&1 || true; }

build_if_needed() {
  local stale=false
  for m in $SERVICES; do
    local jar=$COHORT_ROOT/$m/target/quarkus-app/quarkus-run.jar
    if [ ! -f "$jar" ] || [ -n "$(find "$COHORT_ROOT/$m/src/main" "$COHORT_ROOT/contracts/src/main" "$COHORT_ROOT/outbox/src/main" "$COHORT_ROOT/security/src/main" -newer "$jar" -print -quit)" ]; then
      stale=true
    fi
  done
  [ -f "$COHORT_ROOT/cli/target/cohort-cli.jar" ] || stale=true
  if $stale; then
    say "Building Cohort (a few minutes the first time)..."
    (cd "$COHORT_ROOT" && ./mvnw -q -B package -DskipTests -pl "$(echo $SERVICES | tr ' ' ','),cli" -am) \
      >"$COHORT_LOGS/build.log" 2>&1 || fail "the build failed; see $COHORT_LOGS/build.log"
  fi
}

# start_service NAME MODULE PORT [ENV=VALUE...]; the values (tokens among them) go into the environment, not argv.
start_service() {
  local name=$1 module=$2 port=$3; shift 3
  if pid_alive "$PIDS/$name.pid"; then say "  $name is already running"; return; fi
  (export QUARKUS_HTTP_PORT="$port" KAFKA_BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT" "${AUTH_ENV[@]}" "$@"
   exec java -Xmx512m -jar "$COHORT_ROOT/$module/target/quarkus-app/quarkus-run.jar" >"$COHORT_LOGS/$name.log" 2>&1) &
  echo $! > "$PIDS/$name.pid"
  READY_URLS="$READY_URLS http://localhost:$port"
}

db_env() {
  echo "QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$POSTGRES_PORT/$1" \
       "QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$POSTGRES_PORT/$1"
}

# Tokens: the local stack is its own issuer. A key pair in .cohort/keys (made once) signs an operator token for you
# (.cohort/token, mode 600, read by ./cohort) and the services' own tokens; every service verifies with the public key.
# Deployments use an identity provider instead (docs/security.md).
mint() { "$COHORT_ROOT/cohort" token --keys "$COHORT_HOME/keys" --ttl 720 "$@"; }
issue_tokens() {
  ( umask 077
    mint --role operator --subject "${USER:-operator}" > "$COHORT_HOME/token.new" \
      && mv "$COHORT_HOME/token.new" "$COHORT_HOME/token" \
      && printf 'http://localhost:8082/#login=%s\n' "$(cat "$COHORT_HOME/token")" > "$COHORT_HOME/login-link" ) \
    || fail "could not make the local tokens (see the error above)"
  AUTH_ENV=(MP_JWT_VERIFY_PUBLICKEY_LOCATION="file:$COHORT_HOME/keys/public.pem")
  ORCHESTRATOR_TOKEN=$(mint --role orchestrator --subject orchestrator) || fail "could not make the orchestrator's token"
}

build_if_needed
issue_tokens
"$dir/infra.sh" start
trap 'echo; say "Stopping Cohort..."; stop_all; exit 130' INT TERM

READY_URLS=""
MODEL_ENV=(COHORT_PROVIDERS_OLLAMA_URL=http://localhost:8090 COHORT_PROVIDERS_OPENROUTER_URL=http://localhost:8090/v1)
if [ -n "${OPENROUTER_API_KEY:-}" ]; then
  MODEL_ENV=(QUARKUS_PROFILE=hybrid COHORT_PROVIDERS_OLLAMA_URL="${OLLAMA_BASE_URL:-http://localhost:11434}")
  say "Models: the lead on OpenRouter, workers on Ollama at ${OLLAMA_BASE_URL:-http://localhost:11434} (profile hybrid)"
elif [ -n "${OLLAMA_BASE_URL:-}" ]; then
  MODEL_ENV=(QUARKUS_PROFILE=local COHORT_PROVIDERS_OLLAMA_URL="$OLLAMA_BASE_URL")
  say "Models: every role on Ollama at $OLLAMA_BASE_URL (profile local)"
else
  say "Models: the model simulator on :8090 (set OLLAMA_BASE_URL or OPENROUTER_API_KEY for real models)"
  start_service simulator model-simulator 8090
  # The simulated backend, reviewer and tester work through native tool calls (docs/agents.md); the tester may run
  # node in the bubblewrap sandbox, where bwrap is installed.
  MODEL_ENV+=(COHORT_ROLES_BACKEND_TOOL_MODE=native COHORT_ROLES_REVIEWER_TOOL_MODE=native
    COHORT_ROLES_TESTER_TOOL_MODE=native COHORT_ROLES_TESTER_COMMANDS=node)
fi
say "Starting the services (logs in $COHORT_LOGS)..."
start_service context-store context-store-service 8081 $(db_env cohort_context)
start_service orchestrator orchestrator-service 8080 $(db_env cohort_orchestrator) \
  COHORT_ORCHESTRATOR_TOKEN="$ORCHESTRATOR_TOKEN"
# A pause goal for the dashboard's collector: its young collections stay short while it writes to many browsers
# (docs/operating.md#jvm). The same option is in its Dockerfile.
start_service dashboard dashboard-service 8082 JDK_JAVA_OPTIONS=-XX:MaxGCPauseMillis=20
for w in a b; do
  port=$((8082 + $(printf '%d' "'$w") - 96))
  worker_token=$(mint --role worker --subject "worker-$w") || fail "could not make worker-$w's token"
  start_service "worker-$w" agent-worker-service "$port" COHORT_WORKER_NAME="worker-$w" \
    COHORT_WORKER_TOKEN="$worker_token" "${MODEL_ENV[@]}"
done

COHORT="$COHORT_ROOT/cohort"
"$COHORT" wait $READY_URLS || { stop_all; fail "Cohort did not become ready; see $COHORT_LOGS"; }
say ""
say "Cohort is running. Dashboard: http://localhost:8082   API: http://localhost:8080/q/swagger-ui"
say "Your operator token is in $COHORT_HOME/token (./cohort uses it); paste it into the dashboard's sign-in, or open"
say "the sign-in link kept in $COHORT_HOME/login-link."
say ""
say "Sample task: $TASK"
id=$("$COHORT" submit "$TASK" | awk '/^submitted/ {print $2}')
"$COHORT" show "$id" --follow
zip=$COHORT_HOME/exports/$id.zip
"$COHORT" export "$id" --out "$zip" >/dev/null && say "" && say "The agents' artifacts: $zip"
say "More: ./cohort help   Logs: $COHORT_LOGS   Stop: Ctrl-C or deploy/local/stop.sh"

if $EXIT_AFTER; then
  stop_all
  exit 0
fi
while true; do sleep 3600; done
