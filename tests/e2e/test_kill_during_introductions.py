"""kill -9 in the middle of a round's introductions, through a real `mentor-bot serve`: Slack
has taken posts the dead process never recorded. A second process finishes the work within a
minute, and every pair is introduced exactly once, everyone unmatched told once."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.rounds import proposals
from bot.features.rounds import service as rounds
from bot.platform.actor import Actor
from bot.platform.clock import SystemClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage, Pairing
from bot.sandbox import SlackStandIn
from tests.e2e.rounds_setup import TEAM, enrol, rounds_in_db, thirty
from tests.serve_process import ServeProcess, free_ports


async def owed(engine: AsyncEngine) -> int:
    async with make_sessionmaker(engine)() as session:
        pending = OutboxMessage.status.in_(["pending", "sending"])
        return int(await session.scalar(select(func.count()).where(pending)) or 0)


async def test_a_killed_replica_leaves_every_introduction_sent_exactly_once(
    standin: SlackStandIn, database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    clock = SystemClock()
    await enrol(standin, engine, clock, thirty())  # type: ignore[arg-type]
    sessionmaker = make_sessionmaker(engine)
    system = Actor.system(TEAM)
    round_id, _ = await rounds.request_round(sessionmaker, clock, system, "test")
    await rounds.compute_round(sessionmaker, clock, round_id, "test")
    async with sessionmaker() as session, session.begin():
        await session.execute(delete(OutboxMessage))  # the joining DMs: not this story
    # Slack takes each post at once but answers it slowly: the window a crash falls into.
    standin.faults.add("chat.postMessage", "slow_answer", delay=1.5, times=-1)
    assert (await proposals.approve(sessionmaker, clock, system, round_id)).changed
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": "kill-9",
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "OUTBOX_DISPATCH_INTERVAL": "0.2",
        "OUTBOX_RATE_PER_SECOND": "50",
        "OUTBOX_CHANNEL_INTERVAL": "0",
        "LOG_LEVEL": "INFO",
    }
    first_port, second_port = free_ports(2)
    first = await ServeProcess.start(env, first_port, tmp_path)
    second: ServeProcess | None = None
    try:
        await first.healthy()
        deadline = time.monotonic() + 30
        while len(standin.calls_to("chat.postMessage")) < 4:
            assert time.monotonic() < deadline, first.tail()
            await asyncio.sleep(0.05)
        await first.kill()  # posts taken by Slack, answers never read, nothing recorded
        standin.faults.clear()
        restarted = time.monotonic()
        second = await ServeProcess.start(env, second_port, tmp_path)
        await second.healthy()
        while await owed(engine):
            assert time.monotonic() - restarted < 60, second.tail()
            await asyncio.sleep(0.2)
    finally:
        if second is not None:
            await second.stop()
        await first.kill()

    async with sessionmaker() as session:
        pairs = (await session.scalars(select(Pairing))).all()
    assert pairs
    for p in pairs:
        group = standin.dm_id([p.mentor_user_id, p.leader_user_id])
        posted = [m for m in standin.messages_in(group, include_ephemeral=False)]
        assert len(posted) == 1, (p.mentor_user_id, p.leader_user_id, [m.text for m in posted])
    (rnd,) = await rounds_in_db(engine)
    assert rnd.proposal is not None
    told = Counter(
        call.args.get("channel")
        for call in standin.calls_to("chat.postMessage")
        if "No Flipside partner" in str(call.args.get("text"))
    )
    assert told == {u.user: 1 for u in rnd.proposal.unmatched}
    assert len(standin.calls_to("chat.postMessage")) == len(pairs) + len(told)
