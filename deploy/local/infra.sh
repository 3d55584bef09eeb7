#!/usr/bin/env bash
# Kafka and PostgreSQL for a local Cohort stack. Usage: deploy/local/infra.sh start|stop|status
set -euo pipefail
dir=$(dirname "$0")
case "${1:-}" in
  start) "$dir/kafka.sh" start && "$dir/postgres.sh" start ;;
  stop) "$dir/kafka.sh" stop; "$dir/postgres.sh" stop ;;
  status) rc=0; "$dir/kafka.sh" status || rc=$?; "$dir/postgres.sh" status || rc=$?; exit $rc ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
