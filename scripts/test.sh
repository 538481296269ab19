#!/usr/bin/env bash
# The test command: installs what is missing, builds everything with warnings
# as errors, and runs every test suite through CTest.
#   scripts/test.sh [ctest options, e.g. -R graphql]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-"$here/build"}

BUILD_DIR="$build_dir" "$here/scripts/build.sh" -DDS_WERROR=ON -DDS_BUILD_TESTS=ON

export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" "$@"
