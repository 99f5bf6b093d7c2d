#!/usr/bin/env bash
# Every benchmark, one table: parse throughput native and wasm and their
# ratio, one patient against 1,000 trials in wasm (median, p95, and its
# parts), the wasm's size raw and gzipped, and the time from the page's
# scripts loading to the first verdict in headless Chromium.
#
#   bash scripts/bench.sh [--no-build]
#
# Over trials.jsonl of the corpus: the folder TRIALSIEVE_CORPUS names, else
# ../shared/corpus beside the repository root. Timings
# depend on the machine's load: on a shared machine, run it twice.
#
# With CTP_BIN, the path to a built binary of the peer parser's CFG command
# (Facebook's Clinical-Trial-Parser, src/cmd/cfg), also its whole process
# over the same texts and our parse speed against it (bench/peer.mjs);
# CTP_DIR is the peer's checkout it runs in (default: the folder holding
# CTP_BIN), CTP_CONF its config (default: src/resources/config/cfg.conf
# in CTP_DIR).
set -euo pipefail
# The peer's paths may be given relative to where this was started.
if [ -n "${CTP_BIN:-}" ]; then CTP_BIN=$(realpath -m -- "$CTP_BIN"); fi
if [ -n "${CTP_DIR:-}" ]; then CTP_DIR=$(realpath -m -- "$CTP_DIR"); fi
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log() { printf '[bench] %s\n' "$*" >&2; }

if [ "${1:-}" != "--no-build" ]; then
  log "building the wasm"
  bash scripts/build.sh 2> "$out/build.txt" || { cat "$out/build.txt" >&2; exit 1; }
fi
log "native (cargo bench --bench parse)"
cargo bench --quiet --bench parse > "$out/native.txt"
log "wasm in Node (bench/wasm.mjs)"
node bench/wasm.mjs --json > "$out/wasm.json"
if [ -n "${CTP_BIN:-}" ]; then
  log "the peer, Clinical-Trial-Parser's cfg, one whole run (bench/peer.mjs)"
  # A failing peer is reported in the table, not fatal to the rest.
  node bench/peer.mjs --json > "$out/peer.json" || log "bench/peer.mjs failed: ratio to the peer not measured"
else
  log "no CTP_BIN (a built Clinical-Trial-Parser cfg command): ratio to the peer skipped"
fi
if [ -x /usr/bin/chromium ]; then
  log "first verdict in Chromium (bench/browser.mjs)"
  node bench/browser.mjs --json > "$out/browser.json"
else
  log "no /usr/bin/chromium (bash scripts/setup.sh --browser installs it): browser timing skipped"
fi
node bench/table.mjs "$out"
