"""Work in bounded pieces: a statement never carries more than CHUNK ids (bind-parameter
limits, statement size), an LRU never holds more than its size."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from typing import Generic, TypeVar

CHUNK = 2000

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Lru(Generic[K, V]):
    """A bounded map: reading an entry makes it recent; past SIZE, the least recently
    used one goes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)
