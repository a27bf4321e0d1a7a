#!/usr/bin/env bash
# Starts and stops a throwaway RabbitMQ node and PostgreSQL cluster on 127.0.0.1, each with data
# directories of its own under $SC_SERVERS_DIR, so tests never touch a machine-wide server.
# Usage: source .ci/servers.sh; servers_start; ...; servers_stop
# Every location is a variable, so a second pair (the reliability tests' own, which they stop,
# restart and kill) can run beside CI's: SC_SERVERS_DIR, SC_PG_PORT, SC_RABBIT_PORT,
# SC_RABBIT_DIST_PORT and SC_RABBIT_NODE (two nodes of one name on a host clash in epmd).
# postgres_restart / rabbitmq_restart keep the data; postgres_start / rabbitmq_start begin empty.
set -euo pipefail

SC_SERVERS_DIR=${SC_SERVERS_DIR:-/tmp/supportcopilot-ci}
SC_PG_PORT=${SC_PG_PORT:-55432}
SC_RABBIT_PORT=${SC_RABBIT_PORT:-55672}
SC_RABBIT_DIST_PORT=${SC_RABBIT_DIST_PORT:-55673}
SC_RABBIT_NODE=${SC_RABBIT_NODE:-supportcopilot-ci@localhost}

pg_bin() {
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  dirname "$(command -v initdb)"
}

postgres_start() {
  local bin data=$SC_SERVERS_DIR/pg
  bin=$(pg_bin)
  rm -rf "$data"; mkdir -p "$data"
  # initdb refuses to run as root; the cluster belongs to the postgres (or nobody) user.
  local owner=postgres; id "$owner" >/dev/null 2>&1 || owner=nobody
  chown -R "$owner" "$SC_SERVERS_DIR/pg"
  run_as() { if [ "$(id -u)" = 0 ]; then su -s /bin/sh "$owner" -c "$*"; else sh -c "$*"; fi; }
  run_as "'$bin/initdb' -D '$data/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$data/initdb.log' 2>&1" \
    || { cat "$data/initdb.log"; echo "PostgreSQL initdb failed" >&2; return 1; }
  postgres_run
}

# Starts the cluster postgres_start created, keeping its data (a restart after postgres_stop).
postgres_run() {
  local bin data=$SC_SERVERS_DIR/pg
  bin=$(pg_bin)
  local owner=postgres; id "$owner" >/dev/null 2>&1 || owner=nobody
  run_as() { if [ "$(id -u)" = 0 ]; then su -s /bin/sh "$owner" -c "$*"; else sh -c "$*"; fi; }
  run_as "'$bin/pg_ctl' -D '$data/data' -l '$data/server.log' -w -t 60 \
    -o \"-c listen_addresses=127.0.0.1 -p $SC_PG_PORT -k '$data' -c max_connections=300 -c fsync=off -c synchronous_commit=off\" start" \
    || { cat "$data/server.log"; echo "PostgreSQL did not start" >&2; return 1; }
  export SUPPORTCOPILOT_TEST_POSTGRES="Host=127.0.0.1;Port=$SC_PG_PORT;Username=postgres;Database=postgres"
  echo "PostgreSQL up on 127.0.0.1:$SC_PG_PORT"
}

postgres_stop() {
  local bin owner=postgres; bin=$(pg_bin); id "$owner" >/dev/null 2>&1 || owner=nobody
  [ -d "$SC_SERVERS_DIR/pg/data" ] || return 0
  if [ "$(id -u)" = 0 ]; then su -s /bin/sh "$owner" -c "'$bin/pg_ctl' -D '$SC_SERVERS_DIR/pg/data' -m fast stop" || true
  else "$bin/pg_ctl" -D "$SC_SERVERS_DIR/pg/data" -m fast stop || true; fi
}

rabbit_env() {
  export RABBITMQ_NODENAME=$SC_RABBIT_NODE
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$SC_RABBIT_PORT
  export RABBITMQ_DIST_PORT=$SC_RABBIT_DIST_PORT
  export RABBITMQ_BASE=$SC_SERVERS_DIR/rabbit
  export RABBITMQ_MNESIA_BASE=$SC_SERVERS_DIR/rabbit/mnesia
  export RABBITMQ_LOG_BASE=$SC_SERVERS_DIR/rabbit/log
  export RABBITMQ_PID_FILE=$SC_SERVERS_DIR/rabbit/rabbit.pid
  export RABBITMQ_CONFIG_FILE=$SC_SERVERS_DIR/rabbit/rabbitmq
  export RABBITMQ_ENABLED_PLUGINS_FILE=$SC_SERVERS_DIR/rabbit/enabled_plugins
  export HOME=${HOME:-/root}
}

rabbitmq_start() {
  rabbit_env
  rm -rf "$RABBITMQ_BASE"; mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  echo "[]." >"$RABBITMQ_ENABLED_PLUGINS_FILE"
  printf 'loopback_users = none\nlisteners.tcp.default = 127.0.0.1:%s\n' "$SC_RABBIT_PORT" >"$RABBITMQ_CONFIG_FILE.conf"
  rabbitmq_run
}

# Starts the node rabbitmq_start created, keeping its queues and messages (a restart after rabbitmq_stop).
rabbitmq_run() {
  rabbit_env
  [ "$(id -u)" = 0 ] && chown -R rabbitmq:rabbitmq "$RABBITMQ_BASE" 2>/dev/null || true
  rabbitmq-server >"$RABBITMQ_LOG_BASE/stdout.log" 2>&1 &
  # await_startup fails at once while the node is not yet reachable, so ask until it answers.
  local deadline=$((SECONDS + 120))
  until rabbitmqctl -n "$RABBITMQ_NODENAME" await_startup >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      tail -50 "$RABBITMQ_LOG_BASE"/*.log; echo "RabbitMQ did not start" >&2; return 1
    fi
    sleep 2
  done
  export SUPPORTCOPILOT_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$SC_RABBIT_PORT/"
  echo "RabbitMQ up on 127.0.0.1:$SC_RABBIT_PORT"
}

rabbitmq_stop() {
  rabbit_env
  rabbitmqctl -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1 || true
}

postgres_restart() { postgres_stop; postgres_run; }
rabbitmq_restart() { rabbitmq_stop; rabbitmq_run; }

servers_start() { postgres_start; rabbitmq_start; }
servers_stop() { rabbitmq_stop; postgres_stop; }
