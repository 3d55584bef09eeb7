# Sourced by the Kafka scripts next to it, not run on its own: the SCRAM users of Cohort and a client configuration
# for the broker's super user.

# One user per service; each password is COHORT_KAFKA_<USER>_PASSWORD, dashes as underscores
# (COHORT_KAFKA_CONTEXT_STORE_PASSWORD). Their ACLs are in kafka-setup.sh.
SERVICE_USERS="orchestrator context-store dashboard worker"
# The broker's own user (KAFKA_SUPER_USERS), which kafka-setup.sh and the health checks use too.
ADMIN_USER=admin

# The password of user $1. Fails, naming the variable, when it is missing or holds characters that the SCRAM and
# JAAS syntaxes would misread.
password_of() {
  local var
  var="COHORT_KAFKA_$(tr 'a-z-' 'A-Z_' <<<"$1")_PASSWORD"
  local value="${!var:-}"
  if [[ ! "$value" =~ ^[A-Za-z0-9_-]{16,}$ ]]; then
    echo "$var must be 16 or more letters, digits, '-' or '_' (openssl rand -hex 24)" >&2
    return 1
  fi
  printf '%s' "$value"
}

# Writes the super user's client configuration to file $1, readable by its owner only.
write_admin_config() {
  local password
  password=$(password_of "$ADMIN_USER")
  (
    umask 077
    cat >"$1" <<CONFIG
security.protocol=${KAFKA_SECURITY_PROTOCOL:-SASL_PLAINTEXT}
sasl.mechanism=${KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN_USER" password="$password";
CONFIG
  )
}
