#!/usr/bin/env bash
# Run the Python tests (all but the browser ones) on the oldest and newest Python the package
# declares, each in its own venv under .venvs/. A Python that is not on this machine (pyenv or
# pythonX.Y on PATH) is skipped with a message. Usage: scripts/pythons.sh [VERSION ...]
set -euo pipefail
cd "$(dirname "$0")/.."
VERSIONS=("$@")
[ ${#VERSIONS[@]} = 0 ] && VERSIONS=(3.10 3.13)

find_python() {  # newest pyenv patch release of $1, else python$1 on PATH
  local found
  found="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/python 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$found" ] || found="$(command -v "python$1" || true)"
  echo "$found"
}

status=0
for version in "${VERSIONS[@]}"; do
  python="$(find_python "$version")"
  if [ -z "$python" ]; then
    echo "== Python $version: skipped, no such interpreter here (install it with pyenv to test it)"
    continue
  fi
  venv=".venvs/py$version"
  echo "== Python $version ($python) in $venv"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  stamp="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$venv/.envpanel-stamp" 2>/dev/null)" != "$stamp" ]; then
    pip=("$venv/bin/python" -m pip install --disable-pip-version-check -q)
    "${pip[@]}" --upgrade pip
    "${pip[@]}" "hatchling>=1.21" "hatch-jupyter-builder>=0.9" editables
    "${pip[@]}" --no-build-isolation -e ".[test]"
    echo "$stamp" > "$venv/.envpanel-stamp"
  fi
  PATH="$PWD/$venv/bin:$PATH" "$venv/bin/python" -m pytest -m "not browser and not hub and not release" -q -p no:cacheprovider \
    || status=1
done
exit $status
