#!/usr/bin/env bash
# Builds everything and serves the demo on http://127.0.0.1:8080/www/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node scripts/serve.mjs --port "${PORT:-8080}"
