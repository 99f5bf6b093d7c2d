#!/usr/bin/env bash
# Builds the wasm module and its JS glue into pkg/dist/ and prints its size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

cargo build --release --target wasm32-unknown-unknown --lib --quiet
raw=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/trialsieve.wasm
rm -rf pkg/dist
wasm-bindgen --target web --out-dir pkg/dist --out-name trialsieve "$raw"
wasm=pkg/dist/trialsieve_bg.wasm
before=$(stat -c %s "$wasm")
# npm's binaryen (not Debian's older one, whose output fails to load);
# --converge repeats -Oz until it stops shrinking (about 1.5 KB gzipped).
node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
size=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf '[build] %s: %d bytes raw (%d before wasm-opt), %d bytes gzipped\n' "$wasm" "$size" "$before" "$gz" >&2
