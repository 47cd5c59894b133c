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

from bot.platform.clock import Clock
from bot.platform.db import seen
from bot.platform.db.engine import SessionMaker
from bot.platform.outbox import DeliveryHooks, Dispatcher
from bot.platform.outbox.dispatcher import DB_ERRORS

log = logging.getLogger("bot.scheduler")

PLAN_JOB, DISPATCH_JOB, REAP_JOB = "outbox-plan", "outbox-dispatch", "outbox-reap"
HEARTBEAT_JOB = "outbox-heartbeat"


@dataclass(frozen=True)
class Intervals:
    dispatch: float = 1.0
    plan: float = 60.0
    reap: float = 10.0
    heartbeat: float = 5.0


@dataclass(frozen=True)
class ScheduledJob:
    """A feature's interval job (computing queued matching rounds, say)."""

    id: str
    seconds: float
    run: Callable[[], Awaitable[object]]


class Scheduler:
    def __init__(
        self,
        dispatcher: Dispatcher,
        hooks: DeliveryHooks,
        sessionmaker: SessionMaker,
        clock: Clock,
        intervals: Intervals,
        jobs: list[ScheduledJob] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.hooks = hooks
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.intervals = intervals
        self.jobs = list(jobs or [])
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[Any]] = set()
        self._woken = False

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
            (HEARTBEAT_JOB, self.heartbeat, self.intervals.heartbeat),
        ]
        jobs += [(job.id, self._feature_job(job), job.seconds) for job in self.jobs]
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

    async def heartbeat(self) -> None:
        await self.dispatcher.heartbeat()

    async def reap(self) -> None:
        await self.dispatcher.reap()
        try:
            await seen.forget_before(self.dispatcher.engine, self.clock.now())
        except DB_ERRORS as exc:
            log.warning("seen events not pruned: database unavailable", extra={"error": str(exc)})

    def _feature_job(self, job: ScheduledJob) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            try:
                await job.run()
            except Exception:
                log.exception("job failed", extra={"job": job.id})

        run.__name__ = job.id
        return run

    async def idle(self) -> None:
        """Wait for the sweeps and jobs running now to finish."""
        await asyncio.gather(*set(self._running), return_exceptions=True)

    async def run(self, job_id: str) -> None:
        """Run one feature job now (tests and the demo drive time by hand)."""
        job = next(j for j in self.jobs if j.id == job_id)
        await self._feature_job(job)()

    def wake(self) -> None:
        """Deliver soon rather than at the next tick: a transaction just queued something.
        Wakes coalesce: one extra sweep is pending at most."""
        if not self.running or self._woken or self.dispatcher.stopping:
            return
        self._woken = True

        async def sweep() -> None:
            self._woken = False
            await self.dispatcher.tick()

        try:
            task = asyncio.get_running_loop().create_task(sweep())
        except RuntimeError:  # no loop: a commit outside the app (a script); the tick comes
            self._woken = False
            return
        self._running.add(task)
        task.add_done_callback(self._running.discard)
