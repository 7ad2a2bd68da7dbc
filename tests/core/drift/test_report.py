"""Drift verdicts, table-driven: conda MatchSpec semantics and PEP 440, on real prefixes."""

from __future__ import annotations

import pytest
from support.factory import CONDA_FORGE, MAIN

from jupyter_envpanel.core.drift.report import check
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.envfile import parse_envfile

R = "https://repo.anaconda.com/pkgs/r"
PYTORCH = "https://conda.anaconda.org/pytorch"

# (spec, installed record (name, version, build, channel, subdir, build_number) or None, status)
CONDA_CASES = [
    ("python=3.1", None, "mismatch"),  # python 3.11.7 is installed: 3.1.* does not match 3.11.7
    ("python=3.11", None, "ok"),
    ("python 3.11.*", None, "ok"),
    ("python >=3.9", None, "ok"),
    ("python=3.12", None, "mismatch"),
    ("numpy 1.26", ("numpy", "1.26.4"), "mismatch"),  # bare version is exact
    ("numpy=1.26", ("numpy", "1.26.4"), "ok"),  # single = is fuzzy: 1.26.*
    ("numpy==1.26", ("numpy", "1.26.4"), "mismatch"),
    ("numpy==1.26", ("numpy", "1.26.0"), "ok"),  # 1.26 == 1.26.0 in conda's ordering
    ("numpy>=1.26", ("numpy", "1.24.4"), "mismatch"),
    ("numpy>=1.26", ("numpy", "1.26.4"), "ok"),
    ("numpy >=1.2,<2", ("numpy", "2.0.0"), "mismatch"),
    ("numpy >=1.2,<2|==2.1", ("numpy", "2.1"), "ok"),
    ("numpy 1.26.*", ("numpy", "1.26.4"), "ok"),
    ("numpy !=1.26.4", ("numpy", "1.26.4"), "mismatch"),
    ("numpy ~=1.26.0", ("numpy", "1.26.4"), "ok"),
    ("numpy ~=1.26.0", ("numpy", "1.27.0"), "mismatch"),
    ("numpy >1.26.4", ("numpy", "1.26.4rc1"), "mismatch"),  # rc sorts before the release
    ("numpy <1.26.4", ("numpy", "1.26.4rc1"), "ok"),
    ("numpy", ("numpy", "0.0.1"), "ok"),
    ("numpy", None, "missing"),
    ("numpy=1.26.4=py311h0_0", ("numpy", "1.26.4", "py311h0_0"), "ok"),
    ("numpy=1.26.4=py311*", ("numpy", "1.26.4", "py311h0_0"), "ok"),
    ("numpy=1.26=py311*", ("numpy", "1.26.4", "py311h0_0"), "mismatch"),  # with a build, =1.26 is exact
    ("numpy=1.26.4=py310*", ("numpy", "1.26.4", "py311h0_0"), "mismatch"),
    ("numpy * py311*", ("numpy", "1.26.4", "py311h0_0"), "ok"),
    ("numpy 1.26.4 *_1", ("numpy", "1.26.4", "py311h0_0"), "mismatch"),
    ("libblas=*=*mkl", ("libblas", "3.9.0", "20_linux64_mkl"), "ok"),
    ("libblas=*=*mkl", ("libblas", "3.9.0", "20_linux64_openblas"), "mismatch"),
    ("numpy[build_number=3]", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE, "linux-64", 0), "mismatch"),
    ("numpy[build_number=3]", ("numpy", "1.26.4", "py311h0_3", CONDA_FORGE, "linux-64", 3), "ok"),
    ("numpy[version='>=1.20']", ("numpy", "1.26.4"), "ok"),
    ("numpy[version='>=1.27']", ("numpy", "1.26.4"), "mismatch"),
    ("openssl>=3", ("openssl", "3.0.13"), "ok"),
    ("conda-forge::numpy", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE), "ok"),
    ("conda-forge::numpy", ("numpy", "1.26.4", "py311h0_0", MAIN), "mismatch"),
    ("defaults::numpy", ("numpy", "1.26.4", "py311h0_0", MAIN), "ok"),
    ("defaults::r-base", ("r-base", "4.3.1", "h0_0", R), "ok"),
    ("defaults::numpy", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE), "mismatch"),
    ("defaults::numpy", ("numpy", "1.26.4", "py311h0_0", "https://repo.anaconda.com/pkgs/free"), "mismatch"),
    ("defaults::numpy", ("numpy", "1.26.4", "py311h0_0", "https://repo.anaconda.com/pkgs/msys2"), "mismatch"),
    ("pkgs/main::numpy", ("numpy", "1.26.4", "py311h0_0", MAIN), "ok"),
    ("https://conda.anaconda.org/conda-forge::numpy", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE), "ok"),
    ("conda-forge/linux-64::numpy", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE, "linux-64"), "ok"),
    ("conda-forge/noarch::numpy", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE, "linux-64"), "mismatch"),
    ("pytorch::pytorch", ("pytorch", "2.3.0", "py3.11_cpu_0", CONDA_FORGE), "mismatch"),
    ("pytorch::pytorch>=2", ("pytorch", "2.3.0", "py3.11_cpu_0", PYTORCH), "ok"),
    ("numpy[channel=conda-forge]", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE), "ok"),
    ("conda-forge::numpy>=2", ("numpy", "1.26.4", "py311h0_0", CONDA_FORGE), "mismatch"),
    ("numpy >=1.2, <2", ("numpy", "1.26.4"), "ok"),  # spaces inside a version spec are dropped
    ("pkgs/main/linux-64::numpy", ("numpy", "1.26.4", "py311h0_0", MAIN, "linux-64"), "ok"),
    ("pkgs/main/osx-arm64::numpy", ("numpy", "1.26.4", "py311h0_0", MAIN, "linux-64"), "mismatch"),
    (f"{MAIN}/osx-arm64::numpy", ("numpy", "1.26.4", "py311h0_0", MAIN, "linux-64"), "mismatch"),
    (f"{MAIN}/linux-64::numpy", ("numpy", "1.26.4", "py311h0_0", MAIN, "linux-64"), "ok"),
]

