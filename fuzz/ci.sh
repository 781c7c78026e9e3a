#!/usr/bin/env bash
# Short fuzzing runs for CI: builds the cargo-fuzz targets and runs each for
# FUZZ_SECONDS (45 by default) from the seeds and kept regressions; a crash, a broken
# invariant, a hang or a leak fails the step. Long runs: see docs/fuzzing.md.
#
# cargo-fuzz passes nightly-only flags to rustc (-Zsanitizer and friends); CI has
# only the stable toolchain, so RUSTC_BOOTSTRAP=1 lets stable accept them. Short runs
# build with --dev (the fuzz crate's dev profile is optimised at level 1): it compiles
# in less time than release, which long runs use.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never
export RUSTC_BOOTSTRAP=1
export PATH="$HOME/.cargo/bin:$PATH"
FUZZ_SECONDS="${FUZZ_SECONDS:-45}"
# AddressSanitizer by default; FUZZ_SANITIZER=none where it is unavailable.
FUZZ_SANITIZER="${FUZZ_SANITIZER:-address}"
TARGETS=(analyze_file incremental_edits lsp_messages)

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi

start=$SECONDS
cargo fuzz build --dev --sanitizer "$FUZZ_SANITIZER"
echo "fuzz targets built in $((SECONDS - start)) s"

for target in "${TARGETS[@]}"; do
  # The generated corpus lives in a scratch folder: only seeds and regressions are
  # kept in the repository.
  corpus="$(mktemp -d)"
  mkdir -p "artifacts/$target" "regressions/$target"
  echo "--- $target for $FUZZ_SECONDS s"
  log="$corpus.log"
  status=0
  cargo fuzz run --dev --sanitizer "$FUZZ_SANITIZER" "$target" \
    "$corpus" "seeds/$target" "regressions/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=3072 \
    -dict=article.dict -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || true
  if [ "$status" -ne 0 ] || compgen -G "artifacts/$target/*" >/dev/null; then
    tail -n 60 "$log"
    echo "fuzz target $target found a problem (exit $status); the input is in fuzz/artifacts/$target"
    exit 1
  fi
  rm -rf "$corpus" "$log"
done
echo "fuzzing done in $((SECONDS - start)) s"
