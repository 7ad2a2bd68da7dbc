"""The base of every REST handler: authorized on `envpanel`, service work in the pool, one error map.

Bad input answers 4xx with its message, a stuck disk 503, our own bug 500 with a JSON message and
a logged traceback; every answer is strict JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

from jupyter_client.kernelspec import NoSuchKernel
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .core.base.errors import EnvFileError, EnvPanelError
from .core.service import EnvService
from .pool import DiskPool, PoolBusy

if TYPE_CHECKING:
    from .core.base.model import Environment, Listing

T = TypeVar("T")


class EnvPanelHandler(APIHandler):
    """Base handler: authenticated, authorized on `envpanel`, typed errors -> 4xx JSON."""

    auth_resource = "envpanel"

    @property
    def service(self) -> EnvService:
        """Return the service the extension app created."""
        return cast("EnvService", self.settings["envpanel_service"])  # tornado's settings hold Any

    @property
    def pool(self) -> DiskPool:
        """Return the extension's bounded, time-limited pool for disk work."""
        return cast("DiskPool", self.settings["envpanel_pool"])

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run blocking service work in the pool; map every failure to a 4xx/503 JSON answer."""
        try:
            return await self.pool.run(func, *args)
        except PoolBusy as err:
            self._fail(503, {"message": f"the disk is not answering ({err}); try again later"})
        except EnvFileError as err:
            self._fail(err.status, err.to_json())
        except EnvPanelError as err:
            self._fail(err.status, {"message": str(err)})
        except NoSuchKernel as err:
            self._fail(404, {"message": f"unknown kernel: {str(err)[:200]}"})
        except OSError as err:
            self._fail(400, {"message": f"cannot read: {err.strerror or type(err).__name__}"})
        except (web.Finish, web.HTTPError):
            raise
        except Exception as err:  # our own bug (bad input is an EnvPanelError): this answer only, said so
            self.log.exception("jupyter-envpanel: %s %s failed", self.request.method, self.request.path)
            what = f"{type(err).__name__}; the server log has the traceback"
            self._fail(500, {"message": f"jupyter-envpanel failed on this request, a bug ({what})"})

    def _fail(self, status: int, body: dict[str, Any]) -> NoReturn:
        """Answer an error as JSON (APIHandler.finish sets the type) and stop the request."""
        self.set_status(status)
        self.finish(json.dumps(body))
        raise web.Finish()

    def answer(self, body: Any, status: int = 200) -> None:
        """Finish with a JSON body (strict JSON: a NaN or Infinity is a bug, never sent)."""
        self.set_status(status)
        self.finish(json.dumps(body, allow_nan=False))

    def _versioned_listing(self) -> tuple[Listing[Environment], str, str]:
        """Return the listing, its digest and JSON; the kernel table follows it before the answer (blocking).

        One change check: the table is refreshed from the listing just checked.
        """
        listing, version, text = self.service.listing_json()
        refresh = getattr(self.kernel_spec_manager, "refresh_table", None)
        if refresh is not None:
            refresh(listing)  # so a Switch right after finds the kernels this listing shows
        return listing, version, text
