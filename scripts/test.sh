#!/usr/bin/env bash
# Runs every test: Rust (native), the package in Node (API, CLI, types), and
# the browser tests in headless Chromium (demo page and a Vite build).
# Installs what it needs first (scripts/setup.sh), idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
bash scripts/setup.sh --browser

step "cargo test"
cargo test --quiet 2>&1 | grep -v '^$'

# Bounded: each fuzz target FUZZ_SECONDS long (default 45), plus a one-time
# cargo-fuzz install and nightly build; with no nightly toolchain it replays
# the targets' inputs as a plain cargo test instead.
step "fuzz (parse, check)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-45}"

step "wasm build"
bash scripts/build.sh

step "types (tsc --noEmit)"
node_modules/.bin/tsc -p pkg/tsconfig.json

# Includes the size budget (pkg/test/size.test.mjs) and robustness from JS.
step "package tests in Node"
# The test files only: a bare directory would also run vite-app/main.js,
# a browser page, in Node.
node --test pkg/test/*.test.mjs

step "browser tests in Chromium"
node --test www/test/*.test.mjs

# The benchmark table, for the record; it fails only if a bench cannot run.
step "benchmarks"
bash scripts/bench.sh --no-build

step "done"
