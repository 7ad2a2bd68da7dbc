"""What a user does: JupyterLab in headless Chromium, a notebook in env alpha, Switch to beta."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support.browser import CODE, SHOTS, make_world, open_notebook, run_cell, show_panel, wait_kernel_idle
from support.labserver import notebook, run_lab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    world = make_world(base)
    with run_lab(world.home, world.root, base / "jupyter") as server:
        server.world = world
        yield server


def test_user_sees_active_env_and_drift_then_switches_in_one_click(lab, chrome):
    page = open_notebook(chrome, lab)
    alpha = str(lab.world.home / "miniconda3" / "envs" / "alpha")
    beta = str(lab.world.home / "miniconda3" / "envs" / "beta")

    # Given a notebook running in alpha: the panel says so, with alpha's drift
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    page.wait_for_selector('[data-drift-status="mismatch"]')
    assert page.locator('[data-drift-status="missing"]').count() == 1  # scipy
    assert page.locator('[data-drift-status="unrequested"]').count() == 1  # seaborn, apart
    assert "numpy>=2" in page.inner_text('[data-drift-status="mismatch"]')
    # no conda on this machine: no command to fix it, but a note that says what is needed
    note = page.wait_for_selector('[data-fix-note="conda"]')
    assert note.query_selector("code").inner_text() == "numpy>=2 scipy"
    assert "conda, mamba or micromamba is needed to install these" in note.query_selector("p").inner_text()
    assert page.locator("[data-fix-tool]").count() == 0
    assert page.locator(".jp-EnvPanel-fixNotes button").count() == 0
    page.wait_for_function("document.querySelector('#jp-envpanel-status').textContent.includes('alpha')")
    assert "2 drift" in page.inner_text("#jp-envpanel-status")  # missing + mismatch
    assert f"PREFIX={alpha}" in run_cell(page)  # (README's panel-light.png: test_browser_quickstart.py)

    # When the user clicks Switch on beta (and confirms: a cell was run, its variables will be lost)
    page.click('[data-env-name="beta"] [data-action="switch"]')
    page.click(".jp-Dialog .jp-mod-accept")

    # Then the kernel is beta's, the panel and status bar follow, and code sees beta
    page.wait_for_selector('[data-active-env="beta"]', timeout=60_000)
    page.wait_for_function("document.querySelector('#jp-envpanel-status').textContent.includes('beta')")
    sessions = lab.api("GET", "/api/sessions")
    assert [s["kernel"]["name"] for s in sessions if s["path"] == "demo.ipynb"] == ["conda-env-beta-py"]
    output = ""
    for _ in range(3):  # the new kernel may still be starting when the first run is sent
        output = run_cell(page)
        if beta in output:
            break
        page.wait_for_timeout(1000)
    assert f"PREFIX={beta}" in output
    assert re.search(r"beta · \d+ drift|beta · in sync", page.inner_text("#jp-envpanel-status"))
    page.close()


def test_drift_entry_opens_the_environment_file_at_its_line(lab, chrome):
    page = open_notebook(chrome, lab)
    page.wait_for_selector('[data-drift-status="missing"]', timeout=60_000)
    page.click('[data-drift-status="missing"]')
    page.wait_for_function(
        "(document.querySelector('.jp-FileEditor .cm-content') || {innerText: ''})"
        ".innerText.includes('scipy')",
        timeout=30_000,
    )
    page.wait_for_timeout(300)
    line = page.evaluate(
        "() => { const s = window.getSelection(); const l = s.anchorNode && (s.anchorNode.nodeType === 3 ?"
        " s.anchorNode.parentElement : s.anchorNode).closest('.cm-line'); return l ? l.innerText : null; }"
    )
    assert line is not None and "scipy" in line
    page.close()


def test_filter_and_dark_theme_screenshot(lab, chrome):
    lab.api(
        "PUT",
        "/lab/api/settings/@jupyterlab/apputils-extension:themes",
        {"raw": '{"theme": "JupyterLab Dark"}'},
    )
    try:
        page = open_notebook(chrome, lab)
        page.wait_for_selector("body[data-jp-theme-light='false']", state="attached", timeout=30_000)
        page.wait_for_selector("[data-active-env]", timeout=60_000)
        page.fill(".jp-EnvPanel-filter", "bet")
        page.wait_for_function("document.querySelectorAll('#jp-envpanel [data-env-name]').length === 1")
        assert page.get_attribute("#jp-envpanel [data-env-name]", "data-env-name") == "beta"
        page.fill(".jp-EnvPanel-filter", "")
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / "panel-dark.png"))
        # the status bar item opens the panel when it is closed
        page.click('.jp-SideBar [data-id="jp-envpanel"]')
        page.wait_for_selector("#jp-envpanel", state="hidden")
        page.click("#jp-envpanel-status")
        page.wait_for_selector("#jp-envpanel", state="visible")
        page.close()
    finally:
        lab.api(
            "PUT",
            "/lab/api/settings/@jupyterlab/apputils-extension:themes",
            {"raw": '{"theme": "JupyterLab Light"}'},
        )


def test_switch_is_disabled_with_a_reason_when_no_notebook_is_focused(lab, chrome):
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    page.goto(lab.page_url("lab/workspaces/empty"))
    show_panel(page)
    button = page.wait_for_selector('[data-env-name="beta"] [data-action="switch"]', timeout=30_000)
    assert button.is_disabled()
    assert "Open a notebook or console" in button.get_attribute("title")
    assert "Open a notebook or console to see its environment" in page.inner_text("#jp-envpanel")
    page.close()


def settle(page, lab) -> None:
    """Wait until the panel shows the environment of demo.ipynb's kernel as active, list included."""
    kernels = [s["kernel"]["name"] for s in lab.api("GET", "/api/sessions") if s["path"] == "demo.ipynb"]
    env = kernels[0].removeprefix("conda-env-").rsplit("-", 1)[0]  # conda-env-beta-py: beta
    page.wait_for_selector(f'[data-active-env="{env}"]', timeout=60_000)
    page.wait_for_selector(f'.jp-mod-active[data-env-name="{env}"]', timeout=30_000)
    page.wait_for_load_state("networkidle", timeout=30_000)  # the panel's first answers are all in


