"""A replica's database goes away in the middle of a tick (through a TCP proxy that can cut every
connection), and nothing is posted twice once it is back."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.outbox import store
from bot.sandbox import SlackStandIn
from tests.conftest import requires_postgres
from tests.outbox.conftest import MakeReplica, later, put, sent_texts
from tests.outbox.observe import db_warnings, statuses
from tests.outbox.tcp_proxy import TcpProxy

# -- 5. the database goes away in the middle of a tick -------------------------------------------


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
            if await statuses(engine) == {"sent": 20}:
                break
            later(clock, 61)  # rows whose attempt never started wait out their lease
            await dispatcher.reap()
            await dispatcher.tick()
    finally:
        if proxy._server is not None:
            await proxy.cut()

    assert await statuses(engine) == {"sent": 20}
    texts = Counter(sent_texts(standin))
    assert set(texts) == {f"message {key}" for key in keys}
    assert max(texts.values()) == 1, texts
    assert any("outcome kept for the next tick" in m for m in db_warnings(caplog))


async def _attempted(engine: AsyncEngine, at_least: int) -> bool:
    async with engine.connect() as conn:
        n = await conn.scalar(
            select(func.count()).select_from(store.OUTBOX).where(store.C.attempts > 0)
        )
    return int(n or 0) >= at_least
