"""Drift verdicts on conda entries are conda's own: a table of conda's answers, checked row by row.

tests/data/conda_verdicts.json holds, for every spec form the drift check judges, the verdict
real conda gives (`MatchSpec(spec).match(record)`, as `conda compare` decides), produced with
scripts/conda_differential.py from conda run from its source; each row names where the rule
comes from in conda's docs or test suite. `ours` marks the documented deviations.
"""

from __future__ import annotations

import json

import pytest
from support import DATA

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.conda.channels import channel_context
from jupyter_envpanel.core.conda.spec import check_conda, parse_conda
from jupyter_envpanel.core.packages.inventory import package_from_record
from jupyter_envpanel.core.requirements.envfile import parse_envfile

TABLE = json.loads((DATA / "conda_verdicts.json").read_text())
ROWS = TABLE["rows"]
FIELD_WORDS = (
    "does not satisfy",
    "build",
    "channel",
    "installed from",
    "installed for",
    "md5",
    "fn",
    "url",
    "license",
    "features",
    "subdir",
)


def verdict(row) -> tuple:
    """Return our (status, reason) on a table row."""
    ctx = channel_context(**row.get("condarc", {}))
    try:
        spec = parse_conda(row["spec"], ctx)
    except ValueError as err:
        return "invalid", str(err)
    package, _ = package_from_record(dict(row["record"]))
    if spec.name != package.name:
        return "missing", "not installed"
    return check_conda(spec, package, ctx=ctx)


def row_id(row) -> str:
    """Name a row's test; no backslashes (pytest escapes them once more on each in-process rerun)."""
    return f"{row['class']}: {row['spec'][:60]}".replace("\\", "")


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_verdict_is_condas(row):
    status, reason = verdict(row)
    assert status == row.get("ours", row["conda"]), (row["source"], reason)
    if status == "mismatch":
        assert reason and any(word in reason for word in FIELD_WORDS), reason


def test_the_table_covers_every_class_the_drift_check_must_judge():
    classes = {r["class"] for r in ROWS}
    assert {
        "operators",
        "version regex",
        "version mid-glob",
        "version order",
        "brackets",
        "parens",
        "conditions",
        "bare =",
        "tarball URL",
        "channels",
        "channel globs",
        "brackets override",
        "channel URL in brackets",
        "channel_alias",
        "custom_channels",
        "default_channels",
        "custom_multichannels",
        "invalid",
        "deviation",
    } <= classes
    assert all(r["source"] and r["conda"] in ("ok", "mismatch", "missing", "invalid") for r in ROWS)
    assert [r["spec"] for r in ROWS if "ours" in r] == ["numpy[version<2]"]  # the one verdict that differs


@pytest.mark.parametrize("row", [r for r in ROWS if r["conda"] == "invalid"], ids=row_id)
def test_only_what_conda_rejects_makes_the_file_an_error(tmp_path, row):
    path = tmp_path / "environment.yml"
    path.write_text(f"dependencies:\n  - python\n  - {json.dumps(row['spec'])}\n")
    with pytest.raises(EnvFileError) as info:
        parse_envfile(path)
    assert (info.value.line, info.value.column) == (3, 5)


def test_forms_conda_accepts_never_reject_the_file(tmp_path):
    accepted = [r["spec"] for r in ROWS if r["conda"] != "invalid"]
    path = tmp_path / "environment.yml"
    path.write_text("dependencies:\n" + "".join(f"  - {json.dumps(s)}\n" for s in accepted))
    assert len(parse_envfile(path).requirements) == len(accepted)


def test_a_mirror_named_in_the_condarc_gives_no_false_drift(world):
    from support.factory import write_record

    from jupyter_envpanel.core.service import EnvService

    # Given a company mirror of defaults and conda-forge, and packages installed from it
    world.conda_env(world.home / "miniconda3", python="3.11.7")
    env = world.conda_env(world.home / "miniconda3" / "envs" / "ml")
    write_record(env, ("numpy", "1.26.4", "py311h0_0", "https://mirror.example.com/pkgs/main"))
    write_record(env, ("rich", "13.9.4", "pyh0_0", "https://mirror.example.com/conda-forge"))
    write_record(env, ("samtools", "1.21", "h0_0", "https://mirror.example.com/bioconda"))
    (world.root / "environment.yml").write_text(
        "dependencies:\n  - defaults::numpy>=1.26\n  - conda-forge::rich\n  - team::samtools\n"
    )

    def statuses():
        service = EnvService(world.host())
        report = service.drift(service.find("ml"), world.root / "environment.yml")
        return [(r.name, r.status) for r in report.requirements]

    # A channel's name matches it from any location (as in conda); `team` means nothing yet
    assert statuses() == [("numpy", "ok"), ("rich", "ok"), ("samtools", "mismatch")]
    # When ~/.condarc names the mirror and the team's multichannel
    (world.home / ".condarc").write_text(
        "channel_alias: https://mirror.example.com\n"
        "default_channels:\n  - https://mirror.example.com/pkgs/main\n  - https://mirror.example.com/pkgs/r\n"
        "custom_multichannels:\n  team: [conda-forge, bioconda]\n"
    )
    # Then nothing drifted
    assert statuses() == [("numpy", "ok"), ("rich", "ok"), ("samtools", "ok")]
