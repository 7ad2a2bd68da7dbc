"""No environment on disk can break Jupyter: every hostile case at three levels (core, REST, CLI)."""

from __future__ import annotations

import json
import os
import threading

import pytest
from support.cli import run
from support.factory import envs_of
from support.hostile import CASES, healthy

from jupyter_envpanel.core.service import EnvService

ENV_FILE = "name: x\ndependencies:\n  - python>=3\n  - numpy>=1\n"


def in_thread(func, seconds: float = 30):
    """Return func() run in a thread; fail (instead of hanging the suite) if it takes too long."""
    result = {}

    def target():
        try:
            result["value"] = func()
        except BaseException as err:  # re-raised in the test
            result["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{func} did not return within {seconds} s: a read blocked"
    if "error" in result:
        raise result["error"]
    return result["value"]


def _warned(case, listing, where) -> bool:
    """Return whether the case's warning is where it belongs and names the place it is about."""
    if not case.warning or case.in_show:
        return True
    envs = envs_of(listing)
    warnings = envs[case.env].warnings if case.env else listing.warnings
    return any(case.warning in w and str(where or "") in w for w in warnings)


@pytest.mark.parametrize("name", CASES)
def test_core_a_hostile_file_costs_only_its_own_entry(world, name):
    # Given a healthy env and one hostile file
    case = CASES[name]
    healthy(world)
    data_dir = world.base / "jupyter-data"
    where = case.write(world, data_dir)
    service = EnvService(world.host(JUPYTER_DATA_DIR=str(data_dir)))

    # When the environments are listed (in a thread: a blocked read would fail the test)
    listing = in_thread(service.listing)

    # Then the healthy env keeps its kernel, and the broken file is one warning that names it
    envs = envs_of(listing)
    assert [k.name for k in envs["good"].kernels] == ["conda-env-good-py"]
    assert _warned(case, listing, where), (where, listing.warnings, {n: e.warnings for n, e in envs.items()})
    if case.env:
        shown = in_thread(lambda: service.show("broken"))
        assert shown["name"] == "broken" and any(p["name"] == "python" for p in shown["packages"])
        if case.in_show:
            assert any(case.warning in w for w in shown["warnings"]), shown["warnings"]
        (world.root / "environment.yml").write_text(ENV_FILE)
        report = in_thread(lambda: service.drift(envs["broken"], world.root / "environment.yml"))
        assert {r.name for r in report.requirements} == {"python", "numpy"}
    assert "conda-env-good-py" in in_thread(service.offered_kernels)


@pytest.mark.parametrize("name", CASES)
async def test_rest_a_hostile_file_never_gets_a_5xx(server_world, jp_fetch, jp_data_dir, name):
    case = CASES[name]
    healthy(server_world)
    case.write(server_world, jp_data_dir)

    # The launcher's kernel list still has every healthy kernel
    response = await jp_fetch("api", "kernelspecs")
    kernelspecs = json.loads(response.body)["kernelspecs"]
    assert response.code == 200 and "conda-env-good-py" in kernelspecs
    if name == "user kernelspec nested 100k":
        assert "deep" not in kernelspecs
    # Every panel route answers, without a 5xx
    response = await jp_fetch("envpanel", "api", "environments")
    assert response.code == 200
    names = {e["name"] for e in json.loads(response.body)["environments"]}
    assert "good" in names
    for parts, params in (
        (("environments", "broken"), None),
        (("environments", "broken", "drift"), None),
        (("kernels", "conda-env-broken-py", "environment"), None),
        (("project",), {"path": "."}),
    ):
        response = await jp_fetch("envpanel", "api", *parts, params=params, raise_error=False)
        assert response.code < 500, (parts, response.code, response.body[:300])


@pytest.mark.parametrize("name", CASES)
def test_cli_a_hostile_file_is_a_warning_never_a_traceback(world, name):
    case = CASES[name]
    healthy(world)
    data_dir = world.base / "jupyter-data"
    case.write(world, data_dir)
    (world.root / "environment.yml").write_text(ENV_FILE)
    env = {"JUPYTER_DATA_DIR": str(data_dir)}

    listed = run(world, "list", "--json", **env)
    assert listed.returncode == 0, listed.stderr
    assert "good" in {e["name"] for e in json.loads(listed.stdout)["environments"]}
    kernels = run(world, "kernels", "--json", **env)
    assert kernels.returncode == 0, kernels.stderr
    assert "conda-env-good-py" in {k["name"] for k in json.loads(kernels.stdout)["kernels"]}
    commands = [("show", "broken"), ("drift", "broken")] if case.env else [("drift", "good")]
    for command in commands:
        out = run(world, *command, **env)
        assert out.returncode in (0, 1), (command, out.stderr)
        assert "Traceback" not in out.stderr


def test_logo_that_links_to_dev_zero_is_not_copied_at_register(world):
    good = healthy(world)
    logo = good / "share" / "jupyter" / "kernels" / "python3" / "logo-64x64.png"
    logo.unlink()
    logo.symlink_to("/dev/zero")
    data_dir = world.base / "jupyter-data"
    out = in_thread(lambda: run(world, "register", "good", JUPYTER_DATA_DIR=str(data_dir)))
    assert out.returncode == 0, out.stderr
    folder = data_dir / "kernels" / "conda-env-good-py"
    assert (folder / "kernel.json").is_file() and (folder / "logo-32x32.png").is_file()
    assert not (folder / "logo-64x64.png").exists()


def test_cli_environment_files_that_are_devices_fifos_or_secrets(world, tmp_path):
    healthy(world)
    fifo = tmp_path / "fifo.yml"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        out = in_thread(lambda t=target: run(world, "drift", "good", "--file", t), 60)
        assert out.returncode == 2 and "not a regular file" in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    secret = "s3cr3t-" + "x" * 20
    (world.root / "environment.yml").write_text(
        "dependencies:\n  - python\n  - pip:\n    - -r /proc/self/environ\n    - -r /etc/passwd\n"
    )
    out = run(world, "drift", "good", ENVPANEL_TEST_SECRET=secret)
    assert out.returncode == 2 and secret not in out.stderr and secret not in out.stdout
    assert len(out.stderr.strip().splitlines()) == 1
    (world.root / "environment.yml").write_text("dependencies:\n  - python\n  - pip:\n    - -r /etc/passwd\n")
    out = run(world, "drift", "good")  # the CLI may read what its user can: it quotes an excerpt only
    assert out.returncode == 2 and len(out.stderr) < 300 and "/root:/bin/bash" not in out.stderr


def test_cli_hostile_arguments_are_one_line_errors(world):
    healthy(world)
    for args in (
        ("show", "/" + "a" * 5000),
        ("drift", "good", "--file", "a" * 5000),
        ("show", "no-such-env"),
    ):
        out = run(world, *args)
        assert out.returncode == 2, (args, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
        assert len(out.stderr) < 700


async def test_rest_envfile_symlinked_out_of_the_root_is_refused(server_world, jp_fetch, tmp_path):
    healthy(server_world)
    outside = tmp_path / "outside.yml"
    outside.write_text("dependencies:\n  - secret-package-name\n")
    (server_world.root / "nb").mkdir()
    (server_world.root / "nb" / "environment.yml").symlink_to(outside)
    for params in ({"path": "nb/x.ipynb"}, {"file": "nb/environment.yml"}):
        response = await jp_fetch(
            "envpanel", "api", "environments", "good", "drift", params=params, raise_error=False
        )
        assert response.code == 403, response.body
        assert b"secret-package-name" not in response.body


async def test_rest_binder_fallback_symlinked_out_of_the_root_is_refused(server_world, jp_fetch, tmp_path):
    healthy(server_world)
    outside = tmp_path / "outside.yml"
    outside.write_text("dependencies:\n  - secret-package-name\n")
    (server_world.root / "binder").mkdir()
    (server_world.root / "binder" / "environment.yml").symlink_to(outside)
    response = await jp_fetch(
        "envpanel", "api", "environments", "good", "drift", params={"path": "."}, raise_error=False
    )
    assert response.code == 403 and b"secret-package-name" not in response.body


def test_unclosed_bracket_is_reported_where_it_opened(world):
    healthy(world)
    (world.root / "environment.yml").write_text("dependencies:\n  - python\n  - [numpy,\n  - scipy\n")
    out = run(world, "drift", "good")
    assert out.returncode == 2 and "environment.yml:3:5:" in out.stderr, out.stderr
