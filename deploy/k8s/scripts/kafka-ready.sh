#!/usr/bin/env bash
# Whether the broker answers its super user on the client listener: the compose health check and the StatefulSet's
# readiness probe. Needs COHORT_KAFKA_ADMIN_PASSWORD.
set -euo pipefail
. "$(dirname "$0")/kafka-client.sh"

CONFIG=$(mktemp)
trap 'rm -f "$CONFIG"' EXIT
write_admin_config "$CONFIG"
/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 --command-config "$CONFIG" >/dev/null 2>&1
