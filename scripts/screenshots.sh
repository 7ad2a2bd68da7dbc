#!/usr/bin/env bash
# Refresh the README's screenshots, docs/*.png, from the demo as start.sh lays it out
# (scripts/screenshots.py). The only thing that writes them: tests write theirs to test-results/.
# Arguments go to screenshots.py (--out DIR, --world DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"
python scripts/screenshots.py "$@"
git status --short docs/
