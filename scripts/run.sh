#!/usr/bin/env bash
# Installs the build dependencies, builds tenantdb and starts its interactive shell on the
# embedded default store (file:./tenantdb-data, or $TENANTDB_STORE). Extra arguments go to
# the tenantdb command instead, e.g. scripts/run.sh kv get hello
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/install-deps.sh" >&2
cmake -S . -B build -DTENANTDB_TESTS=OFF >&2
cmake --build build -j "$(nproc)" --target tenantdb >&2
if [ "$#" -eq 0 ]; then
  exec build/tenantdb shell
fi
exec build/tenantdb "$@"
