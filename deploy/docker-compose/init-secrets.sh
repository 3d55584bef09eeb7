#!/usr/bin/env bash
# Makes, once, what docker-compose.yml needs and Git must not hold: a token-signing key pair in secrets/ and .env
# (which docker compose reads) with random Kafka and PostgreSQL passwords and the workers' and the orchestrator's
# tokens. Prints an admin token for you. With --force it replaces them; PostgreSQL and Kafka keep the passwords their
# volumes were made with, so run `docker compose down -v` first.
set -euo pipefail
cd "$(dirname "$0")"
MINT=../k8s/scripts/mint-token.sh

if [[ -e .env && "${1:-}" != "--force" ]]; then
  echo ".env exists; ./init-secrets.sh --force replaces it" >&2
  exit 1
fi

mkdir -p secrets
chmod 700 secrets
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out secrets/jwt-private.pem 2>/dev/null
chmod 600 secrets/jwt-private.pem
openssl pkey -in secrets/jwt-private.pem -pubout -out secrets/jwt-public.pem

worker_account=cohort-worker
password() { openssl rand -hex 24; }
(
  umask 077
  cat >.env <<ENV
COHORT_JWT_PUBLIC_KEY=./secrets/jwt-public.pem
POSTGRES_PASSWORD=$(password)
COHORT_KAFKA_ADMIN_PASSWORD=$(password)
COHORT_KAFKA_ORCHESTRATOR_PASSWORD=$(password)
COHORT_KAFKA_CONTEXT_STORE_PASSWORD=$(password)
COHORT_KAFKA_DASHBOARD_PASSWORD=$(password)
COHORT_KAFKA_WORKER_PASSWORD=$(password)
COHORT_WORKER_TOKEN=$("$MINT" secrets/jwt-private.pem "$worker_account" worker 365)
COHORT_ORCHESTRATOR_TOKEN=$("$MINT" secrets/jwt-private.pem cohort-orchestrator orchestrator 365)
ENV
)
echo "Wrote .env and secrets/. An admin token for you, valid for a day (the dashboard and the cohort CLI ask for it):"
"$MINT" secrets/jwt-private.pem "${USER:-admin}" admin 1
