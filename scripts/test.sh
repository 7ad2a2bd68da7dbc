#!/usr/bin/env bash
# Set up everything the tests need in .venv (and Debian's Chromium), then run every test:
# lint, the labextension's unit tests, the whole pytest suite, and the Python tests again on the
# oldest and newest Python the package declares. Extra arguments go to the main pytest run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"
echo "== lint (ruff, mypy, eslint, prettier)"
python -m ruff check jupyter_envpanel tests benchmarks scripts
python -m ruff format --check jupyter_envpanel tests benchmarks scripts
python -m mypy jupyter_envpanel
(cd labextension && jlpm lint)
echo "== labextension unit tests (vitest)"
(cd labextension && jlpm test)
echo "== python, server and browser tests (pytest, $(python -V))"
python -m pytest "$@"
echo "== python tests on every declared Python"
bash scripts/pythons.sh
