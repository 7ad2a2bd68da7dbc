#!/usr/bin/env bash
# Refresh the screenshots in docs/ from the browser tests (tests write theirs to test-results/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"
ENVPANEL_SCREENSHOTS="$PWD/docs" python -m pytest -m browser -q "$@"
python scripts/screenshot_project.py
git status --short docs/
