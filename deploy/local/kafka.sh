#!/usr/bin/env bash
# A standalone Kafka broker (KRaft, combined broker and controller, share groups on) on loopback.
# Usage: deploy/local/kafka.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/common.sh"

KAFKA_DIR=$COHORT_HOME/kafka
PID_FILE=$KAFKA_DIR/kafka.pid
LOG=$COHORT_LOGS/kafka.log

start() {
  if pid_alive "$PID_FILE"; then say "Kafka is already running on localhost:$KAFKA_PORT"; return; fi
  fetch_infra_libs
  mkdir -p "$KAFKA_DIR/data"
  cat > "$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# A worker holds a dispatch until its result is reported: the lock must outlast a model call.
group.share.record.lock.duration.ms=300000
group.share.max.record.lock.duration.ms=3600000
# A worker that died gives its share of the dispatch partitions to the live ones within 10 s, not 45 s, so a retry
# keyed to the same partition is not left waiting for a member that is gone.
group.share.min.session.timeout.ms=6000
group.share.session.timeout.ms=10000
group.share.min.heartbeat.interval.ms=1000
group.share.heartbeat.interval.ms=2000
PROPS
  cat > "$KAFKA_DIR/log4j2.properties" <<'PROPS'
rootLogger.level=INFO
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.name=STDOUT
appender.stdout.type=Console
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=%d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
PROPS
  local java_opts=(-Xmx512m -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties")
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    java "${java_opts[@]}" -cp "$INFRA_LIBS/*" kafka.tools.StorageTool format \
      --config "$KAFKA_DIR/server.properties" --cluster-id "$(java -cp "$INFRA_LIBS/*" kafka.tools.StorageTool random-uuid 2>>"$LOG")" \
      --feature share.version=1 >>"$LOG" 2>&1 || fail "could not format Kafka storage; see $LOG"
  fi
  nohup java "${java_opts[@]}" -cp "$INFRA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties" >>"$LOG" 2>&1 &
  echo $! > "$PID_FILE"
  wait_for_port "$KAFKA_PORT" "Kafka"
  say "Kafka is running on localhost:$KAFKA_PORT (log: $LOG)"
}

stop() {
  if pid_alive "$PID_FILE"; then
    local pid; pid=$(cat "$PID_FILE")
    kill "$pid"
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    say "Kafka stopped"
  fi
  rm -f "$PID_FILE"
}

status() {
  if pid_alive "$PID_FILE"; then say "Kafka: running on localhost:$KAFKA_PORT"; else say "Kafka: stopped"; return 3; fi
}

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;;
  *) fail "usage: $0 start|stop|status" ;;
esac
