#!/usr/bin/env bash
# Set up jupyter-envpanel in .venv, create the demo environments, and start JupyterLab on this
# repository with the demo notebook open. Extra arguments go to JupyterLab (e.g. --port 9999).
# Safe to run again; the second run only starts JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
# Two small conda-layout demo environments (fixtures written without conda: scripts/demo_envs.py),
# found through CONDA_ENVS_PATH like any conda envs directory.
python scripts/demo_envs.py demo/envs
export CONDA_ENVS_PATH="$PWD/demo/envs${CONDA_ENVS_PATH:+:$CONDA_ENVS_PATH}"

ARGS=(--ServerApp.root_dir="$PWD" --ServerApp.default_url=/lab/tree/demo/envpanel-demo.ipynb)
[ "$(id -u)" = 0 ] && ARGS+=(--allow-root)
exec python -m jupyterlab "${ARGS[@]}" "$@"
