"""The one file-reading seam: regular files only, size caps, depth limits, clear errors."""

from __future__ import annotations

import json
import os
import threading

import pytest

from jupyter_envpanel.core import safe_read
from jupyter_envpanel.core.safe_read import UnreadableFile


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
    with pytest.raises(UnreadableFile, match="the limit is"):
        safe_read.read_bytes(path, "pyvenv.cfg")


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
        safe_read.load_yaml(deep, "condarc")
    bomb = tmp_path / "bomb.yml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    bomb.write_text("\n".join(lines) + "\n")
    data = safe_read.load_yaml(bomb, "condarc")  # checked once per node, not per path
    assert set(data) == {f"a{i}" for i in range(10)}


def test_yaml_syntax_error_has_location(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text("envs_dirs:\n  - [unclosed\n")
    with pytest.raises(UnreadableFile, match="invalid YAML at line"):
        safe_read.load_yaml(path, "condarc")
