#!/usr/bin/env bash
# Proof 2: schemathesis reads the document that a live `wasphere sandbox` serves at
# /openapi.json (docs/openapi.json, embedded), generates requests from it and sends them to
# that sandbox: every answer must be documented and match its schema, valid bodies must be
# accepted and invalid ones refused. Extra arguments go to `schemathesis run`
# (e.g. --seed 7, --max-examples 500).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$("$here/setup.sh")"
# shellcheck source=sandbox.sh
. "$here/sandbox.sh"
# No rate limit: schemathesis sends thousands of requests, and 429 would hide the rest.
start_sandbox --rate-limit off
# schemathesis keeps a cache in the directory it runs in: keep it out of the tree.
cd "$(dirname "$venv")"
timeout 900 "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run \
    "$SANDBOX_URL/openapi.json" --url "$SANDBOX_URL" \
    --seed 20261124 --request-timeout 10 --no-color "$@"
