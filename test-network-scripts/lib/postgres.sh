# PostgreSQL for gateway replicas (network.sh gateway --replicas N): Debian's postgresql
# programs, a cluster in the state folder (initdb once), the server started as a network process
# (start_proc, so status/stop-node/down see it and it is stopped by its pid) on a port in the
# network's range, and the gateway's database created once. Sourced by network.sh.
# As root the server runs as the `postgres` system user (initdb and postgres refuse root).

# pg_bin: the folder of the newest PostgreSQL programs installed (/usr/lib/postgresql/*/bin).
pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] || die "PostgreSQL is not installed (apt-get install -y postgresql; test-network-scripts/install.sh does it)"
  echo "$d"
}

# pg_as_owner CMD ARGS...: run a command as the cluster's owner (postgres when we are root).
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else "$@"; fi
}

# pg_traversable DIR: the postgres user can reach DIR: a parent folder it cannot pass through
# (a state folder made by mktemp is 0700) gets the search bit for others (o+x: pass through,
# not list; the files inside keep their own modes).
pg_traversable() {
  local d="$1"
  while [ "$d" != / ] && [ -n "$d" ]; do
    d="$(dirname "$d")"
    setpriv --reuid=postgres --regid=postgres --init-groups -- test -x "$d" 2>/dev/null || chmod o+x "$d"
  done
}

# pg_port: the server's port (port base + 96, inside the network's range).
pg_port() { [ -n "${PORT_BASE:-}" ] || die "no port base: load the network settings first"; echo $((PORT_BASE + 96)); }

# pg_url: the gateway database's URL.
pg_url() { echo "postgres://gateway@127.0.0.1:$(pg_port)/govledger"; }

# pg_start: initdb (once), start the server as the network process `postgres`, create the
# database (once). Does nothing when it already runs.
pg_start() {
  local bin dir="$STATE/postgres" port
  bin="$(pg_bin)"
  port="$(pg_port)"
  if is_running postgres; then return 0; fi
  port_open "$port" && die "port $port for PostgreSQL is already in use"
  mkdir -p "$STATE/logs" "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$dir"
    pg_traversable "$dir"
  fi
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    step "Creating the PostgreSQL cluster for the gateway replicas ($dir)"
    run "$STATE/logs/postgres-initdb.log" pg_as_owner "$bin/initdb" -D "$dir/data" -U gateway -A trust -E UTF8
    ok
  fi
  step "Starting PostgreSQL on 127.0.0.1:$port"
  # only 127.0.0.1 and a socket in its own folder; trust authentication is for this local network only
  if [ "$(id -u)" = 0 ]; then
    start_proc postgres -- setpriv --reuid=postgres --regid=postgres --init-groups -- \
      "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" -c listen_addresses=127.0.0.1
  else
    start_proc postgres -- "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" -c listen_addresses=127.0.0.1
  fi
  wait_port postgres "$port" 30
  local i
  for i in $(seq 1 50); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.2
  done
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U gateway -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'govledger'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U gateway govledger \
      || die "could not create the gateway database" "$STATE/logs/postgres.log"
  fi
  ok "$(pg_url)"
}

# pg_stop: stop the server (by its recorded pid; SIGTERM is PostgreSQL's smart shutdown).
pg_stop() { stop_proc postgres; }
