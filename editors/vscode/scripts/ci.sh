#!/usr/bin/env bash
# CI for the VS Code extension: install the locked dependencies, type-check, lint, unit
# tests, package the .vsix, package the linux-x64 .vsix with the server inside (which
# runs cargo build --release, a no-op when target/release/accord is up to date), then the
# end-to-end test of that package in a real VS Code with no accord on PATH
# (tests/vscode/run.sh). Prints each step's time.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
T0=$(date +%s)
step() { echo "--- [vscode $(( $(date +%s) - T0 ))s] $*"; }

step "npm ci"
# Reinstall only when the lock file changed since the last install here.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  # No install scripts are needed: esbuild finds its platform binary package by itself.
  npm ci --ignore-scripts --no-progress
  echo "$lock_hash" > node_modules/.lock-hash
else
  echo "node_modules matches package-lock.json"
fi
step "typecheck"
npm run --silent typecheck
step "lint"
npm run --silent lint
step "unit tests"
npm test --silent
step "package the .vsix"
npm run --silent package
# The package holds the bundle and the contributions, and no sources, dependencies or server.
packaged="$(npx --no-install vsce ls --no-dependencies)"
for file in package.json README.md language-configuration.json syntaxes/article.tmLanguage.json dist/extension.js; do
  grep -qx "$file" <<<"$packaged" || { echo "the .vsix lacks $file" >&2; exit 1; }
done
if grep -E '^(src|test|node_modules|out|server)/' <<<"$packaged"; then
  echo "the .vsix holds sources, dependencies or a server" >&2
  exit 1
fi
step "package the .vsix with the server for linux-x64"
npm run --silent package:bundled
# The two packages hold the same files but the server, which only the linux-x64 one
# ships, executable.
python3 - dist/accord.vsix dist/accord-linux-x64.vsix <<'PY'
import sys, zipfile
plain, bundled = (zipfile.ZipFile(path) for path in sys.argv[1:])
server = "extension/server/accord"
plain_names, bundled_names = set(plain.namelist()), set(bundled.namelist())
assert not any(name.startswith("extension/server/") for name in plain_names), "the plain .vsix holds a server"
assert bundled_names - plain_names == {server} and plain_names <= bundled_names, \
    f"the packages differ in more than the server: {sorted(plain_names ^ bundled_names)}"
mode = bundled.getinfo(server).external_attr >> 16
assert mode & 0o111 == 0o111, f"{server} is not executable in the package: {oct(mode)}"
assert 'TargetPlatform="linux-x64"' in bundled.read("extension.vsixmanifest").decode(), "no linux-x64 target"
size = bundled.getinfo(server).file_size
print(f"{server}: mode {oct(mode & 0o777)}, {size / 1e6:.1f} MB; package {len(bundled_names)} files")
PY
step "end-to-end test in VS Code of the package with the server"
bash ../../tests/vscode/run.sh
step "done"
