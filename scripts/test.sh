#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run every test. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

bash scripts/setup.sh --browser
echo "== lint (ruff, eslint, prettier)"
"$PYTHON" -m ruff check jupyter_envpanel tests benchmarks scripts
"$PYTHON" -m ruff format --check jupyter_envpanel tests benchmarks scripts
(cd labextension && jlpm lint)
echo "== labextension unit tests (vitest)"
(cd labextension && jlpm test)
echo "== python, server and browser tests (pytest)"
"$PYTHON" -m pytest "$@"
