#!/usr/bin/env bash
# Install the extension and its test tools (Python packages, labextension build, Chromium). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

echo "== python packages"
"$PYTHON" -m pip install --disable-pip-version-check -q -e ".[test]"
