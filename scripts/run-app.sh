#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts the app.
#   scripts/run-app.sh [datastore-notes options...]
#
# By default the app starts its own datastore-server (--local-server): an
# SQLite database seeded with the demo data on a free 127.0.0.1 port, an
# amplifyconfiguration.json for it, all under the app's data folder; the app
# syncs with it and stops it when it closes (Ctrl+C in this terminal stops
# both). Options given here replace that default, e.g. --offline (local
# only), --config amplifyconfiguration.json (any AppSync-compatible
# endpoint), --screenshot out.png --page sync.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-"$here/build"}

build_type=${BUILD_TYPE:-RelWithDebInfo}

# What is missing gets installed; then only what runs is built (the app and
# the server it starts), not the tests: scripts/build.sh builds everything.
"$here/scripts/install-deps.sh"
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type"
fi
cmake --build "$build_dir" --parallel "${BUILD_JOBS:-$(nproc)}" --target datastore-notes datastore-server

app="$build_dir/bin/datastore-notes"
server="$build_dir/bin/datastore-server"
for exe in "$app" "$server"; do
  if [[ ! -x "$exe" ]]; then
    echo "run-app: $exe was not built" >&2
    exit 1
  fi
done

if (($# == 0)); then
  echo "run-app: starting datastore-notes with its own datastore-server (demo data); closing the app stops the server"
  set -- --local-server
fi
exec "$app" "$@"
