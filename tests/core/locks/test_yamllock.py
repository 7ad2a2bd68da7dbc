"""The entries of a YAML lock: the fast scan finds what composing the YAML finds, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.locks.pixi import read_pixi_lock
from jupyter_envpanel.core.locks.yamllock import (
    composed_entries,
    entries_of,
    list_key,
    read_lock,
    scanned_entries,
)
from jupyter_envpanel.core.requirements.target import Target

DATA = Path(__file__).parents[2] / "data" / "locks"
PIXI_V7 = """\
version: 7
platforms:
- name: linux-64
environments:
  default:
    channels:
    - url: https://conda.anaconda.org/conda-forge/
    packages:
      linux-64:
      - conda: https://conda.anaconda.org/conda-forge/linux-64/numpy-2.1.0-py312h1_0.conda
      - pypi: https://files.pythonhosted.org/packages/x/requests-2.32.3-py3-none-any.whl
packages:
- conda: https://conda.anaconda.org/conda-forge/linux-64/numpy-2.1.0-py312h1_0.conda
  sha256: 73dd0baf8e5438da8816254a073ee43b61f8b2cdef6f393e0059cdbc55cb8d9c
  md5: 2ea9510c37f7f89e4941ff75f62f21cb
  depends:
  - python >=3.12,<3.13.0a0
  - libblas >=3.9.0,<4.0a0
- pypi: https://files.pythonhosted.org/packages/x/requests-2.32.3-py3-none-any.whl
  name: requests
  version: '2.32.3'
  requires_dist:
  - charset-normalizer<4,>=2 # a comment
  requires_python: '>=3.8'
"""


@pytest.mark.parametrize(
    "text",
    [
        PIXI_V7,
        (DATA / "pixi-v5.lock").read_text(),
        (DATA / "conda-lock.yml").read_text(),
    ],
    ids=["pixi-v7", "pixi-v5", "conda-lock"],
)
def test_the_scan_finds_what_composing_finds(text):
    key = list_key(text)
    scanned = scanned_entries(text, key)
    composed = composed_entries(Path("lock"), text, key)
    assert scanned is not None and len(scanned) > 1
    assert [(line, column) for line, column, _ in scanned] == [(line, column) for line, column, _ in composed]
    for (_, _, mine), (_, _, theirs) in zip(scanned, composed, strict=True):
        assert {k: v for k, v in mine.items() if k in theirs} == theirs


@pytest.mark.parametrize(
    "entry",
    [
        "- {conda: https://c.org/linux-64/a-1-h0_0.conda}\n",  # flow style
        '- conda: "https://c.org/linux-64/a-1-h0_0.conda\\u0041"\n',  # an escape
        "- conda: &u https://c.org/linux-64/a-1-h0_0.conda\n",  # an anchor
        "- https://c.org/linux-64/a-1-h0_0.conda\n",  # not a mapping
        "- conda: >\n    https://c.org/linux-64/a-1-h0_0.conda\n",  # a folded scalar
    ],
)
def test_the_scan_steps_aside_for_what_only_a_parser_reads(entry):
    assert scanned_entries("version: 6\npackages:\n" + entry, "packages") is None


def test_entries_are_composed_when_the_scan_misses_a_package(tmp_path):
    text = PIXI_V7.replace("  - libblas >=3.9.0,<4.0a0\n", "")
    wanted = {"https://conda.anaconda.org/conda-forge/linux-64/numpy-2.1.0-py312h1_0.conda", "elsewhere"}
    assert entries_of(tmp_path / "pixi.lock", text, "packages", wanted) == composed_entries(
        tmp_path / "pixi.lock", text, "packages"
    )


def test_a_file_py_rattler_refuses_is_located_when_composing_can(tmp_path):
    path = tmp_path / "pixi.lock"
    path.write_text(PIXI_V7.replace("  md5: 2ea9510c37f7f89e4941ff75f62f21cb", "  md5: {a: 1}"))
    with pytest.raises(EnvFileError) as err:
        read_lock(path)
    assert (err.value.line, err.value.column, err.value.detail) == (
        15,
        8,
        "`md5` must be a string, not a list or mapping",
    )
    path.write_text(PIXI_V7.replace("version: '2.32.3'", "version: 'not a version!'"))
    with pytest.raises(EnvFileError) as err:
        read_lock(path)
    assert err.value.line is None and err.value.detail.startswith("py-rattler cannot read it: ")


def test_a_lock_in_flow_style_is_read_and_placed_by_composing(tmp_path):
    numpy = "https://conda.anaconda.org/conda-forge/linux-64/numpy-2.1.0-py312h1_0.conda"
    wheel = "https://files.pythonhosted.org/packages/x/requests-2.32.3-py3-none-any.whl"
    head = PIXI_V7.split("packages:\n- conda")[0]
    text = head + f"packages:\n- {{conda: '{numpy}', sha256: {'ab' * 32}}}\n"
    text += f"- {{pypi: '{wheel}', name: requests, version: '2.32.3'}}\n"
    path = tmp_path / "pixi.lock"
    path.write_text(text)
    assert scanned_entries(text, "packages") is None
    got = [(p.name, p.line, p.column) for p in read_pixi_lock(path, Target("3.12", "linux-64")).packages]
    assert got == [("numpy", 13, 3), ("requests", 14, 3)]
