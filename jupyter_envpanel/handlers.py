"""REST handlers: parse arguments, run the service in a thread, answer JSON (errors: basehandler)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_client.kernelspec import NoSuchKernel
from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from .basehandler import EnvPanelHandler
from .core.base.errors import EnvFileError, InvalidArgument, KernelNotFound

if TYPE_CHECKING:
    from .core.notebooks.record import RanWith

OPENAPI = Path(__file__).parent / "openapi.yaml"


class EnvironmentsHandler(EnvPanelHandler):
    """GET the list of environments."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Answer `{environments, warnings}`."""
        _, version, text = await self.run(self._versioned_listing)
        etag = f'"{version}"'
        self.set_header("Etag", etag)
        if etag in self.request.headers.get("If-None-Match", ""):  # the panel's poll: nothing changed
            self.set_status(304)
            self.finish()
            return
        self.finish(text)  # JSON made once per listing, off the loop


class EnvironmentHandler(EnvPanelHandler):
    """GET one environment with its packages."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """Answer the environment object plus `packages`."""
        self.answer(await self.run(self.service.show, name))


class DriftHandler(EnvPanelHandler):
    """GET drift of an environment against `?file=` or the nearest file to `?path=`."""

    def _drift(self, name: str, file: str, path: str) -> dict[str, Any]:
        """Compare the environment with `?file=`, or the nearest environment file to `?path=` (blocking)."""
        return self.service.drifts.drift_in_root(self.service.find(name), file, path).to_json()

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """Answer the drift report."""
        file = self.get_query_argument("file", "")
        path = self.get_query_argument("path", "")
        self.answer(await self.run(self._drift, name, file, path))


class ProjectHandler(EnvPanelHandler):
    """GET the project environment of `?path=` (a notebook or folder; default: the root)."""

    def _project(self, path: str) -> dict[str, Any]:
        """Resolve the path inside the root, then the nearest definition up to the root (blocking)."""
        start = self.service.resolve_in_root(path or ".")
        return self.service.project(start, confined=True).to_json()

    def _adopt(self, path: str) -> dict[str, Any]:
        """List the project's in-project environment when the usual places miss it (blocking)."""
        start = self.service.resolve_in_root(path or ".")
        adopted = self.service.projects.adopt(start, self.service.resolve_in_root("."))
        return {"adopted": adopted, "project": self._project(path)}

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Answer the project object (a read: it changes nothing later requests see)."""
        self.answer(await self.run(self._project, self.get_query_argument("path", "")))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """List the project's environment (`listed: false` in the GET answer) and answer the project."""
        self.answer(await self.run(self._adopt, self.get_query_argument("path", "")))


class ExportHandler(EnvPanelHandler):
    """POST writes an environment.yml made from an environment into a folder of the root."""

    def _export(self, name: str, path: str) -> dict[str, Any]:
        """Create the file next to `?path=` inside the root, never over one (blocking)."""
        return self.service.drifts.export_into(self.service.find(name), path)

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        """Answer 201 with `{file, text}`; 409 when the folder has an environment.yml already."""
        self.answer(await self.run(self._export, name, self.get_query_argument("path", "")), status=201)


class RecordHandler(EnvPanelHandler):
    """GET what a notebook running in this environment records when it is saved (`ran_with`)."""

    def _record(self, name: str) -> RanWith:
        """Read the environment's requested packages and digest (blocking)."""
        return self.service.ran_with(self.service.find(name))

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """Answer the record."""
        self.answer(await self.run(self._record, name))


