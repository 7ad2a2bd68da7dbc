"""The tests' own layout: they mirror the package, and no test module imports another for a helper.

The map is docs/testing.md's "Where tests live"; helpers live in tests/support/ (`support.*`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import REPO

TESTS = REPO / "tests"
CORE = REPO / "jupyter_envpanel" / "core"
#: The folders of tests/ and what each holds, as docs/testing.md's map names them.
FOLDERS = ("core", "server", "cli", "browser", "hub", "hostile", "repo", "support")
#: Test files of tests/core/ named for a question rather than a module, and why (keep this tiny).
NOT_A_MODULE = {
    "conda/test_conda_model_vectors.py": "conda's own model tests as a table (version, spec, channels)",
    "conda/test_conda_verdicts.py": "conda's own verdicts on MatchSpecs as a table (spec, channels)",
    "drift/test_export_roundtrip.py": "generated environments exported and read back (export, envfile)",
    "requirements/test_envfile_corpus.py": "a corpus of environment.yml files read as conda reads them",
    "locks/test_uv_agreement.py": "uv's own verdicts (uv sync --check, uv lock --check) against ours",
    "locks/test_conda_lock_agreement.py": "conda-lock's own writer and rendering against our readers",
    "locks/test_poetry_pipenv_verdicts.py": "poetry's and pipenv's own verdicts on generated projects",
}


def python_files() -> list[Path]:
    """Return every Python file under tests/ (tests, fixtures, helpers)."""
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


TEST_STEMS = {p.stem for p in python_files() if p.name.startswith("test_")} | {"conftest"}


def names_a_test_module(dotted: str) -> bool:
    """Return whether a dotted module name is, or reaches into, a test module or `tests.`."""
    parts = dotted.split(".")
    return parts[0] == "tests" or any(p in TEST_STEMS or p.startswith("test_") for p in parts)


def refused_imports(source: str) -> list[str]:
    """Return each import of this source that names a test module, as `line: statement`."""
    refused = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: a test module's sibling, never `support`
                refused.append(f"{node.lineno}: {ast.unparse(node)}")
                continue
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        if any(names_a_test_module(name) for name in names):
            refused.append(f"{node.lineno}: {ast.unparse(node)}")
    return refused


@pytest.mark.parametrize(
    "source",
    [
        "import test_handlers",
        "import tests.support.factory",
        "from tests.support.factory import World",
        "from test_handlers import make_envs",
        "from server.test_handlers import make_envs",
        "from server import test_handlers",
        "from . import test_handlers",
        "from .factory import World",
        "import conftest",
        "from conftest import ISOLATED_VARS",
        "def f():\n    import importlib\n    return importlib.import_module('test_handlers')",
    ],
)
def test_the_check_refuses_each_way_of_importing_a_test_module(source):
    assert refused_imports(source), source


@pytest.mark.parametrize(
    "source",
    ["from support.factory import World", "import support.server", "from support import REPO", "import yaml"],
)
def test_the_check_lets_helpers_come_from_support(source):
    assert refused_imports(source) == []


def test_no_test_module_imports_another_test_module():
    refused = {
        str(path.relative_to(REPO)): found
        for path in python_files()
        if (found := refused_imports(path.read_text(encoding="utf-8")))
    }
    assert refused == {}, "helpers belong in tests/support/ (imported as `support.*`)"


def test_every_core_test_file_is_named_for_a_module_of_its_group():
    unmatched = []
    for path in sorted(TESTS.glob("core/*/test_*.py")):
        group, name = path.parent.name, path.name.removeprefix("test_")
        if f"{group}/{path.name}" not in NOT_A_MODULE and not (CORE / group / name).is_file():
            unmatched.append(f"{path.relative_to(REPO)}: no jupyter_envpanel/core/{group}/{name}")
    assert unmatched == []
    assert not [p for p in TESTS.glob("core/*.py")], "tests/core/ holds group folders only"


def test_the_exceptions_name_files_that_exist_and_are_not_named_for_a_module():
    for relative in NOT_A_MODULE:
        group, name = relative.split("/")
        assert (TESTS / "core" / relative).is_file(), relative
        assert not (CORE / group / name.removeprefix("test_")).is_file(), f"{relative} is not an exception"


def test_no_test_file_is_left_at_the_top_of_tests():
    assert sorted(p.name for p in TESTS.glob("test_*.py")) == []


def test_every_folder_of_tests_is_on_the_map():
    folders = {p.parent.relative_to(TESTS).parts[0] for p in python_files() if p.parent != TESTS}
    assert folders == set(FOLDERS)
    where = (REPO / "docs" / "testing.md").read_text(encoding="utf-8").split("## Where tests live")[1]
    where = where.split("\n## ")[0]
    assert [f for f in FOLDERS if f"`tests/{f}/`" not in where] == []
