#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts the app.
#   scripts/run-app.sh [datastore-notes options...]
#
# Today the app runs local-only on its demo data: datastore-server exists, but
# the app's client cannot sync with it yet (that arrives with the sync work),
# so this launches `datastore-notes --offline --seed demo`. Options given
# here replace those defaults (e.g. --screenshot out.png --page notes).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-"$here/build"}

BUILD_DIR="$build_dir" "$here/scripts/build.sh"

app="$build_dir/bin/datastore-notes"
if [[ ! -x "$app" ]]; then
  echo "run-app: $app was not built" >&2
  exit 1
fi

echo "run-app: starting datastore-notes offline with demo data (cloud sync with datastore-server is not available in the app yet)"
if (($# == 0)); then
  set -- --offline --seed demo
fi
exec "$app" "$@"
