"""What a notebook ran with: the record, the comparison with now, CLI check/export, REST."""

from __future__ import annotations

import json
import re

import pytest
from support.cli import run
from support.factory import CONDA_FORGE, write_record
from support.notebooks import make_ml, saved_notebook
from support.server import expect_error, get_json

from jupyter_envpanel.core.locks.model import Lock, Locked
from jupyter_envpanel.core.notebooks.record import BadRecord, compare, compare_lock, read_record
from jupyter_envpanel.core.requirements.envfile import parse_envfile
from jupyter_envpanel.core.service import EnvService


def test_record_is_small_stable_and_lists_what_was_asked_for(world):
    make_ml(world)
    service = EnvService(world.host())
    env = service.find("ml")
    record = service.ran_with(env)
    assert record["environment"] == "ml" and record["python"] == "3.11.7" and record["kind"] == "conda"
    assert record["packages"][:2] == [
        "conda-forge::lib00=2.0.1=pyhd8ed1ab_0",
        "conda-forge::lib01=2.0.1=pyhd8ed1ab_0",
    ]
    assert (
        "conda-forge::numpy=1.26.4=py311h0_0" in record["packages"]
        and "pip:rich==13.7.1" in record["packages"]
    )
    assert not any("libblas" in p for p in record["packages"])  # a dependency: in the digest only
    assert len(json.dumps(record, separators=(",", ":"))) < 2048  # 20 requested packages + pip
    assert json.dumps(EnvService(world.host()).ran_with(env)) == json.dumps(record)  # byte-identical


def test_check_same_then_changed_then_missing(world):
    prefix = make_ml(world)
    service = EnvService(world.host())
    nb = saved_notebook(world.root / "a.ipynb", service.ran_with(service.find("ml")))
    out = run(world, "check", str(nb), "ml")
    assert out.returncode == 0 and "same packages" in out.stdout
    (prefix / "conda-meta" / "numpy-1.26.4-py311h0_0.json").unlink()
    write_record(prefix, ("numpy", "1.24.4", "py311h1_0", CONDA_FORGE))
    (prefix / "conda-meta" / "lib03-2.0.1-pyhd8ed1ab_0.json").unlink()
    out = run(world, "check", str(nb), "ml", "--json")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert [d["text"] for d in report["differences"]] == [
        "lib03 2.0.1=pyhd8ed1ab_0: missing now",
        "numpy: ran with 1.26.4=py311h0_0, now 1.24.4=py311h1_0",
    ]
    assert run(world, "check", str(nb), "ml").stdout.strip().endswith("2 different")


def test_a_record_against_a_lock_names_what_the_lock_pins_otherwise_or_lacks():
    ran = {
        "environment": "ml",
        "python": "3.11.7",
        "packages": [
            "conda-forge::numpy=1.26.4=py311h0_0",
            "conda-forge::scipy=1.13.0=py311h0_0",
            "conda-forge::zlib=1.3.1=h0_0",
            "pip:Rich==13.7",
            "pip:my-proj==0.1.0",
            "pip:tqdm==4.66.0",
        ],
    }
    locked = [
        Locked("python", "3.12.1", "conda", "pixi.lock", 2, 3, build="h0_0"),
        Locked("numpy", "1.26.4", "conda", "pixi.lock", 3, 3, build="py311h0_0"),
        Locked("scipy", "1.13.0", "conda", "pixi.lock", 4, 3, build="py311h0_1"),
        Locked("zlib", "1.3.1", "conda", "pixi.lock", 5, 3),  # the lock names no build: version only
        Locked("rich", "13.7.0", "pip", "pixi.lock", 6, 3),  # PEP 440: 13.7 == 13.7.0
        Locked("my-proj", "", "pip", "pixi.lock", 7, 3, loose="editable install of the project"),
    ]
    texts = [d.text for d in compare_lock(ran, Lock("/p/pixi.lock", "pixi", packages=tuple(locked)))]
    assert texts == [
        "Python 3.11.7 → 3.12.1 in pixi.lock",
        "scipy: ran with 1.13.0=py311h0_0, pixi.lock has 1.13.0=py311h0_1",
        "tqdm 4.66.0: not in pixi.lock",
    ]


