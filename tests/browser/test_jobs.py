"""A freshly cloned project with no environment, made from the panel: Create, follow, Cancel,
Create again, Switch, and the kernel runs in the new environment - in JupyterLab and Notebook 7."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from support import RESULTS
from support.browser import wait_kernel_idle
from support.factory import PY, PYKERNEL, World, write_kernel
from support.labserver import notebook, run_lab

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
CODE = "import os, sys\nprint('PREFIX=' + sys.prefix + ' CONDA_PREFIX=' + os.environ.get('CONDA_PREFIX', ''))"

# A fake conda: prints progress as conda does, writes the prefix conda would (conda-meta records,
# history, environments.txt, a kernelspec) and an interpreter whose sys.prefix is that prefix, and
# records its argv. With the SLOW file present it stops at 10 % and sleeps (until cancelled).
FAKE_CONDA = r"""#!{python}
import json, os, sys, time
from pathlib import Path

sys.path.insert(0, {tests!r})
from support.factory import PYKERNEL, World, write_kernel, write_record

args = sys.argv[1:]
with open({argv_log!r}, "a") as log:
    log.write(json.dumps(args) + "\n")
print("Collecting package metadata (repodata.json): done", flush=True)
if os.path.exists({slow!r}):
    with open({slow!r} + ".pid", "w") as fh:
        fh.write(str(os.getpid()))
    print("Solving environment: 10%", flush=True)
    time.sleep(3600)
for pct in range(10, 101, 10):
    print(f"Solving environment: {{pct}}%", flush=True)
    time.sleep({step})
if args[0] == "install":  # conda install --prefix PREFIX SPEC...: a record per spec, and history
    at = args.index("--prefix")
    prefix, specs = Path(args[at + 1]), [a for a in args[at + 2 :] if not a.startswith("-")]
    for spec in specs:
        write_record(prefix, (spec.split("=")[0].split(">")[0], "2.1.0", "py311h0_0"))
    with open(prefix / "conda-meta" / "history", "a") as fh:
        fh.write(f"==> 2024-01-02 00:00:00 <==\n# cmd: conda install\n# update specs: {{specs!r}}\n")
    print("Executing transaction: done", flush=True)
    sys.exit(0)
name = None
with open(args[args.index("-f") + 1], encoding="utf-8") as fh:
    for line in fh:
        if line.startswith("name:"):
            name = line.split(":", 1)[1].strip()
root = Path(sys.argv[0]).resolve().parent.parent
prefix = root / "envs" / name
world = World(Path({base!r}))
world.conda_env(prefix, python={py_full!r}, requested=["python", "ipykernel"], ipykernel=True)
write_kernel(prefix, "python3", PYKERNEL)
# a venv-style interpreter: its sys.prefix is this prefix, and it imports this test run's ipykernel
base = os.path.realpath(sys.executable)
(prefix / "bin").mkdir(exist_ok=True)
os.symlink(base, prefix / "bin" / "python")
cfg = f"home = {{os.path.dirname(base)}}\ninclude-system-site-packages = false\n"
(prefix / "pyvenv.cfg").write_text(cfg)
site = prefix / "lib" / "python{py}" / "site-packages"
site.mkdir(parents=True, exist_ok=True)
(site / "test-run.pth").write_text("\n".join({paths!r}) + "\n")
with open(os.path.expanduser("~/.conda/environments.txt"), "a") as fh:
    fh.write(f"{{prefix}}\n")
