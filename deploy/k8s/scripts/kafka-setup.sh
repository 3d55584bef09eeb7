#!/usr/bin/env bash
# Prepares a Kafka cluster for Cohort. Idempotent: safe to run on every start.
# Runs in the apache/kafka image (docker-compose service kafka-setup, Kubernetes Job kafka-setup) as the super user.
# KAFKA_BOOTSTRAP_SERVERS: where the broker is; TOPIC_PARTITIONS and TOPIC_REPLICATION: how topics are created;
# COHORT_KAFKA_<USER>_PASSWORD: the passwords of the super user and of each service's user (kafka-client.sh).
set -euo pipefail
. "$(dirname "$0")/kafka-client.sh"

BOOTSTRAP=${KAFKA_BOOTSTRAP_SERVERS:?set KAFKA_BOOTSTRAP_SERVERS}
PARTITIONS=${TOPIC_PARTITIONS:-3}
REPLICATION=${TOPIC_REPLICATION:-1}
BIN=/opt/kafka/bin

# The topics of dev.cohort.contracts.Topics; one dispatch topic per dev.cohort.contracts.model.Role.
EVENT_TOPICS="cohort.task-events cohort.agent-events cohort.artifact-events cohort.agent-messages cohort.dead-letter"
ROLES="lead architect backend frontend reviewer tester researcher optimizer"
# cohort.worker.share-group-prefix in the agent worker.
SHARE_GROUP_PREFIX=cohort-workers-

# What each service's user may do, and nothing more: one ACL a line (principal, operation, resource type, pattern
# type, name). Derived from the services' channels and Kafka clients; the deploy-checks module compares the two.
ACLS='
orchestrator   Write         topic  literal   cohort.task-events
orchestrator   Write         topic  prefixed  cohort.dispatch.
orchestrator   Write         topic  literal   cohort.agent-messages
orchestrator   Write         topic  literal   cohort.dead-letter
orchestrator   Read          topic  literal   cohort.agent-events
orchestrator   Read          topic  literal   cohort.agent-messages
orchestrator   Read          topic  literal   cohort.artifact-events
orchestrator   Read          topic  literal   cohort.dead-letter
orchestrator   Read          group  literal   cohort-orchestrator
context-store  Write         topic  literal   cohort.artifact-events
context-store  Write         topic  literal   cohort.dead-letter
context-store  Read          topic  literal   cohort.task-events
context-store  Read          group  literal   cohort-context-store
dashboard      Read          topic  literal   cohort.task-events
dashboard      Read          topic  literal   cohort.agent-events
dashboard      Read          topic  literal   cohort.artifact-events
dashboard      Read          topic  literal   cohort.agent-messages
dashboard      Read          group  prefixed  cohort-dashboard-
worker         Write         topic  literal   cohort.agent-events
worker         Write         topic  literal   cohort.agent-messages
worker         Write         topic  literal   cohort.dead-letter
worker         Read          topic  prefixed  cohort.dispatch.
worker         Read          topic  literal   cohort.task-events
worker         Read          group  prefixed  cohort-workers-
worker         AlterConfigs  group  prefixed  cohort-workers-
worker         Read          group  prefixed  cohort-worker-control-
'

ADMIN_CONFIG=$(mktemp)
trap 'rm -f "$ADMIN_CONFIG"' EXIT
write_admin_config "$ADMIN_CONFIG"
ADMIN=(--bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG")

for _ in $(seq 60); do
  "$BIN/kafka-broker-api-versions.sh" "${ADMIN[@]}" >/dev/null 2>&1 && break
  echo "waiting for Kafka at $BOOTSTRAP"; sleep 2
done

# Workers consume dispatch topics through share groups (KIP-932). New 4.2 clusters have share.version=1;
# a cluster formatted by an older release needs the upgrade.
"$BIN/kafka-features.sh" "${ADMIN[@]}" upgrade --feature share.version=1

for topic in $EVENT_TOPICS; do
  "$BIN/kafka-topics.sh" "${ADMIN[@]}" --create --if-not-exists --topic "$topic" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION"
done
for role in $ROLES; do
  "$BIN/kafka-topics.sh" "${ADMIN[@]}" --create --if-not-exists --topic "cohort.dispatch.$role" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION"
  # A share group starts at the latest offset by default, which would skip dispatches sent before the
  # role's first worker joined; earliest delivers them (the orchestrator's fencing drops stale attempts).
  "$BIN/kafka-configs.sh" "${ADMIN[@]}" --alter --entity-type groups \
    --entity-name "$SHARE_GROUP_PREFIX$role" --add-config share.auto.offset.reset=earliest
done

# The services' users exist from the broker's first start (kafka-format.sh); setting their passwords again makes a
# changed secret take effect.
for user in $SERVICE_USERS; do
  password=$(password_of "$user")
  "$BIN/kafka-configs.sh" "${ADMIN[@]}" --alter --entity-type users --entity-name "$user" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" >/dev/null
done

# Adding an ACL that exists changes nothing. An ACL taken out of the table stays until removed with
# kafka-acls.sh --remove (docs/deploying.md).
while read -r principal operation resource pattern name; do
  [[ -n "$principal" ]] || continue
  "$BIN/kafka-acls.sh" "${ADMIN[@]}" --add --allow-principal "User:$principal" --operation "$operation" \
    "--$resource" "$name" --resource-pattern-type "$pattern" </dev/null >/dev/null
  echo "ACL: User:$principal $operation $resource $name ($pattern)"
done <<<"$ACLS"

"$BIN/kafka-topics.sh" "${ADMIN[@]}" --list
echo "Kafka is ready for Cohort"
