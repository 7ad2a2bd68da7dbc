"""Ask conda (run from its source) how it reads each environment.yml of our corpus (not run in CI).

For each file of tests/data/envfiles/, conda's environment.yml reader (`conda.env.env.from_file`,
what `conda env create` and `conda compare` read it with) answers whether it accepts the file,
its name, channels and the names of its conda dependencies (each parsed by conda's MatchSpec, as
`conda compare` does), and how many pip lines it keeps. The answers go to
tests/data/envfiles/conda_answers.json, which tests/core/requirements/test_envfile_corpus.py checks
our parser against.

    python scripts/conda_envfile_corpus.py --conda-src DIR --conda-python PY

DIR is a checkout of github.com/conda/conda, PY a Python with its dependencies (docs/testing.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "envfiles"
CONDA_SIDE = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from conda.base.context import reset_context
reset_context()
from conda.env.env import from_file
from conda.models.match_spec import MatchSpec
out = {}
for path in sys.argv[1:]:
    try:
        env = from_file(path)
        conda = [MatchSpec(d).name for d in env.dependencies.get("conda", [])]
        out[path] = {"accepted": True, "name": env.name, "channels": list(env.channels),
                     "conda": conda, "pip": len(env.dependencies.get("pip", []))}
    except BaseException as err:
        out[path] = {"accepted": False, "error": type(err).__name__}
print(json.dumps(out))
"""


def main() -> None:
    """Write conda's answers for every corpus file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--conda-src", required=True)
    parser.add_argument("--conda-python", required=True)
    args = parser.parse_args()
    files = sorted(str(p) for p in CORPUS.glob("*.yml"))
    with tempfile.TemporaryDirectory() as home:
        rc = Path(home) / ".condarc"
        rc.write_text(json.dumps({"solver": "classic", "offline": True}))
        env = {"HOME": home, "CONDARC": str(rc), "PYTHONPATH": args.conda_src, "PATH": os.environ["PATH"]}
        run = subprocess.run(
            [args.conda_python, "-c", CONDA_SIDE, *files], capture_output=True, text=True, env=env, check=True
        )
        version = subprocess.run(
            ["git", "-C", args.conda_src, "describe", "--tags"], capture_output=True, text=True
        ).stdout.strip()
    answers = {Path(k).name: v for k, v in json.loads(run.stdout.splitlines()[-1]).items()}
    for name, answer in answers.items():  # conda adds `pip` to a file with a pip: list that lists no pip
        text = (CORPUS / name).read_text(encoding="utf-8-sig")
        if answer["accepted"] and "pip" in answer["conda"] and "- pip\n" not in text.replace("\r", ""):
            if answer["conda"][0] == "pip":
                answer["conda"] = answer["conda"][1:]
                answer["pip_added"] = True
    table = {"about": f"conda {version or '(from source)'} reading each corpus file", "files": answers}
    (CORPUS / "conda_answers.json").write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    accepted = sum(a["accepted"] for a in answers.values())
    print(f"{len(answers)} files: conda accepts {accepted}, refuses {len(answers) - accepted}")


if __name__ == "__main__":
    main()