def test_an_environment_with_several_kernels_offers_a_menu(lab, chrome):
    # Given the panel settled on the environment of the notebook's kernel
    page = open_notebook(chrome, lab)
    settle(page, lab)
    # When the user opens gamma's Switch menu: one item per kernel, and the keyboard moves through it
    page.click('[data-env-name="gamma"] [data-action="switch"]')
    items = page.locator('[data-env-name="gamma"] [data-action="switch-kernel"]')
    items.first.wait_for(state="visible")
    assert sorted(items.evaluate_all("els => els.map(e => e.dataset.kernel)")) == [
        "conda-env-gamma-py",
        "conda-env-gamma-r",
    ]
    page.keyboard.press("Escape")  # keyboard: Escape closes the menu, the Switch button has focus again
    items.first.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.dataset.action") == "switch"
    page.keyboard.press("Enter")
    items.first.wait_for(state="visible")
    order = items.evaluate_all("els => els.map(e => e.dataset.kernel)")
    assert page.evaluate("document.activeElement.dataset.kernel") == order[0]
    page.keyboard.press("ArrowDown")  # focus moves from the first kernel to the second
    assert page.evaluate("document.activeElement.dataset.kernel") == order[1]
    page.keyboard.press("Escape")

    # And when the kernel ran a cell and the page is opened anew (no cell shows a count)
    assert "PREFIX=" in run_cell(page)
    page.close()  # what a reload does to the page; the kernel and its variables live on
    page = open_notebook(chrome, lab)
    settle(page, lab)
    page.click('[data-env-name="gamma"] [data-action="switch"]')
    page.click('[data-env-name="gamma"] [data-kernel="conda-env-gamma-py"]')
    # Then the switch asks first: the kernel itself says it ran a cell, its variables would be lost
    dialog = page.wait_for_selector(".jp-Dialog", timeout=30_000)
    assert "gamma" in dialog.inner_text()
    page.click(".jp-Dialog .jp-mod-accept")
    page.wait_for_selector('[data-active-env="gamma"]', timeout=60_000)
    sessions = lab.api("GET", "/api/sessions")
    assert [s["kernel"]["name"] for s in sessions if s["path"] == "demo.ipynb"] == ["conda-env-gamma-py"]
    page.close()


