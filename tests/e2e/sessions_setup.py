"""A pair introduced through a real round, and the steps the session tests share: open the
booking modal from each entry point, fill it in, read back the card, the file, the reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.calendar import ParsedEvent, parse_ics
from bot.kit.ids import Action, Field, View
from bot.kit.payloads import PairingRef
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import MentoringSession, OutboxMessage, Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn, StoredView
from bot.sandbox.records import PostedMessage
from tests.e2e.rounds_setup import (
    ADMIN,
    ADMIN_CHANNEL,
    AI,
    CAREER,
    Person,
    enrol,
    pairings_in_db,
    run_round,
    send_all,
)

MAYA, GRACE = "U01MAYA", "U01GRACE"  # the reverse mentor in New York, the leader in LA
OUTSIDER = "U01DANIEL"


async def introduce(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    *,
    mentor: tuple[str, str] = (MAYA, "America/New_York"),
    leader: tuple[str, str] = (GRACE, "America/Los_Angeles"),
) -> Pairing:
    """Two people in the program, matched by a real round, their introduction delivered."""
    people = [
        Person(mentor[0], "share", 0, "Data", share=(AI,), learn=(CAREER,), tz=mentor[1]),
        Person(leader[0], "learn", 4, "Engineering", share=(CAREER,), learn=(AI,), tz=leader[1]),
    ]
    await enrol(standin, engine, clock, people)
    proposal = await run_round(slack, standin, engine, bot)
    await slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts)
    await bot.runtime.settle()
    await send_all(bot, clock)
    (pairing,) = await pairings_in_db(engine)
    return pairing


def later(clock: FakeClock, **delta: float) -> datetime:
    """A time from now as a picker gives it: on a whole minute."""
    return (clock.now() + timedelta(**delta)).replace(second=0, microsecond=0)


def group_of(standin: SlackStandIn, pairing: Pairing) -> str:
    return standin.dm_id([pairing.mentor_user_id, pairing.leader_user_id])


def messages(standin: SlackStandIn, pairing: Pairing) -> list[PostedMessage]:
    return standin.messages_in(group_of(standin, pairing), include_ephemeral=False)


async def open_from_intro(
    slack: SlackDriver, standin: SlackStandIn, pairing: Pairing, user: str
) -> StoredView:
    group = group_of(standin, pairing)
    intro = messages(standin, pairing)[0]
    result = await slack.click(user, Action.BOOK_SESSION, channel_id=group, message_ts=intro.ts)
    assert result.status == 200
    return await top_modal(standin, user, View.BOOK_SESSION)


async def top_modal(standin: SlackStandIn, user: str, callback: str) -> StoredView:
    await standin.wait_for(
        lambda: (top := standin.top_view(user)) is not None and top.view["callback_id"] == callback
    )
    top = standin.top_view(user)
    assert top is not None
    return top


def filled(
    at: datetime | None,
    *,
    minutes: int = 45,
    topic: str = AI,
    agenda: str | None = None,
    where: str = "https://meet.example.com/abc-defg",
) -> dict[str, Any]:
    values: dict[str, Any] = {Field.LENGTH: str(minutes), Field.TOPIC: topic, Field.WHERE: where}
    if at is not None:
        values[Field.WHEN] = int(at.timestamp())
    if agenda is not None:
        values[Field.AGENDA] = agenda
    return values


async def book(
    slack: SlackDriver,
    standin: SlackStandIn,
    bot: LocalServer,
    pairing: Pairing,
    user: str,
    at: datetime | None,
    **more: Any,
) -> Any:
    """Open the modal from the introduction, fill it in, submit; the driver's result."""
    modal = await open_from_intro(slack, standin, pairing, user)
    result = await slack.submit(user, modal.id, values=filled(at, **more))
    await bot.runtime.settle()
    return result


async def sessions_in_db(engine: AsyncEngine) -> list[MentoringSession]:
    async with make_sessionmaker(engine)() as session:
        found = await session.scalars(select(MentoringSession).order_by(MentoringSession.id))
        return list(found.all())


async def rows(engine: AsyncEngine, prefix: str) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        found = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.dedup_key.startswith(prefix))
            .order_by(OutboxMessage.id)
        )
        return list(found.all())


def calendar_files(standin: SlackStandIn, pairing: Pairing) -> list[ParsedEvent]:
    """Every calendar file shared in the pair's group DM, parsed back, oldest first."""
    out = []
    for message in messages(standin, pairing):
        for file_id in message.files:
            stored = standin.files[file_id]
            assert stored.filename.endswith(".ics") and stored.content is not None
            out.append(parse_ics(stored.content))
    return out


def card_of(standin: SlackStandIn, row: MentoringSession) -> PostedMessage:
    """The session's card, where Slack said it was posted (as it reads now)."""
    assert row.card_ts is not None, "the card was not posted"
    card = standin.find_message(row.card_channel, row.card_ts)
    assert card is not None
    return card


def a_pairing_ref(pairing: Pairing) -> str:
    return PairingRef(pairing_id=pairing.id).dump()


async def deliver(bot: LocalServer, clock: FakeClock, *, until: datetime | None = None) -> None:
    """Send what is due now; with `until`, move the clock on to it in steps, sending as it
    goes. Reminders due later stay queued."""
    await bot.runtime.settle()
    while until is not None and clock.now() < until:
        clock.advance(min(timedelta(minutes=30), until - clock.now()))
        await _send_due(bot, clock)
    await _send_due(bot, clock)


async def _send_due(bot: LocalServer, clock: FakeClock) -> None:
    for _ in range(200):
        await bot.runtime.dispatcher.tick()
        async with make_sessionmaker(bot.runtime.engine)() as session:
            owed = await session.scalar(
                select(func.count()).where(
                    OutboxMessage.status.in_(["pending", "sending"]),
                    OutboxMessage.due_at <= clock.now(),
                    or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > clock.now()),
                )
            )
        if not owed:
            return
        clock.advance(timedelta(seconds=1))
    raise AssertionError("the outbox still owes messages that are due")


async def plan_feedback(bot: LocalServer, clock: FakeClock) -> int:
    """Run the after-session planner once, as every replica's job does, and send what it queued."""
    from bot.features.feedback.service import plan

    async with make_sessionmaker(bot.runtime.engine)() as session, session.begin():
        asked = await plan(session, clock.now(), bot.runtime.settings.feedback_timing)
    await deliver(bot, clock)
    return asked


def dms(standin: SlackStandIn, user: str) -> list[PostedMessage]:
    """The bot's messages in the person's DM, as they read now (updates applied)."""
    dm = standin.dm_id(user)
    return [m for m in standin.messages_for(user) if m.channel == dm and m.ephemeral_user is None]
