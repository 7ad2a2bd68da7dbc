"""The server extension through its REST API (pytest-jupyter): routes, errors, auth, kernels."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import threading
import urllib.parse

import pytest
from support.factory import PYKERNEL
from support.notebooks import make_ml, saved_notebook
from support.server import expect_error, get_json, make_envs
from tornado.httpclient import HTTPClientError
from tornado.web import RequestHandler

from jupyter_envpanel.core.base.errors import EnvFileError, EnvPanelError, OutsideRoot
from jupyter_envpanel.core.base.paths import nearest_envfile, resolve_in_root
from jupyter_envpanel.core.requirements.envfile import parse_envfile
from jupyter_envpanel.handlers import ROUTES
from jupyter_envpanel.jobhandlers import JOB_ROUTES


async def test_environments_lists_discovered_envs(server_world, jp_fetch):
    make_envs(server_world)
    code, data = await get_json(jp_fetch, "environments")
    envs = {e["name"]: e for e in data["environments"]}
    assert code == 200 and {"base", "ml", "plain"} <= set(envs)
    assert [k["name"] for k in envs["ml"]["kernels"]] == ["conda-env-ml-r", "conda-env-ml-py"] or sorted(
        k["name"] for k in envs["ml"]["kernels"]
    ) == ["conda-env-ml-py", "conda-env-ml-r"]
    assert envs["plain"]["kernels"] == []
    assert [k["name"] for k in envs["base"]["kernels"]] == ["conda-base-py"]


async def test_kernelspecs_api_lists_env_kernels_with_nb_conda_kernels_names(server_world, jp_fetch):
    make_envs(server_world)
    response = await jp_fetch("api", "kernelspecs")
    specs = json.loads(response.body)["kernelspecs"]
    assert {"conda-env-ml-py", "conda-env-ml-r", "conda-base-py", "python3"} <= set(specs)
    ml = specs["conda-env-ml-py"]["spec"]
    assert ml["display_name"] == "Python [conda env:ml]"
    assert ml["metadata"]["conda_env_name"] == "ml" and ml["metadata"]["conda_env_path"].endswith("envs/ml")
    assert ml["metadata"]["envpanel"]["kind"] == "conda"
    assert specs["conda-env-ml-r"]["spec"]["display_name"] == "R [conda env:ml]"


async def test_environment_with_packages(server_world, jp_fetch):
    make_envs(server_world)
    code, data = await get_json(jp_fetch, "environments", "ml")
    assert code == 200 and {p["name"] for p in data["packages"]} >= {"numpy", "seaborn", "python"}


async def test_drift_by_file_and_by_notebook_path(server_world, jp_fetch):
    make_envs(server_world)
    code, report = await get_json(jp_fetch, "environments", "ml", "drift", file="environment.yml")
    assert code == 200 and report["summary"]["mismatch"] == 1 and report["file"] == "environment.yml"
    assert {r["file"] for r in report["requirements"]} == {"environment.yml"}
    (server_world.root / "proj" / "nb").mkdir(parents=True)
    (server_world.root / "proj" / "environment.yaml").write_text("dependencies:\n  - numpy\n")
    code, report = await get_json(jp_fetch, "environments", "ml", "drift", path="proj/nb/analysis.ipynb")
    assert report["file"] == "proj/environment.yaml" and report["in_sync"]
    (server_world.root / "environment.yml").unlink()
    (server_world.root / "binder").mkdir()
    (server_world.root / "binder" / "environment.yml").write_text("dependencies:\n  - scipy\n")
    code, report = await get_json(jp_fetch, "environments", "ml", "drift", path="other/x.ipynb")
    assert report["file"] == "binder/environment.yml" and report["summary"]["missing"] == 1


async def test_errors_are_4xx_json(server_world, jp_fetch, tmp_path):
    make_envs(server_world)
    (tmp_path / "secret.yml").write_text("dependencies: [numpy]\n")
    (server_world.root / "escape.yml").symlink_to(tmp_path / "secret.yml")
    (server_world.root / "bad.yml").write_text("dependencies:\n  - numpy>=>1\n")
    await expect_error(jp_fetch, 404, "environments", "nope")
    await expect_error(jp_fetch, 404, "environments", "nope", "drift")
    await expect_error(jp_fetch, 403, "environments", "ml", "drift", file="../secret.yml")
    await expect_error(jp_fetch, 403, "environments", "ml", "drift", file=str(tmp_path / "secret.yml"))
    await expect_error(jp_fetch, 403, "environments", "ml", "drift", file="escape.yml")
    await expect_error(jp_fetch, 403, "environments", "ml", "drift", path="../../x.ipynb")
    await expect_error(jp_fetch, 404, "environments", "ml", "drift", file="missing.yml")
    await expect_error(jp_fetch, 400, "environments", "ml", "drift", file="a.yml", path="b.ipynb")
    body = await expect_error(jp_fetch, 422, "environments", "ml", "drift", file="bad.yml")
    assert (body["line"], body["column"]) == (2, 5) and body["file"] == "bad.yml"
    (server_world.root / "req.txt").write_text("rich\n  bad>>1\n")
    (server_world.root / "with-req.yml").write_text("dependencies:\n  - pip:\n    - -r req.txt\n")
    body = await expect_error(jp_fetch, 422, "environments", "ml", "drift", file="with-req.yml")
    assert (body["file"], body["line"], body["column"]) == ("req.txt", 2, 3)
    await expect_error(jp_fetch, 404, "kernels", "no-such-kernel", "environment")
    (tmp_path / "outside.txt").write_text("root:x:0:0:secret\n")
    (server_world.root / "sneaky.yml").write_text(
        f"dependencies:\n  - pip:\n    - -r {tmp_path / 'outside.txt'}\n"
    )
    body = await expect_error(jp_fetch, 403, "environments", "ml", "drift", file="sneaky.yml")
    assert "secret" not in body["message"] and body["line"] == 3
    prefix = urllib.parse.quote(str(tmp_path), safe="")
    await expect_error(jp_fetch, 404, "environments", prefix)


async def test_kernel_to_environment_for_ours_native_and_user_specs(server_world, jp_fetch, jp_data_dir):
    root = make_envs(server_world)
    code, data = await get_json(jp_fetch, "kernels", "conda-env-ml-py", "environment")
    assert data["environment"]["name"] == "ml"
    code, data = await get_json(jp_fetch, "kernels", "python3", "environment")
    assert data["environment"]["is_server"]
    # a user's `ipykernel install` spec pointing into an env: mapped by argv[0]'s prefix
    user = jp_data_dir / "kernels" / "myml"
    user.mkdir(parents=True)
    (user / "kernel.json").write_text(
        json.dumps(
            {
                **PYKERNEL,
                "argv": [
                    str(root / "envs" / "ml" / "bin" / "python"),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
            }
        )
    )
    code, data = await get_json(jp_fetch, "kernels", "myml", "environment")
    assert data["environment"]["name"] == "ml"
    # pytest-jupyter's echo kernel runs this interpreter: the server's own environment
    code, data = await get_json(jp_fetch, "kernels", "echo", "environment")
    assert code == 200 and data["environment"]["is_server"]


async def test_register_and_unregister(server_world, jp_fetch, jp_data_dir):
    make_envs(server_world)
    response = await jp_fetch("envpanel", "api", "environments", "ml", "kernel", method="POST", body=b"")
    assert response.code == 201
    names = json.loads(response.body)["kernels"]
    assert sorted(names) == ["conda-env-ml-py", "conda-env-ml-r"]
    spec = json.loads((jp_data_dir / "kernels" / "conda-env-ml-py" / "kernel.json").read_text())
    assert (
        spec["argv"][0].startswith("/")
        and spec["metadata"]["envpanel"]["registered_by"] == "jupyter-envpanel"
    )
    assert (jp_data_dir / "kernels" / "conda-env-ml-py" / "logo-64x64.png").exists()
    code, data = await get_json(jp_fetch, "environments")
    ml = {e["name"]: e for e in data["environments"]}["ml"]
    assert all(k["registered"] for k in ml["kernels"])
    response = await jp_fetch("envpanel", "api", "environments", "ml", "kernel", method="DELETE")
    assert response.code == 204 and not (jp_data_dir / "kernels" / "conda-env-ml-py").exists()
    response = await jp_fetch("envpanel", "api", "environments", "ml", "kernel", method="DELETE")
    assert response.code == 204  # again: idempotent
    foreign = jp_data_dir / "kernels" / "conda-env-ml-py"
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps(PYKERNEL))
    await expect_error(jp_fetch, 409, "environments", "ml", "kernel", method="DELETE")
    await expect_error(jp_fetch, 409, "environments", "ml", "kernel", method="POST")
    assert (foreign / "kernel.json").exists()
    await expect_error(jp_fetch, 400, "environments", "plain", "kernel", method="POST")


async def test_refresh_and_openapi(server_world, jp_fetch):
    make_envs(server_world)
    response = await jp_fetch("envpanel", "api", "refresh", method="POST", body=b"")
    assert response.code == 200 and json.loads(response.body)["environments"]
    response = await jp_fetch("envpanel", "api", "openapi.yaml")
    assert b"openapi: 3" in response.body


@pytest.mark.parametrize("pattern,handler", ROUTES + JOB_ROUTES)
async def test_every_route_refuses_requests_without_a_token(server_world, jp_fetch, pattern, handler):
    make_envs(server_world)
    path = pattern.replace("(?P<name>[^/]+)", "ml").replace("(?P<kernel>[^/]+)", "python3")
    path = path.replace("(?P<job_id>[^/]+)", "0123456789ab")
    for method in ("GET", "POST", "DELETE"):
        if getattr(handler, method.lower()) is getattr(RequestHandler, method.lower()):
            continue
        for headers in ({"Authorization": ""}, {"Authorization": "token wrong"}):
            with pytest.raises(HTTPClientError) as info:
                await jp_fetch(
                    "envpanel",
                    "api",
                    *path.split("/"),
                    method=method,
                    headers=headers,
                    body=b"" if method == "POST" else None,
                    allow_nonstandard_methods=True,
                )
            assert info.value.code in (401, 403), (path, method)


async def test_nb_conda_kernels_legacy_names_still_resolve(server_world, jp_fetch):
    make_envs(server_world)
    server_world.conda_env(server_world.home / ".conda" / "envs" / "foo", ipykernel=True)
    response = await jp_fetch("api", "kernelspecs")
    listed = set(json.loads(response.body)["kernelspecs"])
    assert "conda-env-foo-py" in listed and "conda-env-.conda-foo-py" not in listed  # listed once
    for legacy, env in (
        ("conda-env-.conda-foo-py", "foo"),
        ("conda-env-miniconda3-ml-py", "ml"),
        ("conda-root-py", "base"),
    ):
        response = await jp_fetch("api", "kernelspecs", legacy)
        assert json.loads(response.body)["spec"]["metadata"]["conda_env_name"] == env


async def test_environment_by_url_encoded_prefix(
    server_world, jp_fetch, jp_http_port, jp_base_url, jp_auth_header
):
    from tornado.httpclient import AsyncHTTPClient

    root = make_envs(server_world)
    await jp_fetch("envpanel", "api", "environments")  # the server is up
    prefix = urllib.parse.quote(str(root / "envs" / "ml"), safe="")
    url = f"http://localhost:{jp_http_port}{jp_base_url}envpanel/api/environments/{prefix}"
    response = await AsyncHTTPClient().fetch(url, headers=jp_auth_header)
    assert json.loads(response.body)["name"] == "ml"


async def test_env_created_after_listing_resolves_by_name(server_world, jp_fetch):
    make_envs(server_world)
    await jp_fetch("api", "kernelspecs")  # the kernel table is built
    server_world.conda_env(server_world.home / "miniconda3" / "envs" / "late", ipykernel=True)
    # a lookup never scans on the event loop: a miss revalidates in the background, then resolves
    for _ in range(100):
        try:
            response = await jp_fetch("api", "kernelspecs", "conda-env-late-py")
            break
        except HTTPClientError as err:
            assert err.code == 404
            await asyncio.sleep(0.1)
    assert json.loads(response.body)["spec"]["metadata"]["conda_env_name"] == "late"


async def test_env_created_after_start_is_in_the_next_kernelspec_listing(server_world, jp_fetch):
    await jp_fetch("api", "kernelspecs")
    server_world.conda_env(server_world.home / "miniconda3" / "envs" / "late", ipykernel=True)
    response = await jp_fetch("api", "kernelspecs")  # revalidated in a thread before answering
    assert "conda-env-late-py" in json.loads(response.body)["kernelspecs"]


HOSTILE = ["..", "%2e%2e", "a" * 3000, "é", "con%00x", "%2Fetc%2Fpasswd", "name with space", "<script>"]


@pytest.mark.parametrize("value", HOSTILE)
async def test_hostile_input_never_gets_a_5xx(
    server_world, jp_fetch, jp_http_port, jp_base_url, jp_auth_header, value
):
    from tornado.httpclient import AsyncHTTPClient

    make_envs(server_world)
    await jp_fetch("envpanel", "api", "environments")
    base = f"http://localhost:{jp_http_port}{jp_base_url}envpanel/api"
    urls = [
        (f"{base}/environments/{value}", "GET"),
        (f"{base}/environments/{value}/drift", "GET"),
        (f"{base}/environments/ml/drift?file={value}", "GET"),
        (f"{base}/environments/ml/drift?path={value}", "GET"),
        (f"{base}/kernels/{value}/environment", "GET"),
        (f"{base}/environments/{value}/kernel", "POST"),
        (f"{base}/environments/{value}/kernel", "DELETE"),
    ]
    client = AsyncHTTPClient()
    for url, method in urls:
        response = await client.fetch(
            url,
            method=method,
            headers=jp_auth_header,
            raise_error=False,
            body=b"" if method == "POST" else None,
        )
        assert response.code < 500, (url, method, response.code, response.body[:300])


async def test_a_sibling_folder_named_like_the_root_is_outside_it(server_world, jp_fetch):
    make_envs(server_world)
    evil = server_world.root.parent / f"{server_world.root.name}_evil"
    evil.mkdir()
    (evil / "x.yml").write_text("dependencies:\n  - secret-package\n")
    rel = f"../{server_world.root.name}_evil/x.yml"
    body = await expect_error(jp_fetch, 403, "environments", "ml", "drift", file=rel)
    assert "secret" not in json.dumps(body)
    await expect_error(jp_fetch, 403, "environments", "ml", "drift", path=f"../{evil.name}/n.ipynb")
    await expect_error(jp_fetch, 403, "project", path=f"../{evil.name}/n.ipynb")
    with pytest.raises(OutsideRoot):
        resolve_in_root(server_world.root, rel)


async def test_links_and_includes_into_a_sibling_named_like_the_root_are_outside_it(server_world, jp_fetch):
    make_envs(server_world)
    root = server_world.root
    evil = root.parent / f"{root.name}_evil"
    evil.mkdir()
    (evil / "x.yml").write_text("dependencies:\n  - secret-package\n")
    (evil / "req.txt").write_text("secret-requirement==1\n")
    (root / "nb").mkdir()
    (root / "nb" / "environment.yml").symlink_to(evil / "x.yml")
    for route, params in (
        (("environments", "ml", "drift"), {"path": "nb/n.ipynb"}),
        (("project",), {"path": "nb/n.ipynb"}),
    ):
        body = await expect_error(jp_fetch, 403, *route, **params)
        assert "secret" not in json.dumps(body)
    with pytest.raises(EnvFileError):
        nearest_envfile(root / "nb", ["environment.yml"], stop=root, confine=root)
    (root / "environment.yml").write_text(f"dependencies:\n  - pip:\n    - -r ../{evil.name}/req.txt\n")
    body = await expect_error(jp_fetch, 403, "environments", "ml", "drift", file="environment.yml")
    assert "secret" not in json.dumps(body)
    with pytest.raises(EnvFileError) as refused:
        parse_envfile(root / "environment.yml", confine=root)
    assert refused.value.status == 403


async def test_an_environment_file_only_above_the_root_is_never_found(server_world, jp_fetch):
    make_envs(server_world)
    (server_world.root / "environment.yml").unlink()
    (server_world.root.parent / "environment.yml").write_text("dependencies:\n  - above-the-root\n")
    (server_world.root / "sub").mkdir()
    body = await expect_error(jp_fetch, 404, "environments", "ml", "drift", path="sub/n.ipynb")
    assert "above-the-root" not in json.dumps(body) and str(server_world.root.parent) not in body["message"]
    code, project = await get_json(jp_fetch, "project", path="sub/n.ipynb")
    assert code == 200 and project.get("file") in (None, "") and "above-the-root" not in json.dumps(project)
    with pytest.raises(EnvFileError):
        nearest_envfile(server_world.root / "sub", ["environment.yml"], stop=server_world.root)


GATED = (
    "versioned_listing",
    "show",
    "find",
    "project",
    "environment_of_spec",
    "register",
    "unregister",
    "refresh",
    "packages",
    "export",
    "resolve_in_root",
)


NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


REQUESTS = [
    ("GET", ("environments",), {}),
    ("GET", ("environments", "ml"), {}),
    ("GET", ("environments", "ml", "drift"), {"file": "environment.yml"}),
    ("GET", ("project",), {"path": "n.ipynb"}),
    ("GET", ("kernels", "conda-env-ml-py", "environment"), {}),
    ("POST", ("environments", "ml", "kernel"), {}),
    ("DELETE", ("environments", "ml", "kernel"), {}),
    ("POST", ("refresh",), {}),
    ("GET", ("packages",), {"q": "numpy"}),
    ("GET", ("notebook",), {"path": "n.ipynb"}),
    ("GET", ("environments", "ml", "record"), {}),
    ("POST", ("environments", "ml", "export"), {"path": "out"}),
]


@pytest.mark.parametrize(
    "method,parts,params", REQUESTS, ids=lambda v: "/".join(v) if isinstance(v, tuple) else None
)
async def test_route_disk_work_never_runs_on_the_event_loop(
    server_world, jp_fetch, jp_serverapp, monkeypatch, method, parts, params
):
    """Service calls wait until /api/status has answered: on the loop, that could never happen."""
    make_envs(server_world)
    (server_world.root / "n.ipynb").write_text(json.dumps(NOTEBOOK))
    (server_world.root / "out").mkdir()
    await jp_fetch("envpanel", "api", "environments")  # the extension is loaded and has listed once
    service = jp_serverapp.web_app.settings["envpanel_service"]
    status_answered = threading.Event()
    waited_on_loop: list = []
    loop_thread = threading.current_thread()

    def gated(name, original):
        def call(*args, **kwargs):
            if threading.current_thread() is loop_thread:
                waited_on_loop.append(name)
            elif not status_answered.wait(20):
                waited_on_loop.append(f"{name} (timed out)")
            return original(*args, **kwargs)

        return call

    for name in GATED:
        monkeypatch.setattr(service, name, gated(name, getattr(service, name)))
    body = b"" if method == "POST" else None
    request = asyncio.ensure_future(
        jp_fetch("envpanel", "api", *parts, method=method, body=body, params=params or None)
    )
    await asyncio.sleep(0.05)  # the route has started and is waiting in the pool
    status = await asyncio.wait_for(jp_fetch("api", "status"), 15)
    status_answered.set()
    response = await request
    assert status.code == 200 and response.code in (200, 201, 204)
    assert waited_on_loop == []


async def test_a_spec_copied_from_the_api_is_not_ours_to_delete(server_world, jp_fetch, jp_data_dir):
    make_envs(server_world)
    response = await jp_fetch("api", "kernelspecs")
    copied = json.loads(response.body)["kernelspecs"]["conda-env-ml-py"]["spec"]
    folder = jp_data_dir / "kernels" / "conda-env-ml-py"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(copied))
    await expect_error(jp_fetch, 409, "environments", "ml", "kernel", method="DELETE")
    assert json.loads((folder / "kernel.json").read_text()) == copied


async def test_kernel_environment_route_shape(server_world, jp_fetch):
    make_envs(server_world)
    code, answer = await get_json(jp_fetch, "kernels", "conda-env-ml-py", "environment")
    assert code == 200 and set(answer) == {"kernel", "display_name", "environment", "prefix", "message"}
    assert answer["kernel"] == "conda-env-ml-py" and answer["display_name"] == "Python [conda env:ml]"
    assert answer["environment"]["name"] == "ml" and answer["message"] == ""
    assert answer["prefix"].endswith("/envs/ml")
    body = await expect_error(jp_fetch, 404, "kernels", "no-such-kernel", "environment")
    assert body["message"] == "unknown kernel: 'no-such-kernel'"


async def test_foreign_kernel_maps_to_its_prefix_with_a_message(server_world, jp_fetch, jp_data_dir):
    make_envs(server_world)
    folder = jp_data_dir / "kernels" / "elsewhere"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(
        json.dumps({"argv": ["/opt/other/bin/python", "-m", "x"], "language": "python"})
    )
    code, answer = await get_json(jp_fetch, "kernels", "elsewhere", "environment")
    assert code == 200 and answer["environment"] is None and answer["prefix"] == "/opt/other"
    assert answer["display_name"] == "elsewhere"  # a spec without one is named by its kernel
    assert answer["message"] == "this kernel runs in an environment jupyter-envpanel did not find"


async def test_drift_without_arguments_uses_the_file_nearest_the_root(server_world, jp_fetch):
    make_envs(server_world)
    code, report = await get_json(jp_fetch, "environments", "ml", "drift")
    assert code == 200 and report["file"] == "environment.yml" and report["summary"]["missing"] == 0
    (server_world.root / "environment.yml").unlink()
    body = await expect_error(jp_fetch, 404, "environments", "ml", "drift")
    assert body["file"] == "." and "in this folder or any parent up to the root" in body["message"]


async def test_drift_argument_errors_say_what_to_give(server_world, jp_fetch):
    make_envs(server_world)
    body = await expect_error(jp_fetch, 400, "environments", "ml", "drift", file="a.yml", path="b.ipynb")
    assert body["message"] == "give either ?file= or ?path=, not both"


async def test_a_broken_file_is_named_root_relative_with_its_parser_message(
    server_world, jp_fetch, jp_serverapp
):
    make_envs(server_world)
    (server_world.root / "sub").mkdir()
    bad = server_world.root / "sub" / "bad.yml"
    bad.write_text("dependencies:\n  - numpy>=>1\n")
    service = jp_serverapp.web_app.settings["envpanel_service"]
    with pytest.raises(EnvFileError) as direct:
        service.drift(service.find("ml"), bad)
    body = await expect_error(jp_fetch, 422, "environments", "ml", "drift", file="sub/bad.yml")
    assert body["file"] == "sub/bad.yml" and direct.value.detail
    assert body["message"] == f"sub/bad.yml:2:5: {direct.value.detail}"


async def test_notebook_route_compares_with_the_environment_asked_for(server_world, jp_fetch):
    make_ml(server_world)
    server_world.conda_env(server_world.home / "miniconda3" / "envs" / "other", requested=["python"])
    code, record = await get_json(jp_fetch, "environments", "ml", "record")
    saved_notebook(server_world.root / "a.ipynb", record)
    code, report = await get_json(jp_fetch, "notebook", path="a.ipynb", env="other")
    assert code == 200 and report["environment"]["name"] == "other" and report["count"] > 0
    code, report = await get_json(jp_fetch, "notebook", path="a.ipynb")
    assert report["environment"]["name"] == "ml" and report["count"] == 0


@pytest.mark.parametrize(
    "error, status, message",
    [
        (OSError(errno.EIO, "Input/output error"), 400, "cannot read: Input/output error"),
        (OSError(), 400, "cannot read: OSError"),
        (PermissionError(errno.EACCES, "Permission denied"), 400, "cannot read: Permission denied"),
        (EnvPanelError("the env says no"), 400, "the env says no"),
        (  # our own bug: a 500 that says so, never blamed on the request (4xx), never a traceback
            RuntimeError("a bug"),
            500,
            "jupyter-envpanel failed on this request, a bug (RuntimeError; the server log has the traceback)",
        ),
    ],
)
async def test_every_failure_of_the_disk_work_is_a_json_answer(
    server_world, jp_fetch, jp_serverapp, caplog, error, status, message
):
    make_envs(server_world)
    service = jp_serverapp.web_app.settings["envpanel_service"]

    def failing(*args):
        raise error

    real = service.show
    service.show = failing
    try:
        with caplog.at_level(logging.ERROR):
            response = await jp_fetch("envpanel", "api", "environments", "ml", raise_error=False)
    finally:
        service.show = real
    assert response.code == status
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body) == {"message": message}
    # what the request logged as a problem (the start's warm-up may log its debug line meanwhile)
    logged = [
        r for r in caplog.records if r.levelno >= logging.WARNING and "jupyter-envpanel:" in r.getMessage()
    ]
    if status == 500:  # a bug is logged with its traceback, naming the request
        assert logged and logged[0].getMessage().startswith("jupyter-envpanel: GET /")
        assert logged[0].getMessage().endswith("/envpanel/api/environments/ml failed")
        assert logged[0].exc_info is not None
    else:
        assert not logged


async def test_a_listing_brings_the_kernel_table_up_to_date_before_answering(
    server_world, jp_fetch, jp_serverapp
):
    make_envs(server_world)
    await get_json(jp_fetch, "environments")
    ksm = jp_serverapp.kernel_spec_manager
    server_world.conda_env(server_world.home / "miniconda3" / "envs" / "fresh", ipykernel=True)
    code, listing = await get_json(jp_fetch, "environments")
    assert code == 200 and "fresh" in {e["name"] for e in listing["environments"]}
    # a Switch right after the answer: the table lookup (no refresh, no disk) already knows it
    assert ksm.get_kernel_spec("conda-env-fresh-py").metadata["conda_env_name"] == "fresh"


async def test_the_openapi_document_is_served_as_yaml(jp_fetch):
    import yaml

    response = await jp_fetch("envpanel", "api", "openapi.yaml")
    assert response.headers["Content-Type"] == "application/yaml"
    assert yaml.safe_load(response.body)["paths"]