def test_panel_says_how_to_enable_a_missing_server_extension(tmp_path, chrome):
    world = make_world(tmp_path)
    config = tmp_path / "jupyter" / "config" / "jupyter_server_config.json"
    config.parent.mkdir(parents=True)
    # what `jupyter server extension disable --user jupyter_envpanel` writes
    config.write_text(json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_envpanel": False}}}))
    with run_lab(world.home, world.root, tmp_path / "jupyter") as server:
        page = chrome.new_page(viewport={"width": 1400, "height": 900})
        page.goto(server.page_url("lab"))
        show_panel(page)
        alert = page.wait_for_selector("#jp-envpanel [role=alert]", timeout=30_000)
        assert "jupyter server extension enable jupyter_envpanel" in alert.inner_text()
        page.close()


def saved_metadata(path: Path, until, seconds: float = 30) -> dict:
    """Wait until the saved notebook's metadata satisfies `until`, and return it."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        metadata = json.loads(path.read_text()).get("metadata", {})
        if until(metadata):
            return metadata
        assert time.monotonic() < deadline, metadata
        time.sleep(0.2)


def test_the_record_follows_the_kernel_that_ran_and_the_comparison_follows_the_switch(lab, chrome):
    path = lab.world.root / "switch.ipynb"
    notebook(path, "conda-env-alpha-py", "Python [conda env:alpha]", CODE)
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    page.goto(lab.page_url("lab/workspaces/record/tree/switch.ipynb"))
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    show_panel(page)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    wait_kernel_idle(lab, "switch.ipynb")
    ran = lambda m: m.get("envpanel", {}).get("ran_with", {}).get("environment")  # noqa: E731

    # Given a cell run in alpha and a save: the record is alpha's
    assert "PREFIX=" in run_cell(page)
    page.wait_for_timeout(1500)
    page.keyboard.press("Control+s")
    assert ran(saved_metadata(path, ran)) == "alpha"

    # When the notebook switches to beta: the comparison is with beta now, and says so
    page.click('[data-env-name="beta"] [data-action="switch"]')
    page.click(".jp-Dialog .jp-mod-accept")
    page.wait_for_selector('[data-active-env="beta"]', timeout=60_000)
    line = page.wait_for_selector('[data-ran-with-env="alpha"][data-compared-env="beta"]', timeout=30_000)
    assert "Ran with alpha; the kernel now runs in beta" in line.inner_text()
    numpy = page.inner_text('[data-ran-with="numpy"]')
    assert numpy == "numpy: ran with 1.24.4=py311h0_0, now 2.1.0=py311h0_0"
    page.wait_for_function(
        "document.querySelector('#jp-envpanel-status').textContent.includes('changed since run')"
    )

    # and saved without running anything: the record stays alpha's (the outputs are alpha's)
    page.click(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor")
    page.keyboard.press("Control+s")
    metadata = saved_metadata(path, lambda m: m.get("kernelspec", {}).get("name") == "conda-env-beta-py")
    assert ran(metadata) == "alpha"

    # When a cell runs in beta and the notebook is saved: the record is beta's
    for attempt in range(4):  # the new kernel may still be starting when the first run is sent
        page.click(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor")
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_selector(".jp-OutputArea-output:has-text('envs/beta')", timeout=15_000)
            break
        except Exception:
            assert attempt < 3, "the cell never ran in beta"
    page.wait_for_timeout(1500)
    page.keyboard.press("Control+s")
    assert ran(saved_metadata(path, lambda m: ran(m) == "beta")) == "beta"
    # and the comparison is beta with beta: nothing changed since it ran
    page.wait_for_selector('[data-ran-with-env="beta"][data-compared-env="beta"][data-ran-with-count="0"]')
    page.close()


# The look of the panel, compared with committed baselines (tests/snapshots/, docs/testing.md):
# fonts pinned to DejaVu (what Debian's fontconfig installs with Chromium), the environments of
# the fixture only (no machine Pythons, no server env), and the temporary paths masked and kept
# on one line, so the same Chromium draws the same pixels on any machine.
SNAPSHOT_CSS = """
:root {
  --jp-ui-font-family: 'DejaVu Sans';
  --jp-content-font-family: 'DejaVu Sans';
  --jp-code-font-family: 'DejaVu Sans Mono';
}
.jp-EnvPanel-fix .jp-EnvPanel-command { white-space: nowrap; overflow: hidden; }
"""


@pytest.fixture(scope="module")
def snapshot_lab(tmp_path_factory):
    if (
        shutil.which("fc-list")
        and "DejaVu Sans"
        not in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    ):
        pytest.fail("the snapshots are drawn with DejaVu Sans: apt-get install fonts-dejavu-core")
    base = tmp_path_factory.mktemp("snaplab")
    world = make_world(base)
    with run_lab(world.home, world.root, base / "jupyter", args=["--EnvPanelApp.sources=conda"]) as server:
        server.api(
            "PUT",
            "/lab/api/settings/jupyter-envpanel:plugin",
            {"raw": '{"showServerEnv": false, "refreshInterval": 0}'},
        )
        server.world = world
        yield server


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_panel_looks_as_it_did(snapshot_lab, chrome, theme):
    from support.snapshot import assert_matches

    lab = snapshot_lab
    lab.api(
        "PUT",
        "/lab/api/settings/@jupyterlab/apputils-extension:themes",
        {"raw": json.dumps({"theme": theme})},
    )
    page = chrome.new_page(viewport={"width": 1400, "height": 1100})
    light = "true" if theme.endswith("Light") else "false"
    page.goto(lab.page_url(f"lab/workspaces/snap-{light}/tree/demo.ipynb"))
    page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached", timeout=60_000)
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    show_panel(page)
    page.add_style_tag(content=SNAPSHOT_CSS)
    page.wait_for_selector('[data-active-env="alpha"] [data-drift-count="2"]', timeout=60_000)
    page.wait_for_selector("#jp-envpanel [data-project-state]", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('#jp-envpanel [data-env-name]').length === 4")
    wait_kernel_idle(lab, "demo.ipynb")
    page.mouse.move(1300, 800)
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(500)
    panel = page.locator("#jp-envpanel")
    png = panel.screenshot(
        animations="disabled",
        caret="hide",
        mask=[panel.locator(".jp-EnvPanel-prefix code"), panel.locator(".jp-EnvPanel-fix code")],
        mask_color="#ff00ff",
    )
    page.close()
    assert_matches(png, "panel-light" if light == "true" else "panel-dark")


def test_snapshot_comparison_tolerates_anti_aliasing_not_changes(tmp_path):
    from support.snapshot import compare, read_png, write_png

    # Given a 40x30 picture written and read back as PNG
    rows = [bytes((x * 6, y * 8, 128, 255)) * 1 for y in range(30) for x in range(40)]
    image = (40, 30, [b"".join(rows[y * 40 : (y + 1) * 40]) for y in range(30)])
    write_png(tmp_path / "a.png", image)
    assert read_png((tmp_path / "a.png").read_bytes()) == image
    # When a few pixels shift slightly (anti-aliasing): nothing counts as different
    soft = [bytearray(r) for r in image[2]]
    for y in range(30):
        soft[y][0] = (soft[y][0] + 20) % 256
    assert compare((40, 30, [bytes(r) for r in soft]), image)[0] == 0
    # When a block changes colour: its share of the pixels differs
    hard = [bytearray(r) for r in image[2]]
    for y in range(10):
        hard[y][0:40] = b"\xff\xff\xff\xff" * 10
    assert compare((40, 30, [bytes(r) for r in hard]), image)[0] == pytest.approx(100 / 1200, abs=0.02)
