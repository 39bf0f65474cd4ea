# Starts a throwaway PostgreSQL server (binaries of the Debian package) on a free port.
# Usage: source .ci/postgres.sh; pg_start; ...; pg_stop
# Exports TEST_DATABASE_URL.
pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }; done
  return 1
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

pg_start() {
  local bin; bin=$(pg_bin) || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; return 1; }
  PG_DIR=$(mktemp -d /tmp/om-pg.XXXXXX)
  chown postgres "$PG_DIR"
  PG_PORT=$(free_port)
  local as=(runuser -u postgres --)
  [ "$(id -u)" = 0 ] || as=()
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
  "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres operator_manager_test
  export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/operator_manager_test"
  export PG_BIN="$bin" PG_DIR PG_PORT
  echo "PostgreSQL on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  local as=(runuser -u postgres --)
  [ "$(id -u)" = 0 ] || as=()
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
