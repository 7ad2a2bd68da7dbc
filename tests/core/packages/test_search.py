"""Find a package: which environments have it, which version, through the core, REST and the CLI."""

from __future__ import annotations

import json
import os

import pytest
from support.cli import run
from support.factory import CONDA_FORGE, recorder, write_dist
from support.server import expect_error, get_json

from jupyter_envpanel.core.drift.fixes import NEEDED
from jupyter_envpanel.core.packages.search import conda_names, normalise, read_names
from jupyter_envpanel.core.service import EnvService


def make_world(world):
    root = world.home / "miniconda3"
    world.conda_env(root, packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE)])
    world.conda_env(
        root / "envs" / "ml",
        packages=[("numpy", "1.26.4", "py311h0_0", CONDA_FORGE), ("numpy-base", "1.26.4", "py311h1_0")],
        pip=[("Typing_Extensions", "4.12.2", True)],
    )
    world.conda_env(root / "envs" / "plain")
    venv = world.venv(world.root / ".venv", dists=[("numpy", "2.1.3", True)])
    return root, venv


def test_exact_names_first_then_names_that_contain_the_query(world):
    make_world(world)
    service = EnvService(world.host())
    answer = service.packages("NumPy")
    found = [(m["environment"], m["name"], m["version"], m["source"]) for m in answer["matches"]]
    exact = [
        ("base", "numpy", "1.24.4", "conda"),
        ("ml", "numpy", "1.26.4", "conda"),
        (".venv", "numpy", "2.1.3", "pip"),
    ]
    assert sorted(found[:3]) == sorted(exact)  # exact names first, in listing order
    assert found[3:] == [("ml", "numpy-base", "1.26.4", "conda")]
    assert answer["truncated"] is False
    # pip and conda names compare alike: `typing_extensions` is `typing-extensions`
    [hit] = service.packages("typing_extensions")["matches"]
    assert (hit["environment"], hit["version"], hit["source"]) == ("ml", "4.12.2", "pip")
    assert service.packages("not-installed-anywhere")["matches"] == []


def test_the_index_follows_installs(world):
    root, venv = make_world(world)
    service = EnvService(world.host())
    assert service.packages("rich")["matches"] == []
    site = next((venv / "lib").glob("python3*/site-packages"))  # the venv's Python is this test's
    write_dist(site, "rich", "13.7.1")
    os.utime(site, ns=(1, 1))  # a racily-clean scan would otherwise be possible within one tick
    os.utime(site)
    [hit] = service.packages("rich")["matches"]
    assert hit["version"] == "13.7.1" and hit["prefix"] == str(venv)


async def test_rest_packages_route(server_world, jp_fetch):
    root, venv = make_world(server_world)
    code, answer = await get_json(jp_fetch, "packages", q="numpy")
    assert code == 200 and answer["query"] == "numpy"
    ours = str(server_world.base)  # the machine's own Pythons are listed by the server too
    hits = {
        (m["prefix"], m["version"])
        for m in answer["matches"]
        if m["name"] == "numpy" and m["prefix"].startswith(ours)
    }
    assert hits == {(str(root), "1.24.4"), (str(root / "envs" / "ml"), "1.26.4"), (str(venv), "2.1.3")}
    await expect_error(jp_fetch, 400, "packages")
    await expect_error(jp_fetch, 400, "packages", q="  ")
    await expect_error(jp_fetch, 400, "packages", q="x" * 201)


async def test_rest_drift_carries_the_fix_commands(server_world, jp_fetch):
    root, _ = make_world(server_world)
    (server_world.root / "environment.yml").write_text("dependencies:\n  - numpy>=2\n")
    code, report = await get_json(jp_fetch, "environments", "ml", "drift", file="environment.yml")
    assert report["fix_commands"] == [] and report["fix_notes"] == [
        {"entries": ["numpy>=2"], "reason": NEEDED["conda"], "needs": "conda"}
    ]  # no conda anywhere: a note, never a command that cannot run
    conda = root / "condabin" / "conda"
    recorder(conda)
    code, report = await get_json(jp_fetch, "environments", "ml", "drift", file="environment.yml")
    [fix] = report["fix_commands"]
    assert fix["argv"] == [str(conda), "install", "--prefix", str(root / "envs" / "ml"), "numpy>=2"]
    assert fix["command"] == f"{conda} install --prefix {root / 'envs' / 'ml'} 'numpy>=2'"
    assert fix["entries"] == ["numpy>=2"] and fix["tool"] == "conda" and report["fix_notes"] == []


