"""The pair's notes end to end: logged from the card, read by both, edited and deleted by the
author alone, refused to everyone else on every surface; action items reminded at 09:00 in
the owner's own zone, ticked off from the reminder or the Home tab."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.ids import Action, Field, View, numbered
from bot.kit.payloads import NoteRef, PairingRef
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import ActionItem, Pairing, SessionNote
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import button_ids, home, text_of
from tests.e2e.sessions_setup import (
    GRACE,
    MAYA,
    OUTSIDER,
    book,
    card_of,
    deliver,
    dms,
    introduce,
    later,
    messages,
    sessions_in_db,
    top_modal,
)
from tests.e2e.test_leave_export import export_of

ADMIN = "U01PRIYA"
SECRET = "We talked about the reorg in confidence"


@pytest.fixture
async def pair(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> Pairing:
    pairing = await introduce(slack, standin, engine, clock, bot)
    assert (await book(slack, standin, bot, pairing, GRACE, later(clock, days=1))).outcome
    await deliver(bot, clock)
    return pairing


async def log_from_card(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, user: str, **values: object
) -> object:
    (row,) = await sessions_in_db(engine)
    card = card_of(standin, row)
    await slack.click(user, Action.LOG_NOTES, channel_id=card.channel, message_ts=card.ts)
    modal = await top_modal(standin, user, View.NOTE)
    return await slack.submit(user, modal.id, values=values)


async def notes_in_db(engine: AsyncEngine) -> list[SessionNote]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(SessionNote))).all())


async def items_in_db(engine: AsyncEngine) -> list[ActionItem]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(ActionItem))).all())


def told(standin: SlackStandIn) -> list[str]:
    return [c.args.get("text", "") for c in standin.calls_to("response_url")] + [
        text_of(c.args.get("view", {}).get("blocks", [])) for c in standin.calls_to("views.open")
    ]


async def test_maya_logs_notes_with_an_item_for_grace_who_sees_it_on_her_home(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    due = (clock.now() + timedelta(days=3)).date()
    result = await log_from_card(
        slack,
        standin,
        engine,
        MAYA,
        **{
            Field.COVERED: SECRET,
            Field.TAUGHT: "Prompting an assistant",
            Field.ITEM_1: "Try the assistant on a board memo",
            Field.ITEM_1_OWNER: "partner",
            Field.ITEM_1_DUE: due.isoformat(),
        },
    )
    assert result.outcome == "updated"
    await deliver(bot, clock)
    (item,) = await items_in_db(engine)
    assert item.owner_user_ids == [GRACE] and item.due_on == due
    page = await home(slack, standin, GRACE)
    assert "Try the assistant on a board memo" in text_of(page["blocks"])
    assert numbered(Action.ITEM_DONE, item.id) in str(page["blocks"])
    # Both read the note with /mentor notes; only its author gets Edit and Delete.
    for user in (MAYA, GRACE):
        assert (await slack.command(user, "notes")).status == 200
        await standin.wait_for(lambda u=user: any(SECRET in t for t in _listings(standin, u)))
    (note,) = await notes_in_db(engine)
    mine = _listing_message(standin, MAYA)
    theirs = _listing_message(standin, GRACE)
    assert numbered(Action.EDIT_NOTE, note.id) in button_ids({"blocks": mine.blocks})
    assert numbered(Action.EDIT_NOTE, note.id) not in button_ids({"blocks": theirs.blocks})
    # Grace ticks it off from her Home.
    await slack.click(GRACE, numbered(Action.ITEM_DONE, item.id), view_id=page["id"])
    await deliver(bot, clock)
    (item,) = await items_in_db(engine)
    assert item.done_by == GRACE


def _listings(standin: SlackStandIn, user: str) -> list[str]:
    return [text_of(m.blocks or []) for m in standin.messages_for(user) if m.ephemeral_user == user]


def _listing_message(standin: SlackStandIn, user: str):  # type: ignore[no-untyped-def]
    return [
        m
        for m in standin.messages_for(user)
        if m.ephemeral_user == user and SECRET in str(m.blocks)
    ][-1]


async def test_an_action_items_reminder_comes_at_9_in_the_owners_zone(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    pairing = await introduce(
        slack,
        standin,
        engine,
        clock,
        bot,
        mentor=("U01ANANYA", "Asia/Kolkata"),
        leader=("U01WEILING", "Asia/Tokyo"),
    )
    assert (await book(slack, standin, bot, pairing, "U01ANANYA", later(clock, days=1))).outcome
    await deliver(bot, clock)
    due = date(2026, 1, 9)
    await log_from_card(
        slack,
        standin,
        engine,
        "U01ANANYA",
        **{
            Field.ITEM_1: "Share the deck",
            Field.ITEM_1_OWNER: "partner",
            Field.ITEM_1_DUE: due.isoformat(),
        },
    )
    await deliver(bot, clock)
    nine_in_tokyo = datetime(2026, 1, 9, 0, 0, tzinfo=UTC)  # 09:00 JST
    await deliver(bot, clock, until=nine_in_tokyo - timedelta(minutes=1))
    assert not [m for m in dms(standin, "U01WEILING") if "Due today" in m.text]
    await deliver(bot, clock, until=nine_in_tokyo + timedelta(minutes=1))
    (reminder,) = [m for m in dms(standin, "U01WEILING") if "Due today" in m.text]
    assert "Share the deck" in reminder.text
    (item,) = await items_in_db(engine)
    await slack.click(
        "U01WEILING",
        numbered(Action.ITEM_DONE, item.id),
        channel_id=reminder.channel,
        message_ts=reminder.ts,
    )
    await bot.runtime.settle()
    (item,) = await items_in_db(engine)
    assert item.done_at is not None


async def test_nobody_else_reads_the_pairs_notes_on_any_surface(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    await log_from_card(
        slack,
        standin,
        engine,
        MAYA,
        **{
            Field.COVERED: SECRET,
            Field.ITEM_1: "Read the strategy memo",
            Field.ITEM_1_OWNER: "both",
        },
    )
    await deliver(bot, clock)
    (note,) = await notes_in_db(engine)
    (item,) = await items_in_db(engine)
    # Maya's pairing ends; her next partner is Lena: a former partner of Grace's partner.
    assert (await slack.command(MAYA, "end")).status == 200
    modal = await top_modal(standin, MAYA, View.END_PAIRING)
    await slack.submit(MAYA, modal.id, values={})
    async with make_sessionmaker(engine)() as session, session.begin():
        session.add(
            Pairing(
                team_id=pair.team_id,
                round_id=pair.round_id,
                mentor_user_id="U01LENA",
                leader_user_id="U01KLAUS",
                score=1.0,
                reasons=[],
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    await deliver(bot, clock)
    intro = messages(standin, pair)[0]
    for reader in (ADMIN, OUTSIDER, "U01LENA"):
        await slack.command(reader, "notes")
        # Buttons with tampered ids: edit, delete and log notes for the pair, tick the item off.
        for action, value in (
            (numbered(Action.EDIT_NOTE, note.id), NoteRef(note_id=note.id).dump()),
            (numbered(Action.DELETE_NOTE, note.id), NoteRef(note_id=note.id).dump()),
            (numbered(Action.LOG_NOTES, pair.id), PairingRef(pairing_id=pair.id).dump()),
        ):
            forged = {
                "action_id": action,
                "block_id": "x",
                "type": "button",
                "value": value,
                "action_ts": "1.0",
            }
            await slack._interact(slack._block_actions(reader, intro, forged))
        await bot.runtime.settle()
        page = await home(slack, standin, reader)
        assert SECRET not in text_of(page["blocks"]) and "strategy memo" not in text_of(
            page["blocks"]
        )
        if reader != OUTSIDER:
            data = await export_of(slack, standin, reader)
            assert SECRET not in str(data) and "strategy memo" not in str(data)
        seen = " ".join(told(standin)) + " ".join(_listings(standin, reader))
        assert SECRET not in seen
        assert (
            standin.top_view(reader) is None
            or standin.top_view(reader).view.get("callback_id") != View.NOTE
        )
    assert len(await notes_in_db(engine)) == 1  # nobody deleted it
    # Grace, from the ended pairing, still reads her pair's note; she cannot edit Maya's.
    await slack.command(GRACE, "notes")
    await bot.runtime.settle()
    intro_for_grace = messages(standin, pair)[0]
    forged = {
        "action_id": numbered(Action.EDIT_NOTE, note.id),
        "block_id": "x",
        "type": "button",
        "value": NoteRef(note_id=note.id).dump(),
        "action_ts": "1.0",
    }
    await slack._interact(slack._block_actions(GRACE, intro_for_grace, forged))
    await bot.runtime.settle()
    assert any("Only the person who wrote" in t for t in told(standin))


async def test_leaving_erases_the_notes_you_wrote_and_keeps_your_partners(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    await log_from_card(slack, standin, engine, MAYA, **{Field.COVERED: SECRET})
    await log_from_card(slack, standin, engine, GRACE, **{Field.COVERED: "Grace's own note"})
    data = await export_of(slack, standin, MAYA)
    assert [n["what_we_covered"] for n in data["notes_i_wrote"]] == [SECRET]
    await slack.command(MAYA, "leave")
    modal = await top_modal(standin, MAYA, "leave_modal")
    assert (await slack.submit(MAYA, modal.id)).closed
    assert [n.covered for n in await notes_in_db(engine)] == ["Grace's own note"]


async def test_a_note_needs_something_in_it(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    result = await log_from_card(slack, standin, engine, MAYA)
    assert result.outcome == "errors" and Field.COVERED in result.errors
