"""on_sent hooks: told what Slack answered once a row is recorded sent, in their own
transaction; one that raises is logged and holds up nothing."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain.delivery import Action
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import OutboundMessage, SentLetter, Upload, enqueue, enqueue_home
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import TEAM, MakeDispatcher, later, put, sent_texts

MAYA, DANIEL = "U01MAYA", "U01DANIEL"


async def _rows(engine: AsyncEngine) -> dict[str, OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return {r.dedup_key: r for r in (await session.scalars(select(OutboxMessage))).all()}


async def test_a_group_dm_post_tells_the_hook_the_conversation_slack_opened(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    (key,) = await put(
        engine, clock, 1, prefix="intro", channel=None, users=(MAYA, DANIEL), owner="pairing:9"
    )
    dispatcher = await make_dispatcher()
    heard: list[SentLetter] = []

    async def hook(session: AsyncSession, sent: SentLetter) -> None:
        assert session.in_transaction()
        heard.append(sent)

    dispatcher.hooks.on_sent.append(hook)
    assert (await dispatcher.tick()).sent == 1

    (opened,) = standin.calls_to("conversations.open")
    group = opened.response["channel"]["id"]
    assert group == standin.dm_id([MAYA, DANIEL]) and group.startswith("G")
    (post,) = standin.calls_to("chat.postMessage")
    row = (await _rows(engine))[key]
    (letter,) = heard
    assert (letter.id, letter.team_id, letter.kind, letter.dedup_key, letter.owner) == (
        row.id,
        TEAM,
        "test",
        key,
        "pairing:9",
    )
    assert (letter.channel, letter.users) == (None, (MAYA, DANIEL))
    assert (letter.sent_channel, letter.ts) == (group, post.response["ts"])
    assert letter.file_id is None and letter.at == clock.now()
    assert (row.sent_channel, row.sent_ts) == (group, post.response["ts"])


async def test_the_hook_runs_in_a_transaction_that_commits(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    """What a hook writes (a pairing keeping its group DM's id) is committed with it."""
    await put(engine, clock, 1, prefix="intro", channel=None, users=(MAYA, DANIEL))
    dispatcher = await make_dispatcher()

    async def keep_the_channel(session: AsyncSession, sent: SentLetter) -> None:
        await session.execute(
            text("UPDATE outbox SET owner = :owner WHERE id = :id"),
            {"owner": f"kept:{sent.sent_channel}", "id": sent.id},
        )

    dispatcher.hooks.on_sent.append(keep_the_channel)
    await dispatcher.tick()
    (row,) = (await _rows(engine)).values()
    assert row.owner == f"kept:{standin.dm_id([MAYA, DANIEL])}"


async def test_every_action_tells_the_hook(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    upload = OutboundMessage(
        TEAM,
        "card:1",
        "card",
        "Your card",
        channel=MAYA,
        action=Action.UPLOAD,
        file=Upload("card.txt", b"hello"),
    )
    async with make_sessionmaker(engine)() as session, session.begin():
        await enqueue(session, upload, clock.now())
        await enqueue_home(session, TEAM, DANIEL, clock.now())
    dispatcher = await make_dispatcher()
    heard: dict[str, SentLetter] = {}

    async def hook(session: AsyncSession, sent: SentLetter) -> None:
        heard[sent.dedup_key] = sent

    dispatcher.hooks.on_sent.append(hook)
    assert (await dispatcher.tick()).sent == 2
    (file_id,) = standin.files
    card = heard["card:1"]
    assert (card.kind, card.sent_channel, card.file_id) == ("card", standin.dm_id(MAYA), file_id)
    home = heard[f"home:{DANIEL}"]
    assert (home.kind, home.owner, home.sent_channel) == ("home", f"home:{DANIEL}", DANIEL)
    assert home.file_id is None


async def test_a_hook_that_raises_is_logged_and_delivery_goes_on(
    engine: AsyncEngine,
    clock: FakeClock,
    standin: SlackStandIn,
    make_dispatcher: MakeDispatcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    keys = await put(engine, clock, 4)
    dispatcher = await make_dispatcher()
    heard: list[str] = []

    async def broken(session: AsyncSession, sent: SentLetter) -> None:
        if sent.dedup_key == keys[0]:
            raise RuntimeError("the hook broke")

    async def listening(session: AsyncSession, sent: SentLetter) -> None:
        heard.append(sent.dedup_key)

    dispatcher.hooks.on_sent.extend([broken, listening])
    with caplog.at_level(logging.ERROR, logger="bot.outbox"):
        result = await dispatcher.tick()
    assert (result.claimed, result.sent) == (4, 4)
    assert sorted(heard) == sorted(keys)  # the next hook still ran, for the broken row too
    assert sorted(sent_texts(standin)) == sorted(f"message {k}" for k in keys)
    assert {r.status for r in (await _rows(engine)).values()} == {"sent"}
    failures = [r for r in caplog.records if r.getMessage() == "on-sent hook failed"]
    assert len(failures) == 1
    assert getattr(failures[0], "key", None) == keys[0]
    assert failures[0].exc_info is not None and "the hook broke" in str(failures[0].exc_info[1])

    await put(engine, clock, 2, prefix="later")  # and the next tick delivers as before
    later(clock, 2)
    assert (await dispatcher.tick()).sent == 2


async def test_a_hook_hears_nothing_of_a_row_not_sent(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await put(engine, clock, 1)
    standin.faults.add("chat.postMessage", "server_error")
    dispatcher = await make_dispatcher()
    heard: list[SentLetter] = []

    async def hook(session: AsyncSession, sent: SentLetter) -> None:
        heard.append(sent)

    dispatcher.hooks.on_sent.append(hook)
    assert (await dispatcher.tick()).retried == 1
    assert heard == []
    later(clock, 600)
    assert (await dispatcher.tick()).sent == 1
    assert len(heard) == 1
