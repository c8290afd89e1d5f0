#!/usr/bin/env bash
# Refreshes the SignalR JavaScript client the status pages load (Gateway/StatusPages/Assets/signalr.min.js)
# from the npm registry: ./scripts/update-signalr-client.sh [version]   (default: the version tests/compat pins)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-$(node -p "require('$root/tests/compat/package.json').dependencies['@microsoft/signalr']")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@microsoft/signalr@$version" >/dev/null && tar -xzf microsoft-signalr-*.tgz)
sed '/^\/\/# sourceMappingURL=/d' "$work/package/dist/browser/signalr.min.js" > "$root/Gateway/StatusPages/Assets/signalr.min.js"
sed -i "s/@microsoft\/signalr\` [0-9.]*/@microsoft\/signalr\` $version/" "$root/Gateway/StatusPages/Assets/THIRD-PARTY.md"
echo "signalr.min.js is now @microsoft/signalr $version"
