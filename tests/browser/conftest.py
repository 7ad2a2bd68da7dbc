"""Fixtures of the browser tests: servers in separate processes, one headless Chromium per module."""

from __future__ import annotations

import pytest
from support.labserver import browser


# pytest-jupyter's autouse loop and cleanup would fight Playwright's sync API and have nothing to do.
@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Override pytest-jupyter's loop: Playwright's sync API runs its own; no in-process server here."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    """Override pytest-jupyter's cleanup: the servers here are separate processes."""
    yield


@pytest.fixture(scope="module")
def chrome():
    """One headless Chromium for a module's tests."""
    with browser() as instance:
        yield instance
