#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run every test. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

bash scripts/setup.sh
echo "== lint"
"$PYTHON" -m ruff check jupyter_envpanel tests benchmarks
echo "== tests"
"$PYTHON" -m pytest "$@"