# (pip line, installed distribution (name, version) or None, status)
PIP_CASES = [
    ("numpy>=1.26", ("numpy", "1.26.4"), "ok"),
    ("numpy>=1.27", ("numpy", "1.26.4"), "mismatch"),
    ("Typing_Extensions>=4", ("typing-extensions", "4.12.2"), "ok"),
    ("typing.extensions==4.12.2", ("typing_extensions", "4.12.2"), "ok"),
    ("requests[socks]>=2", ("requests", "2.32.3"), "ok"),
    ("requests<2", ("requests", "2.32.3"), "mismatch"),
    ("requests==2.32.*", ("requests", "2.32.3"), "ok"),
    ("requests~=2.31", ("requests", "2.32.3"), "ok"),
    ("requests~=2.31.0", ("requests", "2.32.3"), "mismatch"),
    ("requests!=2.32.3", ("requests", "2.32.3"), "mismatch"),
    ("requests>=1.0", ("requests", "3.0rc1"), "ok"),  # an installed pre-release is accepted
    ("requests", None, "missing"),
    ("foo; python_version < '3'", None, "skipped"),
    ("foo; python_version >= '3.8'", ("foo", "1.0"), "ok"),
    ("-e .", None, "skipped"),
    ("--index-url https://example.invalid/simple", None, "skipped"),
    ("git+https://example.invalid/x/y.git", None, "skipped"),
    ("pkg @ https://example.invalid/pkg-1.0-py3-none-any.whl", None, "skipped"),
    ("./local/path", None, "skipped"),
]


def drift_of(world, yml: str, packages=(), pip=(), python="3.11.7"):
    prefix = world.conda_env(world.base / "env", packages=packages, pip=pip, python=python)
    path = world.root / "environment.yml"
    path.write_text(yml)
    inv = read_inventory(prefix, "conda", python)
    return check({"name": "env", "prefix": str(prefix)}, parse_envfile(path), inv)


