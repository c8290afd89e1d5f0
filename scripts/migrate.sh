#!/usr/bin/env bash
# Applies the migrations of sql/migrations to DATABASE_URL's database (safe to run again).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgresql://user:password@localhost:5432/monitoring}"
dotnet build "$root/Silo/Silo.csproj" -c Release -nologo -clp:ErrorsOnly -v q
exec dotnet "$root/Silo/bin/Release/net10.0/Monitoring.Silo.dll" migrate
