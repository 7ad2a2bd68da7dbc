"""The CLI as a user runs it: real subprocesses, JSON shapes, exit codes, one-line errors, settings."""

from __future__ import annotations

import json
import os
import subprocess

from support.cli import make_world, run
from support.factory import CONDA_FORGE, PYKERNEL, child_environ, write_kernel
from support.hostile import healthy
from support.jupyterchild import command
from support.pixilock import write_lock

from jupyter_envpanel.settings import service_from_config


def test_list_json_has_the_design_shape(world):
    make_world(world)
    out = run(world, "list", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    envs = {e["name"]: e for e in data["environments"]}
    assert set(envs["ml"]) == {
        "name",
        "prefix",
        "kind",
        "label",
        "source",
        "named",
        "is_server",
        "python_version",
        "package_count",
        "kernels",
        "kernel_hint",
        "interpreter",
        "shared",
        "warnings",
    }
    assert envs["ml"]["python_version"] == "3.11.7" and envs["base"]["python_version"] == "3.12.1"
    assert sum(e["is_server"] for e in data["environments"]) == 1
    assert set(data) == {"environments", "warnings", "searched"}


def test_list_table_is_readable(world):
    make_world(world)
    out = run(world, "list")
    assert out.returncode == 0 and "NAME" in out.stdout.splitlines()[0] and " ml " in out.stdout


def test_drift_exit_codes_and_json(world):
    make_world(world)
    out = run(world, "drift", "ml", "--json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert report["summary"] == {"ok": 1, "missing": 0, "mismatch": 1, "skipped": 0, "unrequested": 1}
    assert report["unrequested"] == [{"name": "seaborn", "version": "0.13.2", "source": "conda"}]
    (world.root / "environment.yml").write_text("dependencies:\n  - numpy\n")
    assert run(world, "drift", "ml").returncode == 0
    assert run(world, "drift", "ml", "--strict").returncode == 1


def test_drift_defaults_to_conda_prefix_and_nearest_file_upwards(world):
    root = make_world(world)
    sub = world.root / "a" / "b"
    sub.mkdir(parents=True)
    out = run(world, "drift", "--json", cwd=sub, CONDA_PREFIX=str(root / "envs" / "ml"))
    data = json.loads(out.stdout)
    assert data["environment"]["name"] == "ml" and data["file"].endswith("environment.yml")


def test_drift_accepts_a_prefix_path_and_a_file(world):
    root = make_world(world)
    (world.base / "other.yml").write_text("dependencies:\n  - numpy=1.24\n")
    out = run(world, "drift", str(root / "envs" / "ml"), "--file", str(world.base / "other.yml"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "in sync" in out.stdout


def test_show_lists_packages(world):
    make_world(world)
    data = json.loads(run(world, "show", "ml", "--json").stdout)
    pkgs = {p["name"]: p for p in data["packages"]}
    assert pkgs["numpy"]["channel"] == "conda-forge" and pkgs["numpy"]["requested"] is True
    assert pkgs["python"]["requested"] is False


def test_bad_input_is_one_line_on_stderr_with_exit_2(world):
    make_world(world)
    (world.root / "environment.yml").write_text("dependencies:\n  - numpy>=>1\n")
    cases = [
        ("show", "nope"),
        ("drift", "ml"),
        ("drift", "ml", "--file", "missing.yml"),
        ("frobnicate",),
    ]
    for args in cases:
        out = run(world, *args)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr, out.stderr
    out = run(world, "drift", "ml")
    assert "environment.yml:2:5" in out.stderr


def test_kernels_register_and_unregister(world):
    root = make_world(world)
    world.conda_env(root / "envs" / "py", ipykernel=True)
    data_dir = world.base / "jupyter-data"
    env = {"JUPYTER_DATA_DIR": str(data_dir)}
    listed = json.loads(run(world, "kernels", "--json", **env).stdout)["kernels"]
    ours = {k["name"]: k for k in listed}
    assert ours["conda-env-py-py"]["environment"]["name"] == "py"
    assert ours["conda-env-py-py"]["display_name"] == "Python [conda env:py]"
    out = run(world, "register", "py", **env)
    assert out.returncode == 0 and "conda-env-py-py" in out.stdout
    spec = json.loads((data_dir / "kernels" / "conda-env-py-py" / "kernel.json").read_text())
    assert spec["metadata"]["envpanel"]["registered_by"] == "jupyter-envpanel"
    assert spec["env"]["CONDA_PREFIX"] == str(root / "envs" / "py")
    assert run(world, "unregister", "py", **env).returncode == 0
    assert not (data_dir / "kernels" / "conda-env-py-py").exists()
    out = run(world, "unregister", "py", **env)  # again: nothing left to remove is a success
    assert out.returncode == 0 and "nothing to unregister" in out.stdout
    out = run(world, "register", "ml", **env)  # ml has no ipykernel
    assert out.returncode == 2 and "no kernel to register" in out.stderr


def test_cli_honours_the_servers_envpanel_settings(world):
    make_world(world)
    extra = world.base / "team-envs"
    world.conda_env(extra / "shared", ipykernel=True)
    config_dir = world.base / "jupyter-config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps(
            {"EnvPanelApp": {"extra_env_dirs": [str(extra)], "name_format": "{environment} ({language})"}}
        )
    )
    data = json.loads(run(world, "list", "--json", JUPYTER_CONFIG_DIR=str(config_dir)).stdout)
    shared = {e["name"]: e for e in data["environments"]}["shared"]
    assert shared["kernels"][0]["display_name"] == "shared (Python)"
    (config_dir / "jupyter_server_config.json").write_text("{not json")
    out = run(world, "list", "--json", JUPYTER_CONFIG_DIR=str(config_dir))
    assert out.returncode == 0 and "ignoring" in out.stderr


def test_skipped_entries_are_not_drift(world):
    make_world(world)
    (world.root / "environment.yml").write_text(
        "name: ml\ndependencies:\n  - numpy\n  - pip:\n    - -e .\n    - git+https://example.invalid/x/y.git\n"
    )
    out = run(world, "drift", "ml", "--json")
    report = json.loads(out.stdout)
    assert report["summary"]["skipped"] == 2 and report["in_sync"], out.stdout
    assert report["drift_count"] == 0 and out.returncode == 0
    out = run(world, "drift", "ml")
    assert out.returncode == 0 and "in sync" in out.stdout
    out = run(world, "project", "--json")
    assert json.loads(out.stdout)["drift"]["drift_count"] == 0 and out.returncode == 0, out.stdout
    out = run(world, "project")
    assert out.returncode == 0 and "drift: 0 (0 missing, 0 mismatch)" in out.stdout, out.stdout


def _config(world, section: dict) -> None:
    """Write the server's config file in the user's Jupyter config dir."""
    folder = world.base / "jupyter-config"
    folder.mkdir(exist_ok=True)
    (folder / "jupyter_server_config.json").write_text(json.dumps({"EnvPanelApp": section}))


def _cli(world, *args):
    """Run the CLI with the world's HOME and config dir."""
    env = {k: v for k, v in child_environ().items() if not k.startswith(("CONDA", "JUPYTER"))}
    env.update(HOME=str(world.home), JUPYTER_CONFIG_DIR=str(world.base / "jupyter-config"))
    return subprocess.run(
        command("jupyter_envpanel", *args, config=world.base / "jupyter-env-config"),
        cwd=world.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _envs(world, section):
    """Return the listing the CLI prints with these settings, by name."""
    _config(world, section)
    out = _cli(world, "list", "--json")
    assert out.returncode == 0, out.stderr
    return {e["name"]: e for e in json.loads(out.stdout)["environments"]}


def test_every_setting_changes_what_the_cli_lists(world):
    healthy(world)
    extra = world.conda_env(world.base / "team" / "extra", ipykernel=True)
    assert "extra" not in _envs(world, {})
    assert "extra" in _envs(world, {"extra_env_dirs": [str(extra.parent)]})
    assert _envs(world, {"exclude": "good"})["good"]["kernels"] == []  # listed, no kernel
    assert _envs(world, {"kinds": ["venv"]})["good"]["kernels"] == []
    named = _envs(world, {"name_format": "{environment} ({kind})"})["good"]["kernels"][0]["display_name"]
    assert named == "good (conda)"
    server = [e for e in _envs(world, {"offer_server_env": True}).values() if e["is_server"]][0]
    assert server["kernels"][0]["name"] != "python3"  # offered as an environment kernel too
    assert "good" not in _envs(world, {"sources": ["pyenv"]})
    assert "good" not in _envs(world, {"hide": "/envs/go+d$"})  # not listed at all
    shared = _envs(world, {"shared_env_dirs": [str(extra.parent)]})
    assert shared["extra"]["shared"] is True and shared["good"]["shared"] is False


def test_env_file_names_setting_is_used_to_find_the_file(world):
    healthy(world)
    (world.root / "conda.yml").write_text("dependencies:\n  - python\n")
    _config(world, {"env_file_names": ["conda.yml"]})
    out = _cli(world, "drift", "good", "--json")
    assert out.returncode in (0, 1), out.stderr
    assert json.loads(out.stdout)["file"].endswith("conda.yml")


def test_service_from_config_reads_the_same_settings(world):
    healthy(world)
    service = service_from_config(section={"exclude": "good", "sources": ["conda"]})
    assert service.options.exclude == "good" and service.listings.discovery.sources == ("conda",)
    write_kernel(world.home / "miniconda3" / "envs" / "good", "extra", PYKERNEL)


def test_a_drift_against_a_conda_only_file_imports_no_pip_lock_or_config_machinery(world):
    """`drift ml` against conda entries: no packaging, no lock model, no TOML, no traitlets.config."""
    make_world(world)
    code = (
        "import sys\n"
        "from jupyter_envpanel.cli import main\n"
        "code = main(['drift', 'ml', '--file', 'environment.yml'])\n"
        "unwanted = ('packaging', 'tomllib', 'traitlets.config', 'ctypes',"
        " 'jupyter_envpanel.core.locks.model')\n"
        "loaded = [m for m in unwanted if m in sys.modules]\n"
        "print('LOADED=' + ','.join(loaded) + ' YAML=' + str('yaml' in sys.modules), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    (world.base / "probe_imports.py").write_text(code)
    env = {k: v for k, v in child_environ().items() if not k.startswith(("CONDA", "MAMBA", "JUPYTER"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(world.base)]))
    out = subprocess.run(
        command("probe_imports", config=world.base / "jupyter-env-config"),
        cwd=world.root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "HOME": str(world.home)},
    )
    assert out.returncode == 1, out.stderr  # numpy 1.24.4 against numpy>=1.26: drifted
    assert out.stderr.strip().splitlines()[-1] == "LOADED= YAML=True"


def test_drift_against_a_stale_pixi_lock_says_which_entry_and_is_not_in_sync(world):
    """The environment holds exactly what pixi.lock locks, but pixi.toml asks for numpy >=2 since."""
    prefix = world.root / ".pixi" / "envs" / "default"
    world.conda_env(prefix, python="3.12.1", packages=[("numpy", "1.26.4", "py312h8753938_0", CONDA_FORGE)])
    packages = [
        ("conda", "python", "3.12.1", "hb806964_0_cpython"),
        ("conda", "numpy", "1.26.4", "py312h8753938_0"),
    ]
    write_lock(world.root / "pixi.lock", {"default": {"linux-64": packages}})
    head = '[workspace]\nchannels = ["conda-forge"]\nplatforms = ["linux-64"]\n\n[dependencies]\n'
    (world.root / "pixi.toml").write_text(head + 'numpy = ">=1.26"\n')
    out = run(world, "drift", str(prefix), "--file", "pixi.lock", "--json")
    lock = json.loads(out.stdout)["lock"]
    assert (out.returncode, lock["stale"]) == (0, ""), out.stderr
    (world.root / "pixi.toml").write_text(head + 'numpy = ">=2"\n')
    out = run(world, "drift", str(prefix), "--file", "pixi.lock")
    assert out.returncode == 1, out.stdout + out.stderr
    said = (
        "pixi.lock is out of date with pixi.toml: pixi.toml asks for numpy >=2 (line 6),"
        " pixi.lock locks numpy 1.26.4; run `pixi lock`"
    )
    assert said in out.stdout.splitlines() and "; the lock is out of date)" in out.stdout


def test_drift_against_a_classic_poetry_pyproject_finds_missing_and_mismatched(world):
    make_world(world)
    project = world.root / "poetryproj"
    project.mkdir()
    venv = world.venv(project / ".venv", [("numpy", "1.26.4", False), ("rich", "12.6.0", False)])
    (project / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "demo"\n\n[tool.poetry.dependencies]\npython = "^3.9"\n'
        'numpy = "^1.26"\nrich = "~13.7"\n\n[tool.poetry.group.dev.dependencies]\npytest = ">=8"\n'
    )
    out = run(world, "drift", str(venv), "--file", str(project / "pyproject.toml"), "--json")
    assert out.returncode == 1, out.stdout + out.stderr
    report = json.loads(out.stdout)
    got = {r["name"]: (r["status"], r["line"], r["column"]) for r in report["requirements"]}
    assert got == {"numpy": ("ok", 6, 1), "rich": ("mismatch", 7, 1), "pytest": ("missing", 10, 1)}
    assert report["summary"]["missing"] == 1 and report["summary"]["mismatch"] == 1
    out = run(world, "drift", str(venv), "--file", str(project / "pyproject.toml"))
    assert "rich>=13.7,<13.8" in out.stdout, out.stdout
