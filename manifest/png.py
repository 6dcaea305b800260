"""Just enough PNG for the app icons: write 8-bit RGBA images, read their size, colour
type and alpha (to check the outline icon is white on transparent). No dependencies."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel (8-bit only)

Pixel = tuple[int, int, int, int]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(path: Path, pixels: list[list[Pixel]]) -> None:
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    path.write_bytes(SIGNATURE + _chunk(b"IHDR", header)
                     + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    color_type: int
    pixels: list[list[Pixel]]  # RGBA, whatever the file's colour type


def _unfilter(data: bytes, width: int, height: int, bpp: int) -> list[bytes]:
    stride, rows, previous, pos = width * bpp, [], bytearray(width * bpp), 0
    for _ in range(height):
        kind, line = data[pos], bytearray(data[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows


def read_png(data: bytes, name: str = "image") -> Image:
    """Decode an 8-bit, non-interlaced PNG (what icon tools write); ValueError otherwise."""
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{name} is not a PNG file")
    pos, header, idat = len(SIGNATURE), b"", b""
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color_type, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or color_type not in CHANNELS or interlace:
        raise ValueError(f"{name}: only 8-bit non-interlaced PNGs are checked "
                         f"(depth {depth}, colour type {color_type})")
    bpp = CHANNELS[color_type]
    rows = _unfilter(zlib.decompress(idat), width, height, bpp)
    pixels = []
    for row in rows:
        out = []
        for x in range(width):
            s = row[x * bpp:(x + 1) * bpp]
            if color_type == 6:
                out.append((s[0], s[1], s[2], s[3]))
            elif color_type == 2:
                out.append((s[0], s[1], s[2], 255))
            elif color_type == 4:
                out.append((s[0], s[0], s[0], s[1]))
            else:
                out.append((s[0], s[0], s[0], 255))
        pixels.append(out)
    return Image(width, height, color_type, pixels)
