"""Make tests/data/conda_model_vectors.json: conda's own model tests, answered by conda (not run in CI).

Reads conda's tests/models/test_version.py, test_match_spec.py and test_channel.py with `ast` (a
small evaluator follows loops, parametrize lists, assignments and fixtures), collects every
question those tests put to conda's models (a version's validity and order, a version spec and
its matches, a MatchSpec's fields and matches, a channel's parts, a ChannelMatch) and asks real
conda, run from its source, for each answer. The table holds conda's inputs and conda's answers,
with the conda release and commit and the test function each row came from; no test code.

    python scripts/conda_model_vectors.py --conda-src DIR --conda-python PY [--write TABLE]

DIR is a git checkout of github.com/conda/conda at a release tag (its tests/models/ is read);
PY a Python with conda's pure-Python dependencies (see docs/testing.md). Without --write, the
answers are compared with the table's and the differences printed (exit 1 if any).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conda_test_reader import FILES, read_tests  # noqa: E402

TABLE = HERE.parent / "tests" / "data" / "conda_model_vectors.json"
CONDA_SIDE = r"""
import json, sys
from conda.base.context import context, reset_context
reset_context()  # read $CONDARC and CONDA_* variables, as the tests' fixtures make conda do
from conda.models.channel import Channel
from conda.models.dist import Dist
from conda.models.match_spec import ChannelMatch, MatchSpec, _parse_spec_str_dispatcher
from conda.models.records import PackageRecord
from conda.models.version import VersionOrder, VersionSpec

request = json.load(sys.stdin)
helpers = {"Dist": Dist, "PackageRecord": PackageRecord, "context": context}
exec(request["helpers"], helpers)  # the test module's own record helpers (DPkg), read from it


def record(desc):
    if "dist" in desc:
        rec = helpers["DPkg"](desc["dist"], **desc.get("kwargs", {}))
        return rec, rec.dump()
    return desc["record"], desc["record"]


def order(a, b):
    a, b = VersionOrder(a), VersionOrder(b)
    return "<" if a < b else "==" if a == b else ">"


def channel(value):
    c = Channel(value)
    keys = ("canonical_name", "base_url", "scheme", "location", "name", "platform", "package_filename")
    return {k: getattr(c, k) for k in keys}


def answer(kind, q):
    try:
        if kind == "version":
            return str(VersionOrder(q["version"]))
        if kind == "order":
            return order(q["a"], q["b"])
        if kind == "startswith":
            return VersionOrder(q["version"]).startswith(VersionOrder(q["prefix"]))
        if kind == "version_spec":
            return str(VersionSpec(q["spec"]))
        if kind == "version_match":
            spec = VersionSpec(q["spec"])
        elif kind in ("matchspec", "spec_match"):
            spec = MatchSpec(q["spec"])
        elif kind == "channel":
            return channel(q["channel"])
        elif kind == "channel_match":
            return ChannelMatch(q["spec"]).match(q["channel"])
    except Exception as err:
        return {"invalid": type(err).__name__}
    try:
        if kind == "version_match":
            return spec.match(q["version"])
        if kind == "matchspec":
            fields = _parse_spec_str_dispatcher(q["spec"])
            fields = {k: v for k, v in fields.items() if not k.startswith("_")}
            return {k: list(v) if isinstance(v, (tuple, list)) else str(v) for k, v in fields.items()}
        rec, q["record"] = record(q["record"])
        return spec.match(rec)
    except Exception as err:
        return {"error": type(err).__name__}


out = []
for row in request["rows"]:
    value = answer(row["kind"], row["input"])
    out.append([row["input"], value])
