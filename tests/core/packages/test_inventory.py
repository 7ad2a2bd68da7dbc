"""What is installed in a prefix: records, dist-infos, `show` JSON, and the mtime cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.factory import CONDA_FORGE, write_dist, write_record

from jupyter_envpanel.core.packages.inventory import InventoryCache, read_inventory, read_requires_dist
from jupyter_envpanel.core.service import EnvService

SITE = Path("lib") / "python3.11" / "site-packages"


def make_ml(world) -> Path:
    return world.conda_env(
        world.home / "miniconda3" / "envs" / "ml",
        python="3.11.7",
        packages=[("numpy", "1.26.4", "py311h0_3", CONDA_FORGE, "linux-64", 3)],
        requested=["numpy"],
        pip=[("rich", "13.7.1", True)],
    )


def test_show_json_lists_each_package_with_its_build_number(world):
    make_ml(world)
    shown = EnvService(world.host()).show("ml")
    numpy = next(p for p in shown["packages"] if p["name"] == "numpy")
    assert numpy == {
        "name": "numpy",
        "version": "1.26.4",
        "build": "py311h0_3",
        "build_number": 3,
        "channel": "conda-forge",
        "subdir": "linux-64",
        "installer": "conda",
        "source": "conda",
        "requested": True,
    }


def test_a_record_whose_files_are_not_strings_is_skipped_with_the_reason(world):
    prefix = make_ml(world)
    path = write_record(prefix, ("scipy", "1.11.4", "py311h0_0"))
    record = json.loads(path.read_text())
    record["files"] = ["lib/ok.py", 7]
    path.write_text(json.dumps(record))
    shown = EnvService(world.host()).show("ml")
    assert "scipy" not in {p["name"] for p in shown["packages"]}
    [warning] = [w for w in shown["warnings"] if "scipy" in w]
    assert warning.startswith("corrupt conda record, package skipped:")
    assert warning.endswith("`files` must be a list of strings")


@pytest.mark.parametrize(
    "folder",
    ["attrs-23.1.0.dist-info", "six-1.16.0-py3.11.egg-info"],
    ids=["dist-info", "egg-info"],
)
def test_a_metadata_folder_a_conda_record_owns_is_not_listed_again_as_pip(world, folder):
    prefix = make_ml(world)
    site = prefix / SITE
    (site / folder).mkdir()
    (site / folder / "PKG-INFO").write_text("Metadata-Version: 1.1\n")
    name, version = folder.split("-")[:2]
    write_record(prefix, (name, version, "pyhd8ed1ab_0"), files=[f"{SITE}/{folder}/PKG-INFO"])
    shown = EnvService(world.host()).show("ml")
    entries = [(p["name"], p["source"]) for p in shown["packages"] if p["name"] == name]
    assert entries == [(name, "conda")]


@pytest.mark.parametrize("hint", [None, "3.9", "3.11.0"])
def test_the_python_record_decides_the_version_whatever_the_hint(world, hint):
    prefix = make_ml(world)
    inv = read_inventory(prefix, "conda", hint)
    assert inv.python_version == "3.11.7"
    assert inv.prefix == str(prefix)
    assert set(inv.pip) == {"rich"}


def _touch(path: Path, step: int) -> None:
    """Move a folder's mtime forward by step seconds (what an install does, without waiting)."""
    info = os.stat(path)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + step * 1_000_000_000))


def test_cache_rereads_only_after_an_install_changes_an_mtime(world):
    prefix = make_ml(world)
    cache = InventoryCache()
    first = cache.get(prefix, "conda", "3.11.7")
    assert first.prefix == str(prefix)
    assert cache.get(prefix, "conda", "3.11.7") is first  # nothing changed: not read again
    write_dist(prefix / SITE, "httpx", "0.27.0", requested=True)  # `pip install httpx`
    _touch(prefix / SITE, 1)
    second = cache.get(prefix, "conda", "3.11.7")
    assert "httpx" in second.pip and "httpx" not in first.pip
    write_record(prefix, ("scipy", "1.11.4", "py311h0_0"))  # `conda install scipy`
    _touch(prefix / "conda-meta", 2)
    assert "scipy" in cache.get(prefix, "conda", "3.11.7").conda