print("Executing transaction: done", flush=True)
"""


def make_world(base: Path) -> World:
    """A conda installation with a fake conda and env alpha; proj/ is a clone with no environment."""
    world = World(base)
    world.home.mkdir(parents=True)
    world.root.mkdir()
    (world.home / ".conda").mkdir()
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    alpha = world.conda_env(root / "envs" / "alpha", ipykernel=True, runnable=True)
    write_kernel(alpha, "python3", PYKERNEL)
    fake = root / "bin" / "conda"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(
        FAKE_CONDA.format(
            python=sys.executable,
            tests=str(TESTS),
            argv_log=str(base / "argv.log"),
            slow=str(base / "SLOW"),
            step=0.4,
            base=str(base / "factory"),
            py_full=".".join(map(str, sys.version_info[:3])),
            py=PY,
            paths=[p for p in sys.path if p.endswith("site-packages")],
        )
    )
    fake.chmod(0o755)
    proj = world.root / "proj"
    proj.mkdir()
    (proj / "environment.yml").write_text("name: demo\ndependencies:\n  - python=3.11\n  - ipykernel\n")
    notebook(proj / "analysis.ipynb", "conda-env-alpha-py", "Python [conda env:alpha]", CODE)
    fixme = world.root / "fixme"  # a project whose environment, alpha, lacks numpy
    fixme.mkdir()
    (fixme / "environment.yml").write_text("name: alpha\ndependencies:\n  - python=3.11\n  - numpy\n")
    notebook(fixme / "nb.ipynb", "conda-env-alpha-py", "Python [conda env:alpha]", CODE)
    return world


@pytest.fixture(scope="module", params=["jupyterlab", "notebook"])
def server(request, tmp_path_factory):
    """JupyterLab or Notebook 7 with this checkout's build of the panel (not an installed one)."""
    base = tmp_path_factory.mktemp(f"jobs-{request.param}")
    world = make_world(base)
    built = REPO / "jupyter_envpanel" / "labextension"
    if not (built / "package.json").is_file():
        pytest.fail("the labextension is not built: cd labextension && jlpm build:prod")
    extensions = base / "labextensions"
    extensions.mkdir()
    (extensions / "jupyter-envpanel").symlink_to(built)
    args = [f"--LabServerApp.extra_labextensions_path={extensions}", "--EnvPanelApp.job_grace=1"]
    with run_lab(world.home, world.root, base / "jupyter", app=request.param, args=args) as lab:
        lab.world, lab.app, lab.base = world, request.param, base
        yield lab


def open_notebook(chrome, lab, path: str):
    """Open the notebook with the Environments panel shown, its kernel idle."""
    page = chrome.new_page(viewport={"width": 1300, "height": 1000}, device_scale_factor=1.5)
    prefix = "lab/tree" if lab.app == "jupyterlab" else "notebooks"
    page.goto(lab.page_url(f"{prefix}/{path}"))
    show_panel(page, lab, path)
    return page


def show_panel(page, lab, path: str) -> None:
    """Wait for the notebook and its idle kernel, then open the Environments panel unless it is open."""
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    wait_kernel_idle(lab, path)
    indicator = "#jp-envpanel-status" if lab.app == "jupyterlab" else "[data-envpanel-toolbar]"
    page.wait_for_selector(indicator, timeout=60_000)
    if not page.locator("#jp-envpanel").is_visible():
        page.click(indicator)
    page.wait_for_selector("#jp-envpanel [data-env-name]", timeout=30_000)


def kernel_of(lab, path: str) -> str:
    """The kernel name of the notebook's session, as the server sees it."""
    names = [s["kernel"]["name"] for s in lab.api("GET", "/api/sessions") if s["path"] == path]
    return names[0] if names else ""


def confirm_create(page, when_ready: bool = False) -> str:
    """Click Create; return the command the confirmation shows; accept (ticking "switch when ready")."""
    page.click('#jp-envpanel [data-action="create-env"][data-job-tool="conda"]')
    dialog = page.wait_for_selector(".jp-Dialog", timeout=15_000)
    command = dialog.query_selector("[data-job-preview]").get_attribute("data-job-preview")
    assert "Create demo with conda?" in dialog.inner_text()
    assert "Switch this notebook to it when ready" in dialog.inner_text()
    if when_ready:
        page.click(".jp-Dialog .jp-Dialog-checkbox input")
    page.click(".jp-Dialog .jp-mod-accept")
    page.wait_for_selector(".jp-Dialog", state="detached")
    return command


def argv_of(base: Path, command: str) -> list[list[str]]:
    """The argv the fake conda recorded for a command (`env`, `install`), in order."""
    lines = (base / "argv.log").read_text().splitlines()
    return [argv for argv in map(json.loads, lines) if argv[0] == command]


