"""The clock: APScheduler 3 runs the plan, dispatch and reap jobs of this replica.

APScheduler only says *when* to run; every job reads the time from the injected clock and all
state lives in the database, so the in-memory job store is all a replica needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.db.engine import SessionMaker
from bot.services.outbox import DeliveryHooks, Dispatcher

log = logging.getLogger("bot.scheduler")

PLAN_JOB, DISPATCH_JOB, REAP_JOB = "outbox-plan", "outbox-dispatch", "outbox-reap"
ROUNDS_JOB = "matching-rounds"


@dataclass(frozen=True)
class Intervals:
    dispatch: float = 1.0
    plan: float = 60.0
    reap: float = 30.0
    rounds: float = 60.0


class Scheduler:
    def __init__(
        self,
        dispatcher: Dispatcher,
        hooks: DeliveryHooks,
        sessionmaker: SessionMaker,
        clock: Clock,
        intervals: Intervals,
        rounds: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.hooks = hooks
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.intervals = intervals
        self._rounds = rounds
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[Any]] = set()

    @property
    def running(self) -> bool:
        return self._aps is not None and bool(self._aps.running)

    def start(self) -> None:
        """Start the jobs; call from inside the running event loop."""
        aps = AsyncIOScheduler(timezone="UTC")
        common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        jobs: list[tuple[str, Callable[[], Awaitable[None]], float]] = [
            (PLAN_JOB, self.plan, self.intervals.plan),
            (DISPATCH_JOB, self.dispatch, self.intervals.dispatch),
            (REAP_JOB, self.reap, self.intervals.reap),
        ]
        if self._rounds is not None:
            jobs.append((ROUNDS_JOB, self.rounds, self.intervals.rounds))
        for job_id, job, seconds in jobs:
            aps.add_job(self._tracked(job), "interval", seconds=seconds, id=job_id, **common)
        aps.start()
        self._aps = aps
        log.info("scheduler started", extra={"owner": self.dispatcher.owner})

    async def stop(self) -> None:
        """Stop the clock, then let the dispatcher finish what it is sending and give back the
        rest, so that no row is left `sending` for another replica to wait out."""
        self.dispatcher.stop_claiming()
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        await asyncio.gather(*self._running, return_exceptions=True)
        await self.dispatcher.drain()
        log.info("scheduler stopped")

    def _tracked(self, job: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """APScheduler cancels running coroutine jobs on shutdown; a send cancelled between
        Slack's answer and our record of it would be sent again, so the work runs in a task of
        its own, shielded, and `stop()` waits for it."""

        async def run() -> None:
            task = asyncio.ensure_future(job())
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            with contextlib.suppress(asyncio.CancelledError):  # stop() awaits the task itself
                await asyncio.shield(task)

        run.__name__ = job.__name__
        return run

    async def plan(self) -> None:
        for planner in self.hooks.planners:
            try:
                async with self.sessionmaker() as session, session.begin():
                    await planner(session, self.clock.now())
            except Exception:
                log.exception("planner failed", extra={"planner": getattr(planner, "__name__", "")})

    async def dispatch(self) -> None:
        await self.dispatcher.tick()

    async def reap(self) -> None:
        await self.dispatcher.reap()

    async def rounds(self) -> None:
        """Compute the matching rounds the planner queued (or a replica abandoned)."""
        if self._rounds is None:
            return
        try:
            await self._rounds()
        except Exception:
            log.exception("matching rounds job failed")
