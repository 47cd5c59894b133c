"""Several replicas on one database, in one process: each dispatcher or planner has an engine (and
so connections) of its own. Claims race, planners race, a lease runs out under an old owner, the
database goes away in the middle of a tick, and Slack says 429 under a fake clock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import Clock, FakeClock, SystemClock
from bot.platform.db import migrate
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import (
    DeliveryHooks,
    Dispatcher,
    DispatcherConfig,
    OutboundMessage,
    SlackSender,
    enqueue,
    store,
)
from bot.sandbox import SlackStandIn
from tests.conftest import requires_postgres
from tests.outbox.conftest import PEOPLE, TEAM, later, put, sent_texts

FAST = {"rate_per_second": 100_000.0, "burst": 100_000, "channel_interval": 0.0}

MakeReplica = Callable[..., Awaitable[Dispatcher]]


@pytest.fixture
async def make_replica(
    database_url: str, engine: AsyncEngine, standin: SlackStandIn, clock: FakeClock
) -> AsyncIterator[MakeReplica]:
    """Builds dispatchers that share the database, the stand-in and the clock, but nothing else:
    each has its own engine (its own connections) and its own Slack client."""
    engines: list[AsyncEngine] = []
    senders: list[SlackSender] = []

    async def make(
        *, url: str | None = None, on: Clock | None = None, **config: object
    ) -> Dispatcher:
        own = make_engine(url or database_url)
        engines.append(own)
        sender = SlackSender(standin.bot_token, standin.api_url)
        await sender.start()
        senders.append(sender)
        return Dispatcher(
            own,
            make_sessionmaker(own),
            sender,
            on or clock,
            config=DispatcherConfig(**{**FAST, **config}),  # type: ignore[arg-type]
            hooks=DeliveryHooks(),
        )

    yield make
    for sender in senders:
        await sender.close()
    for own in engines:
        await own.dispose()


async def _statuses(engine: AsyncEngine) -> Counter[str]:
    async with make_sessionmaker(engine)() as session:
        return Counter((await session.scalars(select(OutboxMessage.status))).all())


async def _rows(engine: AsyncEngine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def _db_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.outbox" and r.levelno >= logging.WARNING
    ]


# -- 1. claims race ------------------------------------------------------------------------------


async def test_four_dispatchers_post_every_message_exactly_once(
    engine: AsyncEngine,
    clock: FakeClock,
    standin: SlackStandIn,
    make_replica: MakeReplica,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.outbox")
    keys = await put(engine, clock, 2000, prefix="race")
    replicas = [await make_replica() for _ in range(4)]
    claimed: Counter[str] = Counter()
    rounds = reaped = 0
    while await _statuses(engine) != {"sent": 2000}:
        rounds += 1
        assert rounds <= 40, f"not done after 40 rounds: {await _statuses(engine)}"
        results = await asyncio.gather(*(replica.tick() for replica in replicas))
        for replica, result in zip(replicas, results, strict=True):
            assert result.claimed <= replica.config.batch_size  # a claim takes one batch at most
            claimed[replica.owner] += result.claimed
        if not any(result.claimed for result in results):
            # Only rows a failed statement left `sending` can remain: wait their lease out.
            later(clock, 61)
            reaped += (await replicas[0].reap())[0]

    texts = Counter(sent_texts(standin))
    assert set(texts) == {f"message {key}" for key in keys}
    assert max(texts.values()) == 1, [t for t, n in texts.items() if n > 1][:5]
    assert len(standin.calls_to("chat.postMessage")) == 2000
    rows = await _rows(engine)
    assert {r.status for r in rows} == {"sent"}
    assert all(r.lease_owner is None and r.sent_ts for r in rows)
    assert len({r.sent_ts for r in rows}) == 2000
    assert all(claimed[replica.owner] > 0 for replica in replicas), claimed  # all took part
    warnings = _db_warnings(caplog)
    if not warnings:  # nothing failed: every row was claimed once, attempted once
        assert sum(claimed.values()) == 2000 and reaped == 0
        assert {r.attempts for r in rows} == {1}


async def test_a_claim_takes_one_batch_of_a_large_backlog(
    empty_database_url: str, clock: FakeClock
) -> None:
    """On a database with no statistics yet (a fresh one), PostgreSQL plans the claim as a
    nested loop; the LIMIT must still hold, so that replicas share a backlog."""
    fresh = make_engine(empty_database_url)
    try:
        await migrate.upgrade(fresh)
        await put(fresh, clock, 250, prefix="backlog")
        lease = timedelta(seconds=60)
        first = await store.claim(fresh, "replica-1", clock.now(), lease=lease, limit=50)
        second = await store.claim(fresh, "replica-2", clock.now(), lease=lease, limit=50)
        assert (len(first), len(second)) == (50, 50)
        assert [r.dedup_key for r in first + second] == [f"backlog:{i}" for i in range(100)]
        assert await _statuses(fresh) == {"sending": 100, "pending": 150}
    finally:
        await fresh.dispose()


# -- 2. planners race ----------------------------------------------------------------------------


async def test_three_planners_enqueue_the_same_keys_once(
    database_url: str, engine: AsyncEngine, clock: FakeClock
) -> None:
    messages = [
        OutboundMessage(TEAM, f"digest:{i}", "digest", f"digest {i}", channel=PEOPLE[i % 6])
        for i in range(50)
    ]
    engines = [make_engine(database_url) for _ in range(3)]

    async def planner(own: AsyncEngine) -> int:
        inserted = 0
        async with make_sessionmaker(own)() as session, session.begin():
            for message in messages:
                inserted += await enqueue(session, message, clock.now())
        return inserted

    try:
        inserted = await asyncio.gather(*(planner(own) for own in engines))
    finally:
        for own in engines:
            await own.dispose()

    assert sum(inserted) == 50, inserted
    async with make_sessionmaker(engine)() as session:
        per_key = dict(
            (
                await session.execute(
                    select(OutboxMessage.dedup_key, func.count()).group_by(OutboxMessage.dedup_key)
                )
            ).all()
        )
    assert per_key == {f"digest:{i}": 1 for i in range(50)}
    assert await _statuses(engine) == {"pending": 50}


# -- 4. lease fencing through a real tick --------------------------------------------------------


@pytest.mark.parametrize("b_outcome", ["sent", "dead"])
async def test_a_late_outcome_from_the_old_owner_changes_nothing(
    engine: AsyncEngine,
    clock: FakeClock,
    standin: SlackStandIn,
    make_replica: MakeReplica,
    b_outcome: str,
) -> None:
    await put(engine, clock, 1)
    a, b = await make_replica(), await make_replica()
    (row,) = await store.claim(engine, a.owner, clock.now(), lease=timedelta(seconds=60), limit=1)
    assert (await b.tick()).claimed == 0  # A holds it
    later(clock, 61)  # A stalls past its lease
    assert await b.reap() == (1, 0)
    if b_outcome == "dead":
        standin.faults.add("chat.postMessage", "slack_error", error="account_inactive")
    result = await b.tick()
    assert (result.claimed, result.sent, result.dead) == (
        (1, 1, 0) if b_outcome == "sent" else (1, 0, 1)
    )
    (after_b,) = await _rows(engine)

    # A wakes up: it may not start a send, and none of its outcomes is recorded.
    assert await store.begin_attempt(engine, row.id, a.owner, clock.now()) is None
    late = {"sent_at": clock.now(), "sent_channel": "CLATE", "sent_ts": "1.000001"}
    assert not await store.finish(engine, row.id, a.owner, status="sent", **late)
    assert not await store.finish(engine, row.id, a.owner, status="pending", due_at=clock.now())

    (final,) = await _rows(engine)
    assert final.status == b_outcome
    assert (final.sent_ts, final.sent_channel, final.attempts) == (
        after_b.sent_ts,
        after_b.sent_channel,
        1,
    )
    assert final.lease_owner is None
    posts = [c for c in standin.calls_to("chat.postMessage") if c.response.get("ok")]
    if b_outcome == "sent":
        (post,) = posts
        assert (final.sent_ts, final.sent_channel) == (
            post.response["ts"],
            post.response["channel"],
        )
    else:
        assert posts == [] and final.last_error == "account_inactive"
    # Neither replica sends it again later.
    later(clock, 120)
    await a.reap()
    assert (await a.tick()).claimed == (await b.tick()).claimed == 0
    assert len(standin.calls_to("chat.postMessage")) == 1


# -- 5. the database goes away in the middle of a tick -------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops the listener and every connection,
    `restore()` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        pair = {writer, up_writer}
        self._writers |= pair

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()

        pipes = [
            asyncio.ensure_future(pipe(reader, up_writer)),
            asyncio.ensure_future(pipe(up_reader, writer)),
        ]
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for end in pair:
                end.transport.abort()
            self._writers -= pair
            for task in pipes:
                task.cancel()

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for end in list(self._writers):
            end.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()
        self._server = None

    async def restore(self) -> None:
        await self.start()


@requires_postgres
async def test_a_tick_survives_the_database_going_away_and_nothing_posts_twice(
    engine: AsyncEngine,
    database_url: str,
    clock: FakeClock,
    standin: SlackStandIn,
    make_replica: MakeReplica,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.outbox")
    real = make_url(database_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    try:
        via_proxy = real.set(host="127.0.0.1", port=proxy.port)
        dispatcher = await make_replica(
            url=via_proxy.render_as_string(hide_password=False), concurrency=6
        )
        keys = await put(engine, clock, 20, prefix="outage")
        standin.set_latency(0.5)
        tick = asyncio.create_task(dispatcher.tick())
        # Cut while sends are in flight: attempts have begun, Slack has not answered yet.
        deadline = time.monotonic() + 10
        while not await _attempted(engine, 6):
            assert time.monotonic() < deadline and not tick.done(), "sends never began"
            await asyncio.sleep(0.005)
        await proxy.cut()
        result = await tick  # must not raise
        assert result.claimed == 20
        owed = len(dispatcher._unrecorded)
        assert owed >= 1  # Slack accepted messages the database could not hear about
        posted_in_outage = len(sent_texts(standin))
        assert posted_in_outage >= owed

        # Still away: the next tick skips, keeping what it owes.
        assert (await dispatcher.tick()).claimed == 0
        assert len(dispatcher._unrecorded) == owed

        await proxy.restore()
        standin.set_latency(0)
        await dispatcher.tick()  # writes what it owed first
        assert dispatcher._unrecorded == []
        for _ in range(5):
            if await _statuses(engine) == {"sent": 20}:
                break
            later(clock, 61)  # rows whose attempt never started wait out their lease
            await dispatcher.reap()
            await dispatcher.tick()
    finally:
        if proxy._server is not None:
            await proxy.cut()

    assert await _statuses(engine) == {"sent": 20}
    texts = Counter(sent_texts(standin))
    assert set(texts) == {f"message {key}" for key in keys}
    assert max(texts.values()) == 1, texts
    assert any("outcome kept for the next tick" in m for m in _db_warnings(caplog))


async def _attempted(engine: AsyncEngine, at_least: int) -> bool:
    async with engine.connect() as conn:
        n = await conn.scalar(
            select(func.count()).select_from(store.OUTBOX).where(store.C.attempts > 0)
        )
    return int(n or 0) >= at_least


# -- 6. 429 with Retry-After under a fake clock --------------------------------------------------


@dataclass(frozen=True)
class Call:
    at: datetime
    key: str
    outcome: str


class SendLog(logging.Handler):
    """Reads the dispatcher's "outbox send" lines, stamping each with the fake clock's time."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(logging.INFO)
        self.clock = clock
        self.calls: list[Call] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "outbox send":
            fields = record.__dict__
            self.calls.append(Call(self.clock.now(), fields["key"], fields["outcome"]))


