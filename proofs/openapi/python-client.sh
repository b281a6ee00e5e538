#!/usr/bin/env bash
# Proof 3: a Python client generated from docs/openapi.json by openapi-python-client sends
# the documentation's 14 bodies to a live sandbox and gets typed errors for 400 and 429.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$("$here/setup.sh")"
out="${CARGO_TARGET_DIR:-$root/target}/openapi-proofs/python-client"
rm -rf "$out"
mkdir -p "$out"
"$venv/bin/openapi-python-client" generate --path "$root/docs/openapi.json" \
    --output-path "$out/wasphere_api" --meta none \
    --config "$here/openapi-python-client.yml"
(cd "$root" && cargo build --quiet -p wasphere-cli)
export WASPHERE_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/wasphere"
export WASPHERE_OPENAPI="$root/docs/openapi.json"
cd "$here/python"
PYTHONPATH="$out" "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
