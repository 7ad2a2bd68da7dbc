"""The REST routes' defaults, messages and error mapping, pinned (holes a mutation run found)."""

from __future__ import annotations

import errno
import json
import logging

import pytest
from support.notebooks import make_ml, saved_notebook
from support.server import expect_error, get_json, make_envs

from jupyter_envpanel.core.base.errors import EnvFileError, EnvPanelError


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
    logged = [r for r in caplog.records if "jupyter-envpanel:" in r.getMessage()]
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


async def test_project_without_a_path_is_the_roots(server_world, jp_fetch):
    make_envs(server_world)
    code, project = await get_json(jp_fetch, "project")
    assert code == 200 and project["path"] == "." and project["file"] == "environment.yml"


async def test_the_openapi_document_is_served_as_yaml(jp_fetch):
    import yaml

    response = await jp_fetch("envpanel", "api", "openapi.yaml")
    assert response.headers["Content-Type"] == "application/yaml"
    assert yaml.safe_load(response.body)["paths"]
