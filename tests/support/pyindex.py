"""A package index on 127.0.0.1 for the real lock tools: tiny wheels written with zipfile, PEP 503 pages.

Tools that need an index URL (poetry, pipenv) lock and install from it with no network.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import sys
import threading
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.utils import canonicalize_name


def _record_line(name: str, data: bytes) -> str:
    """Return the RECORD line of one file of a wheel."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(
    folder: Path,
    name: str,
    version: str,
    requires: Iterable[str] = (),
    extras: Iterable[str] = (),
    files: dict[str, bytes] | None = None,
) -> Path:
    """Write `name-version-py3-none-any.whl` (its files, else one module; METADATA, WHEEL, RECORD)."""
    stem = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    info = f"{stem}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Provides-Extra: {extra}" for extra in extras]
    metadata += [f"Requires-Dist: {req}" for req in requires]
    files = {
        **(files or {f"{canonicalize_name(name).replace('-', '_')}.py": b"VALUE = 1\n"}),
        f"{info}/METADATA": ("\n".join(metadata) + "\n").encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: pyindex\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = [_record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def wheel_of_installed(folder: Path, name: str) -> Path:
    """Pack an installed pure-Python distribution (poetry-core, for isolated builds) back into a wheel."""
    dist = importlib.metadata.distribution(name)
    stem = f"{canonicalize_name(name).replace('-', '_')}-{dist.version}"
    skipped = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}
    files: dict[str, bytes] = {}
    for relative in dist.files or ():
        source = Path(str(dist.locate_file(relative)))
        name_in_wheel = relative.as_posix()
        if name_in_wheel.startswith("..") or "__pycache__" in name_in_wheel or relative.name in skipped:
            continue
        if source.is_file():
            files[name_in_wheel] = source.read_bytes()
    record = f"{stem}.dist-info/RECORD"
    lines = [_record_line(path, data) for path, data in files.items()] + [f"{record},,"]
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
        archive.writestr(record, "\n".join(lines) + "\n")
    return wheel


def write_simple_pages(wheels: Path, root: Path) -> None:
    """Write PEP 503 pages under root/simple/ for every wheel in the wheels folder (with #sha256=)."""
    projects: dict[str, list[Path]] = {}
    for wheel in sorted(wheels.glob("*.whl")):
        projects.setdefault(canonicalize_name(wheel.name.split("-", 1)[0]), []).append(wheel)
    simple = root / "simple"
    simple.mkdir(parents=True, exist_ok=True)
    index = "".join(f'<a href="{name}/">{name}</a>\n' for name in sorted(projects))
    (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{index}</body></html>\n")
    for name, files in projects.items():
        page = simple / name
        page.mkdir(exist_ok=True)
        links = ""
        for wheel in files:
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            target = page / wheel.name
            target.write_bytes(wheel.read_bytes())
            links += f'<a href="{wheel.name}#sha256={digest}">{wheel.name}</a>\n'
        (page / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")


class _Quiet(SimpleHTTPRequestHandler):
    """Serve files without logging each request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Say nothing."""


class _Server(ThreadingHTTPServer):
    """An HTTP server that lets a client hang up without printing a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore a client that went away mid-answer (pip and poetry close early); report the rest."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve_index(wheels: Path, root: Path) -> Iterator[str]:
    """Serve PEP 503 pages of the wheels on 127.0.0.1; yield the index URL (`http://.../simple/`)."""
    write_simple_pages(wheels, root)
    server = _Server(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
