"""Keeping pairs going, end to end on the injected clock: the ladder the leader leads, a pair
at risk on the admin's Home, a pause with a way back, any booking starting it over, quiet
hours, a person gone quiet asked once, and each step taken once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.quiet import WorkingHours
from bot.features.nudges.service import plan
from bot.kit.ids import Action
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage, Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import home, text_of
from tests.e2e.rounds_setup import pairings_in_db
from tests.e2e.sessions_setup import (
    GRACE,
    MAYA,
    book,
    deliver,
    dms,
    later,
    messages,
    plan_feedback,
)

ADMIN = "U01PRIYA"


async def nudge(bot: LocalServer, clock: FakeClock, hours: WorkingHours | None = None) -> int:
    async with make_sessionmaker(bot.runtime.engine)() as session, session.begin():
        taken = await plan(session, clock.now(), bot.runtime.settings.ladder, hours)
    await deliver(bot, clock)
    return taken


def asked_leader(standin: SlackStandIn) -> list[str]:
    return [m.text for m in dms(standin, GRACE) if "propose a time" in m.text]


async def test_the_ladder_for_a_pair_that_never_books(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    clock.advance(timedelta(days=6, hours=23))
    assert await nudge(bot, clock) == 0
    clock.advance(timedelta(hours=2))
    assert await nudge(bot, clock) == 1
    assert len(asked_leader(standin)) == 1
    assert not [m for m in dms(standin, MAYA) if "propose a time" in m.text]  # never the junior
    clock.advance(timedelta(days=7))
    assert await nudge(bot, clock) == 1
    (warm,) = [m for m in messages(standin, pair) if "could you pick a time" in m.text]
    assert "<@U01GRACE>" in warm.text
    clock.advance(timedelta(days=7))
    assert await nudge(bot, clock) == 1
    admin = text_of((await home(slack, standin, ADMIN))["blocks"])
    assert "Pairs at risk (1)" in admin and "days without a session" in admin
    assert "<@U01MAYA> & <@U01GRACE>" in admin
    clock.advance(timedelta(days=14))
    assert await nudge(bot, clock) == 1
    (paired,) = await pairings_in_db(engine)
    assert paired.status == "paused"
    for user in (MAYA, GRACE):
        (hold,) = [m for m in dms(standin, user) if "on hold" in m.text]
        assert "We're still on" in text_of(hold.blocks or [])
    assert await nudge(bot, clock) == 0  # nothing more while it waits
    hold = [m for m in dms(standin, MAYA) if "on hold" in m.text][0]
    await slack.click(MAYA, Action.STILL_ON, channel_id=hold.channel, message_ts=hold.ts)
    await deliver(bot, clock)
    (paired,) = await pairings_in_db(engine)
    assert paired.status == "active" and paired.at_risk_since is None
    assert "Pairs at risk" not in text_of((await home(slack, standin, ADMIN))["blocks"])
    clock.advance(timedelta(days=7, hours=1))
    assert await nudge(bot, clock) == 1  # the ladder starts over with the leader
    assert len(asked_leader(standin)) == 2


async def test_any_booking_starts_the_ladder_over(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    clock.advance(timedelta(days=7, hours=1))
    assert await nudge(bot, clock) == 1
    at = later(clock, days=2)
    await book(slack, standin, bot, pair, GRACE, at)
    clock.advance(timedelta(days=1))
    assert await nudge(bot, clock) == 0  # something is booked
    clock.advance(timedelta(days=8))
    assert await nudge(bot, clock) == 1  # a week after the (unanswered) session: the leader
    assert len(asked_leader(standin)) == 2
    assert not [m for m in messages(standin, pair) if "could you pick a time" in m.text]


async def test_lets_end_it_ends_the_pairing_kindly(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    for days in (7, 7, 7, 14):
        clock.advance(timedelta(days=days, hours=1))
        await nudge(bot, clock)
    hold = [m for m in dms(standin, GRACE) if "on hold" in m.text][0]
    await slack.click(GRACE, Action.END_STALLED, channel_id=hold.channel, message_ts=hold.ts)
    await deliver(bot, clock)
    (paired,) = await pairings_in_db(engine)
    assert paired.status == "ended"


async def test_a_nudge_due_on_a_saturday_waits_for_monday_morning_in_the_leaders_zone(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    # Introduced Monday 5 January; the first step is due a week later... make it a Saturday.
    clock.advance(datetime(2026, 1, 17, 12, 0, tzinfo=UTC) - clock.now())
    async with make_sessionmaker(engine)() as session, session.begin():
        await plan(session, clock.now(), bot.runtime.settings.ladder, WorkingHours())
    async with make_sessionmaker(engine)() as session:
        (row,) = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "nudge-leader"))
        ).all()
    # 09:00 on Monday 19 January in Los Angeles (UTC-8) is 17:00 UTC.
    assert row.due_at == datetime(2026, 1, 19, 17, 0, tzinfo=UTC)
    await deliver(bot, clock)
    assert not asked_leader(standin)
    await deliver(bot, clock, until=row.due_at + timedelta(minutes=1))
    assert len(asked_leader(standin)) == 1


async def test_each_step_is_taken_once_by_planners_running_together(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    clock.advance(timedelta(days=7, hours=1))

    async def one() -> None:
        async with make_sessionmaker(engine)() as session, session.begin():
            await plan(session, clock.now(), bot.runtime.settings.ladder, None)

    results = await asyncio.gather(one(), one(), one(), return_exceptions=True)
    assert any(r is None for r in results)  # the others may lose a write race; none sends twice
    await deliver(bot, clock)
    assert len(asked_leader(standin)) == 1


async def test_someone_who_ignores_three_prompts_is_asked_once_whether_to_stay(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = later(clock, days=1)
    await book(slack, standin, bot, pair, MAYA, at)
    await deliver(bot, clock, until=at + timedelta(minutes=80))
    for _ in range(3):  # asked, asked once more, closed unanswered: one ignored prompt each
        await plan_feedback(bot, clock)
        clock.advance(timedelta(hours=49))
    await plan_feedback(bot, clock)
    for days in (2, 7, 7, 14):  # the leader asked (two), the pair, at risk, paused (three)
        clock.advance(timedelta(days=days, hours=1))
        await nudge(bot, clock)
    await nudge(bot, clock)
    quiet = [m for m in dms(standin, GRACE) if "stay in the program" in text_of(m.blocks or [])]
    assert len(quiet) == 1
    assert not [m for m in dms(standin, MAYA) if "stay in the program" in text_of(m.blocks or [])]
    await slack.click(GRACE, Action.KEEP_ME_IN, channel_id=quiet[0].channel, message_ts=quiet[0].ts)
    await bot.runtime.settle()
    clock.advance(timedelta(days=1))
    await nudge(bot, clock)
    again = [m for m in dms(standin, GRACE) if "stay in the program" in text_of(m.blocks or [])]
    assert len(again) == 1  # told once
