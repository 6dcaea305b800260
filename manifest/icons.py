"""The app's icons, drawn in code: a partner network (a vendor node over three
partner nodes) in white, on the accent colour (color.png, 192×192)
or on transparency (outline.png, 32×32). `python -m manifest.icons appPackage` redraws."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from manifest.png import Pixel, write_png

ACCENT = (0x4F, 0x52, 0xB2)
# In a unit square: nodes (x, y, radius) and the edges between them.
NODES = [(0.5, 0.26, 0.11), (0.22, 0.68, 0.085), (0.5, 0.68, 0.085), (0.78, 0.68, 0.085)]
EDGES = [(0, 1), (0, 2), (0, 3)]
EDGE_WIDTH = 0.045


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float,
                      by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _inside(x: float, y: float, scale: float) -> bool:
    """Whether the point (in the unit square) is part of the drawing; strokes grow a
    little on the small icon so they stay visible."""
    if any(math.hypot(x - nx, y - ny) <= r * scale for nx, ny, r in NODES):
        return True
    return any(_segment_distance(x, y, *NODES[a][:2], *NODES[b][:2]) <= EDGE_WIDTH * scale / 2
               for a, b in EDGES)


def draw(size: int, background: tuple[int, int, int] | None, samples: int = 4) -> list[
        list[Pixel]]:
    """White artwork, anti-aliased by supersampling; BACKGROUND None = transparent."""
    scale = 1.0 if size >= 96 else 1.25
    rows = []
    for row in range(size):
        line: list[Pixel] = []
        for col in range(size):
            hits = sum(_inside((col + (i + 0.5) / samples) / size,
                               (row + (j + 0.5) / samples) / size, scale)
                       for i in range(samples) for j in range(samples))
            cover = hits / (samples * samples)
            if background is None:
                line.append((255, 255, 255, round(255 * cover)))
            else:
                r, g, b = (round(c + (255 - c) * cover) for c in background)
                line.append((r, g, b, 255))
        rows.append(line)
    return rows


def main(folder: str) -> None:
    out = Path(folder)
    write_png(out / "color.png", draw(192, ACCENT))
    write_png(out / "outline.png", draw(32, None))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "appPackage")
