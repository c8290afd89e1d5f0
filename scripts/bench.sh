#!/usr/bin/env bash
# Benchmarks (not tests): starts a PostgreSQL like scripts/test.sh does but with PostgreSQL's default
# durability (fsync and synchronous_commit on), builds Release, and runs one scenario of bench/Monitoring.Bench,
# which starts one silo, the gateway and a stub target as their own processes on 127.0.0.1.
#   ./scripts/bench.sh engine --services 2000 --cron '* * * * * *' --duration 60 --json bench/results/engine.json
#   ./scripts/bench.sh engine --type tcp --services 2000 --cron '* * * * * *' --duration 60 --json ...
#     (--type http is the default (GET the stub's /health); tcp connects to tcp://127.0.0.1:<stub port>, same figures)
#   ./scripts/bench.sh engine --type heartbeat [--services 2000 --cron '* * * * * *' --duration 60 --grace 5
#                             --stop-fraction 0.1 --stop-occurrences N] --json ...
#     (heartbeats on the cron with --grace seconds; the bench is their jobs: it GETs each ping_url once per
#      occurrence, spread over min(1 s, half the cron's interval) by a stable per-service offset, plus once as it
#      is created. Steady window: pings sent / 200 / other statuses, ping latency (to 200 = committed), reports
#      stored vs pings answered 200, misses stored (must be 0), CPU per report, RSS. Then --stop-fraction of the
#      jobs leave out the pings of N occurrences (default ceil(grace / interval) + 3, so that at least 3
#      deadlines each go unreported): every deadline with no ping in (previous occurrence, occurrence + grace]
#      must get exactly one miss, no other deadline any; detection lag = stored_at - due_at. The ping rate limit
#      per token (RateLimit__PingsPerSecond, default 10) is left as it is: a job pings at most twice a second.)
#   ./scripts/bench.sh engine --saturate [--start 1000 --step 1000 --hold 60] --json ...
#   ./scripts/bench.sh memory --services 100000 --json ...
#   ./scripts/bench.sh fleet --services 1000000 --mix default --duration 900 [--max-spread S --kill 1] --json ...
#     (HTTP checks of the stub, 70 % every 5 min, 20 % every minute, 10 % every 30 s; each cron spread as the product
#      spreads it for that many services (Scheduling__SpreadChecksPerSecond), or with --max-spread over half its
#      interval up to S seconds whatever the fleet. The first 1,000 created through the API, the rest written to client_services in bulk
#      as the API writes them. The silo is restarted so its start-up sweep schedules all (seconds until
#      monitoring_services_active reaches N), then the window: missed/duplicated occurrences, lag, commit latency,
#      CPU, resident memory per service, occurrences skipped by pacing, the silo's collector (silo_gc: bytes allocated per
#      check, milliseconds stopped per second); last (unless --kill 0), the silo is killed and
#      started again.)
#   ./scripts/bench.sh api --duration 20 [--rows 10000000] --json ...
#     (wrk, 64 connections, against grain-served GETs beside the bare endpoint; --rows first fills the history with
#      other services' results over 90 days)
#   ./scripts/bench.sh uptime --rows 10000000 --json ...
#   ./scripts/bench.sh statuspage [--services 50 --cron '*/10 * * * * *' --duration 20 --connections 100,1000 --refetch json|html] --json ...
#     (one public status page showing --services services, run 15 s first. Page views: wrk (64 connections, no key)
#      against /status/{slug} and /status/{slug}.json, each after the bare endpoint with a body of the same size
#      (at most 100 KiB, the gateway's request body limit, which the bare endpoint's PUT is under too):
#      requests/s, p99, gateway CPU per request, and the gatherings the page cost (distinct generated_at seen by a
#      sampler GETting the JSON every 100 ms). Live updates, for each --connections count: keyless WebSocket hub
#      connections to /hub?status_page={slug}, each refetching the page 1.2 s after an event as status-page.js does:
#      results stored vs received per connection, delivery latency (receive - checked_at, and - stored_at), gateway
#      CPU per second and per message, gateway RSS per connection, refetches/s and their latency. Live updates run
#      first, on a gateway whose heap the page views have not grown yet. Last, the first HTML visitors of a fresh
#      gathering, alone and 64 at once, against the visitors right after them.)
#   ./scripts/bench.sh faults [--services 500 --cron '* * * * * *' --steady 30 --kill 60 --outage 30 --after 60 --stop 45 --hang 60 --roll 75] --json ...
#     (a phase given 0 is left out: --services 20000 --cron '*/10 * * * * *' --outage 0 --after 0 --hang 0 measures take-over at scale)
#     (two silos, default membership: steady, kill -9 of a silo, PostgreSQL stopped and started, a silo stopped
#      with SIGTERM, a silo hung with SIGSTOP, a rolling restart of both silos)
#   ./scripts/bench.sh alerts [--services 10000 --cron '*/30 * * * * *' --others 500 --drain 0] --json ...
#     (--drain N first queues N deliveries at once and times the dispatcher alone; --services 0 runs only that)
#     (services of one client on one target and one webhook channel, first all depending on one service that
#      goes down, then independent and all going down: confirming check to last delivery, deliveries per second,
#      and the scheduling lag of the other services, checked every second, before and during each storm)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# A scenario name is checked before anything is started (PostgreSQL, the build, the fleet).
case "${1:-}" in
  engine|memory|fleet|api|uptime|statuspage|faults|alerts) ;;
  *)
    [ -n "${1:-}" ] && [ "$1" != "--help" ] && [ "$1" != "-h" ] && echo "unknown scenario '$1'" >&2
    sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/env.sh
source scripts/lib/env.sh

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk not found; installing it with apt-get (the api scenario uses it)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk
fi

pg_data=$(mktemp -d "${TMPDIR:-/tmp}/monitoring-bench-pg.XXXXXX")
# The driver runs in a process group of its own with the silos, gateways and stub it starts: whatever ends this
# script (the driver failing, Ctrl-C, SIGTERM), the whole group is stopped before PostgreSQL.
bench_pid=""
stop_all() {
  if [ -n "$bench_pid" ]; then kill -TERM -- "-$bench_pid" 2>/dev/null || true; sleep 1; kill -KILL -- "-$bench_pid" 2>/dev/null || true; fi
  pg_stop "$pg_data" || true
  rm -rf "$pg_data"
}
trap stop_all EXIT
trap 'exit 130' INT TERM
pg_password=$(random_token 18)
pg_port=$(pg_free_port 56432)
pg_start "$pg_data" "$pg_port" "$pg_password" durable
export DATABASE_URL="postgresql://monitoring:${pg_password}@127.0.0.1:${pg_port}/monitoring"
export PGDATA="$pg_data"

dotnet build Monitoring.sln -c Release -nologo -clp:ErrorsOnly -v q
dotnet Silo/bin/Release/net10.0/Monitoring.Silo.dll migrate >/dev/null
mkdir -p bench/results
setsid dotnet bench/Monitoring.Bench/bin/Release/net10.0/Monitoring.Bench.dll "$@" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
exit "$status"
