"""The live REST answers against jupyter_envpanel/openapi.yaml: every documented route, every field."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from support.factory import CONDA_FORGE, recorder, write_kernel
from support.tools import fake_tool, set_mode

from jupyter_envpanel.basehandler import EnvPanelHandler
from jupyter_envpanel.handlers import OPENAPI, ROUTES
from jupyter_envpanel.jobhandlers import JOB_ROUTES

SPEC = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATIONS = {(m, p) for p, item in SPEC["paths"].items() for m in item if m in METHODS}
#: The job routes, exercised by a test of their own (with tools that can run).
JOB_OPERATIONS = {(m, p) for m, p in OPERATIONS if p.startswith("/jobs")}
#: Documented operations this test cannot make the server answer (none today); add one with its reason.
NOT_EXERCISED: dict[tuple[str, str], str] = {}
PYKERNEL = {
    "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
}
ENVFILE = """\
name: ml
channels:
  - conda-forge
dependencies:
  - python=3.11
  - numpy>=1.26
  - scipy
  - pip:
    - rich==13.7.1
    - requests>=2
    - "pywin32; sys_platform == 'win32'"
"""


def resolve(node: dict) -> dict:
    """Return the node a local `$ref` points at (the node itself when it is none)."""
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = SPEC
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def _merge_all_of(parts: list) -> dict:
    """Return one object schema from allOf parts that are all plain objects (else keep the allOf)."""
    if not all(p.get("type") == "object" and "anyOf" not in p for p in parts):
        return {"allOf": parts}
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in parts:
        merged["properties"].update(part.get("properties", {}))
        merged["required"] += [r for r in part.get("required", []) if r not in merged["required"]]
        if part.get("additionalProperties") is False:
            merged["additionalProperties"] = False
    return merged


def to_json_schema(node: dict, closed: bool) -> dict:
    """Return OpenAPI 3.0 as JSON Schema: refs inlined, null where nullable, `closed`: no extra fields."""
    schema = resolve(node)
    out = {k: v for k, v in schema.items() if k not in ("nullable", "description")}
    if "properties" in out:
        out["properties"] = {k: to_json_schema(v, closed) for k, v in out["properties"].items()}
    if "items" in out:
        out["items"] = to_json_schema(out["items"], closed)
    if "allOf" in out:
        parts = [to_json_schema(p, closed) for p in out.pop("allOf")]
        merged = _merge_all_of(parts)
        out = {**out, **merged} if out else merged
    if closed and out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    if schema.get("nullable"):
        out = {"anyOf": [{"type": "null"}, out]}
    return out


def documented_body(method: str, template: str, status: int) -> tuple[str, dict] | None:
    """Return (media type, JSON Schema) of a documented answer's body, None when it has no body."""
    responses = SPEC["paths"][template][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {template} answered {status}: not documented"
    content = resolve(responses[str(status)]).get("content")
    if not content:
        return None
    ((media, body),) = content.items()
    return media, to_json_schema(body["schema"], closed=status < 400)


def check(schema: dict, body: Any, where: str) -> None:
    """Fail with the best error (and its JSON path) when body does not match schema."""
    Draft202012Validator.check_schema(schema)
    error = best_match(Draft202012Validator(schema).iter_errors(body))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path)
        pytest.fail(f"{where}: at /{path}: {error.message}")


