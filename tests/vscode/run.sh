#!/usr/bin/env bash
# The end-to-end test of the VS Code extension in a real VS Code (code-server 4.100.3 =
# VS Code 1.100.3, in headless chromium): installs what it needs into $CACHE once,
# installs the linux-x64 package with the server inside into a fresh profile, and runs
# tests/vscode/e2e.js with no accord on PATH and no accord.server.path setting, as on the
# machine of a user who never installed Rust. Screenshots go to target/vscode-e2e/.
# Expects editors/vscode/dist/accord-linux-x64.vsix (npm run package:bundled).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
export CACHE="${CACHE:-/tmp/accord-vscode-e2e}"
export OUT="$REPO/target/vscode-e2e"
export STATE="$OUT/state"
VSIX="$REPO/editors/vscode/dist/accord-linux-x64.vsix"
T0=$(date +%s)
step() { echo "--- [e2e $(( $(date +%s) - T0 ))s] $*"; }

step "setup: code-server, playwright-core, chromium"
bash tests/vscode/setup.sh

[ -f "$VSIX" ] || { echo "missing $VSIX: run npm run package:bundled in editors/vscode" >&2; exit 1; }
newer="$(find editors/vscode/src editors/vscode/package.json -newer "$VSIX" -print -quit)"
[ -z "$newer" ] || echo "warning: $newer changed after the package was built; the test runs the packaged code" \
  "(npm run package:bundled rebuilds it)" >&2

step "a PATH without accord"
# Each folder of PATH that holds an accord is left out, and so are relative ones, which
# depend on the folder a process runs in: only the server in the package can be found.
bare_path=""
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  if [[ "$dir" == /* && ! -e "$dir/accord" ]]; then
    bare_path="${bare_path:+$bare_path:}$dir"
  fi
done
if found="$(env PATH="$bare_path" /bin/sh -c 'command -v accord')"; then
  echo "accord is still on PATH: $found" >&2
  exit 1
fi
NODE="$(command -v node)"
[ "$(env PATH="$bare_path" /bin/sh -c 'command -v node')" = "$NODE" ] ||
  { echo "node ($NODE) is not on the PATH without accord" >&2; exit 1; }
echo "  PATH=$bare_path"

step "fresh profile, install the extension"
rm -rf "$STATE"
mkdir -p "$STATE/ud" "$STATE/ext" "$STATE/xdg/config" "$STATE/xdg/data"
XDG_CONFIG_HOME="$STATE/xdg/config" XDG_DATA_HOME="$STATE/xdg/data" \
  "$CACHE/node_modules/.bin/code-server" --user-data-dir "$STATE/ud" --extensions-dir "$STATE/ext" \
  --install-extension "$VSIX" --force
for ext in "$STATE"/ext/accord.accord-*/; do
  grep -q 'TargetPlatform="linux-x64"' "$ext.vsixmanifest" ||
    { echo "the installed extension $ext is not the linux-x64 package" >&2; exit 1; }
  [ -f "$ext/server/accord" ] || { echo "the installed extension $ext holds no server/accord" >&2; exit 1; }
  echo "  installed ${ext#"$STATE/"}server/accord: $(stat -c %A "$ext/server/accord")"
done

step "drive VS Code"
# ACCORD_BIN is unset too: nothing tells the extension where a server is but the package.
env -u ACCORD_BIN PATH="$bare_path" timeout 600 "$NODE" tests/vscode/e2e.js
step "done"
