"""Read the questions conda's model tests ask of conda, from their source, with `ast`.

A small evaluator walks each test function: it binds assignments, `for` loops over literal
sequences, comprehensions and `pytest.mark.parametrize` lists, follows `VersionOrder`,
`VersionSpec`, `ver_eval`, `MatchSpec` (and the tests' `m`, `cb_form`, `_parse_spec_str`),
`Channel`, `ChannelMatch`, `Dist` and the `DPkg` record helper, and records each literal question:

- version: a version string (`VersionOrder(v)`)      - order: two versions (`==`, `!=`, sorted lists)
- startswith: a version and a prefix                 - version_spec: a version spec (`VersionSpec(s)`)
- version_match: a spec and a version (`ver_eval`, `VersionSpec(s).match(v)`)
- matchspec: a MatchSpec string (its fields)         - spec_match: a MatchSpec and a record
- channel: a channel value (`Channel(x)`)            - channel_match: `ChannelMatch(a).match(b)`

The settings a test runs under (its fixtures' condarc text, `monkeypatch.setenv("CONDA_...")`)
are read too. Questions built from run-time values (temporary paths) cannot be asked and are
listed with the reason.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import yaml

FILES = ("test_version.py", "test_match_spec.py", "test_channel.py")
#: Fixtures defined outside the test modules (conda/testing/fixtures.py): what each sets.
EXTERNAL_FIXTURES = {"solver_rattler": {"env": {"CONDA_SOLVER": "rattler"}}}
HELPERS = ("DPkg",)  # record builders of test_match_spec.py, run by the conda side as written
UNKNOWN = object()
SPEC_CALLS = ("MatchSpec", "m", "cb_form", "_parse_spec_str")


class Obj:
    """A model object the test built from known values: its kind and the value it came from."""

    def __init__(self, kind: str, value: Any) -> None:
        self.kind, self.value = kind, value


def known(*values: Any) -> bool:
    """Return whether every value is known."""
    return all(v is not UNKNOWN for v in values)


class Reader:
    """Collect the questions of one test module."""

    def __init__(self, tree: ast.Module, file: str) -> None:
        self.file, self.questions, self.skipped = file, [], []
        self.fixtures: dict[str, dict] = dict(EXTERNAL_FIXTURES)
        self.funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        for fn in self.funcs:
            if any("fixture" in ast.unparse(d) for d in fn.decorator_list):
                self.fixtures[fn.name] = self.fixture_settings(fn)
        self.func, self.settings, self.seen, self.bad_setting = "", {}, set(), ""
        self.settings_name = ""

    def fixture_settings(self, fn: ast.FunctionDef) -> dict:
        """Return the settings a fixture sets: its condarc text and the fixtures it uses."""
        settings: dict = {}
        for arg in fn.args.args:
            merge(settings, self.fixtures.get(arg.arg, {}))
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "dals":
                merge(settings, {"condarc": yaml.safe_load(node.args[0].value)})
        return settings

    def run(self) -> None:
        """Read every test function."""
        for fn in self.funcs:
            if fn.name.startswith("test_"):
                self.test(fn)

    def test(self, fn: ast.FunctionDef) -> None:
        """Read one test function under each of its parameter sets."""
        self.func, self.settings, before = fn.name, {}, len(self.questions)
        self.settings_name = "+".join(a.arg for a in fn.args.args if self.fixtures.get(a.arg))
        for arg in fn.args.args:
            merge(self.settings, self.fixtures.get(arg.arg, {}))
        self.bad_setting = ""
        for env in self.parameter_sets(fn):
            self.block(fn.body, env)
        if self.bad_setting:
            del self.questions[before:]
            self.skip(f"sets {self.bad_setting} to a run-time value (a temporary folder)")
        elif len(self.questions) == before:
            self.skip(
                "asks nothing of a literal string (keyword-built specs, merges, priorities or urls only)"
            )

    def skip(self, reason: str) -> None:
        """List a test function whose questions are not in the table, with the reason."""
        self.skipped.append({"source": f"{self.file}::{self.func}", "reason": reason})

    def parameter_sets(self, fn: ast.FunctionDef) -> list[dict]:
        """Return one binding per combination of the function's parametrize lists."""
        sets: list[dict] = [{}]
        for deco in fn.decorator_list:
            if not (isinstance(deco, ast.Call) and ast.unparse(deco.func).endswith("parametrize")):
                continue
            names = [n.strip() for n in self.ev(deco.args[0], {}).split(",")]
            values = self.ev(deco.args[1], {})
            combos = []
            for value in values if isinstance(values, (list, tuple)) else []:
                if isinstance(value, Obj) and value.kind == "param":
                    value = value.value
                elif len(names) == 1:
                    value = (value,)
                combos += [{**s, **dict(zip(names, value, strict=False))} for s in sets]
            sets = combos
        return sets

    def ask(self, kind: str, **question: Any) -> None:
        """Record a question once per test function (with the settings it runs under)."""
        if not all(isinstance(v, (str, dict)) for v in question.values()):
            return
        key = json.dumps([kind, question], sort_keys=True)
        if (self.func, key) in self.seen:
            return
        self.seen.add((self.func, key))
        row = {"source": f"{self.file}::{self.func}", "kind": kind, "input": question}
        if self.settings:
            row["settings"], row["settings_name"] = self.settings, self.settings_name
        self.questions.append(row)

    def block(self, body: list[ast.stmt], env: dict) -> None:
        """Run statements, binding names in env."""
        for stmt in body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                value = self.ev(stmt.value, env)
                for target in getattr(stmt, "targets", [getattr(stmt, "target", None)]):
                    bind(target, value, env)
            elif isinstance(stmt, ast.For):
                self.loop(stmt.target, stmt.iter, env, lambda e, s=stmt: self.block(s.body, e))
            elif isinstance(stmt, ast.FunctionDef):
                self.block(stmt.body, env)  # a local helper (e.g. a benchmarked run()): its questions count
            elif isinstance(stmt, (ast.With, ast.If, ast.Try)):
                for item in getattr(stmt, "items", []):
                    self.ev(item.context_expr, env)
                for part in ("test",):
                    if hasattr(stmt, part):
                        self.ev(getattr(stmt, part), env)
                for part in ("body", "orelse", "finalbody"):
                    self.block(getattr(stmt, part, []), env)
                for handler in getattr(stmt, "handlers", []):
                    self.block(handler.body, env)
            elif isinstance(stmt, (ast.Expr, ast.Return)) and stmt.value is not None:
                self.ev(stmt.value, env)
            elif isinstance(stmt, ast.Assert):
                self.ev(stmt.test, env)

    def loop(self, target: ast.expr, it: ast.expr, env: dict, body) -> list[Any]:
        """Run body once per item of a known sequence (once with unknown names otherwise)."""
        items = self.ev(it, env)
        items = items if isinstance(items, (list, tuple)) else [UNKNOWN]
        results = []
        for item in items:
            inner = dict(env)
            bind(target, item, inner)
            results.append(body(inner))
        return results

    def ev(self, node: ast.expr | None, env: dict) -> Any:  # noqa: C901 - one dispatch
        """Evaluate an expression as far as its values are known, recording questions."""
        if node is None:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.Tuple, ast.List)):
            items = [self.ev(e, env) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Dict):
            out: dict[Any, Any] = {}
            for k, v in zip(node.keys, node.values, strict=True):
                value = self.ev(v, env)
                if k is None and isinstance(value, dict):
                    out.update(value)
                else:
                    out[self.ev(k, env)] = value
            return out if all(isinstance(k, str) and known(v) for k, v in out.items()) else UNKNOWN
        if isinstance(node, ast.Name):
            return env.get(node.id, UNKNOWN)
        if isinstance(node, ast.JoinedStr):
            parts = [self.ev(v.value if isinstance(v, ast.FormattedValue) else v, env) for v in node.values]
            return "".join(parts) if all(isinstance(p, str) for p in parts) else UNKNOWN
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)) and len(node.generators) == 1:
            gen = node.generators[0]
            return self.loop(gen.target, gen.iter, env, lambda e: self.ev(node.elt, e))
        if isinstance(node, ast.Call):
            return self.call(node, env)
        if isinstance(node, ast.Compare):
            return self.compare(node, env)
        if isinstance(node, ast.IfExp):
            test = self.ev(node.test, env)
            return UNKNOWN if not isinstance(test, bool) else self.ev(node.body if test else node.orelse, env)
        if isinstance(node, ast.Lambda):
            return UNKNOWN
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.ev(child, env)
        return UNKNOWN

    def call(self, node: ast.Call, env: dict) -> Any:  # noqa: C901 - one dispatch
        """Evaluate a call: the model constructors and methods whose questions are recorded."""
        args = [self.ev(a, env) for a in node.args]
        kwargs = {k.arg: self.ev(k.value, env) for k in node.keywords}
        name = ast.unparse(node.func)
        first = args[0] if args else UNKNOWN
        if isinstance(node.func, ast.Name) and node.func.id in env:
            return UNKNOWN  # a local variable, not the module's function
        if name == "monkeypatch.setenv":
            if isinstance(first, str) and isinstance(args[1], str):
                merge(
                    self.settings, {"env": {first: args[1]}}
                )  # set before the questions, as reset_context follows
                self.settings_name = self.func
            else:
                self.bad_setting = ast.unparse(node.args[0])
        if name in ("VersionOrder", "normalized_version"):
            self.ask("version", version=first)
            return Obj("VersionOrder", first)
        if name == "VersionSpec":
            if isinstance(first, Obj):
                return first
            self.ask("version_spec", spec=first)
            return Obj("VersionSpec", first)
        if name == "ver_eval" and len(args) == 2:
            self.ask("version_match", spec=args[1], version=args[0])
        elif name in SPEC_CALLS and isinstance(first, str) and not kwargs:
            self.ask("matchspec", spec=first)
            return Obj("MatchSpec", first)
        elif name == "Channel" and isinstance(first, str) and not kwargs:
            self.ask("channel", channel=first)
        elif name == "ChannelMatch" and isinstance(first, str):
            return Obj("ChannelMatch", first)
        elif name == "Dist" and isinstance(first, str):
            return Obj("Dist", first)
        elif name == "DPkg":
            dist = first.value if isinstance(first, Obj) and first.kind == "Dist" else first
            if isinstance(dist, str) and known(*kwargs.values()):
                return Obj("record", {"dist": dist, "kwargs": kwargs} if kwargs else {"dist": dist})
        elif name == "copy":
            return first
        elif name == "sorted":
            return Obj("sorted", first)
        elif name == "pytest.param":
            return Obj("param", tuple(args))
        elif isinstance(node.func, ast.Attribute):
            obj = self.ev(node.func.value, env)
            if node.func.attr == "join" and isinstance(obj, str) and isinstance(first, (list, tuple)):
                return obj.join(first) if all(isinstance(x, str) for x in first) else UNKNOWN
            return self.method(node.func.attr, obj, first)
        return UNKNOWN

    def method(self, attr: str, obj: Any, arg: Any) -> Any:
        """Record the question a model method call asks."""
        if not isinstance(obj, Obj):
            return UNKNOWN
        if attr == "match" and obj.kind == "VersionSpec":
            self.ask("version_match", spec=obj.value, version=arg)
        elif attr == "match" and obj.kind == "MatchSpec":
            if isinstance(arg, Obj) and arg.kind == "record":
                self.ask("spec_match", spec=obj.value, record=arg.value)
            elif isinstance(arg, dict):
                self.ask("spec_match", spec=obj.value, record={"record": arg})
        elif attr == "match" and obj.kind == "ChannelMatch":
            self.ask("channel_match", spec=obj.value, channel=arg)
        elif attr == "startswith" and obj.kind == "VersionOrder" and isinstance(arg, Obj):
            self.ask("startswith", version=obj.value, prefix=arg.value)
        return UNKNOWN

    def compare(self, node: ast.Compare, env: dict) -> Any:
        """Record orderings: two VersionOrders compared, or a list checked against its sorted self."""
        values = [self.ev(node.left, env)] + [self.ev(c, env) for c in node.comparators]
        for a, b in zip(values, values[1:], strict=False):
            if all(isinstance(v, Obj) and v.kind == "VersionOrder" for v in (a, b)):
                self.ask("order", a=a.value, b=b.value)
            for s, other in ((a, b), (b, a)):
                if isinstance(s, Obj) and s.kind == "sorted" and isinstance(other, list):
                    seq = [first_version(item) for item in other]
                    for x, y in zip(seq, seq[1:], strict=False):
                        self.ask("order", a=x, b=y)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Is, ast.IsNot)):
            same = values[0] is values[1] if known(*values) else UNKNOWN
            return same if not isinstance(node.ops[0], ast.IsNot) or same is UNKNOWN else not same
        return UNKNOWN


