"""`list` keeps what it read for the next command, sees what changed since, and keeps nothing when told."""

from __future__ import annotations

import json
import os

from support.cli import make_world, run
from support.factory import age, write_record

from jupyter_envpanel.core.environments import factstore


def listed(world, **environ) -> dict[str, dict]:
    """Run `list --json`; return the environments by name."""
    out = run(world, "list", "--json", **environ)
    assert out.returncode == 0, out.stderr
    return {e["name"]: e for e in json.loads(out.stdout)["environments"]}


def test_a_second_list_reuses_the_kept_facts_and_sees_a_change_since(world):
    make_world(world)
    age(world)
    first = listed(world)
    kept = world.home / ".cache" / "jupyter-envpanel" / factstore.FILE_NAME
    entries = {entry[0]: entry for entry in json.loads(kept.read_text())["entries"]}
    ml = next(p for p in entries if p.endswith(os.sep + "ml"))
    assert entries[ml][-1][1] == first["ml"]["package_count"] == 3  # python, numpy, seaborn
    assert listed(world) == first
    write_record(world.home / "miniconda3" / "envs" / "ml", "pandas=2.2.2")  # conda-meta's mtime moves
    assert listed(world)["ml"]["package_count"] == 4


def test_listing_cache_off_keeps_nothing(world):
    make_world(world)
    config_dir = world.base / "jupyter-config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"EnvPanelApp": {"listing_cache": False}})
    )
    assert "ml" in listed(world, JUPYTER_CONFIG_DIR=str(config_dir))
    assert not (world.home / ".cache" / "jupyter-envpanel").exists()
