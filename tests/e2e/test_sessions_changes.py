"""After booking: reschedule and cancel from the card, reminders that follow the session, the
time picker's redraw, a pairing that ends, and a pair across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.ids import Action, Block, Field, View, numbered
from bot.platform.clock import FakeClock
from bot.platform.db.models import Pairing
from bot.platform.local import LocalServer
from bot.platform.outbox import store
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import text_of
from tests.e2e.sessions_setup import (
    GRACE,
    MAYA,
    book,
    calendar_files,
    card_of,
    deliver,
    filled,
    introduce,
    later,
    messages,
    open_from_intro,
    rows,
    sessions_in_db,
    top_modal,
)


async def booked(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer, clock: FakeClock, pair: Pairing
) -> datetime:
    at = later(clock, days=3)
    agenda = "Try three AI tools together"
    result = await book(slack, standin, bot, pair, GRACE, at, agenda=agenda)
    assert result.outcome == "updated"
    await deliver(bot, clock)
    return at


async def test_a_reschedule_moves_the_reminders_and_raises_the_sequence(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = await booked(slack, standin, bot, clock, pair)
    (row,) = await sessions_in_db(engine)
    card = card_of(standin, row)
    await slack.click(
        MAYA, numbered(Action.RESCHEDULE, row.id), channel_id=card.channel, message_ts=card.ts
    )
    modal = await top_modal(standin, MAYA, View.BOOK_SESSION)
    when = next(b for b in modal.view["blocks"] if b.get("block_id") == Field.WHEN)
    assert when["element"]["initial_date_time"] == int(at.timestamp())  # filled in
    moved = at + timedelta(days=1, hours=2)
    agenda = "Try three AI tools together"
    result = await slack.submit(MAYA, modal.id, values=filled(moved, agenda=agenda))
    assert result.outcome == "updated" and "Moved" in text_of(result.view.view["blocks"])
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert row.sequence == 1 and row.starts_at == moved
    old = await rows(engine, f"reminder:{row.id}:0:")
    new = await rows(engine, f"reminder:{row.id}:1:")
    assert {r.status for r in old} == {"cancelled"}
    assert sorted(r.due_at for r in new) == [
        moved - timedelta(hours=24),
        moved - timedelta(hours=1),
    ]
    first, second = calendar_files(standin, pair)
    assert first.uid == second.uid and (first.sequence, second.sequence) == (0, 1)
    assert second.starts_at == moved and second.method == "PUBLISH"
    card = card_of(standin, row)  # the same message, updated in place
    assert f"<!date^{int(moved.timestamp())}^" in text_of(card.blocks or [])
    told = [m.text for m in messages(standin, pair)]
    assert any("moved your session" in t or "Session moved" in t for t in told)
    assert standin.calls_to("chat.update")


async def test_a_cancel_takes_the_reminders_back_and_posts_a_cancel_file(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    await booked(slack, standin, bot, clock, pair)
    (row,) = await sessions_in_db(engine)
    card = card_of(standin, row)
    await slack.click(
        GRACE, numbered(Action.CANCEL_SESSION, row.id), channel_id=card.channel, message_ts=card.ts
    )
    modal = await top_modal(standin, GRACE, View.CANCEL_SESSION)
    word = "Board meeting moved, sorry!"
    result = await slack.submit(GRACE, modal.id, values={Field.REASON: word})
    assert result.outcome == "updated" and "cancelled" in text_of(result.view.view["blocks"])
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert row.status == "cancelled" and row.cancelled_by == GRACE
    assert {r.status for r in await rows(engine, f"reminder:{row.id}:")} == {"cancelled"}
    publish, cancelled = calendar_files(standin, pair)
    assert (cancelled.method, cancelled.status, cancelled.uid) == (
        "CANCEL",
        "CANCELLED",
        publish.uid,
    )
    assert cancelled.sequence > publish.sequence
    assert "Session cancelled" in text_of(card_of(standin, row).blocks or [])
    in_group = " ".join(m.text + text_of(m.blocks or []) for m in messages(standin, pair))
    assert word not in in_group  # the reason is for the partner alone
    assert any(word in t for t in dms(standin, MAYA))
    assert not any(word in t for t in dms(standin, GRACE))
    # Nothing is sent for it later on.
    await deliver(bot, clock, until=row.starts_at + timedelta(hours=1))
    assert not [m for m in messages(standin, pair) if "Coming up" in text_of(m.blocks or [])]


async def test_the_reminders_arrive_and_the_last_repeats_agenda_and_link(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = await booked(slack, standin, bot, clock, pair)
    await deliver(bot, clock, until=at - timedelta(hours=24))
    coming = [m for m in messages(standin, pair) if "Coming up" in text_of(m.blocks or [])]
    assert len(coming) == 1 and "Try three AI tools" not in text_of(coming[0].blocks or [])
    await deliver(bot, clock, until=at - timedelta(minutes=59))
    coming = [m for m in messages(standin, pair) if "Coming up" in text_of(m.blocks or [])]
    assert len(coming) == 2
    last = text_of(coming[1].blocks or [])
    assert "Try three AI tools" in last and "meet.example.com" in last
    await deliver(bot, clock, until=at + timedelta(days=1))
    assert (
        len([m for m in messages(standin, pair) if "Coming up" in m.text + text_of(m.blocks or [])])
        == 2
    )


async def test_a_reminder_whose_session_is_cancelled_while_claimed_sends_nothing(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = await booked(slack, standin, bot, clock, pair)
    clock.advance(at - timedelta(hours=24) - clock.now())
    claimed = await store.claim(
        engine, "another-replica", clock.now(), lease=timedelta(60), limit=50
    )
    (reminder,) = [r for r in claimed if r.dedup_key.startswith("reminder:")]
    (row,) = await sessions_in_db(engine)
    card = card_of(standin, row)
    await slack.click(
        MAYA, numbered(Action.CANCEL_SESSION, row.id), channel_id=card.channel, message_ts=card.ts
    )
    modal = await top_modal(standin, MAYA, View.CANCEL_SESSION)
    assert (await slack.submit(MAYA, modal.id, values={})).outcome == "updated"
    await bot.runtime.settle()
    # The other replica now tries to begin its attempt: the committed cancel has won.
    assert await store.begin_attempt(engine, reminder.id, "another-replica", clock.now()) is None
    await deliver(bot, clock, until=at)
    assert not [m for m in messages(standin, pair) if "Coming up" in text_of(m.blocks or [])]


async def test_picking_a_time_shows_it_for_the_partner(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    modal = await open_from_intro(slack, standin, pair, MAYA)
    at = datetime(2026, 1, 8, 4, 0, tzinfo=UTC)  # 23:00 for Maya, 20:00 for Grace
    clicked = await slack.click(MAYA, Field.WHEN, value=int(at.timestamp()), view_id=modal.id)
    assert clicked.status == 200
    await standin.wait_for(lambda: Block.BOOKING_PARTNER_TIME in text_of_ids(standin, modal.id))
    shown = text_of(standin.views[modal.id].view["blocks"])
    assert "Thu 8 Jan, 20:00" not in shown and "Wed 7 Jan, 20:00" in shown  # Grace, in LA
    assert "that is 23:00 for you" in shown


def dms(standin: SlackStandIn, user: str) -> list[str]:
    dm = standin.dm_id(user)
    return [m.text + text_of(m.blocks or []) for m in standin.messages_for(user) if m.channel == dm]


def text_of_ids(standin: SlackStandIn, view_id: str) -> list[str]:
    return [str(b.get("block_id")) for b in standin.views[view_id].view["blocks"]]


async def test_ending_the_pairing_cancels_its_upcoming_sessions(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    await booked(slack, standin, bot, clock, pair)
    assert (await slack.command(MAYA, "end")).status == 200
    modal = await top_modal(standin, MAYA, View.END_PAIRING)
    assert (await slack.submit(MAYA, modal.id, values={})).outcome == "updated"
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    assert row.status == "cancelled" and row.cancelled_by is None
    assert {r.status for r in await rows(engine, f"reminder:{row.id}:")} == {"cancelled"}
    assert calendar_files(standin, pair)[-1].method == "CANCEL"


async def test_across_a_daylight_saving_change_the_reminder_is_24_real_hours_before(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    clock.advance(datetime(2026, 3, 20, 9, 0, tzinfo=UTC) - clock.now())
    pair = await introduce(
        slack,
        standin,
        engine,
        clock,
        bot,
        mentor=("U01LENA", "Europe/Berlin"),
        leader=("U01DANIEL", "America/New_York"),
    )
    # Berlin moves its clocks on 29 March (New York did on 8 March): Monday 30 March at
    # 15:00 UTC is 17:00 in Berlin and 11:00 in New York.
    at = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)
    modal = await open_from_intro(slack, standin, pair, "U01DANIEL")
    await slack.click("U01DANIEL", Field.WHEN, value=int(at.timestamp()), view_id=modal.id)
    await standin.wait_for(lambda: Block.BOOKING_PARTNER_TIME in text_of_ids(standin, modal.id))
    assert "Mon 30 Mar, 17:00" in text_of(standin.views[modal.id].view["blocks"])
    result = await slack.submit("U01DANIEL", modal.id, values=filled(at))
    assert result.outcome == "updated"
    await deliver(bot, clock)
    (row,) = await sessions_in_db(engine)
    (day_before,) = [r for r in await rows(engine, f"reminder:{row.id}:") if "24h" in r.dedup_key]
    assert day_before.due_at == datetime(2026, 3, 29, 15, 0, tzinfo=UTC)
    await deliver(bot, clock, until=day_before.due_at)
    (reminder,) = [m for m in messages(standin, pair) if "Coming up" in text_of(m.blocks or [])]
    assert "Mon 30 Mar 2026, 15:00 UTC" in reminder.text
    assert "Monday 30 March 2026 15:00 UTC" in text_of(reminder.blocks or [])


async def test_a_bot_back_from_a_day_down_sends_the_one_reminder_still_useful(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = await booked(slack, standin, bot, clock, pair)
    clock.advance(at - timedelta(minutes=30) - clock.now())  # both reminders came due meanwhile
    await deliver(bot, clock)
    await bot.runtime.dispatcher.reap()
    coming = [m for m in messages(standin, pair) if "Coming up" in text_of(m.blocks or [])]
    assert len(coming) == 1 and "Try three AI tools" in text_of(coming[0].blocks or [])
    (row,) = await sessions_in_db(engine)
    statuses = {r.dedup_key.rsplit(":", 1)[1]: r.status for r in await rows(engine, "reminder:")}
    assert statuses == {"24h": "expired", "1h": "sent"}
