"""Write an environment down as code: the exported environment.yml round-trips with zero drift."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import run
from support.factory import CONDA_FORGE, MAIN, can_drop_to_nobody, child_environ, child_json
from support.server import expect_error

from jupyter_envpanel.core.requirements.envfile import parse_envfile
from jupyter_envpanel.core.service import EnvService


def make_ml(world) -> Path:
    return world.conda_env(
        world.home / "miniconda3" / "envs" / "ml",
        python="3.11.7",
        packages=[
            ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE),
            ("seaborn", "0.13.2", "pyhd8ed1ab_0", CONDA_FORGE),
            ("libblas", "3.9.0", "20_linux64_openblas", CONDA_FORGE),  # a dependency: not exported
            ("r-base", "4.3.1", "h0_0", MAIN),
        ],
        requested=["numpy>=1.26", "seaborn", "r-base"],
        pip=[("rich", "13.7.1", True), ("markdown-it-py", "3.0.0", False), ("pip", "24.0", True)],
    )


EXPECTED = """# written by jupyter-envpanel from the environment 'ml': what you asked for, pinned
name: ml
channels:
  - conda-forge
  - defaults
dependencies:
  - python=3.11.7
  - numpy=1.26.4
  - r-base=4.3.1
  - seaborn=0.13.2
  - pip:
    - rich==13.7.1
"""


def test_export_is_what_was_asked_for_pinned_and_round_trips_with_zero_drift(world):
    prefix = make_ml(world)
    service = EnvService(world.host())
    env = service.find("ml")
    text = service.export(env)
    assert text == EXPECTED
    assert EnvService(world.host()).export(env) == text  # stable: same env, same bytes
    path = world.root / "environment.yml"
    path.write_text(text)
    envfile = parse_envfile(path)
    assert envfile.name == "ml" and envfile.channels == ("conda-forge", "defaults")
    report = service.drift(env, path)
    assert report.drift_count == 0 and report.unrequested == () and not report.drifted(strict=True)
    assert {r.status for r in report.requirements} == {"ok"}
    assert prefix.is_dir()


def test_a_venv_exports_its_requested_distributions(world):
    venv = world.venv(
        world.root / "proj" / ".venv", dists=[("httpx", "0.27.0", True), ("idna", "3.7", False)]
    )
    service = EnvService(world.host())
    env = service.find(str(venv), allow_any_prefix=True)
    text = service.export(env)
    assert "channels" not in text and "  - pip:\n    - httpx==0.27.0\n" in text and "idna" not in text
    (world.root / "proj" / "environment.yml").write_text(text)
    assert service.drift(env, world.root / "proj" / "environment.yml").drift_count == 0


def test_cli_export_prints_or_writes_a_new_file_never_over_one(world):
    make_ml(world)
    out = run(world, "export", "ml")
    assert out.returncode == 0 and out.stdout == EXPECTED
    target = world.root / "env.yml"
    assert run(world, "export", "ml", "--file", str(target)).returncode == 0
    assert target.read_text() == EXPECTED
    target.write_text("mine\n")
    again = run(world, "export", "ml", "--file", str(target))
    assert again.returncode == 2 and "exists already" in again.stderr and target.read_text() == "mine\n"


async def test_rest_export_creates_the_file_in_the_notebooks_folder(server_world, jp_fetch, tmp_path):
    make_ml(server_world)
    (server_world.root / "work").mkdir()
    response = await jp_fetch(
        "envpanel",
        "api",
        "environments",
        "ml",
        "export",
        method="POST",
        body=b"",
        params={"path": "work/n.ipynb"},
    )
    answer = json.loads(response.body)
    assert response.code == 201 and answer["file"] == "work/environment.yml"
    assert (server_world.root / "work" / "environment.yml").read_text() == answer["text"] == EXPECTED
    body = await expect_error(
        jp_fetch, 409, "environments", "ml", "export", method="POST", path="work/n.ipynb"
    )
    assert "exists already" in body["message"]
    # a link named environment.yml, even dangling, is never written through
    (server_world.root / "linked").mkdir()
    (server_world.root / "linked" / "environment.yml").symlink_to(tmp_path / "outside.yml")
    await expect_error(jp_fetch, 409, "environments", "ml", "export", method="POST", path="linked")
    assert not (tmp_path / "outside.yml").exists()
    await expect_error(jp_fetch, 403, "environments", "ml", "export", method="POST", path="../elsewhere")
    await expect_error(jp_fetch, 404, "environments", "nope", "export", method="POST", path="work")


def test_names_yaml_would_read_as_numbers_or_bools_stay_strings(world):
    """An env named `1.10` or `yes` exports a name conda reads back as that name, not 1.1 or True."""
    import yaml

    for name in ("1.10", "yes", "null", "ml"):
        world.conda_env(world.home / "miniconda3" / "envs" / name, python="3.11.7")
    service = EnvService(world.host())
    for name in ("1.10", "yes", "null", "ml"):
        text = service.export(service.find(name))
        assert yaml.safe_load(text)["name"] == name, text
        assert f"name: {name}\n" in text if name == "ml" else f'name: "{name}"\n' in text


def test_a_package_without_a_channel_names_no_channel(world):
    """A local build's record says `<unknown>`: exports and records leave its channel out."""
    from jupyter_envpanel.core.notebooks.record import export_record

    prefix = world.conda_env(
        world.home / "miniconda3" / "envs" / "local",
        python="3.11.7",
        packages=[("mylocal", "0.1", "0"), ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE)],
        requested=["mylocal", "numpy"],
    )
    path = prefix / "conda-meta" / "mylocal-0.1-0.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "channel": "<unknown>", "url": ""}))
    service = EnvService(world.host())
    env = service.find("local")
    text = service.export(env)
    assert "unknown" not in text and "channels:\n  - conda-forge\n" in text and "  - mylocal=0.1\n" in text
    recorded = service.ran_with(env)
    assert "mylocal=0.1=0" in recorded["packages"]
    assert "unknown" not in export_record(recorded)
    old = {**recorded, "packages": ["<unknown>::mylocal=0.1=0"]}  # recorded by an earlier release
    assert "unknown" not in export_record(old)