@pytest.mark.parametrize(
    "spec,installed,status", CONDA_CASES, ids=[c[0] + "|" + str(c[1] and c[1][1:3]) for c in CONDA_CASES]
)
def test_conda_verdicts(world, spec, installed, status):
    report = drift_of(world, f'dependencies:\n  - "{spec}"\n', packages=[installed] if installed else [])
    [item] = report.requirements
    assert item.status == status, item.reason
    assert item.line == 2 and item.column == 5


@pytest.mark.parametrize("line,installed,status", PIP_CASES, ids=[c[0] for c in PIP_CASES])
def test_pip_verdicts(world, line, installed, status):
    pip = [(installed[0], installed[1], False)] if installed else []
    report = drift_of(world, f'dependencies:\n  - pip:\n    - "{line}"\n', pip=pip)
    [item] = report.requirements
    assert item.status == status, item.reason
    assert item.source == "pip" and item.line == 3
    assert item.spec == line  # the report shows the entry as the file says it


def test_reasons_read_like_sentences(world):
    report = drift_of(
        world,
        "dependencies:\n  - numpy>=1.26\n  - pytorch::pytorch\n  - scipy\n",
        packages=[("numpy", "1.24.4"), ("pytorch", "2.3.0", "cpu_0", CONDA_FORGE)],
    )
    reasons = {r.name: r.reason for r in report.requirements}
    assert reasons["numpy"] == "1.24.4 does not satisfy >=1.26"
    assert reasons["pytorch"] == "installed from conda-forge, spec asks for pytorch"
    assert reasons["scipy"] == "not installed"
    assert report.summary == {"ok": 0, "missing": 1, "mismatch": 2, "skipped": 0, "unrequested": 0}
    assert report.in_sync is False


def test_marker_uses_the_environments_python_not_the_servers(world):
    yml = "dependencies:\n  - pip:\n    - \"tomli; python_version < '3.11'\"\n"
    report = drift_of(world, yml, pip=[("tomli", "2.0.1", False)], python="3.10.14")
    assert report.requirements[0].status == "ok"
    report = drift_of(world, yml, pip=[], python="3.12.1")
    assert report.requirements[0].status == "skipped" and "3.12.1" in report.requirements[0].reason


def test_unrequested_from_history_and_requested_marker(world):
    prefix = world.conda_env(
        world.base / "env",
        packages=["numpy=1.26.4", "seaborn=0.13.2", "pandas=2.2.0"],
        requested=["python=3.11", "numpy", "seaborn", "pandas"],
        removed=["pandas"],
        pip=[("rich", "13.7.0", True), ("idna", "3.7", False)],
    )
    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - python=3.11\n  - numpy\n")
    report = check({}, parse_envfile(path), read_inventory(prefix, "conda", "3.11.7"))
    assert [(p.name, p.version, p.source) for p in report.unrequested] == [
        ("seaborn", "0.13.2", "conda"),
        ("rich", "13.7.0", "pip"),
    ]
    assert report.in_sync and report.drifted(strict=True) and not report.drifted()


@pytest.mark.parametrize(
    "entry, status, reason",
    [
        ("rich", "ok", "installed by pip, not conda"),
        ("rich>=13", "ok", "installed by pip, not conda"),
        ("rich>=14", "mismatch", "installed by pip, not conda; 13.7.0 does not satisfy >=14"),
        ("conda-forge::rich", "mismatch", "installed by pip, not conda; installed from pypi"),
        ("rich=13.7.0=py_0", "mismatch", "installed by pip, not conda; build pypi_0 does not match py_0"),
    ],
)
def test_conda_entry_installed_only_by_pip_is_judged_as_conda_compare_judges_it(world, entry, status, reason):
    """`conda compare` counts pip's packages as records from `pypi` (build pypi_0): so do we, and say so."""
    yml = f"dependencies:\n  - {entry}\n  - pip:\n    - rich\n"  # listed in both sections, as real files do
    report = drift_of(world, yml, pip=[("rich", "13.7.0", True)])
    item = report.requirements[0]
    assert (item.status, item.installed) == (status, "13.7.0") and item.reason.startswith(reason)
    assert report.requirements[1].status == "ok"