class Api:
    """Calls routes by their document template and checks every answer against the document."""

    def __init__(self, client, base_url: str, auth: dict) -> None:
        """Remember how to reach the server; nothing was called yet."""
        self.client, self.base, self.auth = client, base_url + "envpanel/api", auth
        self.seen: set[tuple[str, str, int]] = set()
        self.response = None

    async def call(
        self, method: str, template: str, status: int, params=None, headers=None, body=None, **args: str
    ) -> Any:
        """Request a documented route (path arguments URL-encoded); return its checked, decoded body."""
        path = template.format(**{k: urllib.parse.quote(v, safe="") for k, v in args.items()})
        query = "?" + urllib.parse.urlencode(params) if params else ""
        self.response = response = await self.client.fetch(
            self.base + path + query,
            method=method.upper(),
            headers={**self.auth, **(headers or {})},
            body=json.dumps(body).encode() if body is not None else b"" if method == "post" else None,
            raise_error=False,
            allow_nonstandard_methods=True,
        )
        where = f"{method.upper()} {path}{query} -> {response.code}"
        assert response.code == status, f"{where}, expected {status}: {response.body[:500]!r}"
        self.seen.add((method, template, status))
        documented = documented_body(method, template, status)
        if documented is None:
            assert response.body == b"", where
            return None
        media, schema = documented
        assert response.headers["Content-Type"].split(";")[0] == media, where
        text = response.body.decode("utf-8")
        body = json.loads(text) if media == "application/json" else text
        check(schema, body, where)
        return body

    def assert_covered(self, operations: set[tuple[str, str]]) -> None:
        """Fail unless every operation was called and each of its success answers was checked."""
        called = {(m, p) for m, p, _ in self.seen}
        assert called | set(NOT_EXERCISED) >= operations, f"not called: {sorted(operations - called)}"
        answers = {
            (m, p, int(code))
            for m, p in operations - set(NOT_EXERCISED)
            for code in SPEC["paths"][p][m]["responses"]
            if int(code) < 400
        }
        assert answers <= self.seen, f"success answers never checked: {sorted(answers - self.seen)}"


@pytest.fixture
def job_tools(server_world, monkeypatch, tmp_path) -> Path:
    """A fake conda in a miniconda3 root, told how to behave by the file `mode` (before the server starts)."""
    root = server_world.home / "miniconda3"
    server_world.conda_env(root, python="3.12.1")
    fake_tool(root / "condabin" / "conda")
    monkeypatch.setenv("FAKE_MODE", str(tmp_path / "mode"))
    return tmp_path


@pytest.fixture
def api(jp_serverapp, http_server_client, jp_base_url, jp_auth_header) -> Api:
    """Return a checking client of the running server."""
    return Api(http_server_client, jp_base_url, jp_auth_header)


def make_world(world) -> None:
    """Write conda envs (kernels, pip packages), a project venv, project folders and an environment.yml."""
    root = world.root
    base = world.home / "miniconda3"
    world.conda_env(base, python="3.12.1", ipykernel=True)
    ml = world.conda_env(
        base / "envs" / "ml",
        packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE), "seaborn=0.13.2"],
        requested=["numpy", "seaborn"],
        pip=[("rich", "13.7.1", True), ("tqdm", "4.66.1", True)],
        ipykernel=True,
    )
    write_kernel(ml, "python3", PYKERNEL)
    world.conda_env(base / "envs" / "plain")  # no kernel: a kernel_hint (by the installation's conda)
    recorder(base / "condabin" / "conda")
    world.venv(root / "proj" / ".venv", dists=[("requests", "2.31.0", True)])
    (root / "proj" / "requirements.txt").write_text("requests>=2\nurllib3\n")
    (root / "environment.yml").write_text(ENVFILE)
    (root / "broken").mkdir()
    (root / "broken" / "environment.yml").write_text("name: ml\ndependencies:\n  - numpy>=>1\n")
    (root / "app").mkdir()
    (root / "app" / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1"\n')
    (root / "exported").mkdir()


def notebook(path: Path, kernel: str, ran: dict | None = None) -> None:
    """Write a notebook asking for a kernel, with a `ran_with` record when given."""
    meta: dict[str, Any] = {"kernelspec": {"name": kernel, "display_name": kernel, "language": "python"}}
    if ran is not None:
        meta["envpanel"] = {"ran_with": ran}
    path.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))