def test_channels_used_equally_often_are_listed_by_name(world):
    """One package from conda-forge (python), one from bioconda: alphabetical, whichever came first."""
    world.conda_env(
        world.home / "miniconda3" / "envs" / "bio",
        python="3.11.7",
        packages=[("samtools", "1.19", "h0_0", "https://conda.anaconda.org/bioconda")],
        requested=["samtools"],
    )
    service = EnvService(world.host())
    text = service.export(service.find("bio"))
    assert "channels:\n  - bioconda\n  - conda-forge\ndependencies:\n" in text


def test_channels_are_named_as_the_condarc_names_them(world):
    """default_channels and migrated_channel_aliases from ~/.condarc name the exported channels."""
    world.home.mkdir(parents=True, exist_ok=True)
    (world.home / ".condarc").write_text(
        "default_channels:\n  - https://corp.example/main\n"
        "migrated_channel_aliases:\n  - https://old.example\n"
    )
    world.conda_env(
        world.home / "miniconda3" / "envs" / "corp",
        python="3.11.7",
        packages=[
            ("numpy", "1.26.4", "py311h0_0", "https://corp.example/main"),
            ("scipy", "1.11.4", "py311h0_0", "https://corp.example/main"),
            ("samtools", "1.19", "h0_0", "https://old.example/bioconda"),
        ],
        requested=["numpy", "scipy", "samtools"],
    )
    service = EnvService(world.host())
    text = service.export(service.find("corp"))
    assert "channels:\n  - defaults\n  - bioconda\n  - conda-forge\ndependencies:\n" in text


