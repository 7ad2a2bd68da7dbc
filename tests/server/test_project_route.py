"""`GET /envpanel/api/project` and the listing's ETag, through a real Jupyter server (pytest-jupyter)."""

from __future__ import annotations

import json

import pytest
from support.factory import CONDA_FORGE
from support.server import expect_error, get_json, make_envs
from tornado.httpclient import HTTPClientError


def make_project(world):
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    world.conda_env(
        root / "envs" / "demo",
        packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE), "seaborn=0.13.2"],
        requested=["numpy", "seaborn"],
        ipykernel=True,
    )
    (world.root / "environment.yml").write_text("name: demo\ndependencies:\n  - numpy>=1.26\n  - scipy\n")
    return root


async def test_project_of_a_notebook_names_its_file_env_kernel_and_drift(server_world, jp_fetch):
    make_project(server_world)
    (server_world.root / "nb").mkdir()
    code, data = await get_json(jp_fetch, "project", path="nb/analysis.ipynb")
    assert code == 200 and data["found"] and data["exists"]
    assert (data["file"], data["folder"], data["path"]) == ("environment.yml", ".", "nb/analysis.ipynb")
    assert data["environment"]["name"] == "demo" and data["kernel"]["name"] == "conda-env-demo-py"
    assert data["drift"] == {
        "file": "environment.yml",
        "in_sync": False,
        "summary": {"ok": 0, "missing": 1, "mismatch": 1, "skipped": 0, "unrequested": 1},
        "drift_count": 2,
        "lock": None,
    }


async def test_project_missing_env_nested_pixi_and_no_definition(server_world, jp_fetch):
    make_project(server_world)
    sub = server_world.root / "sub project"
    sub.mkdir()
    (sub / "environment.yml").write_text("name: nothere\ndependencies: [python]\n")
    code, data = await get_json(jp_fetch, "project", path="sub project/x.ipynb")
    assert (
        data["file"] == "sub project/environment.yml" and not data["exists"] and data["environment"] is None
    )
    assert data["drift"] is None and isinstance(data["create"], list)
    (server_world.root / "px").mkdir()
    (server_world.root / "px" / "pixi.toml").write_text('[workspace]\nname = "px"\n')
    server_world.conda_env(server_world.root / "px" / ".pixi" / "envs" / "default", ipykernel=True)
    code, data = await get_json(jp_fetch, "project", path="px")
    assert (
        data["exists"]
        and data["environment"]["kind"] == "pixi"
        and data["environment"]["label"] == "pixi: px"
    )
    code, listing = await get_json(jp_fetch, "environments")
    assert data["listed"] is False  # the GET describes it and changes nothing later requests see
    assert data["environment"]["prefix"] not in {e["prefix"] for e in listing["environments"]}
    response = await jp_fetch("envpanel", "api", "project", params={"path": "px"}, method="POST", body=b"")
    adopted = json.loads(response.body)
    assert adopted["adopted"] is True and adopted["project"]["listed"] is True  # asked for: a POST
    code, listing = await get_json(jp_fetch, "environments")
    assert data["environment"]["prefix"] in {e["prefix"] for e in listing["environments"]}
    (server_world.root / "environment.yml").unlink()
    (server_world.root / "empty").mkdir()
    code, data = await get_json(jp_fetch, "project", path="empty")
    assert code == 200 and not data["found"] and data["file"] is None and data["create"] == []


async def test_project_paths_stay_inside_the_root(server_world, jp_fetch, tmp_path):
    make_project(server_world)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "environment.yml").write_text("name: secret\ndependencies: [python]\n")
    (server_world.root / "link").symlink_to(outside)
    await expect_error(jp_fetch, 403, "project", path="link/nb.ipynb")
    await expect_error(jp_fetch, 403, "project", path="../outside")
    await expect_error(jp_fetch, 403, "project", path=str(outside))
    await expect_error(jp_fetch, 403, "project", path="~/nb.ipynb")


async def test_a_broken_environment_file_reports_where_without_failing_the_answer(server_world, jp_fetch):
    make_project(server_world)
    (server_world.root / "environment.yml").write_text("name: demo\ndependencies:\n  - numpy>=>1\n")
    code, data = await get_json(jp_fetch, "project")
    assert code == 200 and data["exists"] and data["drift"] is None
    assert data["drift_error"]["file"] == "environment.yml" and data["drift_error"]["line"] == 3


async def test_listing_answers_304_while_nothing_changed(server_world, jp_fetch):
    root = make_project(server_world)
    first = await jp_fetch("envpanel", "api", "environments")
    etag = first.headers["Etag"]
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("envpanel", "api", "environments", headers={"If-None-Match": etag})
    assert info.value.code == 304
    (server_world.root / "notes.txt").write_text("a new file in the root: a rescan, the same environments")
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("envpanel", "api", "environments", headers={"If-None-Match": etag})
    assert info.value.code == 304
    server_world.conda_env(root / "envs" / "fresh")
    second = await jp_fetch("envpanel", "api", "environments", headers={"If-None-Match": etag})
    assert second.code == 200 and second.headers["Etag"] != etag
    assert "fresh" in {e["name"] for e in json.loads(second.body)["environments"]}


async def test_project_route_is_confined_and_defaults_to_the_root(server_world, jp_fetch, tmp_path):
    make_envs(server_world)
    code, project = await get_json(jp_fetch, "project")
    assert code == 200 and project["file"] == "environment.yml" and project["name"] == "ml"
    (tmp_path / "outside.yml").write_text("name: secret-env\ndependencies: [secret]\n")
    (server_world.root / "proj").mkdir()
    (server_world.root / "proj" / "environment.yml").symlink_to(tmp_path / "outside.yml")
    body = await expect_error(jp_fetch, 403, "project", path="proj/n.ipynb")
    assert "secret" not in json.dumps(body)


async def test_project_without_a_path_is_the_roots(server_world, jp_fetch):
    make_envs(server_world)
    code, project = await get_json(jp_fetch, "project")
    assert code == 200 and project["path"] == "." and project["file"] == "environment.yml"
