"""Reading a request body with a size limit.

`StreamReader.read(n)` returns what has arrived so far (at most n bytes), not the whole
body: a large body read that way is cut short. This reads to the end, stopping as soon
as the limit is passed."""

from __future__ import annotations

from aiohttp import web


async def read_limited(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None when it is larger than LIMIT bytes."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
