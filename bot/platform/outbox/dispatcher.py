"""Claims due rows, sends them at a bounded pace, and records each outcome under the lease."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.delivery import Action, Pacer, Status, backoff_seconds
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.outbox import store
from bot.platform.outbox.hooks import DeadLetter, DeliveryHooks, SentLetter
from bot.platform.outbox.sender import Envelope, Failed, Outcome, RateLimited, Sent, SlackSender
from bot.platform.replica import replica_name

log = logging.getLogger("bot.outbox")

DB_ERRORS = (OperationalError, DBAPIError, OSError, ConnectionError)


@dataclass(frozen=True)
class DispatcherConfig:
    batch_size: int = 100
    concurrency: int = 8
    rate_per_second: float = 20.0  # workspace-wide
    burst: int = 10
    channel_interval: float = 1.0  # Slack allows about one message a second per conversation
    lease_seconds: float = 60.0
    max_attempts: int = 6
    backoff_base: float = 2.0
    backoff_cap: float = 300.0
    # A send must start at least this long before its lease ends, so that it also ends inside it.
    lease_margin_seconds: float = 15.0
    # How long one sweep may wait for pace slots; later slots go back to the queue.
    max_slot_wait_seconds: float = 5.0


@dataclass
class TickResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0
    released: int = 0


@dataclass
class _Pending:
    """An outcome Slack already gave us that the database has not recorded yet."""

    row: store.Claimed
    values: dict[str, Any]
    dead: DeadLetter | None = None
    sent: SentLetter | None = None


@dataclass
class Dispatcher:
    engine: AsyncEngine
    sessionmaker: SessionMaker
    sender: SlackSender
    clock: Clock
    config: DispatcherConfig = field(default_factory=DispatcherConfig)
    hooks: DeliveryHooks = field(default_factory=DeliveryHooks)
    owner: str = field(default_factory=replica_name)

    def __post_init__(self) -> None:
        self.pacer = Pacer(
            self.config.rate_per_second, self.config.burst, self.config.channel_interval
        )
        self._unrecorded: list[_Pending] = []
        self._lock = asyncio.Lock()
        self._stopping = False
        self._stop = asyncio.Event()
        self._sweep_until = 0.0

    # -- the loop body -------------------------------------------------------------------------

    async def tick(self) -> TickResult:
        """One sweep: record what is owed, claim a batch, send it. Never raises for Slack or
        for a database that is briefly away; the next tick picks up."""
        async with self._lock:
            result = TickResult()
            if self._stopping:
                return result
            try:
                await self._record_owed()
                now = self.clock.now()
                lease = timedelta(seconds=self.config.lease_seconds)
                rows = await store.claim(
                    self.engine, self.owner, now, lease=lease, limit=self.config.batch_size
                )
            except DB_ERRORS as exc:
                log.warning("outbox tick skipped: database unavailable", extra={"error": str(exc)})
                return result
            result.claimed = len(rows)
            self._sweep_until = now.timestamp() + self.config.max_slot_wait_seconds
            if rows:
                await self._send_all(rows, result)
            return result

    @property
    def stopping(self) -> bool:
        return self._stopping

    def stop_claiming(self) -> None:
        """From now on claim nothing, and hand back rows still waiting for their pace slot."""
        self._stopping = True
        self._stop.set()

    async def drain(self) -> None:
        """Stop claiming, let sends in flight finish, give every other held row back."""
        self.stop_claiming()
        async with self._lock:
            try:
                await self._record_owed()
                released = await store.release_all(self.engine, self.owner, self.clock.now())
            except DB_ERRORS as exc:
                log.warning("could not release leases", extra={"error": str(exc)})
                return
        if released:
            log.info("released leases on shutdown", extra={"rows": released})

    async def heartbeat(self) -> int:
        """Renew the leases of the rows this replica holds, so that a lease can be short and a
        replica that died has its work taken over soon."""
        lease = timedelta(seconds=self.config.lease_seconds)
        try:
            return await store.renew(self.engine, self.owner, self.clock.now(), lease)
        except DB_ERRORS as exc:
            log.warning("leases not renewed: database unavailable", extra={"error": str(exc)})
            return 0

    async def reap(self) -> tuple[int, int]:
        try:
            back, late = await store.reap(self.engine, self.clock.now())
        except DB_ERRORS as exc:
            log.warning("reap skipped: database unavailable", extra={"error": str(exc)})
            return 0, 0
        if back or late:
            log.info("reaped", extra={"returned": back, "expired": late})
        return back, late

    # -- sending -------------------------------------------------------------------------------

    async def _send_all(self, rows: list[store.Claimed], result: TickResult) -> None:
        by_channel: dict[str, list[store.Claimed]] = defaultdict(list)
        for row in rows:
            by_channel[row.pace_key].append(row)
        gate = asyncio.Semaphore(self.config.concurrency)

        async def run(group: list[store.Claimed]) -> None:
            for row in group:
                async with gate:
                    await self._deliver(row, result)

        await asyncio.gather(*(run(group) for group in by_channel.values()))

    async def _deliver(self, row: store.Claimed, result: TickResult) -> None:
        now = self.clock.now()
        # A send whose slot is far off (a busy conversation) goes back to the queue, due then,
        # rather than holding this sweep, and every other conversation, until it comes.
        # A row whose slot is already open goes now, however long the sweep has run.
        latest = min(
            row.lease_until.timestamp() - self.config.lease_margin_seconds,
            max(self._sweep_until, now.timestamp()),
        )
        start = self.pacer.earliest(row.pace_key, now.timestamp())
        if start <= latest:
            start = self.pacer.reserve(row.pace_key, now.timestamp())
        if self._stopping or start > latest:
            # Too late to start inside our lease: hand the row back, due when its slot comes.
            due = max(now.timestamp(), start)
            await self._record(row, status=Status.PENDING, due_at=_at(due), updated_at=now)
            result.released += 1
            return
        if start > now.timestamp():
            await self._wait(start - now.timestamp())
        if self._stopping:
            await self._record(row, status=Status.PENDING, due_at=_at(start), updated_at=now)
            result.released += 1
            return
        resume = self.pacer.paused_until  # a 429 that came while we waited holds us back too
        if resume > self.clock.now().timestamp():
            await self._record(row, status=Status.PENDING, due_at=_at(resume), updated_at=now)
            result.released += 1
            return
        try:
            attempt = await store.begin_attempt(self.engine, row.id, self.owner, self.clock.now())
        except DB_ERRORS as exc:
            log.warning("attempt not started: database unavailable", extra={"error": str(exc)})
            return
        if attempt is None:  # cancelled, expired, or no longer ours
            result.skipped += 1
            return
        began = time.monotonic()

        async def remember_file(file_id: str) -> None:
            try:
                await store.remember_file(self.engine, row.id, self.owner, file_id)
            except DB_ERRORS as exc:
                # The bytes are with Slack: complete the share anyway. Its outcome carries the
                # file id and is kept for the next tick while the database is away; only a
                # failed completion then uploads again (a stray file, never a second share).
                log.warning(
                    "file id not recorded: database unavailable",
                    extra={"key": row.dedup_key, "file_id": file_id, "error": str(exc)},
                )

        envelope = Envelope(
            row.channel, row.users, row.payload, row.action, row.team_id, row.file_id, row.dedup_key
        )
        found = None
        if row.unsettled_since is not None and row.action == Action.POST:
            # An earlier attempt may have posted: look before posting again.
            found = await self.sender.find_post(envelope, row.unsettled_since.timestamp() - 5)
        outcome = found or await self.sender.send(envelope, remember_file)
        latency_ms = round((time.monotonic() - began) * 1000, 1)
        await self._settle(row, attempt, outcome, latency_ms, result)

    async def _settle(
        self,
        row: store.Claimed,
        attempt: int,
        outcome: Outcome,
        latency_ms: float,
        result: TickResult,
    ) -> None:
        now = self.clock.now()
        dead: DeadLetter | None = None
        sent: SentLetter | None = None
        if isinstance(outcome, Sent):
            values: dict[str, Any] = {
                "status": Status.SENT,
                "sent_at": now,
                "sent_channel": outcome.channel,
                "sent_ts": outcome.ts or None,
                "file_id": outcome.file_id or row.file_id,
                "last_error": None,
            }
            sent = SentLetter(
                *_letter(row), outcome.channel, outcome.ts, outcome.file_id or row.file_id, now
            )
            result.sent += 1
            values["unsettled_since"] = None
        elif isinstance(outcome, RateLimited):
            self.pacer.pause(now.timestamp() + outcome.retry_after)
            retry_at = now + timedelta(seconds=outcome.retry_after)
            # Slack did nothing: the attempt is given back, so rate limits neither use up the
            # retry budget for real failures nor count toward the bound.
            values = {
                "status": Status.PENDING,
                "due_at": retry_at,
                "last_error": outcome.error,
                "attempts": attempt - 1,
                "unsettled_since": None,  # Slack did nothing
            }
            result.retried += 1
        elif outcome.permanent or attempt >= self.config.max_attempts:
            values = {"status": Status.DEAD, "last_error": outcome.error[:200]}
            if outcome.permanent:
                values["unsettled_since"] = None
            dead = DeadLetter(*_letter(row), outcome.error, now)
            result.dead += 1
        else:
            wait = backoff_seconds(
                attempt, base=self.config.backoff_base, cap=self.config.backoff_cap
            )
            values = {
                "status": Status.PENDING,
                "due_at": now + timedelta(seconds=wait),
                "last_error": outcome.error[:200],
            }
            result.retried += 1
        values["updated_at"] = now
        log.info(
            "outbox send",
            extra={
                "kind": row.kind,
                "key": row.dedup_key,
                "attempt": attempt,
                "outcome": _describe(outcome, values["status"]),
                "latency_ms": latency_ms,
            },
        )
        await self._record(row, dead=dead, sent=sent, **values)

    async def _wait(self, seconds: float) -> None:
        """Sleep on the clock, but wake at once when the dispatcher is told to stop."""
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        stopper = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeper, stopper):
            task.cancel()

    # -- recording outcomes --------------------------------------------------------------------

    async def _record(
        self,
        row: store.Claimed,
        *,
        dead: DeadLetter | None = None,
        sent: SentLetter | None = None,
        **values: Any,
    ) -> None:
        """Write an outcome under the fence; if the database is away, keep it for the next tick
        so that a message Slack accepted is not sent again when the database returns."""
        pending = _Pending(row, values, dead, sent)
        try:
            await self._write(pending)
        except DB_ERRORS as exc:
            self._unrecorded.append(pending)
            log.warning("outcome kept for the next tick", extra={"error": str(exc)})

    async def _record_owed(self) -> None:
        """Write the outcomes kept while the database was away (raises if it still is)."""
        while self._unrecorded:
            await self._write(self._unrecorded[0])
            self._unrecorded.pop(0)

    async def _write(self, pending: _Pending) -> None:
        kept = await store.finish(self.engine, pending.row.id, self.owner, **pending.values)
        if not kept:
            # A Home refresh armed again while in flight loses its fence on purpose.
            level = logging.DEBUG if pending.row.action == Action.PUBLISH_HOME else logging.WARNING
            log.log(
                level,
                "lease lost before the outcome was recorded",
                extra={"key": pending.row.dedup_key, "status": pending.values.get("status")},
            )
        elif pending.dead is not None:
            await self._tell_dead(pending.dead)
        elif pending.sent is not None and self.hooks.on_sent:
            await self._tell_sent(pending.sent)

    async def _tell_dead(self, dead: DeadLetter) -> None:
        log.warning(
            "outbox message dead",
            extra={"kind": dead.kind, "key": dead.dedup_key, "error": dead.error},
        )
        for hook in self.hooks.on_dead:
            try:
                async with self.sessionmaker() as session, session.begin():
                    await hook(session, dead)
            except Exception:
                log.exception("dead-letter hook failed", extra={"key": dead.dedup_key})

    async def _tell_sent(self, sent: SentLetter) -> None:
        for hook in self.hooks.on_sent:
            try:
                async with self.sessionmaker() as session, session.begin():
                    await hook(session, sent)
            except Exception:
                log.exception("on-sent hook failed", extra={"key": sent.dedup_key})


def _letter(
    row: store.Claimed,
) -> tuple[int, str, str, str, str | None, str | None, tuple[str, ...]]:
    return (row.id, row.team_id, row.kind, row.dedup_key, row.owner, row.channel, row.users)


def _at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _describe(outcome: Outcome, status: str) -> str:
    if isinstance(outcome, Sent):
        return "sent"
    if isinstance(outcome, RateLimited):
        return f"rate_limited:{outcome.retry_after:g}s"
    assert isinstance(outcome, Failed)
    return f"{status}:{outcome.error}"
