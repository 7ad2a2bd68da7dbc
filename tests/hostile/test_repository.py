"""What a hostile cloned repository or a broken record can still try: each is refused plainly, never a 5xx.

Round three of the hostile catalogue (issue #23): non-JSON numbers, names that clean to another
environment's kernel name, two processes registering at once, a failed write, a history line of
100,000+ characters, records and exports at and past the limits that the writer and the reader share.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.factory import PYKERNEL, child_environ, write_dist
from support.hostile import healthy

from jupyter_envpanel.core.base.errors import NotOurs
from jupyter_envpanel.core.base.safe_read import UnreadableFile, parse_json
from jupyter_envpanel.core.drift.export import CannotWrite, ExportTooLarge, write_new
from jupyter_envpanel.core.kernels import registry
from jupyter_envpanel.core.notebooks.record import BadRecord, read_record
from jupyter_envpanel.core.packages.inventory import read_history_requests
from jupyter_envpanel.core.service import EnvService


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_are_refused_in_files_and_null_in_notebooks(tmp_path, constant):
    with pytest.raises(UnreadableFile, match="not a JSON value"):
        parse_json(f'{{"size": {constant}}}', tmp_path / "x.json")
    assert parse_json(f'{{"x": [{constant}]}}', tmp_path / "nb.ipynb", constants="null") == {"x": [None]}


def test_a_kernel_json_with_nan_costs_its_own_kernel_only(world):
    good = healthy(world)
    bad = world.conda_env(world.home / "miniconda3" / "envs" / "bad", ipykernel=True)
    folder = bad / "share" / "jupyter" / "kernels" / "python3"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(PYKERNEL)[:-1] + ', "metadata": {"x": NaN}}')
    envs = {e.name: e for e in EnvService(world.host()).listing().environments}
    assert envs["good"].kernels and good.is_dir()
    assert any("not a JSON value" in w for w in envs["bad"].warnings)
    assert json.dumps(EnvService(world.host()).listing().to_json(), allow_nan=False)


@pytest.mark.parametrize("key", ["package_count", "format", "omitted"])
def test_a_record_with_a_non_number_count_is_refused(key):
    with pytest.raises(BadRecord, match="whole number"):
        read_record({"envpanel": {"ran_with": {"environment": "ml", key: None}}})
    with pytest.raises(BadRecord, match="whole number"):
        read_record({"envpanel": {"ran_with": {"environment": "ml", key: 1.5}}})


def test_a_notebook_with_nan_in_its_record_answers_strict_json(world):
    """`check --json` on a notebook whose outputs and record hold NaN: exit 2 or strict JSON, never NaN."""
    world.conda_env(world.home / "miniconda3" / "envs" / "ml")
    nb = world.root / "nan.ipynb"
    meta = '{"envpanel": {"ran_with": {"environment": "ml", "packages": [], "package_count": NaN}}}'
    nb.write_text('{"cells": [], "metadata": ' + meta + ', "nbformat": 4, "nbformat_minor": 5}')
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_envpanel", "check", str(nb), "ml", "--json"],
        cwd=world.root,
        env={**child_environ(), "HOME": str(world.home)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "NaN" not in out.stdout and out.returncode == 2 and "whole number" in out.stderr


def test_two_environments_never_share_a_registered_kernel_name(world):
    """`with space` registered while alone took the plain name; `with_space` may not overwrite it."""
    root = world.home / "miniconda3"
    spaced = world.conda_env(root / "envs" / "with space", ipykernel=True)
    service = EnvService(world.host())
    assert service.register("with space") == ["conda-env-with_space-py"]
    world.conda_env(root / "envs" / "with_space", ipykernel=True)
    service = EnvService(world.host())
    names = {e.name: [k.name for k in e.kernels] for e in service.listing().environments}
    assert names["with_space"] == ["conda-env-with_space-py"]  # the clean name keeps the plain one
    with pytest.raises(NotOurs, match="registered for another environment"):
        service.register("with_space")
    with pytest.raises(NotOurs, match="registered for another environment"):
        service.unregister("with_space")
    kernel = registry.user_kernels_dir(world.host()) / "conda-env-with_space-py" / "kernel.json"
    assert json.loads(kernel.read_text())["metadata"]["envpanel"]["prefix"] == str(spaced)


RACER = """
import sys
from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.core.base.host import Host
from pathlib import Path
service = EnvService(Host.current(root=sys.argv[1]))
errors = []
for i in range(int(sys.argv[2])):
    try:
        service.register("ml") if i % 2 == 0 else service.unregister("ml")
    except Exception as err:
        errors.append(f"{type(err).__name__}: {err}")
