"""Visual snapshots for the browser tests: a screenshot compared with a committed baseline.

Pixels may differ a little (anti-aliasing): a pixel counts as different when a channel differs by
more than THRESHOLD, and the images match when at most TOLERANCE of the pixels differ and the sizes
are equal. `ENVPANEL_UPDATE_SNAPSHOTS=1` writes the screenshots as the new baselines instead
(docs/testing.md). On a mismatch the actual image and a diff (different pixels in magenta) are
written to test-results/. PNG is read and written here (8-bit RGB/RGBA, as Chromium writes it),
so no imaging library is needed.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

from support import REPO, RESULTS

BASELINES = REPO / "tests" / "snapshots"
THRESHOLD = 40  # per channel, out of 255
TOLERANCE = 0.005  # share of the pixels that may differ
UPDATE = "ENVPANEL_UPDATE_SNAPSHOTS"

Image = tuple[int, int, list[bytes]]  # width, height, rows of RGBA bytes


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(data: bytes) -> Image:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG into rows of RGBA bytes."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, color type {color}, interlace {interlace})")
    bpp = 4 if color == 6 else 3
    raw, stride = zlib.decompress(idat), width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride if kind else 0):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 255
        prev = line
        if bpp == 3:
            rgba = bytearray(width * 4)
            rgba[0::4], rgba[1::4], rgba[2::4] = line[0::3], line[1::3], line[2::3]
            rgba[3::4] = b"\xff" * width
            rows.append(bytes(rgba))
        else:
            rows.append(bytes(line))
    return width, height, rows


def write_png(path: Path, image: Image) -> None:
    """Write rows of RGBA bytes as a PNG."""
    width, height, rows = image

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def compare(actual: Image, expected: Image) -> tuple[float, Image]:
    """Return the share of pixels that differ by more than THRESHOLD, and a diff image."""
    width, height, rows = actual
    diff_rows, different = [], 0
    for row, base in zip(rows, expected[2], strict=True):
        out = bytearray(row)
        for x in range(0, len(row), 4):
            if max(abs(row[x + c] - base[x + c]) for c in range(3)) > THRESHOLD:
                different += 1
                out[x : x + 4] = b"\xff\x00\xff\xff"
            else:  # the unchanged picture, faded, for context
                out[x : x + 3] = bytes(180 + v * 75 // 255 for v in row[x : x + 3])
        diff_rows.append(bytes(out))
    return different / max(width * height, 1), (width, height, diff_rows)


def assert_matches(png: bytes, name: str) -> None:
    """Compare a screenshot with tests/snapshots/NAME.png (or write it there in update mode)."""
    baseline = BASELINES / f"{name}.png"
    if os.environ.get(UPDATE):
        baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(png)
        return
    actual_path = RESULTS / f"{name}-actual.png"
    if not baseline.exists():
        actual_path.parent.mkdir(parents=True, exist_ok=True)
        actual_path.write_bytes(png)
        raise AssertionError(f"no baseline {baseline}: run with {UPDATE}=1 to make it (docs/testing.md)")
    actual, expected = read_png(png), read_png(baseline.read_bytes())
    if actual[:2] != expected[:2]:
        actual_path.parent.mkdir(parents=True, exist_ok=True)
        actual_path.write_bytes(png)
        raise AssertionError(
            f"{name}: the panel is {actual[0]}x{actual[1]} px, the baseline {expected[0]}x{expected[1]} "
            f"(see {actual_path}; {UPDATE}=1 updates the baseline when the change is intended)"
        )
    share, diff = compare(actual, expected)
    if share > TOLERANCE:
        actual_path.parent.mkdir(parents=True, exist_ok=True)
        actual_path.write_bytes(png)
        write_png(RESULTS / f"{name}-diff.png", diff)
        raise AssertionError(
            f"{name}: {share:.2%} of the pixels differ from {baseline} (tolerance {TOLERANCE:.1%}); "
            f"see {actual_path} and {name}-diff.png; {UPDATE}=1 updates the baseline when intended"
        )
