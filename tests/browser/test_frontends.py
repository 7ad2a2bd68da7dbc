"""The same flows in JupyterLab and in Jupyter Notebook 7: the environment and its drift on the
notebook page, Switch, and a project with no environment.yml yet."""

from __future__ import annotations

import time

import pytest
from support.browser import CODE, SHOTS, make_world, wait_kernel_idle
from support.labserver import notebook, run_lab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["jupyterlab", "notebook"])
def server(request, tmp_path_factory):
    base = tmp_path_factory.mktemp(request.param)
    world = make_world(base)
    (world.root / "proj").mkdir()  # a project with its environment.yml, and a folder without one
    for name in ("environment.yml", "demo.ipynb"):
        (world.root / name).rename(world.root / "proj" / name)
    (world.root / "scratch").mkdir()
    notebook(world.root / "scratch" / "new.ipynb", "conda-env-beta-py", "Python [conda env:beta]", CODE)
    with run_lab(world.home, world.root, base / "jupyter", app=request.param) as lab:
        lab.world, lab.app = world, request.param
        yield lab


def indicator(lab) -> str:
    """The environment indicator: the status bar's item in JupyterLab, the toolbar's in Notebook 7."""
    return "#jp-envpanel-status" if lab.app == "jupyterlab" else ".jp-NotebookPanel [data-envpanel-toolbar]"


def open_page(chrome, lab, path: str):
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    prefix = "lab/tree" if lab.app == "jupyterlab" else "notebooks"
    page.goto(lab.page_url(f"{prefix}/{path}"))
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    wait_kernel_idle(lab, path)
    return page


def open_panel(page, lab) -> None:
    """Open the Environments panel the way a user of that front end does: the indicator's click."""
    page.wait_for_selector(indicator(lab), timeout=60_000)
    if not page.locator("#jp-envpanel").is_visible():
        page.click(indicator(lab))
    page.wait_for_selector("#jp-envpanel [data-env-name]", timeout=30_000)


def test_notebook_page_shows_environment_and_drift_and_switches(server, chrome):
    page = open_page(chrome, server, "proj/demo.ipynb")
    # Given a notebook running in alpha: the page says so next to the kernel, without a menu
    page.wait_for_function(
        "s => (document.querySelector(s)?.textContent || '').includes('alpha · 2 drift')",
        arg=indicator(server),
        timeout=60_000,
    )
    # When the user clicks the indicator: the panel opens on alpha's drift
    open_panel(page, server)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    if server.app == "notebook":
        page.screenshot(path=str(SHOTS / "notebook7.png"))
    assert page.locator('[data-drift-status="missing"]').count() == 1
    # and Switch moves the notebook to beta
    page.click('[data-env-name="beta"] [data-action="switch"]')
    if page.locator(".jp-Dialog .jp-mod-accept").count():
        page.click(".jp-Dialog .jp-mod-accept")
    page.wait_for_selector('[data-active-env="beta"]', timeout=60_000)
    page.wait_for_function(
        "s => (document.querySelector(s)?.textContent || '').includes('env: beta')", arg=indicator(server)
    )
    sessions = server.api("GET", "/api/sessions")
    assert [s["kernel"]["name"] for s in sessions if s["path"] == "proj/demo.ipynb"] == ["conda-env-beta-py"]
    page.close()


def test_view_menu_opens_the_panel(server, chrome):
    page = open_page(chrome, server, "proj/demo.ipynb")
    if page.locator("#jp-envpanel").is_visible():
        page.click(indicator(server))  # a restored layout may show it already: start from closed
    page.click('.lm-MenuBar-itemLabel:text-is("View")')
    page.click('.lm-Menu-itemLabel:text-is("Show Environments Panel")')
    page.wait_for_selector("#jp-envpanel [data-env-name]", timeout=30_000)
    page.close()


def test_a_folder_without_environment_yml_is_a_next_step_not_an_error(server, chrome):
    world = server.world
    page = open_page(chrome, server, "scratch/new.ipynb")
    open_panel(page, server)
    page.wait_for_selector('[data-active-env="beta"]', timeout=60_000)
    hint = page.wait_for_selector('[data-no-envfile="scratch"]', timeout=30_000)
    text = hint.inner_text()
    assert "No environment.yml or lock file in scratch/" in text and str(world.root) not in text
    assert page.locator("#jp-envpanel .jp-EnvPanel-error").count() == 0
    page.click('[data-action="create-envfile"]')
    page.click('.jp-Dialog .jp-mod-accept:has-text("Create")')
    created = world.root / "scratch" / "environment.yml"
    deadline = time.monotonic() + 30
    while not created.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert created.read_text().startswith("# written by jupyter-envpanel from the environment 'beta'")
    # then the drift is against the new file, and it is in sync with the env it came from
    page.wait_for_selector('#jp-envpanel .jp-EnvPanel-ok:has-text("beta matches")', timeout=30_000)
    page.close()
    created.unlink()