def test_pip_entry_satisfied_by_a_conda_installed_distribution(world):
    prefix = world.conda_env(world.base / "env", python_dists=[("numpy", "1.26.4")])
    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - pip:\n    - numpy>=1.26\n")
    inv = read_inventory(prefix, "conda", "3.11.7")
    assert inv.pip["numpy"].installer == "conda"
    assert check({}, parse_envfile(path), inv).requirements[0].status == "ok"


def test_venv_checks_conda_entries_against_distributions(world):
    prefix = world.venv(
        world.base / "venv", dists=[("numpy", "1.26.4", True), ("Typing_Extensions", "4.12.2", False)]
    )
    path = world.root / "environment.yml"
    path.write_text(
        "dependencies:\n  - python>=3.8\n  - numpy=1.26\n  - typing_extensions>=5\n"
        "  - scipy\n  - conda-forge::numpy\n"
    )
    inv = read_inventory(prefix, "venv", None)
    statuses = [r.status for r in check({}, parse_envfile(path), inv).requirements]
    assert statuses == ["ok", "ok", "mismatch", "missing", "ok"]


def test_seeded_pip_and_setuptools_are_not_unrequested(world):
    prefix = world.venv(world.base / "venv", dists=[("pip", "24.0", True), ("setuptools", "69.0", True)])
    path = world.root / "environment.yml"
    path.write_text("dependencies: []\n")
    assert check({}, parse_envfile(path), read_inventory(prefix, "venv", None)).unrequested == ()


def test_requirements_file_is_followed_relative_to_the_yml(world):
    (world.root / "sub").mkdir()
    (world.root / "sub" / "requirements.txt").write_text("# pinned\nrich==13.7.0  # console\n-r more.txt\n")
    (world.root / "sub" / "more.txt").write_text("idna>=4\n")
    prefix = world.conda_env(world.base / "env", pip=[("rich", "13.7.0", False), ("idna", "3.7", False)])
    path = world.root / "sub" / "environment.yml"
    path.write_text("dependencies:\n  - pip:\n    - -r requirements.txt\n")
    report = check({}, parse_envfile(path), read_inventory(prefix, "conda", "3.11.7"))
    got = [
        (r.name, r.status, r.line, r.file.endswith(f))
        for r, f in zip(report.requirements, ["requirements.txt", "more.txt"], strict=True)
    ]
    assert got == [("rich", "ok", 2, True), ("idna", "mismatch", 1, True)]


def test_corrupt_record_is_a_warning_not_a_crash(world):
    prefix = world.conda_env(world.base / "env", packages=["numpy=1.26.4"])
    (prefix / "conda-meta" / "broken-1.0-0.json").write_text("{oops")
    inv = read_inventory(prefix, "conda", "3.11.7")
    assert "numpy" in inv.conda and any("broken-1.0-0.json" in w for w in inv.warnings)


def test_pip_extras_need_their_dependencies(world):
    prefix = world.conda_env(world.base / "env", pip=[("requests", "2.32.3", True)])
    site = prefix / "lib" / "python3.11" / "site-packages"
    metadata = next(site.glob("requests-*.dist-info")) / "METADATA"
    metadata.write_text(
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\nProvides-Extra: socks\n"
        'Requires-Dist: idna<4,>=2.5\nRequires-Dist: PySocks!=1.5.7,>=1.5.6; extra == "socks"\n\nbody\n'
    )
    from jupyter_envpanel.core.service import EnvService

    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - pip:\n    - requests[socks]>=2\n    - requests>=2\n")
    service = EnvService(world.host())
    env = service.find(str(prefix), allow_any_prefix=True)
    first, second = service.drift(env, path).requirements
    assert (first.status, first.reason) == ("mismatch", "extra [socks] needs PySocks, not installed")
    assert second.status == "ok"
    from support.factory import write_dist

    write_dist(site, "PySocks", "1.7.1")
    service.refresh()
    assert service.drift(env, path).requirements[0].status == "ok"


