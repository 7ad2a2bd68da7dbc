"""The core stays pure: no tornado, no jupyter_server, no traitlets; modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jupyter_envpanel"
FORBIDDEN = ("tornado", "jupyter_server", "jupyter_client", "traitlets")


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("core/*.py")), ids=lambda p: p.name)
def test_core_imports_no_server_framework(module):
    tree = ast.parse(module.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
    bad = sorted(name for name in imported if name.split(".")[0] in FORBIDDEN)
    assert not bad, f"{module.name} imports {bad}"


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_modules_stay_small(module):
    assert len(module.read_text().splitlines()) <= 320, f"{module.name}: split it"