def test_records_from_pypi_are_exported_under_pip_as_conda_env_export_lists_them(world):
    """A conda record from conda's `pypi` channel (build pypi_0) is pip's: `pip:` with `==`, no channel."""
    world.conda_env(
        world.home / "miniconda3" / "envs" / "mixed",
        python="3.11.7",
        packages=[("numpy", "2.2.6", "pypi_0", "pypi"), ("scipy", "1.14.1", "py311h0_0", CONDA_FORGE)],
        requested=["numpy", "scipy"],
    )
    service = EnvService(world.host())
    env = service.find("mixed")
    text = service.export(env)
    assert "channels:\n  - conda-forge\n" in text and "pypi" not in text.split("dependencies:")[0]
    assert "  - scipy=1.14.1\n" in text and "  - pip:\n    - numpy==2.2.6\n" in text
    path = world.root / "environment.yml"
    path.write_text(text)
    assert service.drift(env, path).drift_count == 0


def test_an_exported_file_is_utf8_under_a_latin1_locale(world, tmp_path):
    """A server whose locale is Latin-1 still writes an environment.yml that conda and we read as UTF-8."""
    locales = tmp_path / "locales"
    locales.mkdir()
    command = ["localedef", "-i", "en_US", "-f", "ISO-8859-1", str(locales / "en_US.ISO-8859-1")]
    if not shutil.which("localedef") or subprocess.run(command, capture_output=True, timeout=60).returncode:
        pytest.skip("this machine cannot build a Latin-1 locale (localedef and its sources are missing)")
    target = world.root / "environment.yml"
    code = "import sys; from pathlib import Path; from jupyter_envpanel.core.drift.export import write_new; "
    code += "write_new(Path(sys.argv[1]), "  # ASCII: the child decodes its arguments as Latin-1
    code += "'name: caf\\u00e9\\ndependencies: []\\n')"
    # this checkout's code (and out of mutmut's tracing run, which a child cannot report to)
    env = dict(child_environ(), LOCPATH=str(locales), LC_ALL="en_US.ISO-8859-1", PYTHONUTF8="0")
    subprocess.run([sys.executable, "-c", code, str(target)], env=env, check=True, timeout=60)
    assert target.read_bytes() == "name: café\ndependencies: []\n".encode()
    assert parse_envfile(target).name == "café"


def test_a_python_the_user_asked_for_is_exported_once(world):
    """`conda create -n py python=3.11 numpy`: python is pinned once, among what was asked for."""
    world.conda_env(
        world.home / "miniconda3" / "envs" / "py",
        python="3.11.7",
        packages=[("numpy", "1.26.4", "py311h0_0", CONDA_FORGE)],
        requested=["python=3.11", "numpy"],
    )
    service = EnvService(world.host())
    text = service.export(service.find("py"))
    assert text.endswith("dependencies:\n  - numpy=1.26.4\n  - python=3.11.7\n")  # by name, once


WRITE_AS_NOBODY = r"""
import json, os, sys
from pathlib import Path
from jupyter_envpanel.core.drift.export import CannotWrite, write_new
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
try:
    write_new(Path(sys.argv[1]) / "environment.yml", "name: x\n")
    print(json.dumps({"uid": os.geteuid(), "written": True}))
except CannotWrite as err:
    print(json.dumps({"uid": os.geteuid(), "status": err.status, "message": str(err)}))
"""


@pytest.mark.skipif(not can_drop_to_nobody(), reason="running as root without the right to drop privileges")
def test_a_folder_the_user_may_not_write_to_is_a_403_not_a_bad_request(tmp_path):
    """Permission denied is the server's refusal (403), as a read-only file system is."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)  # root's and read-only: nobody (or this user) may not create a file in it
    try:
        out = child_json(WRITE_AS_NOBODY, str(folder))
    finally:
        folder.chmod(0o755)
    assert out["status"] == 403 and out["message"] == "cannot write environment.yml here: Permission denied"
