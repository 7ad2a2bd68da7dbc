"""From a drift warning to the next step: the fix command typed into a real terminal (not run), and
the filter finding a package across 200 environments with its versions."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from support.browser import CODE, SHOTS, make_world, open_notebook, run_cell, show_panel, wait_kernel_idle
from support.factory import CONDA_FORGE, write_record
from support.labserver import notebook, run_lab

pytestmark = pytest.mark.browser
RECORDER = """#!{python}
import json, os, sys
with open({log!r}, "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
"""


def snapshot(folder: Path) -> dict:
    return {
        str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("fixlab")
    world = make_world(base)
    # the installation's own `conda` (the server offers commands only for a tool it finds): it
    # records its arguments if it is ever run
    root = world.home / "miniconda3"
    log = base / "conda-argv.log"
    (root / "bin").mkdir(exist_ok=True)
    (root / "bin" / "conda").write_text(RECORDER.format(python=sys.executable, log=str(log)))
    (root / "bin" / "conda").chmod(0o755)
    for profile in (".bash_profile", ".bashrc", ".profile"):
        (world.home / profile).write_text('export PS1="$ "\n')
    for i in range(200):  # a world of 200 environments; every other one has scipy
        packages = [("numpy", f"1.{i % 27}.0", "py311h0_0", CONDA_FORGE)]
        if i % 2 == 0:
            packages.append(("scipy", f"1.{i % 13}.1", "py311h0_0", CONDA_FORGE))
        world.conda_env(root / "envs" / f"e{i:03d}", packages=packages, python="3.11.7")
    mp = pytest.MonkeyPatch()
    mp.setenv("SHELL", "/bin/bash")
    try:
        with run_lab(world.home, world.root, base / "jupyter") as server:
            server.world, server.log_file = world, log
            yield server
    finally:
        mp.undo()


def test_fix_command_is_typed_into_a_terminal_and_runs_only_on_enter(lab, chrome):
    world = lab.world
    alpha = world.home / "miniconda3" / "envs" / "alpha"
    before = snapshot(world.home / "miniconda3")
    page = open_notebook(chrome, lab)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    fix = page.wait_for_selector('[data-fix-tool="conda"]', timeout=30_000)
    command = fix.get_attribute("data-fix-command")
    expected = ["install", "--prefix", str(alpha), "-c", "conda-forge", "numpy>=2", "scipy"]
    conda = world.home / "miniconda3" / "bin" / "conda"
    assert command == f"{conda} " + " ".join(a if a != "numpy>=2" else "'numpy>=2'" for a in expected)
    assert fix.inner_text().startswith(command)
    page.locator("#jp-envpanel").screenshot(path=str(SHOTS / "fix-drift.png"))

    # When the user clicks Open in Terminal
    page.click('[data-fix-tool="conda"] [data-action="terminal-fix"]')
    page.wait_for_selector(".jp-Terminal", timeout=60_000)
    # Then the command is typed, not run: the terminal waits for Enter
    time.sleep(3)
    assert not lab.log_file.exists()
    assert snapshot(world.home / "miniconda3") == before  # nothing installed, nothing written

    # and when the user presses Enter, the tool receives exactly the arguments shown
    page.click(".jp-Terminal .xterm")
    page.keyboard.press("Enter")
    deadline = time.monotonic() + 30
    while not lab.log_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [json.loads(line) for line in lab.log_file.read_text().splitlines()] == [expected]
    page.close()


def test_filter_finds_a_package_across_200_environments_with_versions(lab, chrome):
    before = snapshot(lab.world.home / "miniconda3")
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    page.goto(lab.page_url("lab"))

    show_panel(page)
    page.wait_for_selector('#jp-envpanel [data-env-name="e199"]', timeout=60_000)
    page.fill("#jp-envpanel input[type=search], #jp-envpanel .jp-EnvPanel-filter input", "scipy")
    page.wait_for_selector('[data-env-name="e000"] [data-package-hits]', timeout=30_000)
    rows = page.locator("#jp-envpanel [data-env-name^='e']")
    assert rows.count() == 100  # scipy is in every other env of the 200 (and maybe the machine's Python)
    assert (
        page.get_attribute('[data-env-name="e014"] [data-package-hits]', "data-package-hits") == "scipy 1.1.1"
    )
    assert page.locator('[data-env-name="e001"]').count() == 0
    page.fill("#jp-envpanel input[type=search], #jp-envpanel .jp-EnvPanel-filter input", "numpy")
    page.wait_for_selector('[data-env-name="e001"] [data-package-hits]', timeout=30_000)
    assert (
        page.get_attribute('[data-env-name="e028"] [data-package-hits]', "data-package-hits") == "numpy 1.1.0"
    )
    assert (
        page.get_attribute('[data-env-name="alpha"] [data-package-hits]', "data-package-hits")
        == "numpy 1.24.4"
    )
    assert snapshot(lab.world.home / "miniconda3") == before
    page.close()


def test_saved_notebook_records_what_it_ran_with_and_shows_what_changed_since(lab, chrome):

    world = lab.world
    path = world.root / "demo.ipynb"
    page = open_notebook(chrome, lab)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    # Given a notebook that ran a cell, when it is saved: its metadata says what it ran with
    run_cell(page)
    page.wait_for_timeout(1500)  # the record is refreshed when the kernel is idle again
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while "ran_with" not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    ran = json.loads(path.read_text())["metadata"]["envpanel"]["ran_with"]
    assert ran["environment"] == "alpha" and ran["python"] == "3.11.7"
    assert "conda-forge::numpy=1.24.4=py311h0_0" in ran["packages"]
    assert len(json.dumps(ran)) < 2048
    # a second save writes the same bytes
    page.click(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor")
    page.keyboard.press("Control+s")
    time.sleep(1.5)
    assert json.loads(path.read_text())["metadata"]["envpanel"]["ran_with"] == ran
    page.close()

    # When a package changes in the environment and the notebook is opened again
    alpha = world.home / "miniconda3" / "envs" / "alpha"
    (alpha / "conda-meta" / "numpy-1.24.4-py311h0_0.json").unlink()
    write_record(alpha, ("numpy", "1.25.2", "py311h9_0", CONDA_FORGE))
    page = open_notebook(chrome, lab)
    # Then the panel and the status bar say what changed since it ran
    item = page.wait_for_selector('[data-ran-with="numpy"]', timeout=60_000)
    assert item.inner_text() == "numpy: ran with 1.24.4=py311h0_0, now 1.25.2=py311h9_0"
    page.wait_for_function(
        "document.querySelector('#jp-envpanel-status').textContent.includes('1 changed since run')"
    )
    page.locator("#jp-envpanel").screenshot(path=str(SHOTS / "ran-with.png"))
    page.close()


def test_filter_results_below_the_fold_are_scrolled_into_view(lab, chrome):

    # a short window and a notebook with drift: the list starts below the fold
    page = chrome.new_page(viewport={"width": 1400, "height": 600})
    page.goto(lab.page_url("lab/workspaces/fold/tree/demo.ipynb"))
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    show_panel(page)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    page.wait_for_selector('[data-fix-tool="conda"]', timeout=30_000)
    wait_kernel_idle(lab, "demo.ipynb")
    # Given the filter box just visible at the bottom of the panel, as a user scrolls to it
    below = page.evaluate(
        """() => {
          const scroller = document.querySelector('#jp-envpanel .jp-SidePanel-content');
          const input = document.querySelector('#jp-envpanel .jp-EnvPanel-filter');
          scroller.scrollTop = 0;
          const view = scroller.getBoundingClientRect();
          const below = input.getBoundingClientRect().bottom - view.bottom;
          scroller.scrollTop = below + 4;
          return [below, view.bottom - input.getBoundingClientRect().bottom];
        }"""
    )
    assert below[0] > 0 and 0 <= below[1] < 10, below  # the list is below the fold
    first_visible = """() => {
      const view = document.querySelector('#jp-envpanel .jp-SidePanel-content').getBoundingClientRect();
      const row = document.querySelector('#jp-envpanel [data-package-hits]');
      if (!row) { return false; }
      const box = row.closest('[data-env-name]').getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    }"""
    # When the user types a package name there
    page.click("#jp-envpanel .jp-EnvPanel-filter")
    page.keyboard.type("scipy")
    # Then the panel scrolls so that the first results show, and the text box keeps the focus
    page.wait_for_selector('[data-env-name="e000"] [data-package-hits]', timeout=30_000)
    page.wait_for_function(first_visible, timeout=10_000)
    assert page.evaluate("document.activeElement.classList.contains('jp-EnvPanel-filter')")
    page.close()


def test_an_entry_with_control_characters_gets_a_note_not_a_command(lab, chrome):

    # Given a cloned project whose environment.yml hides Ctrl-U and a carriage return in an entry
    folder = lab.world.root / "cloned"
    folder.mkdir(exist_ok=True)
    (folder / "environment.yml").write_text(
        'name: demo\ndependencies:\n  - numpy>=2\n  - "scipy # \\x15touch X\\r#"\n'
    )
    notebook(folder / "nb.ipynb", "conda-env-alpha-py", "Python [conda env:alpha]", CODE)
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    page.goto(lab.page_url("lab/workspaces/cloned/tree/cloned/nb.ipynb"))
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    show_panel(page)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    wait_kernel_idle(lab, "cloned/nb.ipynb")
    # Then the safe entry has its command, and the other one a note saying why it has none
    fix = page.wait_for_selector('[data-fix-tool="conda"]', timeout=30_000)
    assert fix.get_attribute("data-fix-command").endswith("'numpy>=2'")
    note = page.wait_for_selector('[data-fix-note="text"]')
    assert note.query_selector("code").inner_text() == "scipy # \\x15touch X\\x0d#"
    assert note.query_selector("p").inner_text() == (
        "these entries hold control characters (or start with `-`); no command is offered for them"
    )
    assert page.locator(".jp-EnvPanel-fixNotes button").count() == 0  # nothing to copy or type
    assert page.locator('[data-action="terminal-fix"]').count() == 1  # the safe command's only
    page.close()
