"""PUBLISH_HOME rows: one row per person, rendered when it is sent, armed again after it was;
and a sender with no renderer gives the row up instead of crashing the tick."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.delivery import Action
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import (
    DeadLetter,
    DeliveryHooks,
    Dispatcher,
    DispatcherConfig,
    SlackSender,
    enqueue_home,
    enqueue_homes,
)
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import TEAM, MakeDispatcher, later, put, sent_texts

MAYA, DANIEL = "U01MAYA", "U01DANIEL"


class CountingHome:
    """A Home renderer whose view changes every time it is rendered."""

    def __init__(self) -> None:
        self.renders: list[tuple[str, str]] = []

    async def __call__(self, team_id: str, user_id: str) -> dict[str, Any]:
        self.renders.append((team_id, user_id))
        text = f"<@{user_id}>, render {len(self.renders)}"
        return {"type": "home", "blocks": [{"type": "section", "text": _mrkdwn(text)}]}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _shown(standin: SlackStandIn, user_id: str) -> str:
    return str(standin.home_views[user_id]["blocks"][0]["text"]["text"])


async def _home_rows(engine: AsyncEngine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "home"))
        return list(rows.all())


async def _arm(engine: AsyncEngine, clock: FakeClock, *users: str) -> None:
    async with make_sessionmaker(engine)() as session, session.begin():
        for user in users:
            await enqueue_home(session, TEAM, user, clock.now())


async def test_a_home_refresh_publishes_the_rendered_view(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await _arm(engine, clock, MAYA)
    dispatcher = await make_dispatcher()
    home = CountingHome()
    dispatcher.sender.home = home
    assert (await dispatcher.tick()).sent == 1

    (call,) = standin.calls_to("views.publish")
    assert call.response["ok"] is True and call.args["user_id"] == MAYA
    assert home.renders == [(TEAM, MAYA)]
    assert _shown(standin, MAYA) == f"<@{MAYA}>, render 1"
    assert standin.calls_to("chat.postMessage") == []  # a Home is no DM
    (row,) = await _home_rows(engine)
    assert (row.dedup_key, row.action, row.kind) == (f"home:{MAYA}", Action.PUBLISH_HOME, "home")
    assert row.owner == f"home:{MAYA}"
    assert (row.status, row.sent_channel, row.sent_ts) == ("sent", MAYA, None)


async def test_many_refreshes_before_a_tick_make_one_publish(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    for _ in range(3):
        await _arm(engine, clock, MAYA)
        later(clock, 1)
    async with make_sessionmaker(engine)() as session, session.begin():
        await enqueue_homes(session, TEAM, [MAYA, DANIEL, MAYA], clock.now())
    rows = await _home_rows(engine)
    assert sorted(r.dedup_key for r in rows) == [f"home:{DANIEL}", f"home:{MAYA}"]
    assert {r.status for r in rows} == {"pending"}

    dispatcher = await make_dispatcher()
    home = CountingHome()
    dispatcher.sender.home = home
    assert (await dispatcher.tick()).sent == 2
    published = sorted(c.args["user_id"] for c in standin.calls_to("views.publish"))
    assert published == [DANIEL, MAYA]
    assert sorted(home.renders) == [(TEAM, DANIEL), (TEAM, MAYA)]


async def test_the_view_is_rendered_when_sent_not_when_enqueued(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    dispatcher = await make_dispatcher()
    home = CountingHome()
    dispatcher.sender.home = home
    await _arm(engine, clock, MAYA)
    await _arm(engine, clock, MAYA)
    assert home.renders == []  # nothing rendered by enqueueing
    await dispatcher.tick()
    assert home.renders == [(TEAM, MAYA)]


async def test_a_sent_refresh_is_armed_again_and_publishes_fresh_content(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    dispatcher = await make_dispatcher()
    home = CountingHome()
    dispatcher.sender.home = home
    await _arm(engine, clock, MAYA)
    await dispatcher.tick()
    (first,) = await _home_rows(engine)
    assert first.status == "sent"
    first_view_id = standin.home_views[MAYA]["id"]

    later(clock, 5)
    await _arm(engine, clock, MAYA)
    (armed,) = await _home_rows(engine)
    assert armed.id == first.id  # the same row, armed again
    assert (armed.status, armed.attempts, armed.lease_owner) == ("pending", 0, None)
    assert armed.due_at.replace(tzinfo=None) == clock.now().replace(tzinfo=None)

    assert (await dispatcher.tick()).sent == 1
    assert len(standin.calls_to("views.publish")) == 2
    assert _shown(standin, MAYA) == f"<@{MAYA}>, render 2"
    assert standin.home_views[MAYA]["id"] == first_view_id  # Slack keeps one Home view
    (again,) = await _home_rows(engine)
    assert (again.id, again.status, again.attempts) == (first.id, "sent", 1)


async def test_a_refresh_armed_while_in_flight_publishes_again(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    """A change that lands while a render is on its way: that publish may predate it, so the
    row stays pending (its fence is lost) and the next tick publishes the newest state."""
    dispatcher = await make_dispatcher()
    counting = CountingHome()

    async def home(team_id: str, user_id: str) -> dict[str, Any]:
        view = await counting(team_id, user_id)
        if len(counting.renders) == 1:
            await _arm(engine, clock, user_id)  # someone changed something meanwhile
        return view

    dispatcher.sender.home = home
    await _arm(engine, clock, MAYA)
    result = await dispatcher.tick()
    assert result.claimed == 1
    (row,) = await _home_rows(engine)
    assert row.status == "pending" and row.lease_owner is None
    later(clock, 2)
    assert (await dispatcher.tick()).claimed == 1
    (row,) = await _home_rows(engine)
    assert row.status == "sent"
    assert len(standin.calls_to("views.publish")) == 2
    assert _shown(standin, MAYA) == f"<@{MAYA}>, render 2"


async def test_a_sender_without_a_renderer_gives_the_home_up(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn
) -> None:
    sender = SlackSender(standin.bot_token, standin.api_url)  # no home=...
    await sender.start()
    try:
        dispatcher = Dispatcher(
            engine,
            make_sessionmaker(engine),
            sender,
            clock,
            config=DispatcherConfig(rate_per_second=1000.0, burst=1000),
            hooks=DeliveryHooks(),
        )
        heard: list[DeadLetter] = []

        async def on_dead(session: object, dead: DeadLetter) -> None:
            heard.append(dead)

        dispatcher.hooks.on_dead.append(on_dead)
        await _arm(engine, clock, MAYA)
        await put(engine, clock, 2)  # plain posts in the same sweep still go
        result = await dispatcher.tick()
    finally:
        await sender.close()

    assert (result.claimed, result.sent, result.dead) == (3, 2, 1)
    (row,) = await _home_rows(engine)
    assert (row.status, row.last_error, row.attempts) == ("dead", "no_home_renderer", 1)
    assert [(d.dedup_key, d.error) for d in heard] == [(f"home:{MAYA}", "no_home_renderer")]
    assert standin.calls_to("views.publish") == []
    assert sorted(sent_texts(standin)) == ["message m:0", "message m:1"]