async def test_every_documented_route_answers_as_the_document_says(server_world, api, jp_data_dir):
    make_world(server_world)
    root = server_world.root
    envs = "/environments/{name}"

    listing = await api.call("get", "/environments", 200)
    by_name = {e["name"]: e for e in listing["environments"]}
    assert {"base", "ml", "plain"} <= set(by_name) and by_name["plain"]["kernel_hint"]
    venv = next(e for e in listing["environments"] if e["prefix"].endswith("proj/.venv"))
    etag = api.response.headers["Etag"]
    await api.call("get", "/environments", 304, headers={"If-None-Match": etag})
    await api.call("post", "/refresh", 200)

    shown = await api.call("get", envs, 200, name="ml")
    assert {"source": "pip", "name": "tqdm"}.items() <= next(
        p for p in shown["packages"] if p["name"] == "tqdm"
    ).items()
    await api.call("get", envs, 200, name=venv["prefix"])  # a URL-encoded prefix
    await api.call("get", envs, 404, name="nope")

    drift = envs + "/drift"
    report = await api.call("get", drift, 200, name="ml")
    assert {r["status"] for r in report["requirements"]} == {"ok", "missing", "mismatch", "skipped"}
    assert {u["source"] for u in report["unrequested"]} == {"conda", "pip"}
    assert [f["tool"] for f in report["fix_commands"]] == ["conda", "pip"] and report["drift_count"] == 3
    await api.call("get", drift, 200, name="ml", params={"path": "proj/analysis.ipynb"})
    await api.call("get", drift, 200, name=venv["prefix"], params={"file": "proj/requirements.txt"})
    await api.call("get", drift, 400, name="ml", params={"file": "a.yml", "path": "b.ipynb"})
    await api.call("get", drift, 403, name="ml", params={"file": "../outside.yml"})
    await api.call("get", drift, 404, name="nope")
    await api.call("get", drift, 404, name="ml", params={"file": "missing.yml"})
    broken = await api.call("get", drift, 422, name="ml", params={"file": "broken/environment.yml"})
    assert (broken["file"], broken["line"], broken["column"]) == ("broken/environment.yml", 3, 5)

    kernel = envs + "/kernel"
    written = await api.call("post", kernel, 201, name="ml")
    assert "conda-env-ml-py" in written["kernels"]
    await api.call("delete", kernel, 204, name="ml")
    await api.call("post", kernel, 400, name="plain")
    await api.call("post", kernel, 404, name="nope")
    await api.call("delete", kernel, 404, name="nope")
    foreign = jp_data_dir / "kernels" / "conda-env-ml-py"
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps(PYKERNEL))
    await api.call("post", kernel, 409, name="ml")
    await api.call("delete", kernel, 409, name="ml")

    export = envs + "/export"
    made = await api.call("post", export, 201, name="ml", params={"path": "exported"})
    assert made["file"] == "exported/environment.yml" and (root / made["file"]).read_text() == made["text"]
    await api.call("post", export, 409, name="ml", params={"path": "exported"})
    await api.call("post", export, 400, name="ml", params={"path": "no-such-folder/x"})
    await api.call("post", export, 403, name="ml", params={"path": "../elsewhere"})
    await api.call("post", export, 404, name="nope")

    record = await api.call("get", envs + "/record", 200, name="ml")
    await api.call("get", envs + "/record", 404, name="nope")
    old = {**record, "python": "3.10.0", "packages": ["conda-forge::numpy=1.20.0=py311h0_0", "gone=1.0"]}
    notebook(root / "old.ipynb", "conda-env-ml-py", old)
    notebook(root / "fresh.ipynb", "conda-env-ml-py")
    notebook(root / "stray.ipynb", "no-such-kernel")
    report = await api.call("get", "/notebook", 200, params={"path": "old.ipynb"})
    assert sorted(d["what"] for d in report["differences"]) == ["changed", "missing", "python"]
    report = await api.call("get", "/notebook", 200, params={"path": "fresh.ipynb"})
    assert report["recorded"] is None and report["current"] == record
    report = await api.call("get", "/notebook", 200, params={"path": "stray.ipynb"})
    assert report["environment"] is None and report["current"] is None
    await api.call("get", "/notebook", 200, params={"path": "old.ipynb", "env": "base"})
    await api.call("get", "/notebook", 400, params={"path": "missing.ipynb"})
    await api.call("get", "/notebook", 403, params={"path": "../x.ipynb"})
    await api.call("get", "/notebook", 404, params={"path": "old.ipynb", "env": "nope"})

    project = await api.call("get", "/project", 200)
    assert project["exists"] and project["kernel"] and project["drift"]["drift_count"] == 3
    project = await api.call("get", "/project", 200, params={"path": "proj/analysis.ipynb"})
    assert project["tool"] == "venv" and project["drift"]["file"] == "proj/requirements.txt"
    project = await api.call("get", "/project", 200, params={"path": "app"})
    assert project["environment"] is None and project["create"] and project["drift"] is None
    project = await api.call("get", "/project", 200, params={"path": "broken"})
    assert (project["drift_error"]["line"], project["drift_error"]["column"]) == (3, 5)
    await api.call("get", "/project", 403, params={"path": "../x"})
    adopted = await api.call("post", "/project", 200, params={"path": "app"})
    assert adopted["adopted"] is False and adopted["project"]["listed"] is False  # nothing to list
    await api.call("post", "/project", 403, params={"path": "../x"})

    found = await api.call("get", "/packages", 200, params={"q": "numpy"})
    assert found["matches"][0]["name"] == "numpy" and not found["truncated"]
    await api.call("get", "/packages", 200, params={"q": "r"})
    await api.call("get", "/packages", 400, params={"q": " "})

    user_kernels = jp_data_dir / "kernels"
    for name, exe in (("elsewhere", "/opt/elsewhere/bin/python"), ("nowhere", "no-such-python-here")):
        (user_kernels / name).mkdir(parents=True)
        (user_kernels / name / "kernel.json").write_text(json.dumps({**PYKERNEL, "argv": [exe]}))
    of_kernel = "/kernels/{kernel}/environment"
    found = await api.call("get", of_kernel, 200, kernel="conda-env-ml-py")
    assert found["environment"]["name"] == "ml" and found["message"] == ""
    found = await api.call("get", of_kernel, 200, kernel="elsewhere")
    assert (found["environment"], found["prefix"]) == (None, "/opt/elsewhere") and found["message"]
    found = await api.call("get", of_kernel, 200, kernel="nowhere")
    assert (found["environment"], found["prefix"]) == (None, None)
    await api.call("get", of_kernel, 404, kernel="no-such-kernel")

    text = await api.call("get", "/openapi.yaml", 200)
    assert yaml.safe_load(text) == SPEC

    api.assert_covered(OPERATIONS - JOB_OPERATIONS)


