# shellcheck shell=bash
# Starts and stops a private PostgreSQL server for scripts/run.sh, scripts/test.sh and scripts/bench.sh.
# As root, the server runs as the postgres user (initdb refuses root).

pg_log() { echo "[postgres] $*" >&2; }

# Prints the bin folder of the newest installed PostgreSQL (15 preferred), installing it when absent.
pg_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  pg_log "PostgreSQL server binaries not found; installing postgresql-15 with apt-get"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 && \
    { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >&2 \
      || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2; } || {
    pg_log "could not install PostgreSQL; install it (apt-get install postgresql-15) or set DATABASE_URL"; return 1; }
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  pg_log "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql"; return 1
}

# Runs a command as the user that owns the server: postgres when we are root, ourselves otherwise.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Any TCP socket on the port counts, not only listeners: a client's connection can hold it as its local port (the
# kernel's ephemeral range, 32768-60999, covers the ports used here), and PostgreSQL then cannot bind it.
pg_port_free() { ! (ss -tanH 2>/dev/null | awk '{print $4}' | grep -qE "[:.]$1\$"); }

# Prints the first free TCP port at or after $1.
pg_free_port() {
  local port=$1
  while ! pg_port_free "$port"; do port=$((port + 1)); done
  echo "$port"
}

# pg_start DATA_DIR PORT PASSWORD MODE: creates the cluster on first use and starts it on 127.0.0.1:PORT.
# MODE "durable" keeps PostgreSQL's defaults; "throwaway" turns off fsync for tests.
pg_start() {
  local data=$1 port=$2 password=$3 mode=${4:-durable} bin
  bin=$(pg_bin_dir) || return 1
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$data"
    chmod 700 "$data"
    if ! runuser -u postgres -- test -w "$data"; then
      pg_log "the postgres user cannot reach $data (a parent folder is closed to it); set DATABASE_URL or move the checkout"
      return 1
    fi
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    pg_log "creating a new database cluster in $data"
    pg_as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null || return 1
  fi
  local options="-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200"
  if [ "$mode" = throwaway ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  if pg_as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    pg_log "already running in $data"
  else
    pg_as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "$options" -w -t 60 start >/dev/null || {
      pg_log "failed to start; see $data/server.log"; tail -n 20 "$data/server.log" >&2; return 1; }
  fi
  # The application role and database; the password is set with SQL (initdb cannot read our descriptors as postgres).
  pg_as_owner psql -h "$data" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<SQL || return 1
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'monitoring') THEN
    CREATE ROLE monitoring LOGIN CREATEDB PASSWORD '$password';
  ELSE
    ALTER ROLE monitoring PASSWORD '$password';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE monitoring OWNER monitoring'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'monitoring')\gexec
SQL
}

# pg_stop DATA_DIR: fast shutdown (rolls back open transactions, keeps the data).
pg_stop() {
  local data=$1 bin
  bin=$(pg_bin_dir) || return 1
  if pg_as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    pg_as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

# pg_crash DATA_DIR: immediate shutdown, as abrupt as a crash (connections cut, no checkpoint); pg_start brings it back.
pg_crash() {
  local data=$1 bin
  bin=$(pg_bin_dir) || return 1
  pg_as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null
}