def first_version(item: Any) -> Any:
    """Return the version string of a VersionOrder, or of the first one in a tuple."""
    for value in item if isinstance(item, tuple) else (item,):
        if isinstance(value, Obj) and value.kind == "VersionOrder":
            return value.value
    return UNKNOWN


def bind(target: ast.expr | None, value: Any, env: dict) -> None:
    """Bind a name or a tuple of names to a value (unknown where the shapes differ)."""
    if isinstance(target, ast.Name):
        env[target.id] = value
    elif isinstance(target, (ast.Tuple, ast.List)):
        values = value if isinstance(value, (tuple, list)) and len(value) == len(target.elts) else None
        for i, elt in enumerate(target.elts):
            bind(elt, values[i] if values else UNKNOWN, env)


def merge(settings: dict, more: dict) -> None:
    """Merge fixture settings ({"condarc": {...}, "env": {...}})."""
    for key, value in more.items():
        settings.setdefault(key, {}).update(value)


def read_tests(src: Path) -> tuple[list[dict], list[dict], str]:
    """Return (questions, functions not extracted, the record helpers' source) of conda's tests."""
    questions: list[dict] = []
    skipped: list[dict] = []
    helpers = ""
    for file in FILES:
        text = (src / "tests" / "models" / file).read_text()
        tree = ast.parse(text)
        reader = Reader(tree, file)
        reader.run()
        questions += reader.questions
        skipped += reader.skipped
        for fn in reader.funcs:
            if fn.name in HELPERS:
                helpers += ast.get_source_segment(text, fn) + "\n"
    return questions, skipped, helpers
