"""A discovery's listing served without its mtime checks while inotify proves nothing changed."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..base.model import Discovered, Listing
from .discovery import Discovery

if TYPE_CHECKING:
    from ..base.watch import Watch


class ListingWatch:
    """Serve a discovery's listing without its mtime checks while a Watch proves nothing changed.

    After a scan the watch is armed in a background thread (watches added, then the mtimes checked
    once more, so nothing that moved while arming is missed); until then, and wherever paths cannot
    be watched, every check is the discovery's own.
    """

    def __init__(self, discovery: Discovery, enabled: bool = True) -> None:
        """Watch for this discovery (`list()`; `watched`, `racy` of its last scan); off: mtimes only."""
        self.discovery = discovery
        self.enabled = enabled
        self._lock = threading.Lock()
        self._watch: Watch | None = None
        self._for: Listing[Discovered] | None = None  # the listing the watch stands for
        self._latest: Listing[Discovered] | None = None  # the last listing a check returned
        self._unwatchable: Listing[Discovered] | None = None  # a listing whose paths could not be watched
        self._arming = False
        self._may_arm = threading.Event()  # cleared while a warm-up's own work goes first
        self._may_arm.set()

    def hold(self) -> None:
        """Arm no watch until `release()`: a server's warm-up finishes its kernel table first."""
        self._may_arm.clear()

    def release(self) -> None:
        """Let the watch be armed (at once, if a scan is waiting for it)."""
        self._may_arm.set()

    def listing(self) -> Listing[Discovered]:
        """Return the discovery's listing: as cached while the watch is quiet, else checked by mtimes."""
        with self._lock:
            if self._watch is not None and self._watch.quiet():
                raw = self.discovery.list(revalidate=False)
                if raw is self._for:
                    return raw
            raw = self.discovery.list()  # events were read before: any later one stays queued
            self._latest = raw
            if raw is self._for and self._watch is not None and self._watch.alive:
                return raw
            self._drop()
            if self.enabled and not self._arming and raw is not self._unwatchable:
                self._arming = True
                threading.Thread(target=self._arm, args=(raw,), name="envpanel-watch", daemon=True).start()
            return raw

    def _arm(self, raw: Listing[Discovered]) -> None:
        """Add watches for what raw was built from; keep them if its mtimes still hold (a thread)."""
        from ..base.watch import Unwatchable, Watch  # ctypes: paid only by a service that watches

        watch: Watch | None = None
        self._may_arm.wait()
        try:
            if not self.discovery.racy:
                watch = Watch(self.discovery.watched)
                if self.discovery.list() is not raw or self.discovery.racy:
                    watch.close()  # moved while arming: the next check scans and arms again
                    watch = None
        except (Unwatchable, OSError):
            self._unwatchable = raw
        finally:
            with self._lock:
                self._arming = False
                if watch is not None and raw is self._latest and self._watch is None:
                    self._watch, self._for = watch, raw
                elif watch is not None:
                    watch.close()

    def _drop(self) -> None:
        """Close the watch (lock held)."""
        if self._watch is not None:
            self._watch.close()
        self._watch, self._for = None, None

    def forget(self) -> None:
        """Stop watching until the next scan."""
        with self._lock:
            self._drop()
            self._unwatchable = None
