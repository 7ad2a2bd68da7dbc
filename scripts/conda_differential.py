"""Compare jupyter-envpanel's drift verdicts on conda specs with real conda's (not run in CI).

conda is not on PyPI; it runs from its source: a checkout of github.com/conda/conda and a venv
with its pure-Python dependencies (`solver: classic`, `offline: true`). For each case — a spec,
one installed record, and the condarc settings in force — conda answers what `conda compare`
decides (`MatchSpec(spec).match(record)`, `not found`, or an invalid spec) and we answer ours.

    python scripts/conda_differential.py --conda-src DIR --conda-python PY --random 2000 --seed 1
    python scripts/conda_differential.py --conda-src DIR --conda-python PY --check TABLE
    python scripts/conda_differential.py --conda-src DIR --conda-python PY --write TABLE

TABLE is tests/data/conda_verdicts.json.

`--write` fills in the `conda` verdict of every row of the table from conda itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jupyter_envpanel.core.conda.channels import channel_context  # noqa: E402
from jupyter_envpanel.core.conda.spec import check_conda, parse_conda  # noqa: E402
from jupyter_envpanel.core.packages.inventory import package_from_record  # noqa: E402

CONDA_SIDE = r"""
import json, sys
from conda.base.context import reset_context
reset_context()  # read $CONDARC, as the conda command does at start
from conda.models.match_spec import MatchSpec
from conda.models.records import PackageRecord
out = []
for case in json.load(sys.stdin):
    try:
        spec = MatchSpec(case["spec"])
    except Exception as err:
        out.append(["invalid", type(err).__name__]); continue
    record = PackageRecord(**case["record"])
    if spec.name != record.name:
        out.append(["missing", ""]); continue
    try:
        out.append(["ok" if spec.match(record) else "mismatch", ""])
    except Exception as err:
        out.append(["error", type(err).__name__ + ": " + str(err)[:100]])
print(json.dumps(out))
"""
CONDARC_KEYS = (
    "channel_alias",
    "default_channels",
    "custom_channels",
    "custom_multichannels",
    "migrated_channel_aliases",
    "migrated_custom_channels",
)


def conda_verdicts(cases: list[dict], condarc: dict, src: str, python: str) -> list[str]:
    """Ask conda (from source) for the verdict of each case under one condarc."""
    with tempfile.TemporaryDirectory() as home:
        rc = Path(home) / ".condarc"
        settings = {"solver": "classic", "offline": True, **condarc}
        rc.write_text(json.dumps(settings))  # JSON is YAML
        env = {"HOME": home, "CONDARC": str(rc), "PYTHONPATH": src, "PATH": os.environ.get("PATH", "")}
        out = subprocess.run(
            [python, "-c", CONDA_SIDE], input=json.dumps(cases), capture_output=True, text=True, env=env
        )
    if out.returncode != 0:
        raise SystemExit(f"conda failed:\n{out.stderr[-2000:]}")
    return [v for v, _ in json.loads(out.stdout)]


def our_verdict(case: dict, condarc: dict) -> str:
    """Return jupyter-envpanel's verdict on a case."""
    ctx = channel_context(**{k: condarc[k] for k in CONDARC_KEYS if k in condarc})
    try:
        spec = parse_conda(case["spec"], ctx)
    except ValueError:
        return "invalid"
    package, _ = package_from_record(dict(case["record"]))
    if spec.name != package.name.lower():
        return "missing"
    return check_conda(spec, package, ctx=ctx)[0]


NAMES = ["numpy", "python", "libzlib"]
VERSIONS = [
    "1.26.4",
    "1.0.1rc1",
    "1.0.1r",
    "2.0",
    "1!2.0",
    "1.2.3+local",
    "0.9b1",
    "1.2.3.post1",
    "2024.1.0",
    "1.0",
    "1.0.0",
    "3.11.7",
    "1.2.3_",
    "1.0dev1",
    "1.10.2",
]
BUILDS = ["py311h1234567_0", "h0_0", "0", "pyhd8ed1ab_0", "cpu_py311h0_1", "py312_2"]
CHANNELS = [
    "https://conda.anaconda.org/conda-forge/linux-64",
    "https://mirror.example.com/conda-forge/linux-64",
    "https://repo.anaconda.com/pkgs/main/linux-64",
    "https://repo.anaconda.com/pkgs/r/noarch",
    "https://repo.anaconda.com/pkgs/msys2/win-64",
    "https://conda.anaconda.org/bioconda/noarch",
    "file:///opt/local-channel/linux-64",
    "https://repo.continuum.io/pkgs/free/linux-64",
    "https://mirror.example.com/conda/team/linux-64",
]
VSPECS = [
    "1.26.4",
    "1.26",
    "1.26.*",
    "1.*",
    ">=1.0",
    ">1.2.*",
    "<2",
    "<=1.0",
    "!=1.0",
    "~=1.0",
    "~=1.2+local",
    "==1.0",
    "=1.0",
    "=1.0.1r",
    "1.0|2.0",
    ">=1,<2",
    "(>=1|<0.5),!=1.26.4",
    r"^1\.0\..*$",
    "1.*.0",
    "1!2.*",
    "*",
    "2024.*",
    "1.0.1rc*",
    ">=1.0.1rc1",
    "1.2.3+local",
    "1.2.3_",
    "1.0dev*",
]
BSPECS = ["py311*", "*_0", "h0_0", "0", "py3*_2", r"^py31[12].*$", "cpu*"]
CHANNEL_SPECS = [
    "conda-forge",
    "pkgs/main",
    "pkgs/r",
    "defaults",
    "bioconda",
    "https://mirror.example.com/conda-forge",
    "*/linux-64",
    "conda-*",
    "conda-forge/linux-64",
    "pkgs/main/linux-64",
    "mine",
    "local",
    "https://conda.anaconda.org/conda-forge",
    "file:///opt/local-channel",
    "team",
    "pkgs/free",
]
CONDARCS = [
    {},
    {"channel_alias": "https://mirror.example.com"},
    {"custom_channels": {"conda-forge": "https://mirror.example.com"}},
    {"default_channels": ["https://mirror.example.com/pkgs/main", "https://mirror.example.com/pkgs/r"]},
    {"custom_multichannels": {"mine": ["conda-forge", "bioconda"]}},
]


