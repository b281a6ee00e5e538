# Sourced by the proof scripts: builds `wasphere`, starts `wasphere sandbox` on a free port
# with the flags given, and stops it when the script exits.
# Sets SANDBOX_URL, WASPHERE_WORKSPACE, WASPHERE_SESSION, WASPHERE_API_KEY and WASPHERE_BIN.

start_sandbox() {
    local root target
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    target="${CARGO_TARGET_DIR:-$root/target}"
    (cd "$root" && cargo build --quiet -p wasphere-cli)
    WASPHERE_BIN="$target/debug/wasphere"
    SANDBOX_LOG="$(mktemp)"
    "$WASPHERE_BIN" sandbox --addr 127.0.0.1:0 "$@" >"$SANDBOX_LOG" 2>&1 &
    SANDBOX_PID=$!
    trap 'kill "$SANDBOX_PID" 2>/dev/null || true; rm -f "$SANDBOX_LOG"' EXIT
    # It prints its address first, then the settings to use (workspace, session, key).
    for _ in $(seq 100); do
        grep -q 'WASPHERE_SESSION=' "$SANDBOX_LOG" && break
        kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$SANDBOX_LOG" >&2; return 1; }
        sleep 0.1
    done
    SANDBOX_URL="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$SANDBOX_LOG")"
    WASPHERE_WORKSPACE="$(sed -n 's/.*WASPHERE_WORKSPACE=\([^ ]*\).*/\1/p' "$SANDBOX_LOG")"
    WASPHERE_SESSION="$(sed -n 's/.*WASPHERE_SESSION=\([^ ]*\).*/\1/p' "$SANDBOX_LOG")"
    WASPHERE_API_KEY="$(sed -n 's/.*WASPHERE_API_KEY=\([^ ]*\).*/\1/p' "$SANDBOX_LOG")"
    if [ -z "$SANDBOX_URL" ] || [ -z "$WASPHERE_SESSION" ]; then
        echo "the sandbox did not print its address and settings:" >&2
        cat "$SANDBOX_LOG" >&2
        return 1
    fi
    export SANDBOX_URL WASPHERE_WORKSPACE WASPHERE_SESSION WASPHERE_API_KEY WASPHERE_BIN
}
