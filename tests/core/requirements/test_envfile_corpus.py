"""Our corpus of environment.yml shapes, read as conda reads them: accepted, refused and understood alike.

tests/data/envfiles/ holds the shapes real projects use (written here, copied from none): local
paths and `-e` in `pip:`, `-r` includes, templates, a package in both sections, comments, anchors
and merge keys, channels per entry, YAML quirks (BOM, CRLF, YAML 1.1 words, flow style, tags,
tabs, duplicate keys). conda_answers.json is conda's own reading of each (made by
scripts/conda_envfile_corpus.py with conda run from its source). No file may crash or be refused
unless conda refuses it too; where both read it, they read the same name, channels, conda
packages and pip lines, and drift against a real environment answers.
"""

from __future__ import annotations

import json
import re

import pytest
from support import DATA

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.envfile import parse_envfile
from jupyter_envpanel.core.service import EnvService

CORPUS = DATA / "envfiles"
ANSWERS = json.loads((CORPUS / "conda_answers.json").read_text())["files"]
#: Where we read a file conda does not, and why that serves the user (conda's own failure is no verdict).
LENIENT = {
    "14-empty-sections.yml": "conda fails with a TypeError on `channels:` and `dependencies:` left empty;"
    " we read them as none",
}
#: Where we refuse a file conda's reader takes, and why: conda fails on it later (pip, `conda compare`).
STRICTER = {
    "25-unquoted-colon-in-pip.yml": "`- --only-binary=:all:` unquoted is a YAML mapping, no pip line:"
    " conda's reader keeps it, `conda compare` and pip then fail on it; we say where it is",
}


def test_the_corpus_covers_every_file_and_both_verdicts():
    files = sorted(p.name for p in CORPUS.glob("*.yml"))
    assert files == sorted(ANSWERS) and len(files) >= 20
    assert {a["accepted"] for a in ANSWERS.values()} == {True, False}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_read_as_conda_reads_it(name):
    conda = ANSWERS[name]
    path = CORPUS / name
    if (not conda["accepted"] and name not in LENIENT) or name in STRICTER:
        with pytest.raises(EnvFileError) as caught:
            parse_envfile(path)
        assert caught.value.line is not None or "budget" in caught.value.detail, str(caught.value)
        return
    ours = parse_envfile(path)
    if name in LENIENT:
        return
    assert ours.name == conda["name"]
    assert list(ours.channels) == conda["channels"]
    assert [r.name for r in ours.requirements if r.source == "conda"] == conda["conda"]
    text = path.read_text(encoding="utf-8-sig")
    includes = len(re.findall(r"^\s*-\s+(-r\s|--requirement[=\s])", text, flags=re.M))
    pip_lines = [r for r in ours.requirements if r.source == "pip" and r.file == str(path)]
    assert len(pip_lines) + includes == conda["pip"]


@pytest.mark.parametrize(
    "name", sorted(n for n, a in ANSWERS.items() if (a["accepted"] or n in LENIENT) and n not in STRICTER)
)
def test_drift_answers_for_every_file_conda_reads(world, name):
    """Against a real conda environment: a verdict or a reason for every entry, no error."""
    prefix = world.conda_env(
        world.home / "miniconda3" / "envs" / "ml",
        packages=[("numpy", "1.26.4", "py311h0_0"), ("pip", "24.0", "pyhd8ed1ab_0")],
        pip=[("rich", "13.7.1", True), ("numpy", "1.26.4", False)],
    )
    target = world.root / "project"
    target.mkdir()
    for item in CORPUS.rglob("*"):  # the corpus with its requirements/ folder, as a cloned repository
        if item.is_file():
            dest = target / item.relative_to(CORPUS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(item.read_bytes())
    service = EnvService(world.host())
    report = service.drift(service.find(str(prefix), allow_any_prefix=True), target / name).to_json()
    assert {r["status"] for r in report["requirements"]} <= {"ok", "missing", "mismatch", "skipped"}
    assert all(r["reason"] for r in report["requirements"] if r["status"] == "skipped")
    assert json.dumps(report, allow_nan=False)
