#!/usr/bin/env bash
# Prepares a Kafka cluster for Cohort. Idempotent: safe to run on every start.
# Runs in the apache/kafka image (docker-compose service kafka-setup, Kubernetes Job kafka-setup).
# KAFKA_BOOTSTRAP_SERVERS: where the broker is; TOPIC_PARTITIONS and TOPIC_REPLICATION: how topics are created.
set -euo pipefail

BOOTSTRAP=${KAFKA_BOOTSTRAP_SERVERS:?set KAFKA_BOOTSTRAP_SERVERS}
PARTITIONS=${TOPIC_PARTITIONS:-3}
REPLICATION=${TOPIC_REPLICATION:-1}
BIN=/opt/kafka/bin

# The topics of dev.cohort.contracts.Topics; one dispatch topic per dev.cohort.contracts.model.Role.
EVENT_TOPICS="cohort.task-events cohort.agent-events cohort.artifact-events cohort.agent-messages cohort.dead-letter"
ROLES="lead architect backend frontend reviewer tester researcher optimizer"
# cohort.worker.share-group-prefix in the agent worker.
SHARE_GROUP_PREFIX=cohort-workers-

for _ in $(seq 60); do
  "$BIN/kafka-broker-api-versions.sh" --bootstrap-server "$BOOTSTRAP" >/dev/null 2>&1 && break
  echo "waiting for Kafka at $BOOTSTRAP"; sleep 2
done

# Workers consume dispatch topics through share groups (KIP-932). New 4.2 clusters have share.version=1;
# a cluster formatted by an older release needs the upgrade.
"$BIN/kafka-features.sh" --bootstrap-server "$BOOTSTRAP" upgrade --feature share.version=1

for topic in $EVENT_TOPICS; do
  "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$topic" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION"
done
for role in $ROLES; do
  "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "cohort.dispatch.$role" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION"
  # A share group starts at the latest offset by default, which would skip dispatches sent before the
  # role's first worker joined; earliest delivers them (the orchestrator's fencing drops stale attempts).
  "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --alter --entity-type groups \
    --entity-name "$SHARE_GROUP_PREFIX$role" --add-config share.auto.offset.reset=earliest
done

"$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --list
echo "Kafka is ready for Cohort"
