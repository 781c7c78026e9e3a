#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs into a cache folder, once:
#   code-server 4.100.3 (VS Code 1.100.3, the last line that runs on node 20) and
#   playwright-core, which drives Debian's chromium headless.
# Only apt and the npm registry are used. code-server's own postinstall downloads from
# GitHub, so it is installed with scripts off and its steps are redone here, building the
# native modules from source against the Debian node headers.
# Usage: CACHE=/tmp/accord-vscode-e2e bash tests/vscode/setup.sh
set -euo pipefail

CACHE=${CACHE:-/tmp/accord-vscode-e2e}
CS_VERSION=4.100.3
PW_VERSION=1.65.1
# Native modules are built against the headers of the running node (node-gyp must not
# download them): /usr/include/node for Debian or NodeSource packages.
NODE_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
export npm_config_nodedir="$NODE_DIR"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
T0=$(date +%s)
step() { echo "--- [setup $(( $(date +%s) - T0 ))s] $*"; }

STAMP="$CACHE/.ready-$CS_VERSION-$PW_VERSION"
if [ -f "$STAMP" ]; then
  step "cached in $CACHE"
  exit 0
fi

step "apt packages: build tools for native modules, ripgrep, chromium"
packages=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  ripgrep chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "  installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # A stale package list fails on updated dependencies; refresh it once and retry.
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi
test -f "$NODE_DIR/include/node/node_api.h" || { echo "missing node headers in $NODE_DIR/include/node" >&2; exit 1; }

step "npm: code-server@$CS_VERSION and playwright-core@$PW_VERSION, scripts off"
mkdir -p "$CACHE"
cd "$CACHE"
[ -f package.json ] || echo '{ "private": true }' > package.json
npm install --silent --ignore-scripts "code-server@$CS_VERSION" "playwright-core@$PW_VERSION"
CS="$CACHE/node_modules/code-server"

step "argon2 from source (its prebuilt download is on GitHub)"
npm rebuild argon2 >/dev/null 2>&1 || npm rebuild argon2 --foreground-scripts
node -e 'require(process.argv[1])' "$CACHE/node_modules/argon2"

step "VS Code's own dependencies (what code-server's postinstall would do)"
cd "$CS/lib/vscode"
npm install --silent --omit=dev --ignore-scripts
# The ripgrep package skips its download when bin/ exists: Debian's rg is the same version.
mkdir -p node_modules/@vscode/ripgrep/bin
cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
# node-pty's postinstall must not run: it calls npx and wipes the built module.
log="$(mktemp)"
for m in @vscode/spdlog node-pty native-watchdog kerberos @vscode/deviceid; do
  echo "  node-gyp rebuild $m"
  (cd "node_modules/$m" && node "$NODE_GYP" rebuild --nodedir="$NODE_DIR" >"$log" 2>&1) || { cat "$log"; exit 1; }
done
rm -f "$log"
for f in node_modules/@vscode/spdlog/build/Release/spdlog.node node_modules/node-pty/build/Release/pty.node \
  node_modules/native-watchdog/build/Release/watchdog.node node_modules/kerberos/build/Release/kerberos.node \
  node_modules/@parcel/watcher-linux-x64-glibc/watcher.node; do
  test -f "$f" || { echo "missing $f" >&2; exit 1; }
done
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
(cd bin/remote-cli && rm -rf code-server && ln -s code-linux.sh code-server)
(cd bin/helpers && rm -rf browser.sh && ln -s browser-linux.sh browser.sh)
(cd extensions && npm install --silent --omit=dev)

touch "$STAMP"
step "done: $(du -sh "$CACHE" | cut -f1) in $CACHE"
