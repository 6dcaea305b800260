"""One bot and one Agents Playground for all end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from tests.support.playground import Playground, Stack, missing_reason, running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    with running_stack(tmp_path_factory.mktemp("playground")) as running:
        yield running


@pytest.fixture
async def playground(stack: Stack) -> AsyncIterator[Playground]:
    """A client of the shared stack's Playground API, reading its event stream."""
    async with aiohttp.ClientSession() as session:
        client = Playground(stack.playground_url, session)
        await client.connect()
        yield client
        await client.close()
