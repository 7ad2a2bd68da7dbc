#!/usr/bin/env bash
# Mutation testing of the modules whose bugs cost users most (mutmut, config in pyproject.toml):
# small deliberate bugs, one at a time, against the fast tests. Prints the score and the survivors.
#
#   bash scripts/mutation.sh                       # every module in [tool.mutmut] source_paths
#   bash scripts/mutation.sh "jupyter_envpanel.core.paths*"   # some modules (mutmut name globs)
#   BUDGET=3600 CHILDREN=2 bash scripts/mutation.sh           # time budget in seconds, workers
#
# Not part of CI (it takes from minutes to hours); run it before a release. docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test >/dev/null
export PATH="$PWD/.venv/bin:$PATH"
python -m pip install --quiet "mutmut>=3.3,<4" 2>&1 | grep -v "^WARNING: Location" || true
BUDGET="${BUDGET:-5400}"
CHILDREN="${CHILDREN:-2}"
rm -rf mutants
start=$(date +%s)
# A run cut short by the budget still reports the mutants it finished.
timeout "$BUDGET" mutmut run --max-children "$CHILDREN" "$@" >mutation.log 2>&1 || echo "mutmut stopped (exit $?): see mutation.log"
mutmut export-cicd-stats >/dev/null
python - "$start" "$@" <<'PY'
import fnmatch, json, subprocess, sys, time
stats = json.load(open("mutants/mutmut-cicd-stats.json"))
killed, survived = stats.get("killed", 0), stats.get("survived", 0)
untested, timeout = stats.get("no_tests", 0), stats.get("timeout", 0)
judged = killed + survived + untested
globs = sys.argv[2:] or ["*"]
listing = subprocess.run(["mutmut", "results", "--all", "true"], capture_output=True, text=True).stdout
in_scope = [line.strip() for line in listing.splitlines() if any(fnmatch.fnmatch(line.strip(), g) for g in globs)]
not_run = sum(1 for line in in_scope if line.endswith(": not checked"))
print(f"mutants in scope: {len(in_scope)}; {killed} killed, {survived} survived, "
      f"{untested} not covered, {timeout} timed out, {not_run} not run (time budget)")
if judged:
    print(f"mutation score: {100 * killed / judged:.1f} % of {judged} judged mutants killed "
          f"(timeouts count as killed: {100 * (killed + timeout) / (judged + timeout):.1f} %)")
print(f"time: {time.time() - float(sys.argv[1]):.0f} s")
out = subprocess.run(["mutmut", "results"], capture_output=True, text=True).stdout
survivors = [line.strip() for line in out.splitlines() if line.strip().endswith(": survived")]
print(f"survivors ({len(survivors)}): `mutmut show NAME` shows the change")
for line in survivors:
    print("  " + line)
PY
