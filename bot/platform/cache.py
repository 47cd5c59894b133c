"""A small in-process cache whose entries are trusted for a while, for answers an ack cannot
wait for (the database is the truth; this only saves reading it on every click)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    def __init__(
        self,
        seconds: float,
        *,
        max_entries: int = 10_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds, self.max_entries, self._now = seconds, max_entries, now
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is None or self._now() - found[0] > self.seconds:
            return None
        return found[1]

    def put(self, key: K, value: V) -> V:
        if len(self._entries) >= self.max_entries and key not in self._entries:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (self._now(), value)
        return value

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)
