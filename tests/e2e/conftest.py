"""One bot and one Agents Playground for all end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.playground import Stack, missing_reason, running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    with running_stack(tmp_path_factory.mktemp("playground")) as running:
        yield running
