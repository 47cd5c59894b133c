"""Sessions and the people in them: `/mentor sessions`, several partners, a paused pairing,
leaving (upcoming sessions cancelled, typed text erased), the export, and a card that changed
before Slack had it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.ids import Action, Field, View, numbered
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import open_modal, replies, text_of
from tests.e2e.sessions_setup import (
    GRACE,
    MAYA,
    book,
    calendar_files,
    card_of,
    deliver,
    filled,
    later,
    messages,
    sessions_in_db,
    top_modal,
)
from tests.e2e.test_leave_export import export_of


async def test_mentor_sessions_lists_what_is_coming_with_its_actions(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    assert (await slack.command(MAYA, "sessions")).status == 200
    await standin.wait_for(lambda: any("No sessions" in t for t in replies(standin, MAYA)))
    at = later(clock, days=2)
    await book(slack, standin, bot, pair, GRACE, at)
    assert (await slack.command(MAYA, "sessions")).status == 200
    await standin.wait_for(lambda: any("1 upcoming" in t for t in replies(standin, MAYA)))
    listing = [m for m in standin.messages_for(MAYA) if "1 upcoming" in m.text][-1]
    assert f"<!date^{int(at.timestamp())}^" in text_of(listing.blocks or [])
    (row,) = await sessions_in_db(engine)
    await slack.click(
        MAYA,
        numbered(Action.CANCEL_SESSION, row.id),
        channel_id=listing.channel,
        message_ts=listing.ts,
    )
    assert (await top_modal(standin, MAYA, View.CANCEL_SESSION)).view["callback_id"]


async def test_mentor_book_without_a_partner_says_what_happens_next(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    assert (await slack.command(MAYA, "book")).status == 200
    await standin.wait_for(lambda: any("nothing to book" in t for t in replies(standin, MAYA)))


async def test_with_two_partners_the_modal_asks_which_first(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    async with make_sessionmaker(engine)() as session, session.begin():
        session.add(
            Pairing(
                team_id=pair.team_id,
                round_id=pair.round_id,
                mentor_user_id="U01LENA",
                leader_user_id=GRACE,
                score=1.0,
                reasons=[],
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    assert (await slack.command(GRACE, "book")).status == 200
    chooser = await top_modal(standin, GRACE, View.CHOOSE_PARTNER)
    element = next(b for b in chooser.view["blocks"] if b.get("block_id") == Field.PAIRING)
    assert len(element["element"]["options"]) == 2
    result = await slack.submit(GRACE, chooser.id, values={Field.PAIRING: str(pair.id)})
    assert result.outcome == "updated" and result.view.view["callback_id"] == View.BOOK_SESSION
    done = await slack.submit(GRACE, result.view.id, values=filled(later(clock, days=2)))
    assert done.outcome == "updated"
    (row,) = await sessions_in_db(engine)
    assert row.pairing_id == pair.id


async def test_a_paused_pairing_cannot_book(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    result = await book(slack, standin, bot, pair, GRACE, later(clock, days=2))
    assert result.outcome == "updated"
    assert (await slack.command(MAYA, "pause for 2 weeks")).status == 200
    await bot.runtime.settle()
    from tests.e2e.sessions_setup import open_from_intro

    with pytest.raises(AssertionError):
        await open_from_intro(slack, standin, pair, GRACE)  # no modal: she is told instead
    assert any(
        "no longer active" in c.args.get("text", "") for c in standin.calls_to("response_url")
    )


async def test_leaving_cancels_upcoming_sessions_and_erases_what_they_typed(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    secret = "My private thoughts on the reorg"
    await book(slack, standin, bot, pair, MAYA, later(clock, days=2), agenda=secret)
    await deliver(bot, clock)
    data = await export_of(slack, standin, MAYA)
    (mine,) = data["sessions"]
    assert mine["agenda"] == secret and mine["booked_by_me"] and mine["with"] == GRACE
    await open_modal(slack, standin, MAYA, "leave")
    assert (await slack.submit(MAYA)).closed
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert row.status == "cancelled" and row.agenda == "" and row.booked_by.startswith("gone-")
    assert calendar_files(standin, pair)[-1].method == "CANCEL"
    assert secret not in text_of(card_of(standin, row).blocks or [])
    told = " ".join(text_of(m.blocks or []) for m in messages(standin, pair))
    assert "left the program" in told


async def test_a_card_changed_before_it_was_posted_is_drawn_again(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = later(clock, days=2)
    standin.faults.add("chat.postMessage", "server_error", times=-1)
    await book(slack, standin, bot, pair, GRACE, at)  # the card is still in the outbox
    moved = datetime(2026, 1, 9, 16, 0, tzinfo=UTC)
    from tests.e2e.sessions_setup import group_of

    (row,) = await sessions_in_db(engine)
    assert row.card_ts is None
    await slack.command(MAYA, "sessions")
    await standin.wait_for(lambda: any("1 upcoming" in t for t in replies(standin, MAYA)))
    listing = [m for m in standin.messages_for(MAYA) if "1 upcoming" in m.text][-1]
    await slack.click(
        MAYA, numbered(Action.RESCHEDULE, row.id), channel_id=listing.channel, message_ts=listing.ts
    )
    modal = await top_modal(standin, MAYA, View.BOOK_SESSION)
    assert (await slack.submit(MAYA, modal.id, values=filled(moved))).outcome == "updated"
    standin.faults.clear()
    await deliver(bot, clock, until=clock.now() + timedelta(minutes=10))
    (row,) = await sessions_in_db(engine)
    card = card_of(standin, row)
    assert card.channel == group_of(standin, pair)
    assert f"<!date^{int(moved.timestamp())}^" in text_of(card.blocks or [])
    assert moved - at > timedelta(0)
