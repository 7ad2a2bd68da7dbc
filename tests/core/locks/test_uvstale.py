"""uv.lock staleness as uv judges it: requirements by meaning, not by spelling."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.locks.uvstale import stale_reason
from jupyter_envpanel.core.requirements.pyproject import load_manifest


def lock_data(requires_dist, requires_python=">=3.10", **package):
    return {
        "version": 1,
        "requires-python": requires_python,
        "package": [
            {
                "name": "demo",
                "version": "0.1.0",
                "source": {"editable": "."},
                "metadata": {"requires-dist": requires_dist},
                **package,
            }
        ],
    }


def stale(world, dependencies, requires_dist, extra_toml="", **package):
    path = world.root / "pyproject.toml"
    deps = ", ".join(f'"{d}"' for d in dependencies)
    path.write_text(
        f'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
        f"dependencies = [{deps}]\n{extra_toml}"
    )
    return stale_reason(world.root / "uv.lock", lock_data(requires_dist, **package), load_manifest(path))


@pytest.mark.parametrize(
    ("dependency", "locked"),
    [
        ("alpha==1.0", {"name": "alpha", "specifier": "==1.0"}),
        ("alpha == 1.0.0", {"name": "alpha", "specifier": "==1.0"}),  # versions equal by PEP 440
        ("Alpha_Pkg>=1,<2", {"name": "alpha-pkg", "specifier": ">=1, <2"}),  # names normalised
        ("alpha[Fast]", {"name": "alpha", "extras": ["fast"]}),
        ("alpha; python_version < '3.8'", {"name": "alpha", "marker": "python_full_version < '3.8'"}),
        (
            "alpha; python_version < '3.8'",
            {"name": "alpha", "marker": "python_version < '3.7'"},
        ),  # both false
        ("alpha; python_version >= '3.12'", {"name": "alpha", "marker": "python_full_version >= '3.12'"}),
        ("alpha; sys_platform == 'linux'", {"name": "alpha", "marker": "sys_platform == 'linux'"}),
    ],
)
def test_requirements_equal_in_meaning_are_fresh(world, dependency, locked):
    assert stale(world, [dependency], [locked]) == ""


@pytest.mark.parametrize(
    ("dependencies", "locked", "said"),
    [
        (["alpha>=1.0"], [{"name": "alpha", "specifier": "==1.0"}], "alpha changed"),
        (["alpha", "beta"], [{"name": "alpha"}], "beta added"),
        ([], [{"name": "alpha"}], "alpha removed"),
        (["alpha"], [{"name": "alpha", "extras": ["fast"]}], "alpha changed"),
        (["alpha; python_version >= '3.12'"], [{"name": "alpha"}], "alpha changed"),
        (
            ["alpha; sys_platform == 'linux'"],
            [{"name": "alpha", "marker": "sys_platform == 'win32'"}],
            "alpha changed",
        ),
    ],
)
def test_requirements_that_differ_make_the_lock_stale_and_say_which(world, dependencies, locked, said):
    reason = stale(world, dependencies, locked)
    assert reason.startswith("uv.lock is out of date with pyproject.toml: demo: ") and said in reason
    assert reason.endswith("; run `uv lock`")


def test_a_path_source_is_compared_by_kind_and_path(world):
    (world.root / "libp").mkdir()
    sources = '[tool.uv.sources]\nlibp = { path = "libp" }\n'
    assert stale(world, ["libp"], [{"name": "libp", "directory": "libp"}], sources) == ""
    assert "libp changed" in stale(world, ["libp"], [{"name": "libp", "editable": "libp"}], sources)
    assert "libp changed" in stale(world, ["libp"], [{"name": "libp"}], sources)


def test_version_requires_python_groups_extras_and_default_groups_are_compared(world):
    groups = '[dependency-groups]\ndev = ["pytest"]\n[project.optional-dependencies]\nplot = ["mpl"]\n'
    locked = [{"name": "mpl", "marker": "extra == 'plot'"}]
    metadata = {
        "requires-dist": locked,
        "requires-dev": {"dev": [{"name": "pytest"}]},
        "provides-extras": ["plot"],
    }
    assert stale(world, [], locked, groups, metadata=metadata) == ""
    assert "version 0.0.9 -> 0.1.0" in stale(world, [], locked, groups, metadata=metadata, version="0.0.9")
    assert "pytest removed in group dev" in stale(
        world, [], locked, groups.replace('"pytest"', ""), metadata=metadata
    )
    assert "default groups changed" in stale(
        world, [], locked, groups, metadata=metadata, **{"default-groups": []}
    )
    changed = dict(metadata, **{"provides-extras": ["plot", "old"]})
    assert "extras changed" in stale(world, [], locked, groups, metadata=changed)
    path = world.root / "pyproject.toml"
    path.write_text(path.read_text().replace(">=3.10", ">=3.11"))
    reason = stale_reason(world.root / "uv.lock", lock_data(locked, metadata=metadata), load_manifest(path))
    assert "requires-python >=3.10 -> >=3.11" in reason


def test_dynamic_dependencies_are_not_compared(world):
    path = world.root / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\nversion = "0.1.0"\ndynamic = ["dependencies"]\n')
    assert stale_reason(world.root / "uv.lock", lock_data([{"name": "x"}]), load_manifest(path)) == ""


def test_a_local_project_outside_the_locks_folder_is_never_read(world):
    outside = world.base / "outside"
    outside.mkdir()
    (outside / "pyproject.toml").write_text('[project]\nname = "evil"\nversion = "9"\ndependencies = ["x"]\n')
    (world.root / "link").symlink_to(outside)
    path = world.root / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = []\n')
    data = lock_data([])
    for local in ("../outside", "link", str(outside)):
        data["package"].append(
            {"name": "evil", "version": "1", "source": {"directory": local}, "metadata": {}}
        )
    assert stale_reason(world.root / "uv.lock", data, load_manifest(path)) == ""


@pytest.mark.parametrize(
    "metadata",
    [
        {"requires-dist": [{"name": "x", "specifier": ">>>1"}]},
        {"requires-dist": [{"name": "x", "extras": 3, "marker": "nonsense ==="}]},
        {"requires-dist": "x", "requires-dev": [], "provides-extras": 7},
        {"requires-dev": {"dev": [{"name": 3}, "x", {"name": "y", "specifier": 1.5}]}},
    ],
)
def test_metadata_of_the_wrong_shape_is_a_clear_error_never_a_crash(world, metadata):
    path = world.root / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = []\n')
    data = lock_data([], metadata=metadata, **{"default-groups": 5})
    try:
        stale_reason(world.root / "uv.lock", data, load_manifest(path))
    except EnvFileError as err:
        assert err.detail.startswith("the metadata of demo is not what uv writes")
