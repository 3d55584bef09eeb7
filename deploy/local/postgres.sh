#!/usr/bin/env bash
# A PostgreSQL server on loopback from Maven Central binaries, with Cohort's databases.
# Usage: deploy/local/postgres.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/common.sh"

PG_DIR=$COHORT_HOME/postgres
DIST=$PG_DIR/dist
DATA=$PG_DIR/data
LOG=$COHORT_LOGS/postgres.log

# PostgreSQL refuses to run as root; as root, run it in a user namespace where it is not.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then unshare --user -- "$@"; else "$@"; fi
}

install_dist() {
  [ -x "$DIST/bin/postgres" ] && return
  fetch_infra_libs
  local jar; jar=$(ls "$INFRA_LIBS"/embedded-postgres-binaries-*.jar | head -1)
  rm -rf "$DIST" && mkdir -p "$DIST"
  (cd "$DIST" && unzip -q -o "$jar" '*.txz' && tar -xJf ./*.txz && rm -f ./*.txz)
}

start() {
  if [ -f "$DATA/postmaster.pid" ] && as_postgres "$DIST/bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "PostgreSQL is already running on localhost:$POSTGRES_PORT"; return
  fi
  install_dist
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    as_postgres "$DIST/bin/initdb" -D "$DATA" -U cohort --auth=trust -E UTF8 --locale=C >>"$LOG" 2>&1 \
      || fail "initdb failed; see $LOG"
    for db in $POSTGRES_DATABASES; do
      echo "CREATE DATABASE $db;" | as_postgres "$DIST/bin/postgres" --single -D "$DATA" postgres >>"$LOG" 2>&1 \
        || fail "could not create database $db; see $LOG"
    done
  fi
  as_postgres "$DIST/bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
    -o "-p $POSTGRES_PORT -h 127.0.0.1 -k $PG_DIR -c max_connections=200" start >/dev/null \
    || fail "PostgreSQL did not start; see $LOG"
  say "PostgreSQL is running on localhost:$POSTGRES_PORT, databases: $POSTGRES_DATABASES (log: $LOG)"
}

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_postgres "$DIST/bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    say "PostgreSQL stopped"
  fi
}

status() {
  if [ -f "$DATA/postmaster.pid" ] && as_postgres "$DIST/bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "PostgreSQL: running on localhost:$POSTGRES_PORT"
  else
    say "PostgreSQL: stopped"; return 3
  fi
}

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;;
  *) fail "usage: $0 start|stop|status" ;;
esac
