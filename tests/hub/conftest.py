"""Fixtures of the JupyterHub test: the hub and its servers are separate processes."""

from __future__ import annotations

import pytest


# pytest-jupyter's autouse loop and cleanup have no in-process server to serve or clean up here.
@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Override pytest-jupyter's loop: no in-process server here."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    """Override pytest-jupyter's cleanup: the servers here are separate processes."""
    yield
