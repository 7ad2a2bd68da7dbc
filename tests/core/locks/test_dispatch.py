"""Which reader a definition needs: by name, `.txt` by its `@EXPLICIT` line, pyproject.toml by its tables."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.locks.dispatch import is_explicit, kind_of, read_manifest
from jupyter_envpanel.core.requirements.target import Target


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("uv.lock", "", "lock"),
        ("pixi.lock", "", "lock"),
        ("poetry.lock", "", "lock"),
        ("Pipfile.lock", "", "lock"),
        ("conda-lock.yml", "", "lock"),
        ("linux-64.conda-lock.yml", "", "lock"),
        ("pyproject.toml", "", "manifest"),
        ("pixi.toml", "", "manifest"),
        ("Pipfile", "", "manifest"),
        ("spec.txt", "# made by conda\n\n@EXPLICIT\nhttps://x/linux-64/a-1-0.conda\n", "lock"),
        ("requirements.txt", "numpy\n@EXPLICIT\n", "requirements"),
        ("environment.yml", "", "envfile"),
        ("env.yaml", "", "envfile"),
    ],
)
def test_kinds(tmp_path, name, text, kind):
    path = tmp_path / name
    path.write_text(text)
    assert kind_of(path) == kind


def test_an_empty_or_comment_only_text_file_is_not_explicit(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("# only a comment\n\n")
    assert not is_explicit(path)


def test_a_pyproject_with_tool_pixi_is_read_as_pixi_reads_it_else_as_pep_621(tmp_path):
    target = Target("3.11.7", "linux-64")
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "p"\ndependencies = ["numpy>=1"]\n')
    assert [r.spec.raw for r in read_manifest(path, target).requirements] == ["numpy>=1"]
    path.write_text(
        '[project]\nname = "p"\ndependencies = []\n[tool.pixi.workspace]\nchannels = ["conda-forge"]\n'
        'platforms = ["linux-64"]\n[tool.pixi.dependencies]\npython = "3.11.*"\n'
    )
    found = read_manifest(path, target)
    assert [(r.source, r.name) for r in found.requirements] == [("conda", "python")]
    assert found.channels == ("conda-forge",)
