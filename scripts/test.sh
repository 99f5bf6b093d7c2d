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

step "wasm build"
bash scripts/build.sh

step "types (tsc --noEmit)"
node_modules/.bin/tsc -p pkg/tsconfig.json

step "package tests in Node"
node --test pkg/test/*.test.mjs

step "browser tests in Chromium"
node --test www/test/*.test.mjs

step "done"