async def test_job_routes_answer_as_the_document_says(job_tools, server_world, api):
    """Preview, start, follow, conflict, cancel and fail, with a fake conda that can hang or fail."""
    root = server_world.home / "miniconda3"
    server_world.conda_env(root / "envs" / "plain")  # no kernel
    server_world.conda_env(root / "envs" / "ml", packages=["numpy=1.24.4"], ipykernel=True)
    (server_world.root / "environment.yml").write_text("name: ml\ndependencies:\n  - numpy>=1.26\n")
    (server_world.root / "new").mkdir()
    (server_world.root / "new" / "environment.yml").write_text("name: fresh\ndependencies:\n  - python\n")
    (server_world.root / "broken").mkdir()
    (server_world.root / "broken" / "environment.yml").write_text("name: ml\ndependencies:\n  - numpy>=>1\n")

    assert await api.call("get", "/jobs", 200) == {"jobs": [], "allowed": True}
    preview = await api.call("get", "/jobs/preview", 200, params={"action": "create", "path": "new"})
    assert preview["allowed"] and preview["argv"][0][1:] == ["env", "create", "-f", "new/environment.yml"]
    await api.call("get", "/jobs/preview", 400, params={"action": "remove"})
    await api.call("get", "/jobs/preview", 403, params={"action": "create", "path": "../x"})
    await api.call("get", "/jobs/preview", 404, params={"action": "install-kernel", "environment": "nope"})
    await api.call("get", "/jobs/preview", 409, params={"action": "create"})  # ml exists
    await api.call("get", "/jobs/preview", 422, params={"action": "update", "path": "broken"})

    set_mode(job_tools / "mode", "hang")
    job = await api.call("post", "/jobs", 201, body={"action": "update"})
    conflict = await api.call("post", "/jobs", 409, body={"action": "update"})
    assert conflict["job"]["id"] == job["id"]
    await api.call("post", "/jobs", 409, body={"action": "install-kernel", "environment": "ml"})  # has one
    await api.call("post", "/jobs", 400, body={"action": "update", "argv": ["rm"]})
    await api.call("post", "/jobs", 403, body={"action": "create", "path": "/etc"})
    await api.call("post", "/jobs", 404, body={"action": "install-kernel", "environment": "nope"})
    await api.call("post", "/jobs", 422, body={"action": "update", "path": "broken"})
    await api.call("get", "/jobs/{job_id}", 200, job_id=job["id"], params={"offset": "0"})
    await api.call("get", "/jobs/{job_id}", 400, job_id=job["id"], params={"offset": "x"})
    await api.call("get", "/jobs/{job_id}", 404, job_id="0123456789ab")
    await api.call("delete", "/jobs/{job_id}", 202, job_id=job["id"])
    for _ in range(600):
        ended = await api.call("get", "/jobs/{job_id}", 200, job_id=job["id"])
        if ended["state"] != "running":
            break
        await asyncio.sleep(0.05)
    assert ended["state"] == "cancelled"
    await api.call("delete", "/jobs/{job_id}", 200, job_id=job["id"])
    await api.call("delete", "/jobs/{job_id}", 404, job_id="0123456789ab")

    set_mode(job_tools / "mode", "exit 1")
    failed = await api.call("post", "/jobs", 201, body={"action": "install-kernel", "environment": "plain"})
    for _ in range(600):
        failed = await api.call("get", "/jobs/{job_id}", 200, job_id=failed["id"], params={"offset": "10"})
        if failed["state"] != "running":
            break
        await asyncio.sleep(0.05)
    assert (failed["state"], failed["exit_code"]) == ("failed", 1) and failed["error_line"]
    listed = await api.call("get", "/jobs", 200)
    assert [j["id"] for j in listed["jobs"]] == [job["id"], failed["id"]]
    api.assert_covered(JOB_OPERATIONS)


