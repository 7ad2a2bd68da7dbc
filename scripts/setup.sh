#!/usr/bin/env bash
# Install jupyter-envpanel for development: Python packages, the labextension (built with jlpm),
# and with --browser Debian's Chromium for the browser tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
PIP=("$PYTHON" -m pip install --disable-pip-version-check -q)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "need root to run: $*" >&2; return 1; fi; }

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "== chromium (Debian package, for the browser tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if ! command -v node >/dev/null; then
  echo "== nodejs (to build the labextension)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
fi

echo "== build tools (JupyterLab provides jlpm)"
"${PIP[@]}" "jupyterlab>=4.5,<5" "hatchling>=1.21" "hatch-jupyter-builder>=0.9" editables

echo "== labextension (jlpm install + build)"
(cd labextension && jlpm install --immutable >/dev/null && jlpm build:prod >/dev/null)

echo "== jupyter-envpanel (editable) and test tools"
# A link left by `jupyter labextension develop` would let pip uninstall through it into a checkout.
dest="$("$PYTHON" -c 'import sys; print(sys.prefix)')/share/jupyter/labextensions/jupyter-envpanel"
if [ -L "$dest" ]; then rm -f "$dest"; fi
"${PIP[@]}" --no-build-isolation -e ".[test]"
