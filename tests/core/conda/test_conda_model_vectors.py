"""conda's own model tests, answered by conda, checked against jupyter-envpanel row by row.

tests/data/conda_model_vectors.json holds every literal question conda's tests/models/
test_version.py, test_match_spec.py and test_channel.py put to conda's models, with real
conda's answer (made by scripts/conda_model_vectors.py from conda run from its source). Each row
is asked of our condaversion / matchspec / condaspec / channels modules; a row where we answer
differently must be listed in EXCEPTIONS below with conda's own reason, or the test fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import DATA

from jupyter_envpanel.core.base.safe_read import UnreadableFile
from jupyter_envpanel.core.conda.channels import channel_context, channel_matches, parse_channel_value
from jupyter_envpanel.core.conda.spec import check_conda, parse_conda
from jupyter_envpanel.core.conda.version import InvalidVersionSpec, parse_version, starts_with, version_spec
from jupyter_envpanel.core.packages.inventory import package_from_record

TABLE = json.loads((DATA / "conda_model_vectors.json").read_text())
ROWS = TABLE["rows"]
CONDARC_KEYS = (
    "channel_alias",
    "default_channels",
    "custom_channels",
    "custom_multichannels",
    "migrated_channel_aliases",
    "migrated_custom_channels",
)
ENV_KEYS = {
    "CONDA_CHANNEL_ALIAS": "channel_alias",
    "CONDA_MIGRATED_CHANNEL_ALIASES": "migrated_channel_aliases",
}
CHANNEL_PARTS = ("canonical_name", "base_url", "scheme", "location", "name", "platform")

#: (source, kind, input as JSON) -> (our answer, why conda answers otherwise and we do not follow).
EXCEPTIONS: dict[tuple[str, str, str], tuple[Any, str]] = {
    (
        "test_channel.py::test_subdir_env_var",
        "channel",
        '{"channel": "https://conda.anaconda.org/msarahan/osx-1012-x84_64/'
        'clangxx_osx-1012-x86_64-10.12-h0bb54af_0.tar.bz2"}',
    ): (
        {
            "canonical_name": "msarahan/osx-1012-x84_64",
            "base_url": "https://conda.anaconda.org/msarahan/osx-1012-x84_64",
            "scheme": "https",
            "location": "conda.anaconda.org",
            "name": "msarahan/osx-1012-x84_64",
            "platform": None,
        },
        "CONDA_SUBDIR=osx-1012-x84_64 makes that made-up name a platform for conda; jupyter-envpanel"
        " knows conda's list of platforms and reads no CONDA_SUBDIR, so the name stays in the channel",
    ),
    (
        "test_match_spec.py::test_bracket_version_without_equals_v3",
        "matchspec",
        '{"spec": "numpy[version<2]"}',
    ): (
        {"name": "numpy", "version": "<2"},
        "conda's default parser drops `[version<2]` silently (its v3 parser reads `<2`, with a"
        " deprecation warning); jupyter-envpanel reads `<2` too, so a bound the file states is judged",
    ),
}
#: Rows asked under another solver are judged against conda's answer with its default solver:
OTHER_SOLVER = (
    "conda parses `[extras=[...]]`, `[flags=...]`, nested `[when=...]` and repeated or bare"
    " bracket keys with its v3 parser only under `solver: rattler` (the conda-rattler-solver"
    " plugin); jupyter-envpanel judges specs as conda's default solvers (libmamba, classic) do,"
    " and the row's `conda_default_solver` is conda's own answer then"
)


def context_of(row):
    """Return the channel settings a row's test runs under (its condarc and CONDA_* variables)."""
    settings = TABLE["settings"].get(row.get("settings") or "", {})
    values = {k: v for k, v in settings.get("condarc", {}).items() if k in CONDARC_KEYS}
    for name, key in ENV_KEYS.items():
        value = settings.get("env", {}).get(name)
        if value is not None:
            values[key] = value.split(",") if key == "migrated_channel_aliases" else value
    return channel_context(**values)


def _valid(func, *args) -> Any:
    """Return 'valid' when a parse succeeds, {'invalid': ...} when it raises."""
    try:
        func(*args)
    except (InvalidVersionSpec, ValueError):
        return "invalid"
    return "valid"


