#!/usr/bin/env bash
# Starts the whole system: one silo and the gateway on http://localhost:3030 (HOST and PORT override it).
# Without DATABASE_URL it runs a PostgreSQL of its own with its data in .data/postgres (kept between runs).
# On first run it generates ENCRYPTION_KEY, an API key and the local database password into .env.local;
# later runs reuse them, and variables set by the caller win over that file. Ctrl-C or SIGTERM stops
# everything it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/env.sh
source scripts/lib/env.sh

env_file="$root/.env.local"
env_load "$env_file"

if [ -z "${ENCRYPTION_KEY:-}" ]; then
  env_remember "$env_file" ENCRYPTION_KEY "$(head -c 32 /dev/urandom | base64)"
  echo "generated ENCRYPTION_KEY into .env.local (keep it: stored passwords cannot be read without it)"
fi
if [ -z "${API_KEYS:-}" ]; then
  env_remember "$env_file" API_KEYS "$(random_token 24)"
  echo "generated an admin API key into .env.local"
fi

host=${HOST:-localhost}
case "$host" in 0.0.0.0|'*'|'+') host=localhost ;; ::) host='[::1]' ;; esac
url="http://$host:${PORT:-3030}"
if curl -fsS -m 2 "$url/readyz" >/dev/null 2>&1; then
  # Another run (or another program) answers there: starting beside it would fail, and stopping afterwards would
  # take the PostgreSQL of .data/postgres away from it.
  echo "something already answers at $url (another ./scripts/run.sh?); stop it first, or set PORT" >&2
  exit 1
fi

pg_data=""
if [ -z "${DATABASE_URL:-}" ]; then
  [ -n "${LOCAL_PG_PASSWORD:-}" ] || env_remember "$env_file" LOCAL_PG_PASSWORD "$(random_token 18)"
  [ -n "${LOCAL_PG_PORT:-}" ] || env_remember "$env_file" LOCAL_PG_PORT "$(pg_free_port 54329)"
  pg_data="$root/.data/postgres"
  pg_start "$pg_data" "$LOCAL_PG_PORT" "$LOCAL_PG_PASSWORD" durable
  export DATABASE_URL="postgresql://monitoring:${LOCAL_PG_PASSWORD}@127.0.0.1:${LOCAL_PG_PORT}/monitoring"
fi

echo "building (Release)..."
dotnet build Monitoring.sln -c Release -nologo -clp:ErrorsOnly -v q
silo_dll="$root/Silo/bin/Release/net10.0/Monitoring.Silo.dll"
gateway_dll="$root/Gateway/bin/Release/net10.0/Monitoring.Gateway.dll"

dotnet "$silo_dll" migrate

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_data" ]; then pg_stop "$pg_data"; fi
  echo "stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export RESULTS_JOURNAL_DIR=${RESULTS_JOURNAL_DIR:-$root/.data/journal}
dotnet "$silo_dll" &
pids+=($!)
dotnet "$gateway_dll" &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -fsS "$url/readyz" >/dev/null 2>&1; then break; fi
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a process exited during start-up" >&2; exit 1; }; done
  sleep 0.5
done
curl -fsS "$url/readyz" >/dev/null || { echo "the gateway did not become ready ($url/readyz) within 60 s" >&2; exit 1; }

key=${API_KEYS%%,*}
key=${key%%:*}
cat <<INFO

Monitoring is running at $url
API key: $key
Try:     curl -H "Authorization: Bearer $key" $url/clients

Ctrl-C stops it.
INFO
wait -n "${pids[@]}" || true