def test_venv_conda_entry_says_what_pip_cannot_check(world):
    """In a venv a conda entry is judged by version only; the reason names the fields left unchecked."""
    prefix = world.venv(world.base / "venv", dists=[("numpy", "1.26.4", True)])
    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - conda-forge::numpy>=1.26\n  - numpy=1.26.4=py311*\n  - numpy>=1.2\n")
    report = check({}, parse_envfile(path), read_inventory(prefix, "venv", None))
    assert [(r.status, r.reason) for r in report.requirements] == [
        ("ok", "1.26.4 installed by pip; channel not checked"),
        ("ok", "1.26.4 installed by pip; build not checked"),
        ("ok", ""),
    ]


def test_unrequested_in_the_json_report_and_as_pinned_yaml(world):
    """The report lists hand-installed packages with versions and pins them as valid YAML lines."""
    prefix = world.conda_env(
        world.base / "env",
        packages=["seaborn=0.13.2"],
        requested=["seaborn"],
        pip=[("rich", "13.7.0", True), ("legacy", "1.0 beta", True)],
    )
    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - python=3.11\n")
    report = check({}, parse_envfile(path), read_inventory(prefix, "conda", "3.11.7")).to_json()
    assert report["unrequested"] == [
        {"name": "seaborn", "version": "0.13.2", "source": "conda"},
        {"name": "legacy", "version": "1.0 beta", "source": "pip"},
        {"name": "rich", "version": "13.7.0", "source": "pip"},
    ]
    assert report["unrequested_yaml"].splitlines() == [
        "  - seaborn=0.13.2",
        "  - pip:",
        "    - rich==13.7.0",
        "  # left out: 1 packages whose name or version is no valid spec",  # `1.0 beta`: no PEP 440
    ]


def test_a_direct_reference_names_its_package_so_it_is_not_unrequested(world):
    """`rich @ URL` cannot be checked offline, but it lists rich: a hand-installed rich is not unrequested."""
    yml = "dependencies:\n  - pip:\n    - rich @ https://example.invalid/rich-13.7.0-py3-none-any.whl\n"
    report = drift_of(world, yml, pip=[("rich", "13.7.0", True)])
    [item] = report.requirements
    assert (item.name, item.status) == ("rich", "skipped")
    assert report.unrequested == ()


def test_a_channel_spec_against_a_record_of_no_named_channel_says_so(world):
    """A record from the bare alias location (no channel in its URL) fails `conda-forge::`, saying so."""
    prefix = world.conda_env(
        world.base / "env", packages=[("tool", "1.0", "h0_0", "https://conda.anaconda.org")]
    )
    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - conda-forge::tool\n")
    [item] = check({}, parse_envfile(path), read_inventory(prefix, "conda", "3.11.7")).requirements
    assert (item.status, item.reason) == (
        "mismatch",
        "installed from an unknown channel, spec asks for conda-forge",
    )


def test_a_pip_entry_that_is_not_installed_says_so(world):
    report = drift_of(world, "dependencies:\n  - pip:\n    - rich>=13\n")
    [item] = report.requirements
    assert (item.status, item.reason) == ("missing", "not installed")


def test_a_channel_under_home_is_the_folder_conda_installed_from(world):
    """`~/chan::tool` is `file://$HOME/chan`, as conda expands it: the record from there is ok."""
    from jupyter_envpanel.core.service import EnvService

    world.conda_env(
        world.home / "miniconda3" / "envs" / "local",
        python="3.11.7",
        packages=[("tool", "1.0", "h0_0", f"file://{world.home}/chan")],
        requested=["~/chan::tool"],
    )
    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - ~/chan::tool\n")
    service = EnvService(world.host())
    report = service.drift(service.find("local"), path)
    [item] = [r for r in report.requirements if r.name == "tool"]
    assert (item.status, item.reason) == ("ok", "")