def random_case(rng: random.Random) -> tuple[dict, dict]:
    """Return one random (case, condarc)."""
    name = rng.choice(NAMES)
    channel = rng.choice(CHANNELS)
    subdir = channel.rsplit("/", 1)[1]
    version, build = rng.choice(VERSIONS), rng.choice(BUILDS)
    fn = f"{name}-{version}-{build}.conda"
    record = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": rng.choice([0, 1, 2, 10]),
        "channel": channel,
        "subdir": subdir,
        "fn": fn,
        "url": f"{channel}/{fn}",
        "md5": rng.choice(["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"]),
        "license": rng.choice(["BSD-3-Clause", "MIT"]),
        "license_family": rng.choice(["BSD", "MIT"]),
    }
    spec_name = name if rng.random() < 0.93 else rng.choice(NAMES + ["NumPy", "num*"])
    parts = [spec_name]
    form = rng.random()
    v, b = rng.choice(VSPECS), rng.choice(BSPECS)
    if form < 0.35:
        parts = [f"{spec_name}{v if v[0] in '<>=!~' else ' ' + v}"]
    elif form < 0.5:
        parts = [f"{spec_name} {v} {b}"]
    elif form < 0.6:
        parts = [f"{spec_name}={v.lstrip('=<>!~')}={b}"]
    elif form < 0.75:
        key, value = rng.choice(
            [
                ("version", v),
                ("build", b),
                ("build_number", rng.choice(["1", ">=1", "*", "<2"])),
                ("subdir", rng.choice(["linux-64", "noarch"])),
                ("md5", record["md5"]),
                ("license_family", rng.choice(["bsd", "MIT", "BSD*"])),
                ("fn", fn),
                ("url", record["url"]),
                ("channel", rng.choice(CHANNEL_SPECS)),
            ]
        )
        parts = [f"{spec_name}[{key}='{value}']"]
    elif form < 0.8:
        parts = [f"{spec_name}[version='{v}' build='{b}']"]
    elif form < 0.85:
        parts = [f"{spec_name} {v} (target=linux-64,optional)"]
    elif form < 0.9:
        parts = [f"{spec_name} {v} if __unix"]
    if rng.random() < 0.45:
        parts[0] = f"{rng.choice(CHANNEL_SPECS)}::{parts[0]}"
    if rng.random() < 0.03:
        parts = [record["url"]]
    return {"spec": parts[0], "record": record}, rng.choice(CONDARCS)


def compare(cases: list[tuple[dict, dict]], src: str, python: str) -> list[tuple[dict, dict, str, str]]:
    """Return (case, condarc, conda's verdict, ours) for every case."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, (_, rc) in enumerate(cases):
        groups[json.dumps(rc, sort_keys=True)].append(i)
    theirs: dict[int, str] = {}
    for key, indexes in groups.items():
        verdicts = conda_verdicts([cases[i][0] for i in indexes], json.loads(key), src, python)
        theirs.update(zip(indexes, verdicts, strict=True))
    return [(case, rc, theirs[i], our_verdict(case, rc)) for i, (case, rc) in enumerate(cases)]


def main() -> int:
    """Run the comparison the arguments ask for."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--conda-src", required=True)
    parser.add_argument("--conda-python", required=True)
    parser.add_argument("--random", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check")
    parser.add_argument("--write")
    args = parser.parse_args()
    if args.random:
        rng = random.Random(args.seed)
        rows = compare([random_case(rng) for _ in range(args.random)], args.conda_src, args.conda_python)
        agree = sum(1 for _, _, c, o in rows if c == o)
        print(f"random corpus (seed {args.seed}): {agree} of {len(rows)} verdicts agree with conda")
        print("conda verdicts:", dict(Counter(c for _, _, c, _ in rows)))
        for case, rc, theirs, ours in [r for r in rows if r[2] != r[3]][:40]:
            print(
                f"  conda {theirs:8} ours {ours:8} {case['spec']!r} vs {case['record']['version']} "
                f"{case['record']['build']} {case['record']['channel']} {rc}"
            )
    disagreements = 0
    for path in filter(None, (args.check, args.write)):
        table = json.loads(Path(path).read_text())
        rows = compare([(r, r.get("condarc", {})) for r in table["rows"]], args.conda_src, args.conda_python)
        for row, (_, _, theirs, ours) in zip(table["rows"], rows, strict=True):
            if args.write:
                row["conda"] = theirs
            elif row["conda"] != theirs:
                disagreements += 1
                print(f"table says conda answers {row['conda']}, conda answers {theirs}: {row['spec']}")
            expected = row.get("ours", row["conda"])
            if ours != expected:
                disagreements += 1
                print(f"  ours {ours}, expected {expected}: {row['spec']!r} ({row['source']})")
        if args.write:
            Path(path).write_text(json.dumps(table, indent=1) + "\n")
            print(f"wrote {len(rows)} conda verdicts into {path}")
        else:
            print(f"{path}: {len(rows)} rows, {disagreements} disagreements with conda or with us")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
