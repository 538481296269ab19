#!/usr/bin/env bash
# Installs the Debian packages Qt DataStore needs, only those that are missing.
# Idempotent and non-interactive; safe to run on every build.
set -euo pipefail

packages=(
  build-essential cmake ninja-build g++ ccache pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools
  qt6-websockets-dev qt6-httpserver-dev qtkeychain-qt6-dev
  libqt6sql6-sqlite libsqlite3-dev libqt6sql6-psql qt6-qpa-plugins libgl-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
  qml6-module-qtquick-dialogs qml6-module-qttest qt6-declarative-private-dev
  xvfb xauth postgresql openssl fonts-dejavu-core
)

# Node.js + npm for the Amplify JS compatibility suite (tests/compat), only when
# there is no node at all: a node installed from elsewhere (nodesource, nvm)
# stays, and brings its own npm (Debian's npm would pull Debian's nodejs).
if ! command -v node >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
