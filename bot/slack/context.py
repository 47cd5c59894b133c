"""What listeners need, handed to each `register()`: no globals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import SessionMaker
from bot.replica import replica_name
from bot.services.outbox.hooks import DeliveryHooks


@dataclass
class AppContext:
    settings: Settings
    sessionmaker: SessionMaker
    clock: Clock
    hooks: DeliveryHooks = field(default_factory=DeliveryHooks)
    # This replica's name on the work it claims (a round being computed); the dispatcher's too.
    owner: str = field(default_factory=replica_name)
    # What the listeners subscribe to ("command:/mentor", "event:app_home_opened"), so a test
    # can hold the manifest against it.
    subscriptions: set[str] = field(default_factory=set)
    # Work a listener goes on with after its ack (a matching round): held here so that it is
    # neither garbage-collected mid-way nor cut off by a shutdown that could wait for it.
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logging.getLogger("bot.slack").error(
                "background work failed", exc_info=task.exception()
            )

    async def settle(self, within: float) -> None:
        """Wait (at most `within` seconds) for background work to finish."""
        if self.background:
            await asyncio.wait(set(self.background), timeout=within)
