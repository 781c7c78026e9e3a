#!/usr/bin/env bash
# CI for the VS Code extension: install the locked dependencies, type-check, lint, unit
# tests, package the .vsix, then the end-to-end test in a real VS Code
# (tests/vscode/run.sh, which needs target/release/accord). Prints each step's time.
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
# The package holds the bundle and the contributions, and no sources or dependencies.
packaged="$(npx --no-install vsce ls --no-dependencies)"
for file in package.json README.md language-configuration.json syntaxes/article.tmLanguage.json dist/extension.js; do
  grep -qx "$file" <<<"$packaged" || { echo "the .vsix lacks $file" >&2; exit 1; }
done
if grep -E '^(src|test|node_modules|out)/' <<<"$packaged"; then
  echo "the .vsix holds sources or dependencies" >&2
  exit 1
fi
step "end-to-end test in VS Code"
bash ../../tests/vscode/run.sh
step "done"
