"""The dispatcher against the stand-in: sends, retries, dead letters, expiry, cancel, fencing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import DeadLetter, OutboundMessage, cancel, enqueue, store
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import TEAM, MakeDispatcher, later, put, sent_texts


async def _statuses(engine: AsyncEngine) -> Counter[str]:
    async with make_sessionmaker(engine)() as session:
        return Counter((await session.scalars(select(OutboxMessage.status))).all())


async def test_due_messages_are_sent_once(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 12)
    dispatcher = await make_dispatcher()
    result = await dispatcher.tick()
    assert (result.claimed, result.sent) == (12, 12)
    assert (await dispatcher.tick()).claimed == 0
    assert sorted(sent_texts(standin)) == sorted(f"message m:{i}" for i in range(12))
    assert await _statuses(engine) == {"sent": 12}


async def test_enqueue_twice_stores_one_row(engine: AsyncEngine, clock: FakeClock) -> None:
    message = OutboundMessage(TEAM, "digest:T:2026-W02", "digest", "hello", channel="C0ADMINS")
    async with make_sessionmaker(engine)() as session, session.begin():
        assert await enqueue(session, message, clock.now())
        assert not await enqueue(session, message, clock.now())
    assert await _statuses(engine) == {"pending": 1}


async def test_future_messages_wait_for_their_time(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1, due_at=clock.now() + timedelta(hours=1))
    dispatcher = await make_dispatcher()
    assert (await dispatcher.tick()).claimed == 0
    later(clock, 3600)
    assert (await dispatcher.tick()).sent == 1


async def test_expired_messages_are_not_sent(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 2, expires_at=clock.now() + timedelta(minutes=5))
    later(clock, 600)
    dispatcher = await make_dispatcher()
    assert (await dispatcher.tick()).claimed == 0
    assert await dispatcher.reap() == (0, 2)
    assert sent_texts(standin) == []
    assert await _statuses(engine) == {"expired": 2}


async def test_cancel_by_owner_and_by_key(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 3, prefix="a", owner="session:1")
    await put(engine, clock, 2, prefix="b")
    async with make_sessionmaker(engine)() as session, session.begin():
        assert await cancel(session, TEAM, clock.now(), owner="session:1") == 3
        assert await cancel(session, TEAM, clock.now(), key="b:0") == 1
    result = await (await make_dispatcher()).tick()
    assert result.sent == 1
    assert sent_texts(standin) == ["message b:1"]


async def test_cancel_after_claim_before_send_prevents_the_send(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1)
    dispatcher = await make_dispatcher()
    (row,) = await store.claim(engine, dispatcher.owner, clock.now(), lease=timedelta(60), limit=5)
    async with make_sessionmaker(engine)() as session, session.begin():
        assert await cancel(session, TEAM, clock.now(), key=row.dedup_key) == 1
    assert await store.begin_attempt(engine, row.id, dispatcher.owner, clock.now()) is None
    assert sent_texts(standin) == []


async def test_rate_limited_send_waits_for_retry_after(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1)
    standin.faults.add("chat.postMessage", "rate_limited", retry_after=30)
    dispatcher = await make_dispatcher()
    assert (await dispatcher.tick()).retried == 1
    later(clock, 29)
    assert (await dispatcher.tick()).claimed == 0  # no tight loop: not due before Retry-After
    later(clock, 1)
    assert (await dispatcher.tick()).sent == 1
    assert len(standin.calls_to("chat.postMessage")) == 2


async def test_permanent_error_is_dead_at_once_and_the_hook_hears(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1)
    standin.faults.add("chat.postMessage", "slack_error", error="account_inactive")
    dispatcher = await make_dispatcher()
    heard: list[DeadLetter] = []

    async def hook(session: object, dead: DeadLetter) -> None:
        heard.append(dead)

    dispatcher.hooks.on_dead.append(hook)  # type: ignore[arg-type]
    assert (await dispatcher.tick()).dead == 1
    assert [d.error for d in heard] == ["account_inactive"]
    assert await _statuses(engine) == {"dead": 1}


@pytest.mark.parametrize("error", ["token_revoked", "invalid_auth", "not_authed"])
async def test_a_token_slack_no_longer_takes_is_final_not_retried(
    engine: AsyncEngine,
    clock: FakeClock,
    standin: SlackStandIn,
    make_dispatcher: MakeDispatcher,
    error: str,
) -> None:
    """The workspace uninstalled the app (or the token is wrong): no retry can help."""
    await put(engine, clock, 1)
    standin.faults.add("chat.postMessage", "slack_error", error=error, times=-1)
    dispatcher = await make_dispatcher()
    assert (await dispatcher.tick()).dead == 1
    assert len(standin.calls_to("chat.postMessage")) == 1


async def test_transient_errors_back_off_then_die_at_the_bound(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1)
    standin.faults.add("chat.postMessage", "server_error", times=-1)
    dispatcher = await make_dispatcher(max_attempts=3)
    for _ in range(10):
        await dispatcher.tick()
        later(clock, 600)
    assert len(standin.calls_to("chat.postMessage")) == 3
    assert await _statuses(engine) == {"dead": 1}


async def test_group_dm_is_opened_as_part_of_sending(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1, channel=None, users=("U01MAYA", "U01DANIEL"))
    assert (await (await make_dispatcher()).tick()).sent == 1
    (post,) = standin.calls_to("chat.postMessage")
    assert sorted(standin.members(str(post.args["channel"]))) == sorted(
        ["U01MAYA", "U01DANIEL", standin.workspace.bot_user_id]
    ) or sorted(standin.members(str(post.args["channel"]))) == ["U01DANIEL", "U01MAYA"]


async def test_late_sent_from_an_old_owner_changes_nothing(
    engine: AsyncEngine, clock: FakeClock, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1)
    old = await make_dispatcher()
    (row,) = await store.claim(engine, old.owner, clock.now(), lease=timedelta(seconds=60), limit=1)
    later(clock, 61)
    await old.reap()
    new = await make_dispatcher()
    (again,) = await store.claim(engine, new.owner, clock.now(), lease=timedelta(60), limit=1)
    assert again.id == row.id
    assert not await store.finish(engine, row.id, old.owner, status="sent")
    assert await _statuses(engine) == {"sending": 1}


async def test_drain_leaves_nothing_sending(
    engine: AsyncEngine, clock: FakeClock, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 5)
    dispatcher = await make_dispatcher()
    await store.claim(engine, dispatcher.owner, clock.now(), lease=timedelta(seconds=60), limit=5)
    await dispatcher.drain()
    assert await _statuses(engine) == {"pending": 5}
    assert (await dispatcher.tick()).claimed == 0  # a drained dispatcher claims nothing more


async def test_rate_limits_do_not_use_up_the_retry_budget(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    """Regression: each 429 counted as an attempt, so 5 rate limits then one 5xx killed a row
    that should have been retried, and endless 429s pushed attempts past the bound."""
    await put(engine, clock, 1)
    standin.faults.add("chat.postMessage", "rate_limited", times=5, retry_after=1)
    dispatcher = await make_dispatcher(max_attempts=6)
    for _ in range(5):
        await dispatcher.tick()
        later(clock, 2)
    standin.faults.add("chat.postMessage", "server_error")
    for _ in range(3):
        await dispatcher.tick()
        later(clock, 600)
    async with make_sessionmaker(engine)() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert (row.status, row.attempts) == ("sent", 2)


async def test_a_participant_whose_account_is_gone_is_paused(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    """The service layer's dead-letter hook reacts to a permanent error for one person's DM."""
    from bot.domain.people import SlackPerson
    from bot.domain.profile import ProfileForm
    from bot.features.joining import service as participants

    sessionmaker = make_sessionmaker(engine)
    program, _ = await participants.get_profile(sessionmaker, clock, TEAM, "U01MAYA")
    form = ProfileForm("share", 0, "Data", (program.topics[0][0],), ())
    person = SlackPerson("U01MAYA", "Maya Chen", "Analyst", "America/New_York")
    await participants.save_profile(sessionmaker, clock, TEAM, person, form)
    standin.faults.add("chat.postMessage", "slack_error", error="account_inactive")
    dispatcher = await make_dispatcher()
    dispatcher.hooks.on_dead.append(participants.on_dead_letter)
    assert (await dispatcher.tick()).dead == 1
    _, profile = await participants.get_profile(sessionmaker, clock, TEAM, "U01MAYA")
    assert profile is not None and profile.status == "paused" and profile.paused_until is None


async def test_a_busy_conversation_does_not_hold_up_the_sweep(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    """Regression: 20 rows for one channel kept a sweep waiting ~19 s for their 1 s slots, and
    nothing else was claimed meanwhile. Far-off slots now go back to the queue, due then."""
    await put(engine, clock, 20, prefix="busy", channel="C0ADMINS")
    await put(engine, clock, 30, prefix="dm")
    dispatcher = await make_dispatcher(channel_interval=1.0, concurrency=4, batch_size=100)
    began = clock.now()
    result = await dispatcher.tick()
    waited = (clock.now() - began).total_seconds()
    assert waited <= dispatcher.config.max_slot_wait_seconds + 1
    assert result.sent >= 30 and result.released > 0
    for _ in range(40):
        if (await _statuses(engine))["sent"] == 50:
            break
        later(clock, 1)
        await dispatcher.tick()
    assert await _statuses(engine) == {"sent": 50}
    assert len(standin.calls_to("chat.postMessage")) == 50