def test_cache_keeps_prefixes_apart(world):
    ml = make_ml(world)
    other = world.conda_env(world.home / "miniconda3" / "envs" / "other", packages=["pandas=2.2.0"])
    cache = InventoryCache()
    inv_ml = cache.get(ml, "conda", "3.11.7")
    inv_other = cache.get(other, "conda", "3.11.7")
    assert "numpy" in inv_ml.conda and "pandas" in inv_other.conda
    assert cache.get(ml, "conda", "3.11.7") is inv_ml and cache.get(other, "conda", "3.11.7") is inv_other


def test_an_env_whose_history_changed_in_place_shows_its_new_requested_specs(world):
    """conda appends to conda-meta/history in place: its folder's mtime stays, the file's moves."""
    prefix = make_ml(world)
    svc = EnvService(world.host())
    before = {p["name"]: p["requested"] for p in svc.show("ml")["packages"]}
    assert before["numpy"] and not before["python"]
    meta = prefix / "conda-meta"
    folder_mtime = os.stat(meta).st_mtime_ns
    with (meta / "history").open("a") as history:
        history.write("==> 2024-02-01 00:00:00 <==\n# cmd: conda install python\n")
        history.write("# update specs: ['python']\n")
    _touch(meta / "history", 1)
    assert os.stat(meta).st_mtime_ns == folder_mtime
    after = {p["name"]: p["requested"] for p in svc.show("ml")["packages"]}
    assert after["numpy"] and after["python"]


@pytest.mark.parametrize(
    "field, value",
    [("name", ""), ("version", ""), ("version", 2.1), ("name", None)],
    ids=["empty-name", "empty-version", "number-version", "no-name"],
)
def test_a_record_without_a_name_and_version_as_text_is_skipped_with_the_reason(world, field, value):
    """A hand-edited record (`"version": 2.1`) costs only its own package, with a warning naming it."""
    prefix = make_ml(world)
    path = write_record(prefix, ("scipy", "1.11.4", "py311h0_0"))
    record = json.loads(path.read_text())
    record[field] = value
    path.write_text(json.dumps(record))
    shown = EnvService(world.host()).show("ml")
    assert {p["name"] for p in shown["packages"]} == {"python", "numpy", "rich"}
    [warning] = [w for w in shown["warnings"] if path.name in w]
    assert warning.endswith("`name` and `version` must be non-empty strings")


def test_a_windows_layout_prefix_reads_pip_packages_from_lib_site_packages(world):
    """A prefix made on Windows (on a shared disk) keeps pip's packages in `Lib/site-packages`."""
    prefix = world.conda_env(world.base / "shared" / "winenv", python=None)
    write_record(prefix, ("python", "3.11.7", "h0_0_cpython"))
    write_dist(prefix / "Lib" / "site-packages", "rich", "13.7.1", requested=True)
    packages = read_inventory(prefix, "conda", "3.11.7").packages()
    assert [(p.name, p.source) for p in packages if p.name == "rich"] == [("rich", "pip")]


def _edit_record(prefix: Path, spec: tuple, **fields) -> Path:
    """Write a record, then set (or with None, drop) some of its fields as a hand or a tool edits it."""
    path = write_record(prefix, spec)
    record = json.loads(path.read_text())
    for key, value in fields.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    path.write_text(json.dumps(record))
    return path


def test_a_record_whose_features_are_a_list_matches_a_spec_asking_for_them(world):
    """`"features": ["mkl"]` is the feature set {mkl}: `blas[features=mkl]` is satisfied."""
    prefix = make_ml(world)
    _edit_record(prefix, ("blas", "1.0", "mkl"), features=["mkl"], track_features=["mkl", "blas_mkl"])
    envfile = world.root / "environment.yml"
    envfile.write_text("dependencies:\n  - blas[features=mkl, track_features='blas_mkl mkl']\n")
    service = EnvService(world.host())
    report = service.drift(service.find("ml"), envfile)
    assert (report.summary["ok"], report.summary["mismatch"]) == (1, 0)