def test_the_document_names_every_route_and_method_the_server_has():
    documented = {(m, re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", p.lstrip("/"))) for m, p in OPERATIONS}
    served = {
        (m, pattern)
        for pattern, handler in ROUTES + JOB_ROUTES
        for m in METHODS
        if getattr(handler, m, None) is not getattr(EnvPanelHandler, m, None)
    }
    assert documented == served


def test_every_required_name_is_a_declared_property():
    def walk(node, where):
        if isinstance(node, dict):
            if "required" in node and isinstance(node["required"], list):
                missing = set(node["required"]) - set(node.get("properties", {}))
                assert not missing, f"{where}: required but not declared: {sorted(missing)}"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(SPEC["paths"], "#/paths")
    walk(SPEC["components"], "#/components")


def test_the_conversion_allows_null_only_where_nullable_and_closes_objects():
    project = to_json_schema({"$ref": "#/components/schemas/Project"}, closed=True)
    Draft202012Validator.check_schema(project)
    validator = Draft202012Validator(project)
    props = project["properties"]
    assert validator.is_valid(None) is False
    assert Draft202012Validator(props["environment"]).is_valid(None)
    assert Draft202012Validator(props["tool"]).is_valid(None)
    assert not Draft202012Validator(props["tool"]).is_valid("poetry")
    assert not Draft202012Validator(props["exists"]).is_valid(None)
    drift = to_json_schema({"$ref": "#/components/schemas/DriftReport"}, closed=True)
    assert "drift_count" in drift["required"] and drift["additionalProperties"] is False
    shown = to_json_schema({"$ref": "#/components/schemas/EnvironmentWithPackages"}, closed=True)
    assert {"packages", "name", "kernels"} <= set(shown["required"]) and "allOf" not in shown
