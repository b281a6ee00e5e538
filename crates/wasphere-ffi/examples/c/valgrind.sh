#!/usr/bin/env bash
# Runs the C demo under valgrind against `wasphere sandbox`: it must pass, with no
# definite leak and no invalid read or write. A Tokio runtime keeps some blocks alive
# until exit ("still reachable" / "possibly lost"); those are not errors.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
cd "$root"

command -v valgrind >/dev/null || (apt-get update && apt-get install -y valgrind)

cargo build --quiet -p wasphere-ffi --lib
cargo build --quiet -p wasphere-cli --bin wasphere
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
    if [[ -n "$sandbox_pid" ]]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A private copy, so a concurrent build cannot swap the library under valgrind.
cp "$target_dir/debug/libwasphere.so" "$work/"
cc -std=c99 -g -Wall -Wextra -Werror -pedantic \
    -I crates/wasphere-ffi/include crates/wasphere-ffi/examples/c/wasphere_demo.c \
    -L "$work" -Wl,-rpath,"$work" -lwasphere -o "$work/wasphere_demo"

# The demo also shows what a session on the Meta Cloud API provider refuses.
"$target_dir/debug/wasphere" sandbox --addr 127.0.0.1:0 \
    --session my-session --session cloud:meta >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
first_line=""
for _ in $(seq 1 100); do
    first_line="$(head -n 1 "$work/sandbox.log" 2>/dev/null || true)"
    [[ "$first_line" == "listening on "* ]] && break
    if ! kill -0 "$sandbox_pid" 2>/dev/null; then
        echo "the sandbox exited:" >&2
        cat "$work/sandbox.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ "$first_line" != "listening on "* ]]; then
    echo "the sandbox did not say where it listens:" >&2
    cat "$work/sandbox.log" >&2
    exit 1
fi
base_url="${first_line#listening on }"
echo "sandbox at $base_url"

# A webhook delivery signed by Python's hmac, so the library checks what it did not make.
secret="whsec_valgrind"
timestamp="$(date +%s)"
body='{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:00Z","deliveryId":"0123456789abcdef0123456789abcdef","data":{"messageId":"ABC","from":"923001234567@s.whatsapp.net","type":"conversation","content":{"text":"Option A","selectionId":"btn1","interactiveKind":"button_reply"}}}'
signature="$(SECRET="$secret" TS="$timestamp" BODY="$body" python3 -c '
import hashlib, hmac, os
mac = hmac.new(os.environ["SECRET"].encode(), (os.environ["TS"] + "." + os.environ["BODY"]).encode(), hashlib.sha256)
print("v1,sha256=" + mac.hexdigest())')"

WASPHERE_BASE_URL="$base_url" \
WASPHERE_WEBHOOK_SECRET="$secret" \
WASPHERE_WEBHOOK_TIMESTAMP="$timestamp" \
WASPHERE_WEBHOOK_SIGNATURE="$signature" \
WASPHERE_WEBHOOK_BODY="$body" \
    valgrind --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --error-exitcode=1 "$work/wasphere_demo"
echo "valgrind: the C demo passed with no definite leak and no invalid access"