def test_cli_packages(world):
    root, venv = make_world(world)
    out = run(world, "packages", "numpy", "--json")
    assert out.returncode == 0
    matches = json.loads(out.stdout)["matches"]
    ours = {m["prefix"] for m in matches if m["prefix"].startswith(str(world.base))}
    assert ours == {str(root), str(root / "envs" / "ml"), str(venv)}
    table = run(world, "packages", "numpy")
    assert table.stdout.splitlines()[0].split() == ["PACKAGE", "VERSION", "SOURCE", "ENVIRONMENT", "PREFIX"]
    missing = run(world, "packages", "nothing-like-this")
    assert missing.returncode == 1 and "no environment has a package named like" in missing.stdout


def test_a_name_with_dots_is_found_by_a_search_with_dashes(world):
    """`ruamel.yaml` (conda) and `zope.interface` (pip) are found as `ruamel-yaml` and `zope_interface`."""
    world.conda_env(
        world.home / "miniconda3",
        packages=[("ruamel.yaml", "0.18.6", "py311h0_0", CONDA_FORGE)],
        pip=[("zope.interface", "6.4", True)],
    )
    service = EnvService(world.host())
    [conda] = service.packages("ruamel-yaml")["matches"]
    assert (conda["name"], conda["version"], conda["source"]) == ("ruamel.yaml", "0.18.6", "conda")
    [pip] = service.packages("zope_interface")["matches"]
    assert (pip["name"], pip["version"], pip["source"]) == ("zope.interface", "6.4", "pip")


ODD_RECORD_NAMES = [
    "a-b-c-d.json",  # a dash in the name: the last two split
    "-1-2.json",  # no name
    "x--1.json",  # no version
    "x-1-.json",  # no build
    "x.json",
    "Py_Thon.X-3.11-h.json",  # normalised as PEP 503 and conda compare
    "A-2-3.json",
    "a-1-2.json",  # the same normalised name: the later file name wins, as one at a time
    " sp-1-2.json",  # stripped
    "u\u3000-1-2.json",  # a unicode space at the end of the name
    "İx-1-2.json",  # lower-casing that grows a character
    "a-1-2.jsonx",
    "history",
]


@pytest.mark.parametrize("newline", [False, True], ids=["plain", "a-newline-in-a-file-name"])
def test_record_names_are_read_in_one_pass_as_one_at_a_time(world, newline):
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "odd", python=None)
    names = ODD_RECORD_NAMES + (["nl\nx-1-2.json"] if newline else [])
    for name in names:
        (prefix / "conda-meta" / name).write_text("{}")
    want = {}
    for entry in sorted(os.listdir(prefix / "conda-meta")):  # the rule, one file name at a time
        parts = entry[:-5].rsplit("-", 2) if entry.endswith(".json") else []
        if len(parts) == 3 and all(parts):
            want[normalise(parts[0])] = (parts[0], parts[1], "conda")
    assert conda_names(sorted(os.listdir(prefix / "conda-meta"))) == want
    assert read_names(prefix, None) == conda_names(os.listdir(prefix / "conda-meta"))
    assert want["py-thon-x"] == ("Py_Thon.X", "3.11", "conda") and "sp" in want


def test_a_wheels_underscored_name_is_shown_as_the_project_spells_it(world):
    """A wheel's dist-info is `python_dateutil-...`: shown as `python-dateutil`, as conda names it."""
    world.conda_env(world.home / "miniconda3", pip=[("python_dateutil", "2.9.0", True)])
    [hit] = EnvService(world.host()).packages("dateutil")["matches"]
    assert hit["name"] == "python-dateutil"
