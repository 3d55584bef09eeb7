#!/usr/bin/env bash
# Formats the broker's storage on its first start with Cohort's SCRAM-SHA-512 users (the super user and one per
# service, kafka-client.sh), so that every client can authenticate from the start. A formatted volume is left as it
# is; kafka-setup.sh sets the services' passwords again on every run.
# Runs in the apache/kafka image before the broker, with the broker's CLUSTER_ID, KAFKA_NODE_ID,
# KAFKA_CONTROLLER_QUORUM_VOTERS and KAFKA_LOG_DIRS: the init container of the Kafka StatefulSet, the compose service
# kafka-format. The cluster id must be the broker's: the image formats on every start too, and tolerates a formatted
# volume only when the id matches.
set -euo pipefail
. "$(dirname "$0")/kafka-client.sh"

BIN=/opt/kafka/bin
LOG_DIRS=${KAFKA_LOG_DIRS:?set KAFKA_LOG_DIRS}
if [[ -e "$LOG_DIRS/meta.properties" ]]; then
  echo "$LOG_DIRS is formatted already"
  exit 0
fi
CONFIG=$(mktemp)
trap 'rm -f "$CONFIG"' EXIT

# What formatting reads; the broker itself is configured from its environment.
cat >"$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=${KAFKA_NODE_ID:?set KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_CONTROLLER_QUORUM_VOTERS:?set KAFKA_CONTROLLER_QUORUM_VOTERS}
controller.listener.names=CONTROLLER
listeners=CLIENT://:9092,CONTROLLER://localhost:9093
listener.security.protocol.map=CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=CLIENT
log.dirs=$LOG_DIRS
PROPERTIES

scram=()
for user in "$ADMIN_USER" $SERVICE_USERS; do
  password=$(password_of "$user")
  scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$password]")
done
# The tool prints the bootstrap records, SCRAM keys included: not for the log.
"$BIN/kafka-storage.sh" format --ignore-formatted --config "$CONFIG" --cluster-id "${CLUSTER_ID:?set CLUSTER_ID}" \
  "${scram[@]}" | sed '/^Bootstrap metadata/d'
