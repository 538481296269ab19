#!/usr/bin/env bash
# Installs what is missing, configures and builds Qt DataStore.
#   scripts/build.sh [extra cmake -D options...]
# BUILD_DIR (default: build) and BUILD_TYPE (default: RelWithDebInfo) can be set.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-"$here/build"}
build_type=${BUILD_TYPE:-RelWithDebInfo}

"$here/scripts/install-deps.sh"

cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "$@"
jobs=${BUILD_JOBS:-$(nproc)}
cmake --build "$build_dir" --parallel "$jobs"
