"""What listeners and jobs share, built once by the runtime and handed to each feature: no
globals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.platform.cache import TTLCache
from bot.platform.clock import Clock
from bot.platform.config import Settings
from bot.platform.db.engine import SessionMaker
from bot.platform.outbox import DeliveryHooks, HomeRenderer
from bot.platform.replica import replica_name
from bot.platform.slack.people import Directory
from bot.platform.tokens import Tokens

log = logging.getLogger("bot.slack")
ADMINS_FRESH_SECONDS = 30.0


@dataclass
class AppContext:
    settings: Settings
    sessionmaker: SessionMaker
    clock: Clock
    people: Directory  # each workspace's people (one cache in single-workspace mode)
    # Which bot token speaks to which workspace (the fixed one, or installations).
    tokens: Tokens = field(default_factory=Tokens)
    hooks: DeliveryHooks = field(default_factory=DeliveryHooks)
    # This replica's name on the work it claims (a round being computed); the dispatcher's too.
    owner: str = field(default_factory=replica_name)
    # What the listeners subscribe to ("command:/mentor", "event:app_home_opened"), so a test
    # can hold the manifest against it.
    subscriptions: set[str] = field(default_factory=set)
    # Renders someone's Home (the home feature sets it): for a Home opened, and for refreshes.
    home: HomeRenderer | None = None
    # Each workspace's listed program admins, for answers given in an ack (the help): read at
    # most once per ADMINS_FRESH_SECONDS; saving the settings here forgets it at once.
    listed_admins: TTLCache[str, tuple[str, ...]] = field(
        default_factory=lambda: TTLCache(ADMINS_FRESH_SECONDS)
    )
    # Events this replica acted on lately (Slack redelivers with retry headers).
    recent_events: TTLCache[str, bool] = field(default_factory=lambda: TTLCache(600.0))
    # Every `/mentor` subcommand the features declare, for the help.
    commands: tuple[Any, ...] = ()
    # Work a listener goes on with after its ack (a matching round): held here so that it is
    # neither garbage-collected mid-way nor cut off by a shutdown that could wait for it.
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    # Wakes the outbox once a transaction queued something (the runtime sets it).
    wake_outbox: Callable[[], None] = field(default=lambda: None)
    _busy: int = 0
    _idle: asyncio.Event | None = None

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work failed", exc_info=task.exception())

    @contextlib.asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Marks a listener's work, which Bolt runs on after the ack, as in progress."""
        if self._idle is None:
            self._idle = asyncio.Event()
        self._busy += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle.set()

    async def settle(self, within: float = 30.0) -> None:
        """Wait (at most `within` seconds) until no listener is working and no background work
        is left: what tests and the demo wait on instead of sleeping."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            if self._busy and self._idle is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._idle.wait(), max(0.0, deadline - loop.time()))
            if self.background:
                await asyncio.wait(set(self.background), timeout=max(0.0, deadline - loop.time()))
            await asyncio.sleep(0)
            if (not self._busy and not self.background) or loop.time() >= deadline:
                return
