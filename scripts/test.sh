#!/usr/bin/env bash
# Runs every test: starts a throwaway PostgreSQL (installing the server when absent), installs the
# npm packages of the client-compatibility tests, promtool (Debian's prometheus package) and the browser tests' Chromium
# (Debian's chromium package) when absent, runs `dotnet test Monitoring.sln`, stops the server,
# and ends with one line "N passed, N failed" (the totals of every test run). Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/env.sh
source scripts/lib/env.sh

if ! command -v node >/dev/null 2>&1; then
  echo "node not found; installing nodejs and npm with apt-get"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm
fi
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; installing Debian's prometheus package for it (the fleet's alerting rules are checked with it)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus
fi
# The browser tests drive Debian's Chromium through Playwright (CHROMIUM_PATH, else /usr/bin/chromium); Playwright's own
# browser downloads are never used. Its driver (node and its JS) comes in the NuGet package, copied beside the test
# assembly by the build, which also makes node executable.
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "chromium not found; installing Debian's chromium package for the browser tests"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
fi
(cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)

pg_data=$(mktemp -d "${TMPDIR:-/tmp}/monitoring-test-pg.XXXXXX")
results=$(mktemp -d "${TMPDIR:-/tmp}/monitoring-test-results.XXXXXX")
cleanup() {
  pg_stop "$pg_data" || true
  rm -rf "$pg_data" "$results"
}
trap cleanup EXIT

pg_password=$(random_token 18)
pg_port=$(pg_free_port 55432)
pg_start "$pg_data" "$pg_port" "$pg_password" throwaway
export MONITORING_TEST_DATABASE_URL="postgresql://monitoring:${pg_password}@127.0.0.1:${pg_port}/monitoring"

dotnet build Monitoring.sln -c Release -nologo -clp:ErrorsOnly -v q
status=0
# -m:1: one test assembly at a time, so the unit tests' CPU does not crowd the timing of the integration tests.
dotnet test Monitoring.sln -c Release --no-build -m:1 "$@" 2>&1 | tee "$results/console.log" || status=$?

# Each test assembly ends with "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T ..." (or "Failed!  - ...").
passed=0; failed=0; reports=0
while read -r f p; do
  reports=$((reports + 1)); passed=$((passed + p)); failed=$((failed + f))
done < <(sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+),.*/\2 \3/p' "$results/console.log")
projects=$(find tests -name '*.csproj' | wc -l)
if [ "$reports" -lt "$projects" ]; then
  echo "only $reports of $projects test assemblies reported results (a test host crashed?)" >&2
  failed=$((failed + projects - reports))
fi
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
