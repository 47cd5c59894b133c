"""Replicas as real processes: one that dies right after claiming, and two `mentor-bot serve`
processes delivering from one PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock, SystemClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.sandbox import SlackStandIn
from tests.conftest import requires_postgres
from tests.outbox.conftest import MakeDispatcher, later, put, sent_texts
from tests.serve_process import ServeProcess, free_ports

CRASHER = Path(__file__).with_name("claim_and_crash.py")


async def _rows(engine: AsyncEngine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def _statuses(engine: AsyncEngine) -> Counter[str]:
    async with make_sessionmaker(engine)() as session:
        return Counter((await session.scalars(select(OutboxMessage.status))).all())


# -- 3. a replica dies after claiming, before sending --------------------------------------------


async def test_rows_claimed_by_a_crashed_process_are_sent_once_after_the_lease(
    database_url: str,
    engine: AsyncEngine,
    clock: FakeClock,
    standin: SlackStandIn,
    make_dispatcher: MakeDispatcher,
) -> None:
    keys = await put(engine, clock, 10, prefix="crash")
    lease = 5.0
    crasher = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CRASHER),
        database_url,
        str(lease),
        clock.now().isoformat(),
        "crashed-replica",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(crasher.communicate(), 30)
    assert crasher.returncode == 1, err.decode()[-2000:]
    assert out.split() == [b"10"]
    rows = await _rows(engine)
    assert {(r.status, r.lease_owner) for r in rows} == {("sending", "crashed-replica")}
    assert {r.lease_until for r in rows} == {clock.now() + timedelta(seconds=lease)}

    dispatcher = await make_dispatcher()
    assert (await dispatcher.tick()).claimed == 0  # the dead replica's lease still holds
    later(clock, lease - 1)
    assert await dispatcher.reap() == (0, 0)
    assert (await dispatcher.tick()).claimed == 0
    assert sent_texts(standin) == []

    later(clock, 1)  # the lease has run out
    assert await dispatcher.reap() == (10, 0)
    result = await dispatcher.tick()
    assert (result.claimed, result.sent) == (10, 10)
    assert (await dispatcher.tick()).claimed == 0
    assert Counter(sent_texts(standin)) == {f"message {key}": 1 for key in keys}
    rows = await _rows(engine)
    assert {(r.status, r.attempts, r.lease_owner) for r in rows} == {("sent", 1, None)}


# -- 7. two `mentor-bot serve` processes on one database -----------------------------------------


@requires_postgres
async def test_two_serve_processes_deliver_each_message_once(
    standin: SlackStandIn, database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    # `engine` has migrated the fresh database; each process migrates too (a no-op at head).
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": "two-replicas",
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "OUTBOX_DISPATCH_INTERVAL": "0.2",
        "OUTBOX_RATE_PER_SECOND": "1000",
        "OUTBOX_CHANNEL_INTERVAL": "0",
        "OUTBOX_BATCH_SIZE": "50",
        "LOG_LEVEL": "INFO",
    }
    replicas: list[ServeProcess] = []
    try:
        for port in free_ports(2):
            replicas.append(await ServeProcess.start(env, port, tmp_path))
        await asyncio.gather(*(replica.healthy() for replica in replicas))
        # Enqueued once both run, so that neither can drain the outbox before the other starts.
        keys = await put(engine, SystemClock(), 500, prefix="serve")  # type: ignore[arg-type]
        deadline = time.monotonic() + 60
        while (statuses := await _statuses(engine)) != {"sent": 500}:
            assert time.monotonic() < deadline, f"not all sent in 60 s: {statuses}"
            for replica in replicas:
                assert replica.proc.returncode is None, replica.tail()
            await asyncio.sleep(0.1)
    finally:
        codes = [await replica.stop() for replica in replicas]

    for replica, code in zip(replicas, codes, strict=True):
        assert code == 0, replica.tail()
        assert any(e.get("msg") == "stopped" for e in replica.logs()), replica.tail()
    assert Counter(sent_texts(standin)) == {f"message {key}": 1 for key in keys}
    assert len(standin.calls_to("chat.postMessage")) == 500
    by_replica = [replica.sent_keys() for replica in replicas]
    assert all(by_replica), [len(k) for k in by_replica]  # both did some of the work
    assert Counter(by_replica[0] + by_replica[1]) == {key: 1 for key in keys}
    rows = await _rows(engine)
    assert {(r.status, r.lease_owner) for r in rows} == {("sent", None)}
