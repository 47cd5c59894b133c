"""The one duplicate window, closed: a post Slack took whose outcome never reached the database
is found by its key in the conversation, not posted again; and leases are short, renewed while
a replica lives, so a dead one's work is taken over soon."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import store
from bot.platform.outbox.sender import MARK, Envelope
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import MakeDispatcher, put

LEASE = timedelta(seconds=15)


async def row(engine: AsyncEngine) -> OutboxMessage:
    async with make_sessionmaker(engine)() as session:
        return (await session.scalars(select(OutboxMessage))).one()


async def crash_after_slack_took_it(
    engine: AsyncEngine, clock: FakeClock, make_dispatcher: MakeDispatcher
) -> str:
    """A replica claims the row, starts the attempt, Slack takes the post, and the replica dies
    before it records anything."""
    dead = await make_dispatcher()
    (claimed,) = await store.claim(engine, "dead-replica", clock.now(), lease=LEASE, limit=10)
    assert await store.begin_attempt(engine, claimed.id, "dead-replica", clock.now()) == 1
    envelope = Envelope(claimed.channel, claimed.users, claimed.payload, key=claimed.dedup_key)
    posted = await dead.sender.send(envelope)
    return str(posted.ts)


async def test_a_post_slack_took_before_the_crash_is_found_not_sent_again(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    (key,) = await put(engine, clock, 1)
    ts = await crash_after_slack_took_it(engine, clock, make_dispatcher)
    clock.advance(LEASE + timedelta(seconds=1))
    survivor = await make_dispatcher()
    assert await survivor.reap() == (1, 0)
    result = await survivor.tick()
    assert result.sent == 1
    assert len(standin.calls_to("chat.postMessage")) == 1
    found = await row(engine)
    assert (found.status, found.sent_ts, found.unsettled_since) == ("sent", ts, None)
    history = standin.calls_to("conversations.history")
    assert history and history[-1].args.get("include_all_metadata") in (True, "true", "1")


async def test_every_post_carries_its_key_and_nothing_else(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    (key,) = await put(engine, clock, 1)
    await (await make_dispatcher()).tick()
    (posted,) = [m for m in standin.messages if m.via == "api"]
    assert posted.metadata == {"event_type": MARK, "event_payload": {"key": key}}


async def test_an_attempt_that_never_reached_slack_is_posted_after_a_look(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1)
    (claimed,) = await store.claim(engine, "dead-replica", clock.now(), lease=LEASE, limit=10)
    await store.begin_attempt(engine, claimed.id, "dead-replica", clock.now())
    clock.advance(LEASE + timedelta(seconds=1))
    survivor = await make_dispatcher()
    await survivor.reap()
    assert (await survivor.tick()).sent == 1
    assert len(standin.calls_to("chat.postMessage")) == 1
    assert len(standin.calls_to("conversations.history")) == 1


async def test_a_clean_send_needs_no_look(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 3)
    assert (await (await make_dispatcher()).tick()).sent == 3
    assert standin.calls_to("conversations.history") == []
    assert all(r.unsettled_since is None for r in await all_rows(engine))


async def test_when_slack_cant_say_the_row_is_posted(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    """Without the history (a missing scope, Slack away), the old behaviour: post again."""
    await put(engine, clock, 1)
    await crash_after_slack_took_it(engine, clock, make_dispatcher)
    clock.advance(LEASE + timedelta(seconds=1))
    standin.faults.add("conversations.history", "slack_error", error="missing_scope")
    survivor = await make_dispatcher()
    await survivor.reap()
    assert (await survivor.tick()).sent == 1
    assert len(standin.calls_to("chat.postMessage")) == 2


async def test_a_living_replica_keeps_its_leases_and_a_dead_ones_lapse(
    engine: AsyncEngine, clock: FakeClock, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 2)
    alive = await make_dispatcher(lease_seconds=15)
    (first, second) = await store.claim(engine, alive.owner, clock.now(), lease=LEASE, limit=1) + (
        await store.claim(engine, "dead-replica", clock.now(), lease=LEASE, limit=1)
    )
    clock.advance(timedelta(seconds=10))
    assert await alive.heartbeat() == 1
    clock.advance(timedelta(seconds=10))  # 20 s after the claim: only the dead one lapsed
    assert await alive.reap() == (1, 0)
    rows = {r.id: r for r in await all_rows(engine)}
    assert rows[first.id].status == "sending" and rows[second.id].status == "pending"


async def all_rows(engine: AsyncEngine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(OutboxMessage))).all())
