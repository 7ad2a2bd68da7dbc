"""The house as docs/architecture.md draws it: groups, modules, one-way arrows, no cycle, a pure core."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from support import REPO

PACKAGE = REPO / "jupyter_envpanel"
CORE = PACKAGE / "core"
FORBIDDEN = ("tornado", "jupyter_server", "jupyter_client", "traitlets")
ROW = re.compile(r"^\| `(?P<group>\w+)` \| (?P<modules>[^|]+) \| (?P<imports>[^|]+) \|$", re.M)


def documented() -> dict[str, tuple[set[str], set[str] | None]]:
    """Return {group: (modules, groups it may import; None: every group)} from docs/architecture.md."""
    table = {}
    for row in ROW.finditer((REPO / "docs" / "architecture.md").read_text()):
        modules = set(re.findall(r"`(\w+)`", row.group("modules")))
        imports = row.group("imports").strip()
        table[row.group("group")] = (
            modules,
            None if imports == "every group" else set(re.findall(r"`(\w+)`", imports)),
        )
    return table


def module_name(path: Path) -> str:
    """Return a file's dotted module name."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if "labextension" not in p.parts}


def imports_of(path: Path) -> set[str]:
    """Return every module of the package that a file imports (at the top, in functions, for types)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names]
            found.update(n for n in names if n in MODULES)
            if target in MODULES and not any(n in MODULES for n in names):
                found.add(target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
    return found - {module}


def group_of(module: str) -> str | None:
    """Return the core group of a module (`jupyter_envpanel.core.GROUP.x`), None outside the core."""
    parts = module.split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "core" else None


def test_the_page_names_every_group_and_every_module():
    table = documented()
    groups = {p.name for p in CORE.iterdir() if (p / "__init__.py").is_file()}
    assert set(table) == groups
    for group, (modules, _) in table.items():
        actual = {p.stem for p in (CORE / group).glob("*.py") if p.stem != "__init__"}
        assert modules == actual, group
    assert {p.name for p in CORE.glob("*.py")} == {"__init__.py"}  # every module lives in a group


@pytest.mark.parametrize("group", sorted(documented()))
def test_a_group_says_what_it_owns_and_may_import(group):
    docstring = ast.get_docstring(ast.parse((CORE / group / "__init__.py").read_text())) or ""
    first = docstring.splitlines()[0] if docstring else ""
    assert "import" in first and len(first) <= 110, first


@pytest.mark.parametrize("group", sorted(documented()))
def test_arrows_go_one_way(group):
    """Each group imports only what the page allows; nothing of core imports the edge."""
    allowed = documented()[group][1]
    wrong = []
    for path in (CORE / group).glob("*.py"):
        for target in imports_of(path):
            other = group_of(target)
            if not target.startswith("jupyter_envpanel.core"):
                wrong.append(f"{path.name} -> {target} (the edge)")
            elif other not in (None, group) and allowed is not None and other not in allowed:
                wrong.append(f"{path.name} -> {target}")
    assert wrong == []


def test_no_group_imports_the_service():
    importers = sorted(
        module
        for module, path in MODULES.items()
        if group_of(module) not in (None, "service")
        and any(group_of(t) == "service" for t in imports_of(path))
    )
    assert importers == []


def test_no_import_cycle_anywhere_in_the_package():
    graph = {module: imports_of(path) for module, path in MODULES.items()}
    visiting, done, cycles = set(), set(), []

    def visit(module: str, trail: list[str]) -> None:
        if module in done:
            return
        if module in visiting:
            cycles.append(trail[trail.index(module) :] + [module])
            return
        visiting.add(module)
        for target in sorted(graph[module]):
            visit(target, [*trail, module])
        visiting.discard(module)
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_no_server_framework(module):
    imported = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
    assert not sorted(name for name in imported if name.split(".")[0] in FORBIDDEN)


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_readable(module):
    """A smoke alarm, not the guard (the arrows are): a module past 400 lines holds two concepts."""
    assert len(module.read_text().splitlines()) <= 400, f"{module.name}: split it by concept"


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_another_modules_private_names(module):
    """What two modules share has a public name in one place; `_name` stays its own module's."""
    private = []
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("jupyter_envpanel")
        ):
            private += [
                f"{node.lineno}: {ast.unparse(node)}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
    assert not private, f"{module_name(module)} imports private names: {private}"
