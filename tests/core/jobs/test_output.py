"""A job's output: cleaned for a screen, capped in memory, read from absolute offsets."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.commands import UNSAFE
from jupyter_envpanel.core.jobs.output import Output, clean


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain\n", "plain\n"),
        ("a\r\nb\rc", "a\nb\nc"),  # progress redrawn in place becomes lines
        ("\x1b[31mred\x1b[0m", "red"),  # colours dropped whole
        ("\x1b]0;title\x07text", "text"),  # a window title
        ("tab\there", "tab\there"),
        ("bell\x07 nul\x00 del\x7f c1\x9b", "bell nul del c1"),
        ("\u202eevil\u2066", "evil"),  # bidirectional controls
    ],
)
def test_clean_keeps_only_what_a_screen_may_show(raw, shown):
    assert clean(raw) == shown


def test_every_character_no_command_may_hold_is_dropped_but_tab_and_line_feed():
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code < 0xE000 or char == "\r":
            continue
        expected = char if char in "\t\n" or not UNSAFE.match(char) else ""
        assert clean(char) == expected, hex(code)


def test_offsets_are_absolute_and_reads_resume_where_the_last_stopped():
    out = Output(cap=100)
    out.feed(b"first line\n")
    text, start, end, truncated = out.read(0)
    assert (text, start, end, truncated) == ("first line\n", 0, 11, False)
    out.feed(b"second\n")
    assert out.read(end)[:3] == ("second\n", 11, 18)
    assert out.read(18)[:3] == ("", 18, 18)


def test_past_the_cap_the_oldest_text_is_dropped_and_a_reader_is_told():
    out = Output(cap=10)
    out.feed(b"0123456789")
    out.feed(b"abcde")
    text, start, end, truncated = out.read(0)
    assert (text, start, end, truncated) == ("56789abcde", 5, 15, True)
    assert out.read(7) == ("789abcde", 7, 15, False)
    out.feed(b"x" * 25)  # one chunk larger than the cap
    assert out.read(0) == ("x" * 10, 30, 40, True) and out.size == 40


def test_a_character_split_between_chunks_and_a_crlf_split_between_chunks_read_whole():
    out = Output()
    data = "é 45%\r\n".encode()
    out.feed(data[:1])
    out.feed(data[1:-1])
    out.feed(data[-1:])
    out.feed(b"", final=True)
    assert out.read(0)[0] == "é 45%\n" and out.progress == 45.0


def test_progress_is_the_last_percentage_printed_and_none_until_one_is():
    out = Output()
    out.feed(b"Solving environment: done\n")
    assert out.progress is None
    out.feed(b"[###       ] 30%\r[#####     ] 45.5 %\r")
    assert out.progress == 45.5
    out.feed(b"version 2.0 of nothing, 3000%\n")  # not a percentage of progress
    assert out.progress == 45.5


def test_the_error_line_is_the_first_line_that_says_error():
    out = Output()
    out.feed(b"Collecting\n\x1b[31mCondaHTTPError: HTTP 000\x1b[0m\nERROR: second\nlast words")
    assert out.first_error() == "CondaHTTPError: HTTP 000"
    assert out.last() == "last words"
    dotted = Output()
    dotted.feed("İstanbul ok\nE: İ download failed\n".encode())  # İ lowers to two characters
    assert dotted.first_error() == "E: İ download failed"
    quiet = Output()
    quiet.feed(b"nothing wrong said\nexit")
    assert quiet.first_error() == "" and quiet.last() == "exit"
