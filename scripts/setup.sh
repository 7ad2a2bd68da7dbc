#!/usr/bin/env bash
# Set up jupyter-envpanel in the project's virtual environment `.venv` (never the global Python).
#   scripts/setup.sh           what running needs: the package (editable), JupyterLab, Notebook 7
#   scripts/setup.sh --test    plus the test tools and Debian's Chromium for the browser tests
# PYTHON=... picks the interpreter the venv is made from (default: python3). Safe to run again:
# nothing is reinstalled when pyproject.toml, the labextension sources and the mode are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="$PWD/.venv"
MODE="run"
[ "${1:-}" = "--test" ] && MODE="test"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "scripts/setup.sh: need root to run: $*" >&2; return 1; fi
}
apt_install() {
  echo "== apt-get install $*"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. The venv. Debian/Ubuntu's python3 has no ensurepip until python3-venv is installed.
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  if ! command -v "$PYTHON" >/dev/null; then
    echo "scripts/setup.sh: no $PYTHON on PATH; install Python 3.10+ or set PYTHON=/path/to/python3" >&2
    exit 2
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "scripts/setup.sh: $PYTHON is $("$PYTHON" -V 2>&1); jupyter-envpanel needs Python 3.10+" >&2
    exit 2
  fi
  if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    apt_install "python$version-venv" || apt_install python3-venv
  fi
  echo "== virtual environment: .venv (from $("$PYTHON" -c 'import sys; print(sys.executable)'))"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi
export PATH="$VENV/bin:$PATH"
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check -q)

if [ "$MODE" = test ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium    # Debian's Chromium, for the browser tests (never a downloaded browser)
fi
if ! command -v node >/dev/null; then
  apt_install nodejs      # to build the labextension
fi

# 2. Skip the rest when nothing it depends on changed since the last successful run.
stamp_of() {
  {
    echo "$("$PY" -V 2>&1) $(node --version)"
    cat scripts/setup.sh pyproject.toml install.json labextension/package.json labextension/yarn.lock
    find labextension/src labextension/style labextension/schema labextension/tsconfig.json \
      -type f -print0 | sort -z | xargs -0 cat
  } | sha256sum | cut -d' ' -f1
}
STAMP="$(stamp_of)"
up_to_date() {  # a test setup also covers what running needs
  for mode in "$@"; do
    [ -f "$VENV/.envpanel-setup-$mode" ] && [ "$(cat "$VENV/.envpanel-setup-$mode")" = "$STAMP" ] && return 0
  done
  return 1
}
if [ -f jupyter_envpanel/labextension/static/style.js ] \
  && { { [ "$MODE" = run ] && up_to_date run test; } || { [ "$MODE" = test ] && up_to_date test; }; }; then
  echo "== .venv is up to date (nothing changed since the last setup)"
  exit 0
fi

echo "== JupyterLab, Notebook 7 and the build tools (JupyterLab provides jlpm)"
"${PIP[@]}" --upgrade pip
"${PIP[@]}" "jupyterlab>=4.5,<5" "notebook>=7.4,<8" "hatchling>=1.21" "hatch-jupyter-builder>=0.9" editables

echo "== labextension (jlpm install + build)"
(cd labextension && jlpm install --immutable >/dev/null && jlpm build:prod >/dev/null)

echo "== jupyter-envpanel (editable)$([ "$MODE" = test ] && echo ' and test tools')"
# A link left by `jupyter labextension develop` would let pip uninstall through it into a checkout.
dest="$VENV/share/jupyter/labextensions/jupyter-envpanel"
if [ -L "$dest" ]; then rm -f "$dest"; fi
if [ "$MODE" = test ]; then
  "${PIP[@]}" --no-build-isolation -e ".[test]"
  # conda-lock pins versions poetry cannot share (dulwich, virtualenv): a venv of its own, linked
  # into .venv/bin, so the lock-file tests compare our readers with conda-lock itself
  "$VENV/bin/uv" venv -q --allow-existing --python "$VENV/bin/python" "$VENV/tools/conda-lock"
  "$VENV/bin/uv" pip install -q --python "$VENV/tools/conda-lock/bin/python" "conda-lock>=4,<5"
  ln -sf "../tools/conda-lock/bin/conda-lock" "$VENV/bin/conda-lock"
else
  "${PIP[@]}" --no-build-isolation -e .
fi
echo "$STAMP" > "$VENV/.envpanel-setup-$MODE"
