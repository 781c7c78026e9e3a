#!/usr/bin/env bash
# The end-to-end test of the VS Code extension in a real VS Code (code-server 4.100.3 =
# VS Code 1.100.3, in headless chromium): installs what it needs into $CACHE once,
# installs the packaged extension into a fresh profile, and runs tests/vscode/e2e.js
# against the release server. Screenshots go to target/vscode-e2e/.
# Expects editors/vscode/dist/accord.vsix (npm run package) and target/release/accord.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
export CACHE="${CACHE:-/tmp/accord-vscode-e2e}"
export OUT="$REPO/target/vscode-e2e"
export STATE="$OUT/state"
export ACCORD_BIN="${ACCORD_BIN:-$REPO/target/release/accord}"
VSIX="$REPO/editors/vscode/dist/accord.vsix"
T0=$(date +%s)
step() { echo "--- [e2e $(( $(date +%s) - T0 ))s] $*"; }

step "setup: code-server, playwright-core, chromium"
bash tests/vscode/setup.sh

[ -x "$ACCORD_BIN" ] || { step "building the release server"; cargo build --release --quiet; }
[ -f "$VSIX" ] || { echo "missing $VSIX: run npm run package in editors/vscode" >&2; exit 1; }

step "fresh profile, install the extension"
rm -rf "$STATE"
mkdir -p "$STATE/ud" "$STATE/ext" "$STATE/xdg/config" "$STATE/xdg/data"
XDG_CONFIG_HOME="$STATE/xdg/config" XDG_DATA_HOME="$STATE/xdg/data" \
  "$CACHE/node_modules/.bin/code-server" --user-data-dir "$STATE/ud" --extensions-dir "$STATE/ext" \
  --install-extension "$VSIX" --force

step "drive VS Code"
timeout 600 node tests/vscode/e2e.js
step "done"
