"""A conda spec judged against what is installed: in a venv, by version only, naming the spec's version."""

from __future__ import annotations

from jupyter_envpanel.core.conda.spec import check_conda, parse_conda
from jupyter_envpanel.core.packages.inventory import read_inventory


def test_a_conda_entry_a_pip_install_does_not_satisfy_names_the_version_asked_for(world):
    prefix = world.venv(world.base / "venv", dists=[("numpy", "1.26.4", True)])
    numpy = read_inventory(prefix, "venv", None).pip["numpy"]
    verdict = check_conda(parse_conda("conda-forge::numpy>=2"), numpy, by_pip=True)
    assert verdict == ("mismatch", "1.26.4 does not satisfy >=2")
