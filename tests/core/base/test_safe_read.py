"""The one file-reading seam: regular files only, size caps, depth limits, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from support.factory import child_environ

from jupyter_envpanel.core.base import safe_parse, safe_read
from jupyter_envpanel.core.base.safe_read import UnreadableFile


def test_reads_a_regular_file(tmp_path):
    path = tmp_path / "kernel.json"
    path.write_text('{"argv": ["python"]}')
    assert safe_read.read_json_object(path, "kernel.json") == {"argv": ["python"]}


def test_missing_file_passes_through(tmp_path):
    with pytest.raises(FileNotFoundError):
        safe_read.read_bytes(tmp_path / "nope", "kernel.json")


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "kernel.json"
    os.mkfifo(fifo)
    result = {}

    def read():
        try:
            safe_read.read_bytes(fifo, "kernel.json")
        except UnreadableFile as err:
            result["err"] = str(err)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), "reading a FIFO blocked"
    assert "a FIFO, not a regular file" in result["err"]


def test_character_device_is_refused(tmp_path):
    link = tmp_path / "state"
    link.symlink_to("/dev/zero")
    with pytest.raises(UnreadableFile, match="character device"):
        safe_read.read_bytes(link, "conda state")


def test_directory_is_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="directory"):
        safe_read.read_bytes(tmp_path, "kernel.json")


def test_size_cap(tmp_path):
    path = tmp_path / "pyvenv.cfg"
    path.write_bytes(b"x" * (safe_read.CAPS["pyvenv.cfg"] + 1))
    with pytest.raises(UnreadableFile, match="the limit is") as info:
        safe_read.read_bytes(path, "pyvenv.cfg")
    assert info.value.path == str(path)  # the warning names the file it skipped
    assert str(info.value) == f"{path}: pyvenv.cfg is 65537 bytes; the limit is 64 KiB"


def test_a_file_exactly_at_its_cap_is_read_whole(tmp_path):
    """The cap is the largest size read: a pyvenv.cfg of exactly 64 KiB is read, one byte more is not."""
    path = tmp_path / "pyvenv.cfg"
    data = b"x" * safe_read.CAPS["pyvenv.cfg"]
    path.write_bytes(data)
    assert safe_read.read_bytes(path, "pyvenv.cfg") == data


def test_a_text_file_with_nul_bytes_is_refused_naming_the_first(tmp_path):
    """A binary file passed off as text is unreadable, and the reason points at its first NUL byte."""
    path = tmp_path / "pyvenv.cfg"
    path.write_bytes(b"home = /usr\x00bin\nversion = 3.12\x00\n")
    with pytest.raises(UnreadableFile) as info:
        safe_read.read_text(path, "pyvenv.cfg")
    assert info.value.reason == "contains NUL bytes: not a text file (byte 11)"


def test_a_file_of_a_kind_without_a_name_is_refused_with_a_readable_reason():
    """A pidfd reopened through /proc (Linux 6.9+) is no FIFO, device, socket or folder."""
    if not hasattr(os, "pidfd_open"):
        pytest.skip("no pidfds here")
    pidfd = os.pidfd_open(os.getpid())
    path = f"/proc/self/fd/{pidfd}"
    try:
        if not _reopens(path):
            pytest.skip("this kernel cannot reopen a pidfd by its /proc path")
        with pytest.raises(UnreadableFile) as info:
            safe_read.read_bytes(path, "kernel.json")
        assert str(info.value) == f"{path}: is an unknown kind of file, not a regular file; not read"
    finally:
        os.close(pidfd)


def _reopens(path: str) -> bool:
    """Return whether a path can be opened for reading (a pidfd cannot before Linux 6.9)."""
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    except OSError:
        return False
    return True


def test_deep_json_is_refused(tmp_path):
    path = tmp_path / "kernel.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(UnreadableFile, match="nested deeper"):
        safe_read.read_json(path, "kernel.json")
    nested: list = []
    for _ in range(70):
        nested = [nested]
    path.write_text(json.dumps({"a": nested}))
    with pytest.raises(UnreadableFile, match="nested deeper"):
        safe_read.read_json(path, "kernel.json")


def test_nesting_exactly_at_the_limit_is_read(tmp_path):
    path = tmp_path / "kernel.json"
    limit = safe_read.MAX_DEPTH
    path.write_text("[" * limit + "]" * limit)
    assert safe_read.read_json(path, "kernel.json") is not None
    path.write_text("[" * (limit + 1) + "]" * (limit + 1))
    with pytest.raises(UnreadableFile, match=f"nested deeper than {limit} levels"):
        safe_read.read_json(path, "kernel.json")


def test_a_file_longer_than_its_size_says_is_still_capped(monkeypatch):
    """/proc files say 0 bytes and have more: the cap holds on what is read, not on st_size."""
    with open("/proc/self/status", "rb") as file:
        status = file.read()
    cap = len(status) // 2
    monkeypatch.setitem(safe_read.CAPS, "small", cap)
    with pytest.raises(UnreadableFile, match="larger than the limit") as info:
        safe_read.read_bytes("/proc/self/status", "small")
    assert str(info.value) == f"/proc/self/status: small is larger than the limit of {cap} bytes"
    assert info.value.path == "/proc/self/status"  # the warning names the file it skipped
    monkeypatch.setitem(safe_read.CAPS, "small", 64 * safe_read.KiB)
    assert safe_read.read_bytes("/proc/self/status", "small").startswith(b"Name:")


def _bytes_read_by(call) -> int:
    """Return how many bytes this thread read from files while call ran (Linux task I/O accounting)."""
    io = "/proc/thread-self/io"
    if not os.path.exists(io):
        pytest.skip("no per-thread I/O accounting here")

    def rchar() -> tuple:
        fd = os.open(io, os.O_RDONLY)
        try:
            text = os.read(fd, 4096)
        finally:
            os.close(fd)
        return int(text.split(b"rchar:")[1].split()[0]), len(text)

    before, counted_after = rchar()  # reading the counter counts once it is read
    call()
    return rchar()[0] - before - counted_after


def test_a_file_that_grows_past_its_cap_is_read_no_further_than_one_byte_past_it(monkeypatch):
    """/proc files say 0 bytes: what is read stops at the cap, the file is not swallowed in chunks."""
    cap = 100
    monkeypatch.setitem(safe_read.CAPS, "small", cap)

    def read():
        with pytest.raises(UnreadableFile, match="larger than the limit"):
            safe_read.read_bytes("/proc/self/status", "small")

    assert _bytes_read_by(read) == cap + 1


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "kernel.json"
    path.write_text('{\n  "argv": [,]\n}')
    with pytest.raises(UnreadableFile, match="line 2, column 12"):
        safe_read.read_json(path, "kernel.json")


def test_wrong_top_level_type(tmp_path):
    path = tmp_path / "kernel.json"
    path.write_text("[1, 2]")
    with pytest.raises(UnreadableFile, match="JSON object, not list"):
        safe_read.read_json_object(path, "kernel.json")


def test_not_utf8(tmp_path):
    path = tmp_path / "pyvenv.cfg"
    path.write_bytes(b"version = \xff\xfe")
    with pytest.raises(UnreadableFile, match="not UTF-8"):
        safe_read.read_text(path, "pyvenv.cfg")
    assert "version" in safe_read.read_text(path, "pyvenv.cfg", errors="replace")


def test_yaml_deep_and_alias_bomb(tmp_path):
    deep = tmp_path / "deep.yml"
    deep.write_text("a: " + "[" * 10_000 + "]" * 10_000)
    with pytest.raises(UnreadableFile, match="nested deeper"):
        safe_parse.load_yaml(deep, "condarc")
    bomb = tmp_path / "bomb.yml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    bomb.write_text("\n".join(lines) + "\n")
    data = safe_parse.load_yaml(bomb, "condarc")  # checked once per node, not per path
    assert set(data) == {f"a{i}" for i in range(10)}


def test_yaml_nesting_exactly_at_the_limit_is_read(tmp_path):
    """A condarc nested MAX_DEPTH levels (the mapping counts as one) loads; one more is refused."""
    path = tmp_path / ".condarc"
    lists = safe_read.MAX_DEPTH - 1
    path.write_text("a: " + "[" * lists + "]" * lists + "\n")
    assert list(safe_parse.load_yaml(path, "condarc")) == ["a"]
    path.write_text("a: " + "[" * (lists + 1) + "]" * (lists + 1) + "\n")
    with pytest.raises(UnreadableFile, match=f"nested deeper than {safe_read.MAX_DEPTH} levels"):
        safe_parse.load_yaml(path, "condarc")


def test_yaml_syntax_error_has_location(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text("envs_dirs:\n  - [unclosed\n")
    with pytest.raises(UnreadableFile, match="invalid YAML at line"):
        safe_parse.load_yaml(path, "condarc")


@pytest.mark.parametrize(
    "text,where",
    [
        ("name: !!int abc\n", "line 1, column 7: not a valid int: 'abc'"),
        ("channels:\n  - !!float x\n", "line 2, column 5: not a valid float: 'x'"),
        ("a: [1, !!timestamp 2020-13-45]\n", "line 1, column 8: not a valid timestamp: '2020-13-45'"),
    ],
    ids=["int", "float", "timestamp"],
)
def test_a_bad_tagged_value_is_an_error_with_its_place(tmp_path, text, where):
    """`!!int abc` in a condarc or environment file is unreadable there, never an exception."""
    path = tmp_path / "environment.yml"
    path.write_text(text)
    with pytest.raises(UnreadableFile) as info:
        safe_parse.load_yaml(path, "environment file")
    assert str(info.value) == f"{path}: invalid YAML at {where}"


def test_a_yaml_document_that_refers_to_itself_through_an_anchor_is_read(tmp_path):
    """`&top {..., self: *top}` is valid YAML: it loads as a mapping that holds itself, not an error."""
    path = tmp_path / "environment.yml"
    path.write_text("&top {name: ml, dependencies: [numpy], self: *top}\n")
    data = safe_parse.load_yaml(path, "environment file")
    assert data["name"] == "ml" and data["dependencies"] == ["numpy"]
    assert data["self"] is data


def test_a_symlink_loop_is_unreadable_with_the_reason(tmp_path):
    """A path that cannot be opened (a symlink loop) is an UnreadableFile naming why, not a crash."""
    loop = tmp_path / "kernel.json"
    loop.symlink_to(loop)
    with pytest.raises(UnreadableFile) as info:
        safe_read.read_bytes(loop, "kernel.json")
    assert info.value.path == str(loop)
    assert info.value.reason == "cannot open: Too many levels of symbolic links"


CTTY_CHILD = r"""
import os, sys
from jupyter_envpanel.core.base.safe_read import UnreadableFile, read_bytes

try:
    read_bytes(sys.argv[1], "kernel.json")
except UnreadableFile as err:
    print(err.reason)
try:
    os.close(os.open("/dev/tty", os.O_RDWR))
    print("controlling terminal: yes")
except OSError:
    print("controlling terminal: none")
"""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals")
def test_a_terminal_named_as_a_file_never_becomes_the_readers_controlling_terminal(tmp_path):
    """Opening a tty to refuse it must not make it the controlling terminal of a process without one."""
    master, slave = os.openpty()
    try:
        terminal = os.ttyname(slave)
        os.close(slave)
        link = tmp_path / "kernel.json"
        link.symlink_to(terminal)
        with pytest.raises(UnreadableFile, match="character device"):
            safe_read.read_bytes(link, "kernel.json")
        child = subprocess.run(  # a new session: no controlling terminal, as a daemonised server
            [sys.executable, "-c", CTTY_CHILD, str(link)],
            capture_output=True,
            text=True,
            timeout=60,
            start_new_session=True,
            env=child_environ(),
        )
    finally:
        os.close(master)
    assert child.returncode == 0, child.stderr
    assert child.stdout.splitlines() == [
        "is a character device, not a regular file; not read",
        "controlling terminal: none",
    ]
