"""After a session, end to end on the injected clock: the question, both answers, a double
click, the edit window, the one re-ask, the private options after a low rating."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.ids import Action, Field, View
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import Pairing, SessionFeedback
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import text_of
from tests.e2e.rounds_setup import ADMIN_CHANNEL, pairings_in_db
from tests.e2e.sessions_setup import (
    GRACE,
    MAYA,
    book,
    card_of,
    deliver,
    dms,
    introduce,
    later,
    plan_feedback,
    sessions_in_db,
    top_modal,
)


@pytest.fixture
async def after_session(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> Pairing:
    """A pair whose session (booked by Grace, tomorrow, 45 minutes) ended 30 minutes ago."""
    pair = await introduce(slack, standin, engine, clock, bot)
    at = later(clock, days=1)
    assert (await book(slack, standin, bot, pair, GRACE, at)).outcome == "updated"
    await deliver(bot, clock, until=at + timedelta(minutes=45 + 30))
    assert await plan_feedback(bot, clock) == 2
    return pair


def question(standin: SlackStandIn, user: str) -> object:
    (asked,) = [m for m in dms(standin, user) if "Did you meet" in m.text or "met" in m.text]
    return asked


async def answers(engine: AsyncEngine) -> dict[str, SessionFeedback]:
    async with make_sessionmaker(engine)() as session:
        rows = (await session.scalars(select(SessionFeedback))).all()
    return {r.user_id: r for r in rows}


async def click_in_dm(slack: SlackDriver, standin: SlackStandIn, user: str, action: str) -> None:
    message = [m for m in dms(standin, user) if action in str(m.blocks)][-1]
    result = await slack.click(user, action, channel_id=message.channel, message_ts=message.ts)
    assert result.status == 200


async def test_both_are_asked_and_a_yes_from_either_marks_it_held(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    for user in (MAYA, GRACE):
        asked = [m for m in dms(standin, user) if Action.MET_YES in str(m.blocks)]
        assert len(asked) == 1
        labels = text_of(asked[0].blocks or [])
        assert "Yes, we met" in labels and "No, we'll reschedule" in labels
        assert "No, it didn't happen" in labels
    await click_in_dm(slack, standin, MAYA, Action.MET_YES)
    poll = await top_modal(standin, MAYA, View.POLL)
    shown = text_of(poll.view["blocks"])
    assert "How confident did you feel sharing what you know?" in shown  # the reverse mentor's
    assert "career insight back" not in shown
    result = await slack.submit(
        MAYA,
        poll.id,
        values={Field.VALUE: "4", Field.LEARNED: "How budgets get decided", Field.CONFIDENCE: "3"},
    )
    assert result.outcome == "updated"
    assert "Log notes" in text_of(result.view.view["blocks"])
    await click_in_dm(slack, standin, GRACE, Action.MET_NO)
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert row.status == "held"  # Grace's "didn't happen" does not undo Maya's yes
    # The card in the pair's group DM says so: notes or the next booking, no more rescheduling.
    card = text_of(card_of(standin, row).blocks or [])
    assert "Session held" in card and "Log notes" in card and "Book a session" in card
    assert "Reschedule" not in card and "Cancel session" not in card
    mine = await answers(engine)
    assert (mine[MAYA].value, mine[MAYA].confidence, mine[MAYA].met) == (4, 3, "yes")
    assert mine[GRACE].met == "no" and mine[GRACE].value is None
    redrawn = [
        m for m in dms(standin, MAYA) if "thanks for your answers" in text_of(m.blocks or [])
    ]
    assert redrawn and "Edit my answers" in text_of(redrawn[0].blocks or [])
    # The partner never sees them.
    everything_grace_saw = " ".join(
        m.text + text_of(m.blocks or []) for m in standin.messages_for(GRACE)
    )
    assert "How budgets get decided" not in everything_grace_saw


async def test_the_leaders_poll_asks_about_career_insight(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    await click_in_dm(slack, standin, GRACE, Action.MET_YES)
    poll = await top_modal(standin, GRACE, View.POLL)
    assert "Did you get to share career insight back?" in text_of(poll.view["blocks"])
    values = {Field.VALUE: "5", Field.SHARED_BACK: "a_little"}
    assert (await slack.submit(GRACE, poll.id, values=values)).outcome == "updated"
    assert (await answers(engine))[GRACE].shared_back == "a_little"


async def test_a_double_click_answers_once(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    message = [m for m in dms(standin, MAYA) if Action.MET_YES in str(m.blocks)][-1]
    clicks = [
        slack.click(MAYA, Action.MET_YES, channel_id=message.channel, message_ts=message.ts)
        for _ in range(2)
    ]
    assert all(r.status == 200 for r in await asyncio.gather(*clicks))
    await deliver(bot, clock)
    assert len([r for r in (await answers(engine)).values() if r.user_id == MAYA]) == 1
    (row,) = await sessions_in_db(engine)
    assert row.status == "held"


async def test_answers_can_be_edited_for_24_hours_then_the_dm_just_says_thanks(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    await click_in_dm(slack, standin, MAYA, Action.MET_YES)
    poll = await top_modal(standin, MAYA, View.POLL)
    values = {Field.VALUE: "3", Field.CONFIDENCE: "2"}
    await slack.submit(MAYA, poll.id, values=values)
    await deliver(bot, clock)
    clock.advance(timedelta(hours=23))
    await click_in_dm(slack, standin, MAYA, Action.EDIT_ANSWERS)
    poll = await top_modal(standin, MAYA, View.POLL)
    value = next(b for b in poll.view["blocks"] if b.get("block_id") == Field.VALUE)
    assert value["element"]["initial_option"]["value"] == "3"  # filled in
    await slack.submit(MAYA, poll.id, values={Field.VALUE: "5", Field.CONFIDENCE: "4"})
    assert (await answers(engine))[MAYA].value == 5
    clock.advance(timedelta(hours=2))
    await click_in_dm(slack, standin, MAYA, Action.EDIT_ANSWERS)
    await bot.runtime.settle()
    told = [c.args.get("text", "") for c in standin.calls_to("response_url")]
    assert any("can no longer be changed" in t for t in told)
    await plan_feedback(bot, clock)
    latest = [m for m in dms(standin, MAYA) if "thanks for your answers" in text_of(m.blocks or [])]
    assert latest and not [b for b in latest[-1].blocks or [] if b["type"] == "actions"]


async def test_no_answer_is_asked_once_more_after_48_hours_and_never_a_third_time(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    clock.advance(timedelta(hours=47))
    assert await plan_feedback(bot, clock) == 0
    clock.advance(timedelta(hours=2))
    assert await plan_feedback(bot, clock) == 2
    reminders = [m for m in dms(standin, MAYA) if "gentle reminder" in text_of(m.blocks or [])]
    assert len(reminders) == 1
    for _ in range(4):
        clock.advance(timedelta(hours=24))
        assert await plan_feedback(bot, clock) == 0
    assert all(r.closed_at is not None for r in (await answers(engine)).values())
    asked = [m for m in dms(standin, MAYA) if "Did you meet" in text_of(m.blocks or [])]
    assert len(asked) <= 2


async def test_a_low_rating_offers_a_word_with_the_team_or_a_new_partner_privately(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    await click_in_dm(slack, standin, GRACE, Action.MET_YES)
    poll = await top_modal(standin, GRACE, View.POLL)
    values = {Field.VALUE: "2", Field.SHARED_BACK: "not_this_time"}
    result = await slack.submit(GRACE, poll.id, values=values)
    thanks = text_of(result.view.view["blocks"])
    assert "Talk to the program team" in thanks and "Ask for a new partner" in thanks
    result = await slack.click(GRACE, Action.TALK_TO_TEAM, view_id=result.view.id)
    assert result.status == 200
    await deliver(bot, clock)
    told = standin.messages_in(ADMIN_CHANNEL, include_ephemeral=False)
    word = [m for m in told if "would like a word" in m.text]
    assert len(word) == 1 and "<@U01GRACE>" in word[0].text
    shown = text_of(word[0].blocks or [])
    assert "2" not in shown.replace("U01", "") and "rating" not in shown.lower()
    await click_in_dm(slack, standin, GRACE, Action.NEW_PARTNER)
    await deliver(bot, clock)
    (pairing,) = await pairings_in_db(engine)
    assert pairing.status == "ended"


async def test_well_reschedule_opens_the_booking_modal(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    await click_in_dm(slack, standin, MAYA, Action.MET_RESCHEDULE)
    modal = await top_modal(standin, MAYA, View.BOOK_SESSION)
    assert modal.view["title"]["text"] == "Book a session"
    (row,) = await sessions_in_db(engine)
    assert row.status == "missed"
    await deliver(bot, clock)
    card = text_of(card_of(standin, row).blocks or [])
    assert "This session didn't happen" in card and "Reschedule" not in card


async def test_export_has_your_answers_and_leaving_erases_them(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    after_session: Pairing,
) -> None:
    from tests.e2e.flows import open_modal
    from tests.e2e.test_leave_export import export_of

    await click_in_dm(slack, standin, MAYA, Action.MET_YES)
    poll = await top_modal(standin, MAYA, View.POLL)
    values = {Field.VALUE: "4", Field.CONFIDENCE: "5", Field.LEARNED: "Budgets"}
    await slack.submit(MAYA, poll.id, values=values)
    data = await export_of(slack, standin, MAYA)
    (mine,) = data["my_answers_after_sessions"]
    assert (mine["how_valuable"], mine["one_thing_i_learned"]) == (4, "Budgets")
    assert "Budgets" not in str(await export_of(slack, standin, GRACE))
    await open_modal(slack, standin, MAYA, "leave")
    assert (await slack.submit(MAYA)).closed
    assert MAYA not in await answers(engine)
