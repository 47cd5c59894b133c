"""Booking a session end to end: from the introduction, the Home tab and `/mentor book`; the
card, its calendar file and links; what is refused inline; a double submit books once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.ids import Action, Field, View, numbered
from bot.platform.clock import FakeClock
from bot.platform.db.models import Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import button_ids, home, text_of
from tests.e2e.sessions_setup import (
    GRACE,
    MAYA,
    OUTSIDER,
    a_pairing_ref,
    book,
    calendar_files,
    card_of,
    deliver,
    filled,
    later,
    messages,
    open_from_intro,
    rows,
    sessions_in_db,
    top_modal,
)


async def test_grace_books_from_the_introduction(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    modal = await open_from_intro(slack, standin, pair, GRACE)
    shown = text_of(modal.view["blocks"])
    assert "America/Los_Angeles" in shown and "America/New_York" in shown  # both zones named
    agenda = next(b for b in modal.view["blocks"] if b.get("block_id") == Field.AGENDA)
    assert "Introductions" in agenda["element"]["initial_value"]  # the first-session agenda
    at = later(clock, days=2, hours=8)  # Wed 7 Jan, 17:00 UTC: 09:00 for Grace
    result = await slack.submit(GRACE, modal.id, values=filled(at))
    assert result.outcome == "updated" and "Booked" in text_of(result.view.view["blocks"])
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert (row.booked_by, row.minutes, row.topic, row.sequence) == (
        GRACE,
        45,
        "AI and new tools",
        0,
    )
    card = card_of(standin, row)
    assert f"<!date^{int(at.timestamp())}^" in text_of(card.blocks or [])
    assert "17:00 UTC" in text_of(card.blocks or [])  # the fallback, for notifications
    ids = button_ids({"blocks": card.blocks})
    assert {numbered(Action.RESCHEDULE, row.id), numbered(Action.CANCEL_SESSION, row.id)} <= set(
        ids
    )
    assert {Action.GOOGLE_CALENDAR, Action.OUTLOOK_CALENDAR} <= set(ids)
    (ics,) = calendar_files(standin, pair)
    assert (ics.method, ics.sequence, ics.uid) == ("PUBLISH", 0, row.calendar_uid)
    assert ics.starts_at == at and ics.ends_at == at + timedelta(minutes=45)
    reminders = await rows(engine, f"reminder:{row.id}:")
    assert sorted(r.due_at for r in reminders) == [
        at - timedelta(hours=24),
        at - timedelta(hours=1),
    ]
    assert all(r.status == "pending" for r in reminders)
    assert sorted(r.expires_at for r in reminders) == [at - timedelta(hours=1), at]


async def test_the_calendar_link_clicks_are_acked(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    await book(slack, standin, bot, pair, MAYA, later(clock, days=3))
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    card = card_of(standin, row)
    for action in (Action.GOOGLE_CALENDAR, Action.OUTLOOK_CALENDAR):
        clicked = await slack.click(MAYA, action, channel_id=card.channel, message_ts=card.ts)
        assert clicked.status == 200


async def test_booking_from_the_home_tab_and_the_command(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    page = await home(slack, standin, MAYA)
    assert numbered(Action.BOOK_SESSION, pair.id) in button_ids(page)
    await slack.click(MAYA, numbered(Action.BOOK_SESSION, pair.id), view_id=page["id"])
    modal = await top_modal(standin, MAYA, View.BOOK_SESSION)
    result = await slack.submit(MAYA, modal.id, values=filled(later(clock, days=1)))
    assert result.outcome == "updated"
    assert (await slack.command(GRACE, "book")).status == 200
    modal = await top_modal(standin, GRACE, View.BOOK_SESSION)
    agenda = next(b for b in modal.view["blocks"] if b.get("block_id") == Field.AGENDA)
    assert "initial_value" not in agenda["element"]  # not their first session any more
    result = await slack.submit(GRACE, modal.id, values=filled(later(clock, days=8)))
    assert result.outcome == "updated"
    await deliver(bot, clock)
    assert len(await sessions_in_db(engine)) == 2
    page = await home(slack, standin, GRACE)
    assert "Next session" in text_of(page["blocks"])
    shown = " ".join(button_ids(page))
    assert str(Action.RESCHEDULE) in shown and str(Action.CANCEL_SESSION) in shown


async def test_someone_elses_pairing_is_refused_politely(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    intro = messages(standin, pair)[0]
    action = {
        "action_id": Action.BOOK_SESSION,
        "block_id": "intro_actions",
        "type": "button",
        "value": a_pairing_ref(pair),
        "action_ts": "1.0",
    }
    result = await slack._interact(slack._block_actions(OUTSIDER, intro, action))
    assert result.status == 200
    await bot.runtime.settle()
    told = [c.args.get("text", "") for c in standin.calls_to("response_url")]
    assert any("someone else's pairing" in t for t in told), told
    assert standin.top_view(OUTSIDER) is None
    assert await sessions_in_db(engine) == []


@pytest.mark.parametrize(
    "when, error",
    [
        (None, "Pick a date"),
        (timedelta(minutes=10), "at least 15 minutes"),
        (timedelta(days=91), "within the next 90 days"),
    ],
)
async def test_a_time_that_cannot_be_booked_is_an_inline_error(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
    when: timedelta | None,
    error: str,
) -> None:
    modal = await open_from_intro(slack, standin, pair, GRACE)
    at = later(clock, seconds=when.total_seconds()) if when is not None else None
    result = await slack.submit(GRACE, modal.id, values=filled(at))
    assert result.outcome == "errors" and error in result.errors[Field.WHEN]
    assert await sessions_in_db(engine) == []


async def test_an_overlap_with_either_persons_session_is_refused(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = later(clock, days=2)
    assert (await book(slack, standin, bot, pair, GRACE, at)).outcome == "updated"
    modal = await open_from_intro(slack, standin, pair, MAYA)
    result = await slack.submit(MAYA, modal.id, values=filled(at + timedelta(minutes=30)))
    assert result.outcome == "errors" and "already" in result.errors[Field.WHEN]
    ok = await slack.submit(MAYA, modal.id, values=filled(at + timedelta(minutes=45)))
    assert ok.outcome == "updated"  # right after the first one: fine
    assert len(await sessions_in_db(engine)) == 2


async def test_a_double_submitted_booking_is_stored_once(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    modal = await open_from_intro(slack, standin, pair, GRACE)
    payload = slack._view_submission(GRACE, modal, filled(later(clock, days=2)))
    first, second = await asyncio.gather(slack._interact(payload), slack._interact(payload))
    assert first.status == second.status == 200
    retried = await slack._interact(payload)  # a Slack retry, later
    assert retried.status == 200
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert len(await rows(engine, f"session-card:{row.id}")) == 1
    assert len(calendar_files(standin, pair)) == 1


async def test_a_long_non_ascii_agenda_keeps_the_calendar_links_within_slacks_limit(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    agenda = ("Überblick über KI-Werkzeuge 日本語 😀 " * 40)[:1000]
    at = later(clock, days=2)
    assert (await book(slack, standin, bot, pair, GRACE, at, agenda=agenda)).outcome == "updated"
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert row.agenda == agenda.strip()
    card = card_of(standin, row)
    links = [
        e["url"]
        for b in card.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
        if "url" in e
    ]
    assert len(links) == 2 and all(len(u) <= 3000 for u in links)
    google = parse_qs(urlsplit(links[0]).query)
    assert agenda[:100] in google["details"][0]
    (ics,) = calendar_files(standin, pair)
    assert agenda.strip() in ics.description
