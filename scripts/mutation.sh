#!/usr/bin/env bash
# Mutation testing of the modules whose bugs cost users most (mutmut, config in pyproject.toml):
# small deliberate bugs, one at a time, against the fast tests. Prints the score and the survivors.
#
#   bash scripts/mutation.sh                       # every module in [tool.mutmut] source_paths
#   bash scripts/mutation.sh "jupyter_envpanel.core.paths*"   # some modules (mutmut name globs)
#   BUDGET=3600 CHILDREN=2 bash scripts/mutation.sh           # time budget in seconds, workers
#   bash scripts/mutation.sh --continue            # run what the last run's budget cut off
#   bash scripts/mutation.sh --survivors           # after adding tests: rerun the last survivors
#                                                  # (those listed as equivalent are not rerun)
#   bash scripts/mutation.sh --report              # print the last run's figures again
#   bash scripts/mutation.sh --sample 300 "jupyter_envpanel.core.*"  # a random sample of mutants
#
# --continue and --survivors keep mutants/ (the last run's verdicts and its test timings) and
# report on the last run's modules. --sample N runs N mutants drawn at random (seed SEED, default
# 1) from those not yet run in the modules named, in the mutants/ of an earlier run, and reports on
# the sample: an estimate of the score of modules too large to run whole. Mutants reviewed as equivalent (no test can tell them from the
# original) are listed with the reason in scripts/mutation-equivalent.txt; the score is printed
# with and without them. Not part of CI (minutes to hours); run it before a release.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test >/dev/null
export PATH="$PWD/.venv/bin:$PATH"
python -m pip install --quiet "mutmut>=3.3,<4" 2>&1 | grep -v "^WARNING: Location" || true
BUDGET="${BUDGET:-5400}"
CHILDREN="${CHILDREN:-2}"
mode=run
case "${1:-}" in
  --continue | --survivors | --report) mode="${1#--}"; shift ;;
  --sample) mode=sample; size="${2:?--sample needs a number}"; shift 2 ;;
esac
scope_file=mutants/envpanel-scope.txt
if [ "$mode" = sample ]; then
  if [ ! -d mutants ]; then
    echo "mutation.sh: --sample draws from the mutants/ of an earlier run; run it first" >&2
    exit 2
  fi
  mutmut results --all true | python -c '
import fnmatch, random, sys
size, seed, globs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
names = []
for line in sys.stdin:
    name, _, status = line.strip().rpartition(": ")
    if status == "not checked" and any(fnmatch.fnmatch(name, g) for g in globs):
        names.append(name)
for name in sorted(random.Random(seed).sample(sorted(names), min(size, len(names)))):
    print(name)' "$size" "${SEED:-1}" "${@:-*}" >mutants/envpanel-sample.txt
  scope_file=mutants/envpanel-sample.txt
elif [ "$mode" = run ]; then
  rm -rf mutants
  mkdir -p mutants
  printf '%s\n' "${@:-*}" >"$scope_file"
elif [ ! -f "$scope_file" ]; then
  echo "mutation.sh: no earlier run in mutants/ to $mode; run it without --$mode first" >&2
  exit 2
fi
mapfile -t scope <"$scope_file"

# The names of the mutants in scope with a given verdict ("not checked", "survived").
names_with() {
  mutmut results --all true | python -c '
import fnmatch, sys
verdict, globs = sys.argv[1], sys.argv[2:]
for line in sys.stdin:
    name, _, status = line.strip().rpartition(": ")
    if status == verdict and any(fnmatch.fnmatch(name, g) for g in globs):
        print(name)' "$1" "${scope[@]}"
}

start=$(date +%s)
case "$mode" in
  run) targets=("$@") ;;
  continue) mapfile -t targets < <(names_with "not checked") ;;
  survivors) mapfile -t targets < <(names_with survived | grep -vxF -f <(cut -d" " -f1 scripts/mutation-equivalent.txt)) ;;
  sample) targets=("${scope[@]}") ;;
  report) targets=() ;;
esac
if [ "$mode" != report ]; then
  if [ "$mode" != run ] && { [ "${#targets[@]}" -eq 0 ] || [ -z "${targets[0]}" ]; }; then
    echo "nothing to $mode"
  else
    # A run cut short by the budget still keeps the verdicts it reached.
    timeout "$BUDGET" mutmut run --max-children "$CHILDREN" "${targets[@]}" >>mutation.log 2>&1 ||
      echo "mutmut stopped (exit $?): see mutation.log"
  fi
