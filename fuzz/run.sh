#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and fails on the first crash, hang or
# runaway allocation. Usage: fuzz/run.sh [seconds per target, default 45] [target...]
# The committed seeds (fuzz/seeds/<target>) are read; what the fuzzer finds goes to
# fuzz/corpus/<target> and crashing inputs to fuzz/artifacts/<target> (both ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-45}
shift || true
cargo_fuzz_version=0.13.2

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $cargo_fuzz_version"; then
    cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
    started=$SECONDS
    mkdir -p "fuzz/corpus/$target"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: 1 GiB is a runaway
    # allocation (AddressSanitizer's own overhead stays near 500 MB).
    if ! cargo +nightly fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_funcs=0 \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -v "^#[0-9]" "$log" | grep -v "^\s*[0-9]*: \|^\s*at " | tail -n 60
        echo "fuzz $target: FAILED after $((SECONDS - started)) s (input in fuzz/artifacts/$target)"
        exit 1
    fi
    runs=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    echo "fuzz $target: $((SECONDS - started)) s, $runs inputs, no crash"
done
