#!/usr/bin/env bash
# Fuzzes parse and check (fuzz/fuzz_targets/) for a bounded time each, with
# cargo-fuzz on the nightly toolchain, seeded from the seed pages, a sample
# of the shared corpus and every kept crash input.
#
#   bash scripts/fuzz.sh [SECONDS]     each target SECONDS long (default 60)
#   bash scripts/fuzz.sh --replay      no fuzzer: replay the targets' inputs
#                                      as a plain cargo test
#
# Installs cargo-fuzz once (idempotent). Where there is no nightly toolchain,
# or cargo-fuzz cannot be installed, it falls back to --replay and says so.
# A crash leaves its input in fuzz/artifacts/TARGET/; copy it to
# tests/fixtures/crashes/TARGET/ (tests/robustness_replay.rs replays it).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[fuzz] %s\n' "$*" >&2; }

replay() {
  log "replaying the fuzz targets' inputs as a cargo test ($1)"
  cargo test --quiet --test robustness_replay
}

seconds=60
case "${1:-}" in
  --replay) replay "asked for"; exit 0 ;;
  '') ;;
  *) seconds=$1 ;;
esac

if ! rustup toolchain list | grep -q '^nightly'; then
  replay "no nightly toolchain"; exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz (once; a few minutes)"
  if ! cargo install cargo-fuzz --locked --quiet; then
    replay "cargo-fuzz could not be installed"; exit 0
  fi
fi

# Seeds, made afresh each run: the seed pages under the auto and text format
# options, corpus records as they are, and corpus criteria texts as text.
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/parse" "$seeds/check"
n=0
for f in tests/fixtures/seeds/*; do
  for fmt in 0 5; do
    n=$((n + 1))
    { printf "\\x$(printf %02x $fmt)"; cat "$f"; } > "$seeds/parse/seed$n"
    { printf "\\x$(printf %02x $fmt)"; cat "$f"; printf '\0{"age": 45, "sex": "female"}'; } > "$seeds/check/seed$n"
  done
done
corpus=""
c=${TRIALSIEVE_CORPUS:-../shared/corpus}; [ -d "$c" ] && corpus=$c
if [ -n "$corpus" ]; then
  for f in $(ls "$corpus"/records/ctgov-v2/*.json | awk 'NR % 10 == 0') $(ls "$corpus"/records/ctgov-xml/*.xml | awk 'NR % 5 == 0'); do
    n=$((n + 1))
    { printf '\x00'; cat "$f"; } > "$seeds/parse/rec$n"
    { printf '\x00'; cat "$f"; printf '\0{"age": 70, "sex": "male"}'; } > "$seeds/check/rec$n"
  done
  # Every 40th criteria text, as plain text (format byte 5).
  node -e '
    const fs = require("fs");
    const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    lines.forEach((l, i) => {
      if (i % 40) return;
      const t = JSON.parse(l).eligibilityCriteria;
      if (typeof t !== "string") return;
      const body = Buffer.concat([Buffer.from([5]), Buffer.from(t)]);
      fs.writeFileSync(`${process.argv[2]}/parse/t${i}`, body);
      fs.writeFileSync(`${process.argv[2]}/check/t${i}`, Buffer.concat([body, Buffer.from("\0{\"age\": 30}")]));
    });' "$corpus/trials.jsonl" "$seeds"
else
  log "corpus not found (../shared/corpus): seeding from the seed pages only"
fi
log "$(ls "$seeds/parse" | wc -l) seeds per target"

status=0
for target in parse check; do
  mkdir -p "fuzz/corpus/$target" "tests/fixtures/crashes/$target"
  log "$target: ${seconds}s"
  # No sanitizer: the core has no unsafe code, and debug assertions (on in
  # cargo-fuzz builds) catch overflow; ASan would only slow the search.
  if ! cargo +nightly fuzz run --sanitizer none "$target" "fuzz/corpus/$target" "$seeds/$target" "tests/fixtures/crashes/$target" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2> "fuzz/$target.log"; then
    status=1
    log "$target found a crash:"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "fuzz/$target.log" >&2 || tail -20 "fuzz/$target.log" >&2
    log "keep the input: cp fuzz/artifacts/$target/crash-* tests/fixtures/crashes/$target/NAME"
  else
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done' "fuzz/$target.log" | sed "s/^/[fuzz] $target: /" >&2 || true
  fi
done
exit $status