print(json.dumps(out, default=str))
"""


def conda_ref(src: Path) -> dict[str, str]:
    """Return the release tag and commit of a conda checkout."""
    git = ["git", "-C", str(src)]
    tag = subprocess.run([*git, "describe", "--tags", "--exact-match"], capture_output=True, text=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    if tag.returncode != 0:
        raise SystemExit(
            f"{src} is not at a release tag: check out the newest one (git tag --sort=-v:refname)"
        )
    return {"release": tag.stdout.strip(), "commit": commit.stdout.strip()}


def ask_conda(rows: list[dict], settings: dict, helpers: str, src: Path, python: str) -> list[list]:
    """Ask conda (from source) for the answers of rows that share one set of settings."""
    with tempfile.TemporaryDirectory() as home:
        rc = Path(home) / ".condarc"  # conda reads $CONDARC only by a condarc-like file name
        rc.write_text(json.dumps({"solver": "classic", "offline": True, **settings.get("condarc", {})}))
        env = {"HOME": home, "CONDARC": str(rc), "PYTHONPATH": str(src), "PATH": os.environ.get("PATH", "")}
        env.update(settings.get("env", {}))
        request = json.dumps({"helpers": helpers, "rows": rows})
        out = subprocess.run(
            [python, "-c", CONDA_SIDE], input=request, capture_output=True, text=True, env=env
        )
    if out.returncode != 0:
        raise SystemExit(f"conda failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def build(src: Path, python: str) -> dict:
    """Return the whole table: every question in conda's model tests, with conda's answers."""
    ref = conda_ref(src)
    questions, skipped, helpers = read_tests(src)
    groups: dict[str, list[dict]] = {}
    for q in questions:
        groups.setdefault(json.dumps(q.get("settings", {}), sort_keys=True), []).append(q)
    rows, named = [], {}
    for key, group in groups.items():
        settings = json.loads(key)
        answers = ask_conda(group, settings, helpers, src, python)
        solver = settings.get("env", {}).get("CONDA_SOLVER")
        if solver:  # also asked with conda's default solver, whose spec parser may differ
            plain = {**settings, "env": {k: v for k, v in settings["env"].items() if k != "CONDA_SOLVER"}}
            defaults = [value for _, value in ask_conda(group, plain, helpers, src, python)]
        for i, (q, (asked, value)) in enumerate(zip(group, answers, strict=True)):
            name = q.get("settings_name")
            if name:
                named[name] = q["settings"]
            row = {"source": q["source"], "kind": q["kind"], "input": asked, "conda": value}
            if solver:
                row["conda_default_solver"] = defaults[i]
            rows.append(
                {**row, "settings": name, "release": ref["release"]}
                if name
                else {**row, "release": ref["release"]}
            )
    rows.sort(key=lambda r: (r["source"], r["kind"], json.dumps(r["input"], sort_keys=True)))
    return {
        "about": (
            "conda's answers to the questions conda's own model tests ask (tests/models/"
            + ", ".join(FILES)
            + "), made by scripts/conda_model_vectors.py from conda run from its source. "
            "A row's `settings` names the condarc / CONDA_* variables its test's fixtures set; "
            "`release` the conda release (its commit under `conda`) that answered; "
            "`conda_default_solver` is conda's answer to a row asked under another solver "
            "(`CONDA_SOLVER`), with its default solver instead. "
            "tests/core/conda/test_conda_model_vectors.py checks jupyter-envpanel against every row."
        ),
        "conda": {ref["release"]: ref["commit"]},
        "settings": named,
        "rows": rows,
        "not_extracted": skipped,
    }


def key(row: dict) -> str:
    """Return what identifies a row: its test, question and input."""
    return f"{row['source']} {row['kind']} {json.dumps(row['input'], sort_keys=True)}"


def dump(table: dict) -> str:
    """Return the table as JSON with one row a line (readable diffs when conda changes)."""
    head = {k: v for k, v in table.items() if k not in ("rows", "not_extracted")}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    for name in ("rows", "not_extracted"):
        lines = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in table[name])
        text += f',\n "{name}": [\n  {lines}\n ]'
    return text + "\n}\n"


def main() -> int:
    """Write the table, or compare conda's answers now with the table's."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--conda-src", required=True, type=Path)
    parser.add_argument("--conda-python", required=True)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    table = build(args.conda_src, args.conda_python)
    kinds = Counter(r["kind"] for r in table["rows"])
    print(f"conda {next(iter(table['conda']))}: {len(table['rows'])} vectors {dict(sorted(kinds.items()))}")
    print(f"{len(table['not_extracted'])} questions not extracted (reason given in the table)")
    if args.write:
        args.write.write_text(dump(table))
        print(f"wrote {args.write}")
        return 0
    old = {key(r): r["conda"] for r in json.loads(TABLE.read_text())["rows"]}
    changed = [r for r in table["rows"] if old.get(key(r), "(no row)") != r["conda"]]
    for row in changed[:40]:
        print(f"  {key(row)}: table {old.get(key(row), '(no row)')!r}, conda {row['conda']!r}")
    print(f"{len(changed)} rows differ from {TABLE.name}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
