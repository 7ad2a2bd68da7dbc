"""The server extension through its REST API (pytest-jupyter): routes, errors, auth, kernels."""

from __future__ import annotations

import asyncio
import json
import urllib.parse

import pytest
from support.factory import PYKERNEL
from support.server import expect_error, get_json, make_envs
from tornado.httpclient import HTTPClientError
from tornado.web import RequestHandler

from jupyter_envpanel.handlers import ROUTES


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


@pytest.mark.parametrize("pattern,handler", ROUTES)
async def test_every_route_refuses_requests_without_a_token(server_world, jp_fetch, pattern, handler):
    make_envs(server_world)
    path = pattern.replace("(?P<name>[^/]+)", "ml").replace("(?P<kernel>[^/]+)", "python3")
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