@contextlib.contextmanager
def _send_log(clock: Clock) -> Iterator[SendLog]:
    logger = logging.getLogger("bot.outbox")
    handler, level = SendLog(clock), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_429_pauses_sends_and_the_pace_holds_under_a_fake_clock(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_replica: MakeReplica
) -> None:
    rate, burst, interval, retry_after = 5.0, 1, 1.0, 2
    channels = [f"U01{n}" for n in ("MAYA", "DANIEL", "GRACE", "JAMAL", "LUCAS")] + [
        f"U01{n}" for n in ("HELEN", "KLAUS", "LENA", "ARJUN", "ANANYA")
    ]
    async with make_sessionmaker(engine)() as session, session.begin():
        for i in range(50):
            message = OutboundMessage(
                TEAM, f"paced:{i}", "test", f"message paced:{i}", channel=channels[i % 10]
            )
            await enqueue(session, message, clock.now())
    # One at a time, so that each send's time on the fake clock is the time it started (with
    # several sleepers at once a fake clock moves by the sum of their sleeps).
    dispatcher = await make_replica(
        rate_per_second=rate,
        burst=burst,
        channel_interval=interval,
        concurrency=1,
        batch_size=10,
    )
    start = clock.now()
    ticks = idle = 0
    with _send_log(clock) as log:
        while await _statuses(engine) != {"sent": 50}:
            if ticks in (0, 2, 4):  # a 429 for the first send of these ticks
                standin.faults.add("chat.postMessage", "rate_limited", retry_after=retry_after)
            result = await dispatcher.tick()
            ticks += 1
            idle += result.claimed == 0
            assert ticks < 100, "never finished"
            later(clock, 0.5)
    calls = log.calls

    limited = [c for c in calls if c.outcome.startswith("rate_limited")]
    assert len(limited) == 3 and len({c.key for c in limited}) == 3
    # Every HTTP call is one send or one 429: no retry happened behind the dispatcher's back.
    http = standin.calls_to("chat.postMessage")
    assert len(http) == len(calls) == 50 + len(limited)
    assert [c.status for c in http].count(429) == 3
    # (a) after a 429, nothing is sent before Retry-After has elapsed on the clock
    for i, call in enumerate(calls):
        if call in limited:
            resume = call.at + timedelta(seconds=retry_after)
            assert all(later_call.at >= resume for later_call in calls[i + 1 :]), call
    # (b) the workspace rate, with its burst, and one message a second per conversation
    seconds = [(c.at - start).total_seconds() for c in calls]
    assert seconds == sorted(seconds)
    for i in range(len(seconds)):
        for j in range(i + 1, len(seconds)):
            window = seconds[j] - seconds[i]
            assert j - i + 1 <= burst + rate * window + 1e-6, (i, j, window)
    by_channel: dict[str, list[float]] = {}
    key_channel = {f"paced:{i}": channels[i % 10] for i in range(50)}
    for c, s in zip(calls, seconds, strict=True):
        by_channel.setdefault(key_channel[c.key], []).append(s)
    for times in by_channel.values():
        assert all(b - a >= interval - 1e-6 for a, b in zip(times, times[1:], strict=False))
    # The times the database recorded agree with the log.
    sent_at = {r.dedup_key: r.sent_at for r in await _rows(engine)}
    assert all(sent_at[c.key] == c.at for c in calls if c.outcome == "sent")
    # No tight loop: ticks that found nothing due are few, and the whole run is near the pace.
    assert idle <= 3 * retry_after / 0.5 + 2, idle
    assert ticks <= 10, ticks


async def test_a_429_holds_back_sends_already_waiting_for_their_slot(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_replica: MakeReplica
) -> None:
    """With several sends in flight, the ones still waiting for their pace slot when a 429
    arrives must wait out Retry-After too (real clock: sleepers wake at their own time)."""
    await put(engine, SystemClock(), 4, prefix="slot")  # type: ignore[arg-type]
    standin.faults.add("chat.postMessage", "rate_limited", retry_after=1)
    dispatcher = await make_replica(
        on=SystemClock(), rate_per_second=5.0, burst=1, channel_interval=0.0, concurrency=4
    )
    await dispatcher.tick()
    deadline = time.monotonic() + 5
    while await _statuses(engine) != {"sent": 4}:
        assert time.monotonic() < deadline, await _statuses(engine)
        await asyncio.sleep(0.05)
        await dispatcher.tick()
    http = standin.calls_to("chat.postMessage")
    first = http[0]
    assert first.status == 429 and [c.status for c in http[1:]] == [200] * 4
    early = [c for c in http[1:] if c.at < first.at + 1.0]
    assert early == [], [(c.args["text"], round(c.at - first.at, 3)) for c in early]
    assert Counter(sent_texts(standin)) == {f"message slot:{i}": 1 for i in range(4)}
