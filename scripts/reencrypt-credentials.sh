#!/usr/bin/env bash
# Re-encrypts every stored Basic Auth password under the current ENCRYPTION_KEY, through the running
# silos (which must already have the new ENCRYPTION_KEY and the old one as ENCRYPTION_KEY_PREVIOUS).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/env.sh
source "$root/scripts/lib/env.sh"
env_load "$root/.env.local"
: "${DATABASE_URL:?set DATABASE_URL (the silos' database)}"
dotnet build "$root/Silo/Silo.csproj" -c Release -nologo -clp:ErrorsOnly -v q
exec dotnet "$root/Silo/bin/Release/net10.0/Monitoring.Silo.dll" reencrypt-credentials