def _order(a: str, b: str) -> str:
    va, vb = parse_version(a), parse_version(b)
    return "<" if va < vb else "==" if va == vb else ">"


def ours(row) -> Any:  # noqa: C901 - one answer per kind of question
    """Return jupyter-envpanel's answer to a row's question, in the table's terms."""
    kind, q, ctx = row["kind"], row["input"], context_of(row)
    try:
        if kind == "version":
            return _valid(parse_version, q["version"])
        if kind == "version_spec":
            return _valid(version_spec, q["spec"])
        if kind == "order":
            return _order(q["a"], q["b"])
        if kind == "startswith":
            return starts_with(parse_version(q["version"]), parse_version(q["prefix"]))
        if kind == "version_match":
            return version_spec(q["spec"]).matches(q["version"])
        if kind == "channel":
            channel = parse_channel_value(q["channel"], ctx)
            parts = {k: getattr(channel, k, None) for k in CHANNEL_PARTS}
            return {**parts, "canonical_name": channel.canonical_name(ctx)}
        if kind == "channel_match":
            return channel_matches(q["spec"], q["channel"], ctx)
        spec = parse_conda(q["spec"], ctx)
    except (InvalidVersionSpec, ValueError):
        return "invalid"
    if kind == "matchspec":
        return dict(spec.parsed.fields)
    try:
        package, _ = package_from_record(dict(q["record"]))
    except UnreadableFile:
        return "error"  # a record without a version: conda refuses it too (ValidationError)
    if spec.name not in ("*", package.name):
        return False
    return check_conda(spec, package, ctx=ctx)[0] == "ok"


def condas(row) -> Any:
    """Return conda's answer in the terms we answer in (validity where only validity is compared)."""
    kind, answer = row["kind"], row["conda"]
    if isinstance(answer, dict) and "invalid" in answer:
        return "invalid"
    if isinstance(answer, dict) and "error" in answer:
        return "error"
    if kind in ("version", "version_spec"):
        return "valid"
    if kind == "channel":
        return {k: answer[k] for k in CHANNEL_PARTS}
    if kind == "matchspec":  # a feature list (`mkl@`) is a list to conda, a comma list to us
        return {k: ",".join(v) if isinstance(v, list) else v for k, v in answer.items()}
    return answer


def key(row) -> tuple[str, str, str]:
    """Return the key of a row in EXCEPTIONS."""
    return row["source"], row["kind"], json.dumps(row["input"], sort_keys=True)


def row_id(row) -> str:
    """Name a row's test; no backslashes (pytest escapes them again on each in-process rerun)."""
    text = json.dumps(row["input"], sort_keys=True, ensure_ascii=True)[:80]
    return f"{row['source'].split('::')[1]}-{row['kind']}-{text}".replace("\\", "")


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_answer_is_condas(row):
    expected = condas(row)
    if "conda_default_solver" in row:  # see OTHER_SOLVER
        expected = condas({**row, "conda": row["conda_default_solver"]})
    listed = EXCEPTIONS.get(key(row))
    if listed is not None:
        assert expected != listed[0], "listed as an exception, but we now answer as conda does"
        expected = listed[0]
    assert ours(row) == expected, row["source"]


def test_rows_asked_under_another_solver_are_few_and_listed():
    other = [r for r in ROWS if "conda_default_solver" in r]
    assert all(TABLE["settings"][r["settings"]]["env"]["CONDA_SOLVER"] == "rattler" for r in other)
    differ = [r for r in other if condas(r) != condas({**r, "conda": r["conda_default_solver"]})]
    assert 0 < len(differ) < 60, len(differ)  # the v3-only forms; everything else parses alike


def test_every_exception_names_a_row_and_a_reason():
    keys = {key(r) for r in ROWS}
    assert len(OTHER_SOLVER.split()) >= 6
    for k, (_, why) in EXCEPTIONS.items():
        assert k in keys, k
        assert len(why.split()) >= 6, k


def test_the_table_is_condas_own_and_complete():
    release, commit = next(iter(TABLE["conda"].items()))
    assert len(commit) == 40 and all(r["release"] == release for r in ROWS)
    assert {r["source"].split("::")[0] for r in ROWS} == {
        "test_version.py",
        "test_match_spec.py",
        "test_channel.py",
    }
    assert len(ROWS) > 1000
    assert all(r["reason"] for r in TABLE["not_extracted"])