print(len(errors)); print("\\n".join(errors[:3]))
"""


def test_register_and_unregister_from_two_processes_never_answer_a_spurious_error(world):
    """Two processes (a server and a CLI, say) registering and unregistering the same env at once."""
    world.conda_env(world.home / "miniconda3" / "envs" / "ml", ipykernel=True)
    env = {**child_environ(), "HOME": str(world.home)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(world.root), "120"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [r.communicate(timeout=240) for r in racers]
    assert [out.splitlines()[0] for out, _ in results] == ["0", "0"], results


def test_a_write_that_fails_says_write_not_read(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(CannotWrite, match="cannot write environment.yml here: Not a directory"):
        write_new(not_a_folder / "environment.yml", "name: x\n")


def test_a_history_line_of_any_length_is_read(tmp_path):
    history = tmp_path / "history"
    names = [f"pkg{i}" for i in range(20_000)]  # one line of ~200,000 characters
    history.write_text(f"==> 2024-01-01 <==\n# update specs: {names!r}\n# remove specs: ['pkg7']\n")
    requested = read_history_requests(history)
    assert len(requested) == 19_999 and "pkg7" not in requested and "pkg19999" in requested


def big_env(world, count: int) -> Path:
    """Write a venv whose user asked for `count` distributions (pip's REQUESTED)."""
    prefix = world.venv(world.base / "big" / ".venv")
    site = next(prefix.glob("lib/python3*/site-packages"))
    for i in range(count):
        write_dist(site, f"package-with-a-long-name-{i}", "1.0.0", requested=True)
    return prefix


def test_an_export_our_reader_would_refuse_is_not_written(world):
    """Whatever is written can be read back: past 10,000 entries the export says so instead."""
    prefix = big_env(world, 10_050)
    service = EnvService(world.host())
    env = service.find(str(prefix), allow_any_prefix=True)
    with pytest.raises(ExportTooLarge, match="10050 entries; an environment file may hold 10000"):
        service.export(env)


def test_an_export_at_the_limit_reads_back_with_zero_drift(world):
    prefix = big_env(world, 9_000)
    service = EnvService(world.host())
    env = service.find(str(prefix), allow_any_prefix=True)
    path = world.root / "environment.yml"
    path.write_text(service.export(env))
    report = service.drift(env, path)
    assert len(report.requirements) == 9_000 and report.drift_count == 0


def test_fix_command_prints_one_line_per_command_even_for_a_prefix_with_a_newline(world, tmp_path):
    """A folder name holding a line break gets no command (a note on stderr), never a split line."""
    from support.factory import recorder

    root = world.home / "miniconda3"
    world.conda_env(root)
    recorder(root / "condabin" / "conda")
    odd = world.conda_env(root / "envs" / "two\nlines", pip=[("pip", "24.0", False)])
    plain = world.conda_env(root / "envs" / "plain", pip=[("pip", "24.0", False)])
    (world.root / "environment.yml").write_text("dependencies:\n  - numpy>=1.26\n  - pip:\n    - rich\n")
    env = {**child_environ(), "HOME": str(world.home)}
    for prefix, lines in ((odd, 0), (plain, 2)):
        out = subprocess.run(
            [sys.executable, "-m", "jupyter_envpanel", "drift", str(prefix), "--fix-command"],
            cwd=world.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 1 and len(out.stdout.splitlines()) == lines, out.stdout
        assert ("control character (U+000A)" in out.stderr) == (lines == 0)
