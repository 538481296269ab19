#!/usr/bin/env bash
# The .deb test (ctest -L package): builds the qt-datastore package with
# CPack from the current build directory, checks its control data and
# contents, extracts it and runs the installed executables; where it may
# (root, overlay mounts), installs it with dpkg in a throwaway overlay of
# /usr, /var and /etc and runs the installed app.
#   tests/package/deb.sh <build-dir> <work-dir> [<generator> <c++ compiler> [<launcher>]]
# With a generator and a compiler, tests/package/consumer is also built and
# run against the extracted package (its stripped archives and CMake files).
set -euo pipefail
build_dir=$1
work=$2
generator=${3:-}
cxx=${4:-}
launcher=${5:-}
rm -rf "$work"
mkdir -p "$work"
start=$SECONDS
step() { echo "[$1] +$((SECONDS - start))s"; }

step cpack
( cd "$build_dir" && cpack -G DEB -B "$work/out" ) > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
debs=("$work"/out/qt-datastore_*.deb)
[ -f "${debs[0]}" ] || { echo "no qt-datastore_*.deb in $work/out"; ls -l "$work/out"; exit 1; }
deb=${debs[0]}
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

step info
dpkg-deb --info "$deb" > "$work/info.txt"
cat "$work/info.txt"
fail() { echo "FAIL: $*"; exit 1; }
grep -q '^ Package: qt-datastore$' "$work/info.txt" || fail "package name"
grep -q '^ Maintainer: ' "$work/info.txt" || fail "maintainer"
grep -q '^ Description: ' "$work/info.txt" || fail "description"
depends=$(grep '^ Depends: ' "$work/info.txt") || fail "no Depends"
# Computed by dpkg-shlibdeps (Qt libraries), and listed by hand (what Qt loads at run time).
for dep in libqt6core6 libqt6network6 libqt6sql6 libqt6websockets6 libqt6quick6 \
           libqt6sql6-sqlite qml6-module-qtquick-controls qml6-module-qtquick-layouts; do
    [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done

# Its dependencies resolve on this system (apt's simulation changes nothing).
if command -v apt-get > /dev/null; then
    step apt-simulate
    apt-get -s install "$deb" > "$work/apt.txt" 2>&1 || { cat "$work/apt.txt"; fail "apt-get -s install: dependencies do not resolve"; }
    grep -q '^Inst qt-datastore ' "$work/apt.txt" || { cat "$work/apt.txt"; fail "apt-get -s install does not install qt-datastore"; }
fi

step contents
dpkg-deb --contents "$deb" > "$work/contents.txt"
for path in ./usr/bin/datastore-notes ./usr/bin/datastore-server ./usr/bin/datastore ./usr/bin/datastore-codegen \
            ./usr/include/datastore/datastore.h /cmake/DataStore/DataStoreConfig.cmake \
            /cmake/DataStore/DataStoreConfigVersion.cmake /cmake/DataStore/DataStoreTargets.cmake \
            /cmake/DataStore/DataStoreCodegen.cmake /libDataStore.a /libDataStoreSync.a \
            /qt6/qml/QtDataStore/qmldir; do
    grep -q -- "$path\$" "$work/contents.txt" || fail "the package lacks *$path"
done
if grep -q -- 'datastore-bench$\|/tst_' "$work/contents.txt"; then
    fail "the package holds the bench or a test"
fi

step extract
dpkg-deb -x "$deb" "$work/root"
root=$work/root
export QT_QPA_PLATFORM=offscreen
# No LD_LIBRARY_PATH and no QML import path: the executables link the
# library statically and carry their QML as resources.
unset QML_IMPORT_PATH QML2_IMPORT_PATH

step server-help
"$root/usr/bin/datastore-server" --help > "$work/server-help.txt" 2>&1 || { cat "$work/server-help.txt"; fail "datastore-server --help"; }
grep -q -- '--schema' "$work/server-help.txt" || fail "datastore-server --help does not mention --schema"
step notes-help
"$root/usr/bin/datastore-notes" --help > "$work/notes-help.txt" 2>&1 || { cat "$work/notes-help.txt"; fail "datastore-notes --help"; }
grep -q -- '--offline' "$work/notes-help.txt" || fail "datastore-notes --help does not mention --offline"
step cli-help
"$root/usr/bin/datastore" --help > "$work/cli-help.txt" 2>&1 || { cat "$work/cli-help.txt"; fail "datastore --help"; }

# The installed app finds its QML (compiled in) and renders a page.
step notes-screenshot
"$root/usr/bin/datastore-notes" --offline --db "$work/notes.sqlite" --seed demo \
    --screenshot "$work/posts.png" --page posts > "$work/notes-run.txt" 2>&1 \
    || { cat "$work/notes-run.txt"; fail "datastore-notes --screenshot"; }
[ -s "$work/posts.png" ] || fail "no screenshot"
if grep -qi 'qrc:\|module .* is not installed\|ReferenceError\|TypeError' "$work/notes-run.txt"; then
    cat "$work/notes-run.txt"; fail "QML warnings from the installed app"
fi

# Installed with dpkg, as on a user's machine, without touching this one:
# in a private mount namespace, /usr, /var and /etc are overlays whose
# changes land in the work folder and vanish with the namespace. dpkg checks
# the dependencies against what is installed; the installed app renders a
# page, and with --local-server starts the installed datastore-server beside
# it, syncs and stops it; dpkg -r removes everything. Needs root and overlay
# mounts (a container may forbid them: then this step says it is skipped).
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null \
   && unshare -m --propagation private true 2> /dev/null; then
    step dpkg-install
    ov=$work/overlay
    for d in usr var etc; do mkdir -p "$ov/$d/upper" "$ov/$d/work"; done
    if unshare -m --propagation private env OV="$ov" DEB="$deb" WORK="$work" bash -euo pipefail -c '
        for d in usr var etc; do
            mount -t overlay overlay -o "lowerdir=/$d,upperdir=$OV/$d/upper,workdir=$OV/$d/work" "/$d" \
                || { echo "overlay mounts are not allowed here"; exit 77; }
        done
        dpkg -i "$DEB" > "$WORK/dpkg-install.txt" 2>&1 || { cat "$WORK/dpkg-install.txt"; exit 1; }
        dpkg -s qt-datastore | grep -q "^Status: install ok installed" || { echo "dpkg -s: not installed"; exit 1; }
        export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$WORK/installed-data" XDG_CONFIG_HOME="$WORK/installed-config"
        /usr/bin/datastore-notes --offline --seed demo --screenshot "$WORK/installed-notes.png" --page notes \
            > "$WORK/installed-run.txt" 2>&1 || { cat "$WORK/installed-run.txt"; echo "installed datastore-notes"; exit 1; }
        /usr/bin/datastore-notes --local-server --screenshot "$WORK/installed-sync.png" --page sync \
            > "$WORK/installed-sync.txt" 2>&1 || { cat "$WORK/installed-sync.txt"; echo "installed datastore-notes --local-server"; exit 1; }
        grep -q "starting the local server: /usr/bin/datastore-server" "$WORK/installed-sync.txt" \
            || { cat "$WORK/installed-sync.txt"; echo "the installed app did not run the installed server"; exit 1; }
        grep -q "local server stopped" "$WORK/installed-sync.txt" || { echo "the local server was not stopped"; exit 1; }
        if grep -q "was not ready" "$WORK/installed-sync.txt"; then echo "the installed app did not sync"; exit 1; fi
        dpkg -r qt-datastore > "$WORK/dpkg-remove.txt" 2>&1 || { cat "$WORK/dpkg-remove.txt"; exit 1; }
        [ ! -e /usr/bin/datastore-notes ] || { echo "dpkg -r left /usr/bin/datastore-notes"; exit 1; }
    '; then
        [ -s "$work/installed-notes.png" ] && [ -s "$work/installed-sync.png" ] || fail "no screenshot from the installed app"
        echo "installed with dpkg -i, ran (local-only and with its local server), removed with dpkg -r"
    else
        rc=$?
        [ "$rc" = 77 ] && echo "dpkg-install: skipped (overlay mounts are not allowed here)" || fail "installing with dpkg"
    fi
else
    echo "dpkg-install: skipped (needs root and a private mount namespace)"
fi

# The codegen from the package runs.
step codegen
schema=$(dirname "$0")/consumer/schema.graphql
"$root/usr/bin/datastore-codegen" "$schema" -o "$work/gen" > "$work/codegen.txt" 2>&1 \
    || { cat "$work/codegen.txt"; fail "datastore-codegen"; }
[ -s "$work/gen/models.h" ] || fail "datastore-codegen wrote no models.h"
# A project builds against the package as extracted (relocatable CMake files).
if [ -n "$generator" ] && [ -n "$cxx" ]; then
    step consumer
    consumer_src=$(cd "$(dirname "$0")" && pwd)/consumer
    args=(-S "$consumer_src" -B "$work/consumer" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx"
          -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release)
    [ -n "$launcher" ] && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
    PATH="$root/usr/bin:$PATH" cmake "${args[@]}" > "$work/consumer-configure.txt" 2>&1 \
        || { cat "$work/consumer-configure.txt"; fail "configuring the consumer against the package"; }
    grep -q "^DataStore_DIR:PATH=$root/usr/" "$work/consumer/CMakeCache.txt" \
        || fail "the consumer did not find the package in $root/usr: $(grep '^DataStore_DIR' "$work/consumer/CMakeCache.txt")"
    cmake --build "$work/consumer" > "$work/consumer-build.txt" 2>&1 \
        || { cat "$work/consumer-build.txt"; fail "building the consumer against the package"; }
    "$work/consumer/consumer" > "$work/consumer-run.txt" 2>&1 || { cat "$work/consumer-run.txt"; fail "the consumer"; }
    cat "$work/consumer-run.txt"
    grep -q 'matched 2 of 3' "$work/consumer-run.txt" || fail "consumer query"
    grep -q 'qml DataStoreListModel count 2' "$work/consumer-run.txt" || fail "consumer QML"
fi
step done
echo "PASS"