fi
mutmut results --all true >mutants/envpanel-results.txt
# Survivors of functions that tests in child processes call: run those tests against them here.
if [ "$mode" != report ]; then
  : >mutants/envpanel-untraced.txt
  while read -r test glob; do
    case "$test" in "" | "#"*) continue ;; esac
    { grep -E ": survived$" mutants/envpanel-results.txt || true; } | sed 's/: survived$//; s/^ *//' | while read -r name; do
      # shellcheck disable=SC2254
      case "$name" in $glob) ;; *) continue ;; esac
      if ! (cd mutants && MUTANT_UNDER_TEST="$name" timeout 300 python -m pytest -q -x -p no:cacheprovider \
        -p no:randomly "$test" >/dev/null 2>&1); then
        echo "$name $test" >>mutants/envpanel-untraced.txt
      fi
    done
  done <scripts/mutation-untraced.txt
fi
python - "$start" "${scope[@]}" <<'PY'
import fnmatch, pathlib, sys, time

globs = sys.argv[2:]
verdicts = {}
for line in pathlib.Path("mutants/envpanel-results.txt").read_text().splitlines():
    name, _, status = line.strip().rpartition(": ")
    if name and any(fnmatch.fnmatch(name, g) for g in globs):
        verdicts[name] = status
equivalent = {}
for line in pathlib.Path("scripts/mutation-equivalent.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        name, _, reason = line.strip().partition(" ")
        equivalent[name] = reason.strip()
untraced = {}
untraced_file = pathlib.Path("mutants/envpanel-untraced.txt")
for line in untraced_file.read_text().splitlines() if untraced_file.exists() else []:
    name, _, test = line.partition(" ")
    if verdicts.get(name) == "survived":
        verdicts[name], untraced[name] = "killed", test
count = {s: sum(1 for v in verdicts.values() if v == s) for s in set(verdicts.values())}
killed, survived = count.get("killed", 0), count.get("survived", 0)
timeout, untested = count.get("timeout", 0), count.get("no tests", 0)
print(f"modules: {' '.join(globs)}" if len(globs) < 20 else f"a sample of {len(globs)} mutants")
print(f"mutants in scope: {len(verdicts)}; {killed} killed, {survived} survived, {timeout} timed out, "
      f"{untested} not covered, {count.get('not checked', 0)} not run (time budget)")
if untraced:
    print(f"  of the killed, {len(untraced)} by tests in child processes mutmut cannot trace "
          "(run by this script, scripts/mutation-untraced.txt)")
killed += timeout  # a mutant that makes a test hang is caught: the test fails by its time limit
judged = killed + survived + untested
if judged:
    print(f"mutation score: {100 * killed / judged:.1f} % of {judged} judged mutants killed"
          + (f" ({timeout} by a time-out)" if timeout else ""))
survivors = sorted(n for n, v in verdicts.items() if v in ("survived", "no tests"))
equivalent_here = [n for n in survivors if n in equivalent]
stale = sorted(n for n in equivalent if n in verdicts and verdicts[n] not in ("survived", "no tests"))
if judged and equivalent_here:
    print(f"non-equivalent mutants: {100 * killed / (judged - len(equivalent_here)):.1f} % of "
          f"{judged - len(equivalent_here)} killed ({len(equivalent_here)} survivors reviewed as "
          "equivalent, scripts/mutation-equivalent.txt)")
n = judged - len(equivalent_here)
if n and len(globs) >= 20:  # a sample: how far the whole may lie from it (Wilson, 95 %)
    p, z = killed / n, 1.96
    centre, spread = p + z * z / (2 * n), z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    low, high = (centre - spread) / (1 + z * z / n), (centre + spread) / (1 + z * z / n)
    print(f"95 % interval for the modules sampled: {100 * low:.1f} % to {100 * high:.1f} %")
for name in stale:
    print(f"  listed as equivalent but {verdicts[name]}: {name} (the list is out of date)")
print(f"time: {time.time() - float(sys.argv[1]):.0f} s")
rest = [n for n in survivors if n not in equivalent]
print(f"survivors not reviewed as equivalent ({len(rest)}): `mutmut show NAME` shows the change")
for name in rest:
    print(f"  {name}: {verdicts[name]}")
PY
