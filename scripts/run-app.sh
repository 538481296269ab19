#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts the app with
# its local server and demo data.
#
# The desktop app (datastore-notes) and datastore-server are not built yet;
# until they land this builds everything and lists what exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-"$here/build"}

BUILD_DIR="$build_dir" "$here/scripts/build.sh"

if [[ -x "$build_dir/bin/datastore-notes" ]]; then
  exec "$build_dir/bin/datastore-notes" "$@"
fi

cat <<MSG

The app is not built yet. What exists now, in $build_dir/bin:
$(ls -1 "$build_dir/bin" | sed 's/^/  /')

Try the code generator on the app's schema:
  $build_dir/bin/datastore-codegen $here/models/schema.graphql -o /tmp/models --api-schema /tmp/api.graphql
MSG