def shoot(page, lab) -> None:
    """Leave test-results/jobs-APP.png: the Jobs and Project sections (JupyterLab: a wider sidebar)."""
    if lab.app == "jupyterlab":
        handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first.bounding_box()
        now = page.locator("#jp-left-stack").bounding_box()["width"]
        x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 380 - now, y, steps=5)
        page.mouse.up()
    page.mouse.move(1, 1)
    page.wait_for_timeout(800)  # the last re-render
    boxes = [page.locator(f'#jp-envpanel [aria-label="{s}"]').bounding_box() for s in ("Jobs", "Project")]
    top, left = min(b["y"] for b in boxes), min(b["x"] for b in boxes)
    bottom = max(b["y"] + b["height"] for b in boxes)
    right = max(b["x"] + b["width"] for b in boxes)
    clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"jobs-{lab.app}.png"), clip=clip, animations="disabled")


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_create_follow_cancel_create_again_switch(server, chrome):
    lab, base = server, server.base
    path = "proj/analysis.ipynb"
    conda = lab.world.home / "miniconda3" / "bin" / "conda"
    prefix = lab.world.home / "miniconda3" / "envs" / "demo"
    page = open_notebook(chrome, lab, path)
    card = page.wait_for_selector(
        '#jp-envpanel [data-project-state="missing"][data-actions="true"]', timeout=60_000
    )
    assert "Not created yet. Create it here, or from the server root with:" in card.inner_text()

    # Create, on the slow fake: the confirmation shows the server's exact command; the job runs
    (base / "SLOW").write_text("")
    command = confirm_create(page)
    assert command == f"{conda} env create -f proj/environment.yml"
    job = page.wait_for_selector('#jp-envpanel [data-job-state="running"]', timeout=15_000)
    page.wait_for_selector('#jp-envpanel [data-job-state="running"] [data-progress="10"]', timeout=30_000)
    assert job.query_selector("[data-job-last]").inner_text() == "Solving environment: 10%"
    job.query_selector(".jp-EnvPanel-jobLog summary").click()
    log = job.query_selector("[data-job-output]")
    assert log.is_visible() and "Collecting package metadata" in log.inner_text()
    assert page.locator('[data-action="create-env"][disabled]').count() == 1  # one job per env
    shoot(page, lab)

    # the job lives on the server: a reloaded page finds it and follows it again
    page.reload()
    show_panel(page, lab, path)
    page.wait_for_selector('#jp-envpanel [data-job-state="running"] [data-progress="10"]', timeout=30_000)
    page.wait_for_function(
        "() => (document.querySelector('#jp-envpanel [data-job-output]') || {}).textContent"
        "?.includes('Collecting package metadata')",
        timeout=30_000,
    )

    # Cancel stops the tool: the job says cancelled, nothing was made, the process is gone
    pid = int((base / "SLOW.pid").read_text())
    page.click('#jp-envpanel [data-action="cancel-job"]')
    page.wait_for_selector('#jp-envpanel [data-job-state="cancelled"]', timeout=30_000)
    page.wait_for_selector(".Toastify__toast:has-text('Creating demo was cancelled.')", timeout=15_000)
    assert not prefix.exists()
    deadline = time.monotonic() + 10
    while alive(pid):
        assert time.monotonic() < deadline, f"the fake conda ({pid}) still runs after Cancel"
        time.sleep(0.2)
    page.click('#jp-envpanel [data-action="dismiss-job"]')

    # Create again, on the normal fake: progress moves, then success says so; then Switch (clicked
    # in JupyterLab; in Notebook 7 by "switch when ready", ticked in the confirmation)
    when_ready = lab.app == "notebook"
    (base / "SLOW").unlink()
    assert confirm_create(page, when_ready) == command
    page.wait_for_selector('#jp-envpanel [data-job-state="running"]', timeout=15_000)
    seen = set()
    deadline = time.monotonic() + 60
    while not page.locator('#jp-envpanel [data-job-state="succeeded"]').count():
        bars = page.locator("#jp-envpanel [data-progress]")
        seen.update(bars.evaluate_all("e => e.map(x => x.dataset.progress)"))
        assert time.monotonic() < deadline, "the create job did not succeed"
        time.sleep(0.1)
    assert len(seen - {"indeterminate"}) >= 2, seen  # a determinate bar that moved
    page.wait_for_selector(".Toastify__toast:has-text('Created demo.')", timeout=15_000)
    assert argv_of(base, "env") == [["env", "create", "-f", "proj/environment.yml"]] * 2
    page.wait_for_selector('#jp-envpanel [data-env-name="demo"]', timeout=30_000)
    if not when_ready:
        page.wait_for_selector('#jp-envpanel [data-project-state="exists"]', timeout=30_000)
        page.click('#jp-envpanel [data-action="switch-project"]')

    # the notebook's kernel runs in the new environment
    deadline = time.monotonic() + 60
    while kernel_of(lab, path) != "conda-env-demo-py":
        assert time.monotonic() < deadline, kernel_of(lab, path)
        time.sleep(0.3)
    page.wait_for_selector('#jp-envpanel [data-project-state="active"]', timeout=60_000)
    wait_kernel_idle(lab, path)
    page.click(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor")
    page.keyboard.press("Shift+Enter")
    output = page.wait_for_selector(
        ".jp-NotebookPanel .jp-OutputArea-output:has-text('PREFIX=')", timeout=60_000
    ).inner_text()
    real = os.path.realpath(prefix)
    assert f"PREFIX={real} " in output and output.strip().endswith(f"CONDA_PREFIX={real}"), output
    page.close()


def test_update_to_match_from_the_drift_section(server, chrome):
    lab, base = server, server.base
    alpha = lab.world.home / "miniconda3" / "envs" / "alpha"
    page = open_notebook(chrome, lab, "fixme/nb.ipynb")
    page.wait_for_selector('#jp-envpanel [data-drift-status="missing"]', timeout=60_000)
    fix = page.get_attribute("#jp-envpanel [data-fix-command]", "data-fix-command")
    page.click('#jp-envpanel [data-action="update-env"]')
    dialog = page.wait_for_selector(".jp-Dialog", timeout=15_000)
    assert "Update alpha to match fixme/environment.yml?" in dialog.inner_text()
    assert dialog.query_selector("[data-job-preview]").get_attribute("data-job-preview") == fix
    assert dialog.query_selector(".jp-Dialog-checkbox") is None  # the kernel stays the same
    page.click(".jp-Dialog .jp-mod-accept")
    page.wait_for_selector('#jp-envpanel [data-job-state="succeeded"]', timeout=60_000)
    page.wait_for_selector(".Toastify__toast:has-text('Updated alpha to match')", timeout=15_000)
    assert argv_of(base, "install") == [["install", "--prefix", str(alpha), "numpy"]]
    # the drift is read again: nothing missing any more
    page.wait_for_selector('#jp-envpanel [data-drift-status="missing"]', state="detached", timeout=30_000)
    page.wait_for_selector("#jp-envpanel .jp-EnvPanel-ok:has-text('alpha matches')", timeout=30_000)
    page.close()


def test_with_actions_off_the_panel_shows_the_commands_and_no_button(tmp_path, chrome):
    world = make_world(tmp_path)
    extensions = tmp_path / "labextensions"
    extensions.mkdir()
    (extensions / "jupyter-envpanel").symlink_to(REPO / "jupyter_envpanel" / "labextension")
    args = [f"--LabServerApp.extra_labextensions_path={extensions}", "--EnvPanelApp.allow_actions=False"]
    with run_lab(world.home, world.root, tmp_path / "jupyter", args=args) as lab:
        lab.app = "jupyterlab"
        page = open_notebook(chrome, lab, "proj/analysis.ipynb")
        card = page.wait_for_selector(
            '#jp-envpanel [data-project-state="missing"][data-actions="false"]', timeout=60_000
        )
        conda = world.home / "miniconda3" / "bin" / "conda"
        assert f"{conda} env create -f proj/environment.yml" in card.inner_text()
        assert "Create it from the server root with:" in card.inner_text()
        assert page.locator('#jp-envpanel [data-action="copy-create"]').count() == 1
        assert page.locator('#jp-envpanel [data-action="create-env"]').count() == 0
        assert not (tmp_path / "argv.log").exists()
        page.close()
