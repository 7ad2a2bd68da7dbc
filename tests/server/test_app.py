"""The server builds its listing, kernel table and package index at start, off the loop, unasked."""

from __future__ import annotations

import threading
import time

import pytest
from support.server import make_envs

from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager


def settled(names=("envpanel-warmup", "envpanel-package-index"), limit: float = 60.0) -> bool:
    """Wait (bounded) until the warm-up threads are done; return whether they are."""
    deadline = time.monotonic() + limit
    while any(t.name in names for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def envs(server_world):
    """Write the environments before the server starts."""
    make_envs(server_world)
    return server_world


async def test_tables_are_ready_before_the_first_request(envs, jp_serverapp):
    app = jp_serverapp.extension_manager.extension_points["jupyter_envpanel"].app
    service = app.settings["envpanel_service"]
    ksm = jp_serverapp.kernel_spec_manager
    assert isinstance(ksm, EnvPanelKernelSpecManager) and ksm.service is service
    assert settled()
    listing = service.listing(revalidate=False)
    assert {"base", "ml"} <= {e.name for e in listing.environments}
    assert ksm._table is not None and "conda-env-ml-py" in ksm._table.entries
    assert service.installed._index is None  # the package index waits for the server to have started
    await jp_serverapp.extension_manager.start_all_extensions()  # what the server runs once started
    assert settled()
    assert service.installed._index is not None
    assert {e.prefix for e in listing.environments} <= set(service.installed._index._items)
