"""A pairing's cycle, end to end on the injected clock: the check-in halfway, a private offer
after "Not a good fit", the survey at the end, another cycle or a wrap-up, and a kind ending
when no choice comes in time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.cycles.service import plan
from bot.kit.ids import Action, Field, View
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import CycleAnswer, Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import text_of
from tests.e2e.rounds_setup import pairings_in_db
from tests.e2e.sessions_setup import GRACE, MAYA, deliver, dms, messages, top_modal


async def cycle(bot: LocalServer, clock: FakeClock) -> int:
    async with make_sessionmaker(bot.runtime.engine)() as session, session.begin():
        sent = await plan(session, clock.now(), bot.runtime.settings.cycle, None)
    await deliver(bot, clock)
    return sent


async def answers(engine: AsyncEngine) -> list[CycleAnswer]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(CycleAnswer))).all())


def latest(standin: SlackStandIn, user: str, needle: str):  # type: ignore[no-untyped-def]
    return [m for m in dms(standin, user) if needle in m.text][-1]


async def test_the_check_in_halfway_and_the_private_offer_after_not_a_good_fit(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    clock.advance(timedelta(weeks=6) - timedelta(hours=1))
    assert await cycle(bot, clock) == 0
    clock.advance(timedelta(hours=2))
    assert await cycle(bot, clock) == 2
    assert await cycle(bot, clock) == 0  # once
    check = latest(standin, MAYA, "Halfway")
    labels = text_of(check.blocks or [])
    assert "Going well" in labels and "Not a good fit" in labels
    await slack.click(MAYA, Action.CHECK_IN_NOT_FIT, channel_id=check.channel, message_ts=check.ts)
    await bot.runtime.settle()
    offered = [m for m in standin.messages_for(MAYA) if m.ephemeral_user == MAYA]
    assert "Talk to the program team" in text_of(offered[-1].blocks or [])
    assert not [
        m for m in standin.messages_for(GRACE) if "Talk to the program team" in str(m.blocks)
    ]
    mine = [a for a in await answers(engine) if a.user_id == MAYA]
    assert mine[0].check_in == "not_fit"


async def test_the_end_survey_then_another_cycle(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    clock.advance(timedelta(weeks=12, hours=1))
    await cycle(bot, clock)
    invite = latest(standin, GRACE, "three short questions")
    await slack.click(GRACE, Action.CYCLE_SURVEY, channel_id=invite.channel, message_ts=invite.ts)
    survey = await top_modal(standin, GRACE, View.CYCLE_SURVEY)
    values = {Field.CONTINUE_WITH: "yes", Field.CHANGED: "I use AI daily now", Field.RECOMMEND: "9"}
    assert (await slack.submit(GRACE, survey.id, values=values)).outcome == "updated"
    (choice,) = [m for m in messages(standin, pair) if "Another cycle" in str(m.blocks)]
    await slack.click(MAYA, Action.ANOTHER_CYCLE, channel_id=choice.channel, message_ts=choice.ts)
    await slack.click(GRACE, Action.ANOTHER_CYCLE, channel_id=choice.channel, message_ts=choice.ts)
    await deliver(bot, clock)
    (paired,) = await pairings_in_db(engine)
    assert paired.cycle_number == 2 and paired.status == "active"
    assert (
        len([m for m in messages(standin, pair) if "chose another cycle" in m.text + str(m.blocks)])
        == 1
    )
    mine = [a for a in await answers(engine) if a.user_id == GRACE and a.kind == "end"]
    assert (mine[0].recommend, mine[0].continue_with) == (9, "yes")
    everything_maya_saw = " ".join(m.text + str(m.blocks) for m in standin.messages_for(MAYA))
    assert "I use AI daily now" not in everything_maya_saw
    clock.advance(timedelta(days=8))
    await cycle(bot, clock)
    (paired,) = await pairings_in_db(engine)
    assert paired.status == "active"  # the new cycle runs; nothing ended it


async def test_with_no_choice_in_seven_days_the_pairing_ends_kindly(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    clock.advance(timedelta(weeks=12, hours=1))
    await cycle(bot, clock)
    clock.advance(timedelta(days=7))
    await cycle(bot, clock)
    (paired,) = await pairings_in_db(engine)
    assert paired.status == "ended" and paired.end_cause == "cycle_ended"
    assert [m for m in messages(standin, pair) if "wrapped up" in m.text + str(m.blocks)]


async def test_wrap_up_ends_it_for_both(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    clock.advance(timedelta(weeks=12, hours=1))
    await cycle(bot, clock)
    (choice,) = [m for m in messages(standin, pair) if "Wrap up" in str(m.blocks)]
    await slack.click(GRACE, Action.WRAP_UP, channel_id=choice.channel, message_ts=choice.ts)
    await deliver(bot, clock)
    (paired,) = await pairings_in_db(engine)
    assert paired.status == "ended" and paired.end_cause == "wrapped_up"
