"""Slack says 429 with Retry-After: a replica pauses its sends and keeps its pace, under a fake
clock and, for sends already waiting for their slot, a real one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import Clock, FakeClock, SystemClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.outbox import OutboundMessage, enqueue
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import TEAM, MakeReplica, later, put, sent_texts
from tests.outbox.observe import all_rows, statuses

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
        while await statuses(engine) != {"sent": 50}:
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
    sent_at = {r.dedup_key: r.sent_at for r in await all_rows(engine)}
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
    while await statuses(engine) != {"sent": 4}:
        assert time.monotonic() < deadline, await statuses(engine)
        await asyncio.sleep(0.05)
        await dispatcher.tick()
    http = standin.calls_to("chat.postMessage")
    first = http[0]
    assert first.status == 429 and [c.status for c in http[1:]] == [200] * 4
    early = [c for c in http[1:] if c.at < first.at + 1.0]
    assert early == [], [(c.args["text"], round(c.at - first.at, 3)) for c in early]
    assert Counter(sent_texts(standin)) == {f"message slot:{i}": 1 for i in range(4)}
