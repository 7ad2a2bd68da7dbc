#!/usr/bin/env bash
# Set up jupyter-envpanel and start JupyterLab on this repository. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

bash scripts/setup.sh
ARGS=(--ServerApp.root_dir="$PWD")
[ "$(id -u)" = 0 ] && ARGS+=(--allow-root)
exec "$PYTHON" -m jupyterlab "${ARGS[@]}" "$@"