class NotebookHandler(EnvPanelHandler):
    """GET a notebook's record of what it ran with, compared with its kernel's environment now."""

    def _report(self, path: str, env: str, lock: str) -> dict[str, Any]:
        """Resolve the notebook (and lock) inside the root, read and compare (blocking)."""
        target = self.service.resolve_in_root(path)
        label = self.service.relative(target)
        if lock:
            if env:
                raise InvalidArgument("give either ?env= or ?lock=, not both")
            found = self.service.resolve_in_root(lock)
            try:
                return self.service.notebook_lock_report(target, found, label, self.service.relative(found))
            except EnvFileError as err:  # the lock's error, named relative to the root
                where = self.service.relative(Path(err.path))
                raise EnvFileError(where, err.detail, err.line, err.column, err.status) from None
        return self.service.notebook_report(target, env, label=label)

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Answer `{path, recorded, environment, current, lock, differences, count}`."""
        path, env = self.get_query_argument("path", ""), self.get_query_argument("env", "")
        self.answer(await self.run(self._report, path, env, self.get_query_argument("lock", "")))


class PackagesHandler(EnvPanelHandler):
    """GET which environments have a package named like `?q=`, with the installed versions."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Answer `{query, matches, truncated}`."""
        query = self.get_query_argument("q", "")
        if not query.strip() or len(query) > 200 or "\x00" in query:
            self._fail(400, {"message": "give a package name (1 to 200 characters) as ?q="})
        self.answer(await self.run(self.service.packages, query))


class KernelEnvironmentHandler(EnvPanelHandler):
    """GET the environment any kernelspec runs in."""

    def _lookup(self, kernel: str) -> dict[str, Any]:
        """Read the kernelspec and map it to an environment (blocking)."""
        try:
            ksm = self.kernel_spec_manager
            lookup = getattr(ksm, "get_kernel_spec_fresh", ksm.get_kernel_spec)  # off the loop here
            spec = lookup(kernel).to_dict()
        except NoSuchKernel:
            raise KernelNotFound(kernel) from None
        env, prefix = self.service.environment_of_spec(spec)
        return {
            "kernel": kernel,
            "display_name": spec.get("display_name") or kernel,
            "environment": env.to_json() if env else None,
            "prefix": prefix,
            "message": "" if env else "this kernel runs in an environment jupyter-envpanel did not find",
        }

    @web.authenticated
    @authorized
    async def get(self, kernel: str) -> None:
        """Answer `{kernel, environment, prefix}`."""
        self.answer(await self.run(self._lookup, kernel))


class KernelRegistrationHandler(EnvPanelHandler):
    """POST registers persistent kernelspecs for an environment; DELETE removes ours."""

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        """Register -> 201 with the kernel names written."""
        names = await self.run(self.service.register, name)
        self.answer({"kernels": names}, status=201)

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        """Unregister -> 204."""
        system_dirs = [Path(d) for d in getattr(self.kernel_spec_manager, "kernel_dirs", [])]
        await self.run(self.service.unregister, name, system_dirs)
        self.set_status(204)
        self.finish()


class RefreshHandler(EnvPanelHandler):
    """POST forgets every cache and answers the fresh listing."""

    def _refresh(self) -> str:
        """Drop caches and list again (blocking); return the listing's JSON, made once."""
        self.service.refresh()
        return self._versioned_listing()[2]

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Answer the new listing."""
        self.finish(await self.run(self._refresh))


class OpenAPIHandler(EnvPanelHandler):
    """GET the OpenAPI description of this API."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Answer the YAML document."""
        text = await self.run(OPENAPI.read_text, "utf-8")
        self.finish(text, set_content_type="application/yaml")  # APIHandler.finish would say JSON


_NAME = r"(?P<name>[^/]+)"
ROUTES = [
    (r"environments", EnvironmentsHandler),
    (rf"environments/{_NAME}", EnvironmentHandler),
    (rf"environments/{_NAME}/drift", DriftHandler),
    (rf"environments/{_NAME}/kernel", KernelRegistrationHandler),
    (r"kernels/(?P<kernel>[^/]+)/environment", KernelEnvironmentHandler),
    (rf"environments/{_NAME}/export", ExportHandler),
    (rf"environments/{_NAME}/record", RecordHandler),
    (r"notebook", NotebookHandler),
    (r"project", ProjectHandler),
    (r"packages", PackagesHandler),
    (r"refresh", RefreshHandler),
    (r"openapi.yaml", OpenAPIHandler),
]
default_handlers = [(url_path_join("/envpanel/api", pattern), handler) for pattern, handler in ROUTES]
