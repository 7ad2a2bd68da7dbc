"""The panel shows every kind of environment by the tool that made it, and how to get a kernel;
plain interpreters without ipykernel wait in a collapsed group, in version order."""

from __future__ import annotations

import pytest
from support.browser import show_panel
from support.factory import PY, World, interpreter_at, venv_at
from support.labserver import browser, run_lab

pytestmark = pytest.mark.browser


def test_rows_show_the_tool_and_the_command_that_gives_a_kernel(tmp_path):
    # Given a home with a poetry env, a virtualenvwrapper env and pyenv Pythons without ipykernel
    world = World(tmp_path)
    world.home.mkdir()
    world.root.mkdir()
    venv_at(world, world.home / ".cache" / "pypoetry" / "virtualenvs" / f"api-abcdefgh-py{PY}")
    venv_at(world, world.home / ".virtualenvs" / "wrapped")
    for version in ("3.12.1", "3.10.4", "3.6.15"):
        interpreter_at(world.home / ".pyenv" / "versions" / version)
    with run_lab(world.home, world.root, tmp_path / "jupyter") as lab, browser() as chrome:
        context = chrome.new_context(viewport={"width": 1400, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab.url)
        page = context.new_page()
        page.goto(lab.page_url("lab"))
        show_panel(page)
        # When the panel lists them
        page.wait_for_selector('#jp-envpanel [data-env-name="api"]', timeout=60_000)
        # Then each row says which tool made it
        assert "poetry" in page.inner_text('[data-env-name="api"]')
        assert "virtualenvwrapper" in page.inner_text('[data-env-name="wrapped"]')
        # and the interpreters without ipykernel (the fixture's, and the machine's Pythons on PATH)
        # wait in a collapsed group after the environments
        group = page.locator("#jp-envpanel [data-interpreter-count]")
        count = int(group.get_attribute("data-interpreter-count"))
        assert count >= 3
        toggle = group.locator('[data-action="toggle-interpreters"]')
        assert toggle.inner_text() == f"{count} Python interpreters without ipykernel"
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.locator('[data-env-name="3.12.1"]').count() == 0
        toggle.click()
        rows = group.locator("[data-env-name]")
        rows.first.wait_for()
        # in version order: 3.6 before 3.10 before 3.12
        pyenv = [n for n in rows.evaluate_all("els => els.map(e => e.dataset.envName)") if n[0].isdigit()]
        assert pyenv == ["3.6.15", "3.10.4", "3.12.1"]
        row = page.locator('[data-env-name="3.12.1"]')
        assert "pyenv" in row.inner_text()
        # each shows the command that installs ipykernel, copyable (and never run)
        hint = row.locator("[data-kernel-hint]")
        command = f"{world.home}/.pyenv/versions/3.12.1/bin/python3 -m pip install ipykernel"
        assert hint.get_attribute("data-kernel-hint") == command
        copy = hint.locator('[data-action="copy-kernel-hint"]')
        copy.click()
        # Copy says it copied, then goes back to its icon
        page.wait_for_selector('[data-env-name="3.12.1"] [data-action="copy-kernel-hint"][data-copied]')
        assert copy.get_attribute("title") == "Copied"
        assert page.evaluate("navigator.clipboard.readText()") == command
        page.wait_for_selector(
            '[data-env-name="3.12.1"] [data-action="copy-kernel-hint"][data-copied]', state="detached"
        )
        assert copy.get_attribute("title") == "Copy the command"
        site = world.home / ".pyenv" / "versions" / "3.12.1" / "lib" / f"python{PY}" / "site-packages"
        assert not list(site.glob("ipykernel*"))  # shown, not installed
        context.close()
