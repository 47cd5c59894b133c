"""What the outbox benchmark measures with: a statement counter, an event-loop lag probe,
percentiles and timings, and the records one run and the idle baseline fill in."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from outbox_params import PROBE_INTERVAL
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class DbCounter:
    """Statements, transactions and pool checkouts on one engine, while `on`."""

    on: bool = False
    statements: int = 0
    commits: int = 0
    checkouts: int = 0

    def attach(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "commit", self._commit)
        event.listen(engine.sync_engine.pool, "checkout", self._checkout)

    def reset(self) -> None:
        self.statements = self.commits = self.checkouts = 0

    def _statement(self, *_: Any) -> None:
        if self.on:
            self.statements += 1

    def _commit(self, *_: Any) -> None:
        if self.on:
            self.commits += 1

    def _checkout(self, *_: Any) -> None:
        if self.on:
            self.checkouts += 1


@dataclass
class LagProbe:
    """Sleeps `interval` in a loop and records how late each wake-up is (seconds)."""

    interval: float = PROBE_INTERVAL
    samples: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.samples.append(time.perf_counter() - start - self.interval)

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def stats_ms(self) -> tuple[float, float, float]:
        return (
            percentile(self.samples, 50) * 1000,
            percentile(self.samples, 99) * 1000,
            max(self.samples, default=0.0) * 1000,
        )


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


@dataclass
class Run:
    latency: float
    direct_seconds: float = 0.0
    direct_cpu: float = 0.0
    outbox_cpu: float = 0.0
    enqueue_seconds: float = 0.0
    outbox_seconds: float = 0.0
    sent: int = 0
    ticks: int = 0
    other_outcomes: dict[str, int] = field(default_factory=dict)
    statements: int = 0
    commits: int = 0
    checkouts: int = 0
    lag_ms: tuple[float, float, float] = (0.0, 0.0, 0.0)
    lag_samples: int = 0
    ack_ms: float = 0.0
    ack_status: int = 0
    ack_in_sweep: bool = False
    final_counts: dict[str, int] = field(default_factory=dict)
    posted: int = 0


@dataclass
class Idle:
    """The same measurements with nothing else running: what the sweep is compared with."""

    ack_ms: float
    health_ms: float
    lag_ms: tuple[float, float, float]


async def timed_ms(times: int, call: Callable[[], Awaitable[object]]) -> float:
    """Median wall time of `times` calls after one warm-up call."""
    await call()
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return percentile(samples, 50)
