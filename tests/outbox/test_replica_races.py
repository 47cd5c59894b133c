"""Several replicas on one database, in one process, each with an engine (and so connections) of
its own: claims race, planners race, and a lease runs out under an old owner."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.db import migrate
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import OutboundMessage, enqueue, store
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import PEOPLE, TEAM, MakeReplica, later, put, sent_texts
from tests.outbox.observe import all_rows, db_warnings, statuses

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
    while await statuses(engine) != {"sent": 2000}:
        rounds += 1
        assert rounds <= 40, f"not done after 40 rounds: {await statuses(engine)}"
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
    rows = await all_rows(engine)
    assert {r.status for r in rows} == {"sent"}
    assert all(r.lease_owner is None and r.sent_ts for r in rows)
    assert len({r.sent_ts for r in rows}) == 2000
    assert all(claimed[replica.owner] > 0 for replica in replicas), claimed  # all took part
    warnings = db_warnings(caplog)
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
        assert await statuses(fresh) == {"sending": 100, "pending": 150}
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
    assert await statuses(engine) == {"pending": 50}


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
    (after_b,) = await all_rows(engine)

    # A wakes up: it may not start a send, and none of its outcomes is recorded.
    assert await store.begin_attempt(engine, row.id, a.owner, clock.now()) is None
    late = {"sent_at": clock.now(), "sent_channel": "CLATE", "sent_ts": "1.000001"}
    assert not await store.finish(engine, row.id, a.owner, status="sent", **late)
    assert not await store.finish(engine, row.id, a.owner, status="pending", due_at=clock.now())

    (final,) = await all_rows(engine)
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