@pytest.mark.parametrize("key", ["features", "track_features"])
def test_a_record_whose_features_are_a_number_is_skipped_with_the_reason(world, key):
    """A features field that is neither text nor a list of text makes only its record unreadable."""
    prefix = make_ml(world)
    path = _edit_record(prefix, ("blas", "1.0", "mkl"), **{key: 7})
    shown = EnvService(world.host()).show("ml")
    assert "blas" not in {p["name"] for p in shown["packages"]}
    [warning] = [w for w in shown["warnings"] if path.name in w]
    assert warning.endswith(f"`{key}` must be a string or a list of strings")


def test_a_record_without_a_build_shows_an_empty_build(world):
    """A record with no `build` field is listed with build "" (not a made-up string)."""
    prefix = make_ml(world)
    _edit_record(prefix, ("tzdata", "2024a", "h0_0"), build=None)
    shown = EnvService(world.host()).show("ml")
    [tzdata] = [p for p in shown["packages"] if p["name"] == "tzdata"]
    assert (tzdata["version"], tzdata["build"]) == ("2024a", "")


def test_a_record_with_a_deeply_nested_field_nothing_reads_is_still_listed(world):
    """Records are read without the depth limit: nesting in a field never read hides no package."""
    prefix = make_ml(world)
    path = write_record(prefix, ("scipy", "1.11.4", "py311h0_0"))
    record = json.loads(path.read_text())
    record["run_exports"] = json.loads("[" * 100 + "]" * 100)  # deeper than MAX_DEPTH (64)
    path.write_text(json.dumps(record))
    shown = EnvService(world.host()).show("ml")
    assert "scipy" in {p["name"] for p in shown["packages"]}
    assert not [w for w in shown["warnings"] if "scipy" in w]


def test_a_record_without_a_url_is_named_by_its_channel(world):
    """An old record with `channel` and no `url` still shows the channel it came from."""
    prefix = make_ml(world)
    path = write_record(prefix, ("scipy", "1.11.4", "py311h0_0"))
    record = json.loads(path.read_text())
    del record["url"]
    path.write_text(json.dumps(record))
    shown = EnvService(world.host()).show("ml")
    assert next(p for p in shown["packages"] if p["name"] == "scipy")["channel"] == "conda-forge"


def test_a_spec_asking_for_an_md5_the_record_lacks_says_it_is_unknown(world):
    """`numpy[md5=...]` against a record without md5: a mismatch that says the md5 is unknown."""
    make_ml(world)
    service = EnvService(world.host())
    envfile = world.root / "environment.yml"
    md5 = "0123456789abcdef0123456789abcdef"
    envfile.write_text(f"name: ml\ndependencies:\n  - numpy[md5={md5}]\n")
    report = service.drift(service.find("ml"), envfile)
    [numpy] = [r for r in report.requirements if r.name == "numpy"]
    assert numpy.status == "mismatch"
    assert numpy.reason == f"md5 of the installed package is unknown, spec asks for {md5}"


def test_a_history_line_with_an_unmatched_quote_claims_no_package(world):
    """A line cut short (`['numpy>=1, python`) is not guessed at: python stays not asked for."""
    prefix = make_ml(world)
    with (prefix / "conda-meta" / "history").open("a") as history:
        history.write("==> 2024-02-01 00:00:00 <==\n# update specs: ['numpy>=1, python\n")
    shown = {p["name"]: p["requested"] for p in EnvService(world.host()).show("ml")["packages"]}
    assert shown["numpy"] and not shown["python"]


def test_requires_dist_lines_quoted_in_a_description_are_not_requirements(world):
    """Only METADATA's headers (up to the first blank line) say what a distribution needs, not its README."""
    prefix = world.venv(world.base / "venv", dists=[("requests", "2.32.3", True)])
    metadata = next(prefix.glob("lib/python*/site-packages/requests-*.dist-info")) / "METADATA"
    metadata.write_text(
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\nRequires-Dist: idna<4,>=2.5\n\n"
        "# requests\n\nIts METADATA reads:\nRequires-Dist: PySocks; extra == 'socks'\n\nThat is all.\n"
    )
    inv = read_inventory(prefix, "venv", None)
    assert read_requires_dist(inv.pip["requests"]) == ["idna<4,>=2.5"]