HOSTILE = {
    "envpanel-a-list": [1, 2],
    "ran_with-a-string": "numpy",
    "packages-not-strings": {"environment": "ml", "packages": [{"name": "numpy"}]},
    "packages-huge": {"environment": "ml", "packages": ["x=1"] * 10_001},  # more than a record holds
    "python-a-number": {"environment": "ml", "python": 3.11, "packages": []},
    "entry-garbage": {"environment": "ml", "packages": ["=; rm -rf /"]},
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_records_are_exit_2_with_one_line(world, case):
    make_ml(world)
    path = world.root / "bad.ipynb"
    value = HOSTILE[case]
    saved_notebook(path, value)
    if case == "envpanel-a-list":
        nb = json.loads(path.read_text())
        nb["metadata"]["envpanel"] = value
        path.write_text(json.dumps(nb))
    for args in (["check", str(path), "ml"], ["export", str(path)]):
        out = run(world, *args)
        assert out.returncode == 2 and out.stdout == "", (case, out.stdout)
        assert (
            len(out.stderr.splitlines()) == 1 and "bad.ipynb" in out.stderr and "Traceback" not in out.stderr
        )


def test_deep_and_unreadable_notebooks_are_exit_2(world):
    make_ml(world)
    deep = world.root / "deep.ipynb"
    deep.write_text('{"metadata": ' + "[" * 100_000 + "]" * 100_000 + "}")
    out = run(world, "check", str(deep), "ml")
    assert out.returncode == 2 and "deep.ipynb" in out.stderr and len(out.stderr.splitlines()) == 1
    none = saved_notebook(world.root / "none.ipynb", None)
    out = run(world, "check", str(none), "ml")
    assert out.returncode == 2 and "no record of what it ran with" in out.stderr


def test_export_notebook_recreates_what_it_ran_with(world):
    import rattler

    make_ml(world)
    service = EnvService(world.host())
    nb = saved_notebook(world.root / "a.ipynb", service.ran_with(service.find("ml")))
    out = run(world, "export", str(nb))
    assert out.returncode == 0, out.stderr
    assert "  - numpy=1.26.4=py311h0_0\n" in out.stdout and "channels:\n  - conda-forge\n" in out.stdout
    path = world.root / "ran.yml"
    path.write_text(out.stdout)
    envfile = parse_envfile(path)
    specs = [req.spec.raw for req in envfile.requirements if req.source == "conda"]
    assert "numpy=1.26.4=py311h0_0" in specs
    for spec in specs:  # conda's MatchSpec rules, through py-rattler: each pins one exact build
        match = rattler.MatchSpec(spec)
        assert str(match.version).startswith(("==", "3.11.7", "2.0.1", "1.26.4")), spec
    report = service.drift(service.find("ml"), path)
    assert report.drift_count == 0 and report.summary["ok"] == len(envfile.requirements)


async def test_rest_record_and_notebook_routes(server_world, jp_fetch):
    make_ml(server_world)
    code, record = await get_json(jp_fetch, "environments", "ml", "record")
    assert code == 200 and record["environment"] == "ml"
    saved_notebook(server_world.root / "a.ipynb", record)
    code, report = await get_json(jp_fetch, "notebook", path="a.ipynb")
    assert code == 200 and report["count"] == 0 and report["environment"]["name"] == "ml"
    assert report["path"] == "a.ipynb" and report["recorded"] == record
    saved_notebook(server_world.root / "b.ipynb", "broken")
    body = await expect_error(jp_fetch, 400, "notebook", path="b.ipynb")
    assert "b.ipynb" in body["message"]
    await expect_error(jp_fetch, 403, "notebook", path="../x.ipynb")
    saved_notebook(server_world.root / "c.ipynb", None)
    code, report = await get_json(jp_fetch, "notebook", path="c.ipynb")
    assert code == 200 and report["recorded"] is None and report["count"] == 0


LONG = "conda-forge::numpy=1.26.4=" + "b" * 480


@pytest.mark.parametrize(
    "ran, message",
    [
        ("numpy", "metadata.envpanel.ran_with is not an object"),
        ({"environment": "ml", "packages": [LONG]}, "not a package entry"),
        ({"environment": "ml", "packages": [{"name": "numpy"}]}, "not a package entry"),
        ({"environment": 3}, "metadata.envpanel.ran_with.environment is not a string"),
        ({"environment": "ml", "kind": ["conda"]}, "metadata.envpanel.ran_with.kind is not a string"),
        ({"environment": "ml", "digest": 5}, "metadata.envpanel.ran_with.digest is not a string"),
    ],
    ids=[
        "not-an-object",
        "entry-over-500",
        "entry-not-a-string",
        "environment-a-number",
        "kind-a-list",
        "digest-a-number",
    ],
)
def test_broken_records_say_what_is_wrong(ran, message):
    """A record jupyter-envpanel could not have written is refused with the reason."""
    with pytest.raises(BadRecord) as info:
        read_record({"envpanel": {"ran_with": ran}})
    assert str(info.value).startswith(message)


def test_record_without_packages_compares_python_only(world):
    make_ml(world)
    service = EnvService(world.host())
    inv = service.inventory(service.find("ml"))
    assert read_record({"envpanel": {"ran_with": {"python": "3.11.7"}}}) == {"python": "3.11.7"}
    assert compare({"python": "3.11.7"}, inv) == []
    [diff] = compare({"environment": "ml", "python": "3.10.4"}, inv)
    assert diff.text == "Python 3.10.4 → 3.11.7"
    assert diff.to_json() == {"name": "python", "recorded": "3.10.4", "current": "3.11.7", "what": "python"}


def test_a_notebook_without_record_is_checked_against_its_kernels_env(world):
    make_ml(world)
    world.conda_env(world.home / "miniconda3" / "envs" / "ml", ipykernel=True, history=False)
    world.conda_env(world.home / "miniconda3" / "envs" / "other", ipykernel=True)
    service = EnvService(world.host())
    for kernel, name in (("conda-env-ml-py", "ml"), ("conda-env-other-py", "other")):
        nb = saved_notebook(world.root / f"{name}.ipynb", None, kernel=kernel)
        report = service.notebook_report(nb)
        assert report["environment"]["name"] == name and report["recorded"] is None
        assert report["current"]["environment"] == name and report["count"] == 0
    nb = saved_notebook(world.root / "gone.ipynb", None, kernel="conda-env-gone-py")
    assert service.notebook_report(nb)["environment"] is None


def test_export_of_a_record_pins_python_channels_and_pip_entries():
    """The exported file pins the python the notebook ran with, each package's build, and pip's."""
    from jupyter_envpanel.core.notebooks.record import export_record

    ran = {
        "environment": "ml",
        "python": "3.11.7",
        "digest": "abc",
        "packages": ["conda-forge::numpy=1.26.4=py311h0_0", "pip:rich==13.7.1"],
    }
    assert export_record(ran) == (
        "# written by jupyter-envpanel from what the notebook ran with (abc)\n"
        "name: ml\n"
        "channels:\n  - conda-forge\n"
        "dependencies:\n  - python=3.11.7\n  - numpy=1.26.4=py311h0_0\n"
        "  - pip:\n    - rich==13.7.1\n"
    )
    assert "python=" not in export_record({**ran, "python": None})  # unknown: no pin at all


def test_an_environment_without_python_records_none_and_its_export_pins_none(world):
    """An R-only environment's record has an empty python, and the recreated file pins no python."""
    from jupyter_envpanel.core.notebooks.record import export_record

    world.conda_env(
        world.home / "miniconda3" / "envs" / "r",
        python=None,
        packages=[("r-base", "4.3.2", "h0_0", CONDA_FORGE)],
        requested=["r-base"],
    )
    service = EnvService(world.host())
    record = service.ran_with(service.find("r"))
    assert record["python"] == "" and record["packages"] == ["conda-forge::r-base=4.3.2=h0_0"]
    assert "python" not in export_record(record)


def test_a_conda_package_named_with_an_underscore_is_found_by_that_name(world):
    """conda-forge's `typing_extensions` is the same package now as when the notebook ran."""
    world.conda_env(
        world.home / "miniconda3" / "envs" / "ml",
        packages=[("typing_extensions", "4.12.2", "pyha770c72_0", CONDA_FORGE)],
        requested=["typing_extensions"],
    )
    service = EnvService(world.host())
    inv = service.inventory(service.find("ml"))
    ran = {"packages": ["conda-forge::typing_extensions=4.12.2=pyha770c72_0"]}
    assert compare(ran, inv) == []


def test_a_build_holding_colons_names_no_channel_in_the_export():
    """Only a `channel::` before the package name is a channel; `::` inside a build is not one."""
    from jupyter_envpanel.core.notebooks.record import export_record

    text = export_record({"packages": ["conda-forge::numpy=1.26.4=py::x", "scipy=1.11.4=py::y"]})
    assert "channels:\n  - conda-forge\ndependencies:\n" in text
    assert '  - "numpy=1.26.4=py::x"\n  - "scipy=1.11.4=py::y"\n' in text


def test_a_record_names_a_channel_as_the_users_condarc_names_it(world):
    """A package from the bare alias location, which a condarc multichannel lists, keeps that name."""
    (world.home / ".condarc").write_text("custom_multichannels:\n  anaconda: [https://conda.anaconda.org]\n")
    world.conda_env(
        world.home / "miniconda3" / "envs" / "ml",
        python=None,
        packages=[("tool", "1.0", "h0_0", "https://conda.anaconda.org")],
        requested=["tool"],
    )
    service = EnvService(world.host())
    assert service.ran_with(service.find("ml"))["packages"] == ["anaconda::tool=1.0=h0_0"]


def test_an_exported_record_reads_back_as_the_entries_it_holds():
    """Entries YAML would misread unquoted are quoted; entries no spec parser reads are left out, counted."""
    import yaml

    from jupyter_envpanel.core.notebooks.record import export_record

    ran = {
        "python": "3.11.7 #local",
        "packages": ["#x=1", "!t=1", "tool=1=b:", "lib=2=a\x01", "true::ok=1", "pip:*a==1"],
    }
    text = export_record({**ran, "environment": "ml"})
    data = yaml.safe_load(text)
    assert data["channels"] == ["true"]
    assert data["dependencies"] == ["python=3.11.7 #local", "lib=2=a\x01", "ok=1"]
    assert "# left out: 4 packages whose name or version is no valid spec\n" in text
    broken = export_record({"python": "3.11\n-\tevil", "packages": []})
    assert yaml.safe_load(broken)["dependencies"] == ["python=3.11\n-\tevil"]


def test_a_record_names_its_digest_algorithm(world):
    """The digest says how it was made (`sha256:` and 32 hex digits), so a reader can tell it apart."""
    make_ml(world)
    service = EnvService(world.host())
    digest = service.ran_with(service.find("ml"))["digest"]
    assert re.fullmatch(r"sha256:[0-9a-f]{32}", digest), digest


def test_an_environment_with_as_many_packages_as_a_record_holds_is_recorded_whole(world):
    """10,000 asked-for packages fit a record (its limit), and the record reads back; one more does not."""
    from jupyter_envpanel.core.notebooks.record import MAX_ENTRIES

    names = [f"p{i:05d}" for i in range(MAX_ENTRIES)]
    world.conda_env(
        world.home / "miniconda3" / "envs" / "big",
        packages=[(n, "1.0", "h0_0", CONDA_FORGE) for n in names],
        requested=names,
    )
    service = EnvService(world.host())
    record = service.ran_with(service.find("big"))
    assert len(record["packages"]) == MAX_ENTRIES
    assert read_record({"envpanel": {"ran_with": record}}) == record


def test_a_package_recorded_with_an_underscore_matches_pips_hyphenated_name_now(world):
    """`typing_extensions` the notebook ran with is the same package pip lists as `typing-extensions`."""
    world.conda_env(
        world.home / "miniconda3" / "envs" / "ml",
        pip=[("typing_extensions", "4.12.2", True)],
    )
    service = EnvService(world.host())
    inv = service.inventory(service.find("ml"))
    assert compare({"packages": ["typing_extensions=4.12.2"]}, inv) == []
    [diff] = compare({"packages": ["typing_extensions=4.11.0"]}, inv)
    assert diff.text == "typing_extensions: ran with 4.11.0, now 4.12.2"


def test_an_export_of_a_record_without_digest_names_no_digest():
    """A hand-made record with no digest gets a header that names none (no empty parentheses)."""
    from jupyter_envpanel.core.notebooks.record import export_record

    text = export_record({"environment": "ml", "packages": ["numpy=1.26.4"]})
    assert text.splitlines()[0] == "# written by jupyter-envpanel from what the notebook ran with"
