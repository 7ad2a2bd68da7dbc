"""The panel shows every kind of environment by the tool that made it, and how to get a kernel."""

from __future__ import annotations

import sys

import pytest
from factory import World
from labserver import browser, jp_asyncio_loop, jp_server_cleanup, run_lab  # noqa: F401  (fixtures)
from test_browser import show_panel
from test_tools import interpreter_at, venv_at

pytestmark = pytest.mark.browser
PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


def test_rows_show_the_tool_and_the_command_that_gives_a_kernel(tmp_path):
    # Given a home with a poetry env, a virtualenvwrapper env and a pyenv Python without ipykernel
    world = World(tmp_path)
    world.home.mkdir()
    world.root.mkdir()
    venv_at(world, world.home / ".cache" / "pypoetry" / "virtualenvs" / f"api-abcdefgh-py{PY}")
    venv_at(world, world.home / ".virtualenvs" / "wrapped")
    interpreter_at(world.home / ".pyenv" / "versions" / "3.12.1")
    with run_lab(world.home, world.root, tmp_path / "jupyter") as lab, browser() as chrome:
        page = chrome.new_page(viewport={"width": 1400, "height": 900})
        page.goto(lab.page_url("lab"))
        show_panel(page)
        # When the panel lists them
        page.wait_for_selector('#jp-envpanel [data-env-name="api"]', timeout=60_000)
        # Then each row says which tool made it
        assert "poetry" in page.inner_text('[data-env-name="api"]')
        assert "virtualenvwrapper" in page.inner_text('[data-env-name="wrapped"]')
        pyenv = page.locator('[data-env-name="3.12.1"]')
        assert "pyenv" in pyenv.inner_text()
        # and one without ipykernel shows the command that installs it, copyable, never run
        hint = pyenv.locator("[data-kernel-hint]")
        command = f"{world.home}/.pyenv/versions/3.12.1/bin/python3 -m pip install ipykernel"
        assert hint.get_attribute("data-kernel-hint") == command
        assert hint.locator('[data-action="copy-kernel-hint"]').count() == 1
        site = world.home / ".pyenv" / "versions" / "3.12.1" / "lib" / f"python{PY}" / "site-packages"
        assert not list(site.glob("ipykernel*"))  # shown, not installed
        page.close()
