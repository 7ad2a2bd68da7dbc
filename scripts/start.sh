#!/usr/bin/env bash
# Set up jupyter-envpanel in .venv, make the demo environments, and start JupyterLab on this
# repository with demo/envpanel-demo.ipynb open. Extra arguments go to JupyterLab (e.g. --port 9999).
# Safe to run again; the second run only starts JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"   # the demo notebook's `!jupyter envpanel ...` cells use it

# The demo's conda environments `demo` and `demo-drifted`: real venvs from PyPI wheels with the
# conda-meta records of what is installed (scripts/demo_envs.py; the wheels are cached, so later
# runs need no network). A config drop-in in .venv adds demo/envs to EnvPanelApp.extra_env_dirs, so
# the server and `jupyter envpanel ...` from any shell find them.
# JupyterLab keeps this checkout's layouts in .venv; the first one shows the Environments panel.
DROP_IN=.venv/etc/jupyter/jupyter_server_config.d/jupyter-envpanel-demo.json
WORKSPACES=.venv/share/jupyter/lab/workspaces
if ! python scripts/demo_envs.py demo/envs --drop-in "$DROP_IN" --workspaces "$WORKSPACES"; then
  echo "scripts/start.sh: the demo environments could not be made (see above); starting without them" >&2
fi

# LabApp.default_url is what `/`, the printed URL and the browser-open file all lead to.
ARGS=(--ServerApp.root_dir="$PWD" --LabApp.workspaces_dir="$PWD/$WORKSPACES")
ARGS+=(--LabApp.default_url=/lab/tree/demo/envpanel-demo.ipynb)
[ "$(id -u)" = 0 ] && ARGS+=(--allow-root)
exec python -m jupyterlab "${ARGS[@]}" "$@"
