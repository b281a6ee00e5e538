#!/usr/bin/env bash
# Proof 1: docs/openapi.json is a valid OpenAPI 3.1 document (openapi-spec-validator).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$("$here/setup.sh")"
"$venv/bin/openapi-spec-validator" "$here/../../docs/openapi.json"
