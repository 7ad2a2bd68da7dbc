"""A pixi manifest entry: the place of its key, and the spec pixi reads from its value."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.pixientry import Manifest, conda_spec, pypi_spec


def test_an_entry_of_an_inline_table_is_placed_at_its_nearest_written_key():
    m = Manifest(Path("pixi.toml"), "[feature.cuda]\ndependencies = { cudatoolkit = '12.*' }\n", ())
    assert m.where(("feature", "cuda", "dependencies", "cudatoolkit")) == (2, 1)
    assert m.where(("nowhere",)) == (1, 1)


@pytest.mark.parametrize(
    "value,spec",
    [
        ("1.8", "numpy ==1.8"),  # pixi's (py-rattler's) reading, not conda's fuzzy `1.8.*`
        (">=1.8,<2", "numpy >=1.8,<2"),
        ("1.8.*", "numpy 1.8.*"),
        ("*", "numpy *"),
        ({"version": "1.8"}, 'numpy[version="==1.8"]'),
        (
            {"version": ">=1", "build": "py3*", "channel": "conda-forge"},
            'conda-forge::numpy[version=">=1", build="py3*"]',
        ),
        (
            {"build-number": 2, "sha256": "ab" * 32},
            f'numpy[version="*", build_number="2", sha256="{"ab" * 32}"]',
        ),
        ({"path": "./numpy"}, None),
    ],
)
def test_conda_entries(value, spec):
    assert conda_spec(Manifest(Path("pixi.toml"), "", ()), "numpy", value, ("dependencies", "numpy")) == spec


@pytest.mark.parametrize(
    "value,raw,skip",
    [
        (">=2.31", "Requests>=2.31", None),
        ("*", "Requests", None),
        ({"version": "==2.31", "extras": ["socks"]}, "Requests[socks]==2.31", None),
        ({"path": ".", "editable": True}, "Requests '.'", "editable install cannot be checked offline"),
        ({"git": "https://github.com/psf/requests"}, None, "git dependency cannot be checked offline"),
        ({"url": "https://example.org/requests.whl"}, None, "url dependency cannot be checked offline"),
    ],
)
def test_pypi_entries(value, raw, skip):
    spec = pypi_spec(
        Manifest(Path("pixi.toml"), "", ()), "Requests", value, ("pypi-dependencies", "Requests")
    )
    assert (spec.name, spec.skip) == ("requests", skip)
    assert raw is None or spec.raw == raw


def test_a_bad_value_is_an_error_at_its_key():
    m = Manifest(Path("pixi.toml"), "[dependencies]\nnumpy = { version = 1 }\n", ())
    with pytest.raises(EnvFileError) as err:
        conda_spec(m, "numpy", {"version": 1}, ("dependencies", "numpy"))
    assert (err.value.line, err.value.column) == (
        2,
        1,
    ) and "`version` must be a version string" in err.value.detail
