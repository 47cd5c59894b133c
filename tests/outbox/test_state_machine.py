"""A stateful property test of the outbox: random interleavings of enqueue, cancel, time, ticks
on three replicas, crashes after claim, 429s and restarts, against the real dispatcher, the real
database (a fresh SQLite file per run, or PostgreSQL when TEST_DATABASE_URL is set) and the Slack
stand-in. The model says which keys must be posted, and when they must not be."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.delivery import Status
from bot.platform.clock import FakeClock
from bot.platform.db import migrate
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import (
    DeliveryHooks,
    Dispatcher,
    DispatcherConfig,
    OutboundMessage,
    SlackSender,
    cancel,
    enqueue,
    store,
)
from bot.sandbox import SlackStandIn, demo_workspace
from tests.conftest import PG_URL
from tests.outbox.conftest import PEOPLE, TEAM

T = TypeVar("T")

KEYS = [f"sm:{i}" for i in range(5)]
REPLICAS = 3
CONFIG = DispatcherConfig(
    rate_per_second=100000, burst=100000, channel_interval=0, lease_seconds=60
)
LEASE = timedelta(seconds=CONFIG.lease_seconds)
RUNS = settings(
    max_examples=100 if PG_URL else 150,  # about 12 s either way
    stateful_step_count=25,
    deadline=None,
    derandomize=True,  # the same interleavings on every run: a CI failure reproduces locally
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class AttemptsAboveBound(AssertionError):
    """Invariant (3) broke: a row made more attempts than the bound allows."""


def _text(key: str) -> str:
    return f"state machine message {key}"


def _key_of(message_text: object) -> str:
    return str(message_text).rsplit(" ", 1)[-1]


@dataclass
class Entry:
    """What the model knows about one key, from the enqueue that inserted it."""

    enqueued_at: datetime
    due_at: datetime
    expires_at: datetime | None
    cancel_mark: int | None = None  # len(standin.calls) when a cancel returning 1 committed


class OutboxMachine(RuleBasedStateMachine):
    """Subclassed in the test to give it the database: `url` (None: a fresh SQLite file)."""

    url: str | None = None
    sqlite_dir: Path = Path(".")
    # A 429 gives its attempt back, so any number of them keeps the attempts bound.
    rate_limit_budget: int | None = None
    _runs = count()

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock()
        self.model: dict[str, Entry] = {}
        self.senders: list[SlackSender] = []
        self.healthy = False  # False while a step or a check has not finished
        self.rate_limits = 0
        self.standin = SlackStandIn(demo_workspace())
        self.engine: AsyncEngine | None = None
        self.run(self._start())
        self.healthy = True

    # -- plumbing --------------------------------------------------------------------------

    def run(self, action: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(action)

    @property
    def db(self) -> AsyncEngine:
        assert self.engine is not None
        return self.engine

    async def _start(self) -> None:
        await self.standin.start()
        if self.url is None:
            self.engine = make_engine(
                f"sqlite+aiosqlite:///{self.sqlite_dir}/run{next(self._runs)}.db"
            )
            await migrate.upgrade(self.engine)
        else:
            self.engine = make_engine(self.url)
            async with self.engine.begin() as conn:
                await conn.execute(text("DELETE FROM outbox"))
        self.replicas = [await self._replica() for _ in range(REPLICAS)]

    async def _replica(self) -> Dispatcher:
        sender = SlackSender(self.standin.bot_token, self.standin.api_url)
        await sender.start()
        self.senders.append(sender)
        return Dispatcher(
            self.db, make_sessionmaker(self.db), sender, self.clock, CONFIG, DeliveryHooks()
        )

    async def _discard(self, replica: Dispatcher) -> None:
        self.senders.remove(replica.sender)
        await replica.sender.close()

    def _act(self, action: Coroutine[Any, Any, T]) -> T:
        """Run one step, then check every post it caused against the model's times."""
        self.healthy = False
        started, mark = self.clock.now(), len(self.standin.calls)
        result = self.run(action)
        ended = self.clock.now()
        for _, key in self._posts(since=mark):
            entry = self.model.get(key)
            assert entry is not None, f"{key} posted but never enqueued"
            assert ended >= entry.due_at, f"{key} posted before it was due ({entry.due_at})"
            assert entry.expires_at is None or started < entry.expires_at, (
                f"{key} posted at or after {started}, it expired at {entry.expires_at}"
            )
        self.healthy = True
        return result

    def _posts(self, since: int = 0) -> list[tuple[int, str]]:
        """(position in the stand-in's call log, key) of every post Slack accepted."""
        return [
            (i, _key_of(call.args.get("text")))
            for i, call in enumerate(self.standin.calls)
            if i >= since and call.method == "chat.postMessage" and call.response.get("ok")
        ]

    async def _rows(self) -> list[Any]:
        columns = (OutboxMessage.dedup_key, OutboxMessage.status, OutboxMessage.attempts)
        async with self.db.connect() as conn:
            return list((await conn.execute(select(*columns))).all())

    # -- rules -----------------------------------------------------------------------------

    @initialize(keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
    def seed(self, keys: list[str]) -> None:
        """Start with work to do, so that no run is spent on an empty outbox."""
        for key in keys:
            self.enqueue_message(key, 0, None)

    @rule(
        key=st.sampled_from(KEYS),
        due=st.sampled_from([0, 0, 10, 45, 90, 300]),
        expiry=st.none() | st.sampled_from([5, 30, 100, 400, 3600]),
    )
    def enqueue_message(self, key: str, due: int, expiry: int | None) -> None:
        now = self.clock.now()
        message = OutboundMessage(
            TEAM,
            key,
            "test",
            _text(key),
            channel=PEOPLE[KEYS.index(key) % 3],
            due_at=now + timedelta(seconds=due),
            expires_at=None if expiry is None else now + timedelta(seconds=expiry),
        )

        async def put() -> bool:
            async with make_sessionmaker(self.db)() as session, session.begin():
                return await enqueue(session, message, now)

        inserted = self._act(put())
        assert inserted == (key not in self.model), f"enqueue({key}) inserted={inserted}"
        if inserted:
            assert message.due_at is not None
            self.model[key] = Entry(now, message.due_at, message.expires_at)

    @rule(key=st.sampled_from(KEYS))
    def cancel_message(self, key: str) -> None:
        async def take_back() -> int:
            async with make_sessionmaker(self.db)() as session, session.begin():
                return await cancel(session, TEAM, self.clock.now(), key=key)

        cancelled = self._act(take_back())
        mark = len(self.standin.calls)  # the cancel has committed: no post of `key` from here
        entry = self.model.get(key)
        posted = any(k == key for _, k in self._posts())
        assert cancelled in (0, 1)
        if entry is None or entry.cancel_mark is not None or posted:
            assert cancelled == 0, f"cancel({key}) took back a row that is absent, gone or sent"
        if cancelled and entry is not None:
            entry.cancel_mark = mark

    @rule(
        seconds=st.sampled_from([1, 5, 15, 30, 61, 120, 600]),
        then=st.none() | st.integers(0, REPLICAS - 1),
    )
    def advance(self, seconds: int, then: int | None) -> None:
        """Time passes; then, maybe, that replica's dispatch job fires."""
        self.clock.advance(timedelta(seconds=seconds))
        if then is not None:
            self.dispatch(then)

    @rule(k=st.integers(0, REPLICAS - 1))
    def dispatch(self, k: int) -> None:
        self._act(self.replicas[k].tick())

    @rule()
    def reap(self) -> None:
        self._act(self.replicas[0].reap())

    @rule(k=st.integers(0, REPLICAS - 1))
    def crash_after_claim(self, k: int) -> None:
        """The replica claims a batch and dies before sending: the rows keep its lease."""
        old = self.replicas[k]

        async def crash() -> None:
            await store.claim(
                self.db, old.owner, self.clock.now(), lease=LEASE, limit=CONFIG.batch_size
            )
            await self._discard(old)
            self.replicas[k] = await self._replica()

        self._act(crash())

    @precondition(
        lambda self: self.rate_limit_budget is None or self.rate_limits < self.rate_limit_budget
    )
    @rule(retry_after=st.integers(1, 5))
    def rate_limit_next_post(self, retry_after: int) -> None:
        self.rate_limits += 1
        self.standin.faults.add("chat.postMessage", "rate_limited", retry_after=retry_after)

    @rule(k=st.integers(0, REPLICAS - 1))
    def restart(self, k: int) -> None:
        old = self.replicas[k]

        async def restart() -> None:
            await old.drain()
            await self._discard(old)
            self.replicas[k] = await self._replica()

        self._act(restart())

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def posted_at_most_once_and_never_after_cancel(self) -> None:
        self.healthy = False
        posts = self._posts()
        twice = [key for key, n in Counter(key for _, key in posts).items() if n > 1]
        assert not twice, f"posted more than once: {twice}"
        for position, key in posts:
            mark = self.model[key].cancel_mark
            assert mark is None or position < mark, f"{key} posted after its cancel committed"
        self.healthy = True

    @invariant()
    def attempts_are_bounded_and_sent_means_posted(self) -> None:
        self.healthy = False
        rows = self.run(self._rows())
        over = [(r.dedup_key, r.attempts) for r in rows if r.attempts > CONFIG.max_attempts]
        if over:
            raise AttemptsAboveBound(f"attempts above max_attempts={CONFIG.max_attempts}: {over}")
        marked = {r.dedup_key for r in rows if r.status == Status.SENT}
        assert marked == {key for _, key in self._posts()}, "rows marked sent != posts"
        self.healthy = True

    # -- the end ---------------------------------------------------------------------------

    async def _deliver_everything(self) -> datetime:
        """Past every lease and due time: reap and tick until a quiet spell; the end time."""
        C = OutboxMessage
        async with self.db.connect() as conn:
            lease_end = (await conn.execute(select(func.max(C.lease_until)))).scalar()
            pending = C.status == Status.PENDING
            due = (await conn.execute(select(func.max(C.due_at)).where(pending))).scalar()
        horizon = max(t for t in (self.clock.now(), lease_end, due) if t is not None)
        self.clock.set(horizon + timedelta(seconds=1))
        quiet = 0
        for _ in range(40):
            await self.replicas[0].reap()
            claimed = 0
            for replica in self.replicas:
                claimed += (await replica.tick()).claimed
            quiet = 0 if claimed else quiet + 1
            if quiet == 2:
                break
            if not claimed:
                self.clock.advance(timedelta(seconds=10))  # past any Retry-After
        else:
            raise AssertionError("the outbox did not settle in 40 rounds")
        await self.replicas[0].reap()
        return self.clock.now()

    def _check_eventual_delivery(self) -> None:
        end = self._act(self._deliver_everything())
        self.posted_at_most_once_and_never_after_cancel()
        self.attempts_are_bounded_and_sent_means_posted()
        posted = Counter(key for _, key in self._posts())
        owed = {
            key
            for key, e in self.model.items()
            if e.cancel_mark is None and (e.expires_at is None or e.expires_at > end)
        }
        missing = sorted(key for key in owed if posted[key] != 1)
        assert not missing, f"due, live, not cancelled, yet not posted exactly once: {missing}"
        stuck = [(r.dedup_key, r.status) for r in self.run(self._rows())]
        stuck = [(k, s) for k, s in stuck if s in (Status.PENDING, Status.SENDING)]
        assert not stuck, f"rows left unfinished at the end: {stuck}"

    def teardown(self) -> None:
        try:
            if self.healthy:
                self._check_eventual_delivery()
        finally:
            self.run(self._stop())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    async def _stop(self) -> None:
        for sender in self.senders:
            await sender.close()
        await self.standin.stop()
        if self.engine is not None:
            if self.url is not None:
                async with self.engine.begin() as conn:
                    await conn.execute(text("DELETE FROM outbox"))
            await self.engine.dispose()


async def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)  # a no-op when another test's `engine` fixture did it
    finally:
        await engine.dispose()


def _machine(database_url: str, tmp_path: Path, **fields: Any) -> type[OutboxMachine]:
    if PG_URL:
        asyncio.run(_migrate(database_url))
    fields = {"url": database_url if PG_URL else None, "sqlite_dir": tmp_path, **fields}
    return type("Machine", (OutboxMachine,), fields)


def test_outbox_state_machine(database_url: str, tmp_path: Path) -> None:
    run_state_machine_as_test(_machine(database_url, tmp_path), settings=RUNS)
