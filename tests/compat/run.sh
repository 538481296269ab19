#!/usr/bin/env bash
# CTest entry of the Amplify JS compatibility suite (label "compat").
#   run.sh SERVER_BINARY CACHE_DIR
# Installs the pinned npm packages of package-lock.json into CACHE_DIR (a
# folder of the build dir) with `npm ci` when CACHE_DIR/node_modules is missing
# or the lockfile changed, then runs run.mjs with them on NODE_PATH.
# Exit 77 (CTest: skipped) when node or npm is not installed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=${1:?usage: run.sh SERVER_BINARY CACHE_DIR}
cache=${2:?usage: run.sh SERVER_BINARY CACHE_DIR}

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "compat: '$tool' is not installed (scripts/install-deps.sh installs it); skipping" >&2
    exit 77
  fi
done

want=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)
stamp="$cache/installed.sha256"
if [[ ! -d "$cache/node_modules" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "compat: npm ci into $cache"
  rm -rf "$cache/node_modules" "$stamp"
  mkdir -p "$cache"
  cp "$here/package.json" "$here/package-lock.json" "$cache/"
  t0=$(date +%s%N)
  if ! (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "compat: npm ci failed (is the npm registry reachable?)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
  echo "compat: npm ci took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi

export NODE_PATH="$cache/node_modules"
exec node "$here/run.mjs" --server "$server"
