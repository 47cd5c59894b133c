"""After a session: ask each member whether they met, keep their private answers, and offer a
word with the program team or a new partner after a low rating. Every query that reads an
answer names the person it belongs to."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.delivery import Action
from bot.domain.errors import NotFound, UserFacingError
from bot.domain.feedback import (
    FeedbackTiming,
    Met,
    PollForm,
    next_ask,
    poll_errors,
    still_editable,
)
from bot.domain.lifecycle import SESSION, SessionStatus
from bot.domain.quiet import WorkingHours
from bot.domain.sessions import SessionInfo, utc
from bot.features.feedback import messages as msg
from bot.features.program.quiet import open_for
from bot.features.program.word import ask_for_a_word
from bot.features.sessions import deliveries
from bot.features.sessions import records as sessions
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.dialect import insert_ignore
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import MentoringSession, Pairing, SessionFeedback
from bot.platform.outbox import OutboundMessage, SentLetter, enqueue, send_dm

NOT_ASKED = "That question isn't one of yours, or it is no longer open. Nothing has changed."
CLOSED = "Your answers are saved. They can no longer be changed, but thank you for them!"
ASK_KINDS = ("did-you-meet", "did-you-meet-again")
FEEDBACK: Table = SessionFeedback.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Answered:
    """What the member's DM shows now, and what to offer them."""

    row: SessionFeedback
    info: SessionInfo


async def _mine(
    session: AsyncSession, actor: Actor, session_id: int, *, lock: bool = False
) -> tuple[SessionFeedback, SessionInfo]:
    """The actor's own question about this session; a tampered id, someone else's session or a
    session nobody asked them about is refused."""
    query = select(SessionFeedback).where(
        SessionFeedback.team_id == actor.team_id,
        SessionFeedback.session_id == session_id,
        SessionFeedback.user_id == actor.user_id,
    )
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(NOT_ASKED)
    found, pairing = await sessions.session_of(session, actor.team_id, actor.user_id, session_id)
    return row, await sessions.info(session, found, pairing)


async def answer_met(
    sessionmaker: SessionMaker,
    clock: Clock,
    timing: FeedbackTiming,
    actor: Actor,
    session_id: int,
    met: Met,
) -> Answered:
    """*Yes, we met* (held), *No, we'll reschedule* or *No, it didn't happen* (missed, unless
    the other said yes). Clicking again changes nothing but the answer shown."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        row, info = await _mine(session, actor, session_id, lock=True)
        if row.closed_at is not None and row.answered_at is None:
            raise UserFacingError("This question has closed. Thank you all the same!")
        if row.met != met:
            row.met = met
            row.updated_at = now
            if met == Met.YES:
                moved = await move(
                    session,
                    MentoringSession,
                    session_id,
                    SessionStatus.HELD,
                    life=SESSION,
                    updated_at=now,
                )
            else:
                moved = await move(
                    session,
                    MentoringSession,
                    session_id,
                    SessionStatus.MISSED,
                    life=SESSION,
                    when=(MentoringSession.status == SessionStatus.BOOKED,),
                    updated_at=now,
                )
            if moved:
                await deliveries.card_after_meeting(session, session_id, now)
            await redraw(session, row, info, timing, now)
        return Answered(row, info)


async def poll_of(
    sessionmaker: SessionMaker,
    clock: Clock,
    timing: FeedbackTiming,
    actor: Actor,
    session_id: int,
) -> Answered:
    """The poll to open (filled in when editing), while it may still be changed."""
    async with sessionmaker() as session:
        row, info = await _mine(session, actor, session_id)
    if not still_editable(row.answered_at, clock.now(), timing) or row.closed_at is not None:
        raise UserFacingError(CLOSED)
    return Answered(row, info)


async def answer_poll(
    sessionmaker: SessionMaker,
    clock: Clock,
    timing: FeedbackTiming,
    actor: Actor,
    session_id: int,
    form: PollForm,
) -> Answered | dict[str, str]:
    """Keep the answers (one row per person per session); editable for a while after the
    first time. Answering the poll says they met."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        row, info = await _mine(session, actor, session_id, lock=True)
        errors = poll_errors(form, mentor=row.side == "mentor")
        if errors:
            return errors
        if not still_editable(row.answered_at, now, timing) or row.closed_at is not None:
            raise UserFacingError(CLOSED)
        row.value, row.learned = form.value, form.learned
        row.confidence = form.confidence if row.side == "mentor" else None
        row.shared_back = form.shared_back if row.side == "leader" else None
        row.answered_at = row.answered_at or now
        row.met = Met.YES
        row.updated_at = now
        if await move(
            session,
            MentoringSession,
            session_id,
            SessionStatus.HELD,
            life=SESSION,
            updated_at=now,
        ):
            await deliveries.card_after_meeting(session, session_id, now)
        await redraw(session, row, info, timing, now)
        return Answered(row, info)


async def redraw(
    session: AsyncSession,
    row: SessionFeedback,
    info: SessionInfo,
    timing: FeedbackTiming,
    now: datetime,
) -> None:
    """Update the member's DM in place to show where they are (through the outbox)."""
    if not (row.dm_channel and row.dm_ts):
        return
    body = msg.question_dm(info, row, now, timing)
    await enqueue(
        session,
        OutboundMessage(
            team_id=row.team_id,
            # What it shows names it: the same redraw twice is one update, each new one another.
            dedup_key=f"feedback-dm:{row.id}:{now.timestamp():.0f}:{_digest(body)}",
            kind="feedback-dm",
            text=body["text"],
            blocks=body["blocks"],
            channel=row.dm_channel,
            ts=row.dm_ts,
            action=Action.UPDATE,
            owner=f"person:{row.user_id}",
        ),
        now,
    )


def _digest(body: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


async def plan(
    session: AsyncSession,
    now: datetime,
    timing: FeedbackTiming,
    hours: WorkingHours | None = None,
) -> int:
    """Ask who should be asked now: the first question after a session, the one reminder 48
    hours later, and close what is past asking or editing. Every replica runs it; the unique
    row per person and session, and the outbox keys, make it happen once."""
    asked = await _ask_new(session, now, timing, hours)
    asked += await _ask_again(session, now, timing, hours)
    await _close(session, now, timing)
    return asked


async def _ask_new(
    session: AsyncSession, now: datetime, timing: FeedbackTiming, hours: WorkingHours | None
) -> int:
    earliest = now - timing.still_worth_asking - timedelta(hours=4)
    latest = now - timing.ask_after_end
    rows = (
        await session.execute(
            select(MentoringSession, Pairing)
            .join(Pairing, Pairing.id == MentoringSession.pairing_id)
            .where(
                MentoringSession.status.in_([SessionStatus.BOOKED, SessionStatus.HELD]),
                MentoringSession.starts_at > earliest,
                MentoringSession.starts_at < latest,
            )
        )
    ).all()
    count = 0
    for found, pairing in rows:
        ends = utc(found.starts_at) + timedelta(minutes=found.minutes)
        if next_ask(ends, now, timing, asked_at=None, asked_again=False, answered=False) is None:
            continue
        info = await sessions.info(session, found, pairing)
        for user, side in ((pairing.mentor_user_id, "mentor"), (pairing.leader_user_id, "leader")):
            if user.startswith("gone-"):
                continue
            values = {
                "team_id": found.team_id,
                "session_id": found.id,
                "user_id": user,
                "side": side,
                "asked_at": now,
                "updated_at": now,
                "learned": "",
            }
            if not await insert_ignore(
                session, FEEDBACK, values, conflict=["session_id", "user_id"]
            ):
                continue
            body = msg.ask(info, user, again=False)
            when = await open_for(session, found.team_id, [user], now, hours)
            key = f"did-you-meet:{found.id}"
            await send_dm(session, found.team_id, user, key, body, now, due_at=when)
            count += 1
    return count


async def _ask_again(
    session: AsyncSession, now: datetime, timing: FeedbackTiming, hours: WorkingHours | None
) -> int:
    due = (
        await session.scalars(
            select(SessionFeedback).where(
                SessionFeedback.answered_at.is_(None),
                SessionFeedback.asked_again_at.is_(None),
                SessionFeedback.closed_at.is_(None),
                SessionFeedback.asked_at <= now - timing.ask_again_after,
                # "reschedule" and "didn't happen" need no poll; only a silence is asked again
                (SessionFeedback.met.is_(None)) | (SessionFeedback.met == Met.YES),
            )
        )
    ).all()
    count = 0
    for row in due:
        claimed = await session.execute(
            update(SessionFeedback)
            .where(SessionFeedback.id == row.id, SessionFeedback.asked_again_at.is_(None))
            .values(asked_again_at=now, updated_at=now)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        found = await session.get(MentoringSession, row.session_id)
        pairing = await session.get(Pairing, found.pairing_id) if found else None
        if found is None or pairing is None:
            continue
        info = await sessions.info(session, found, pairing)
        body = msg.ask(info, row.user_id, again=True, met=row.met == Met.YES)
        key = f"did-you-meet-again:{row.session_id}"
        when = await open_for(session, row.team_id, [row.user_id], now, hours)
        await send_dm(session, row.team_id, row.user_id, key, body, now, due_at=when)
        count += 1
    return count


async def _close(session: AsyncSession, now: datetime, timing: FeedbackTiming) -> None:
    """Answered (or "we didn't meet") longer ago than the edit window: the DM says thanks and
    has no buttons. Unanswered 48 hours after the second ask: the question expires."""
    window = now - timing.editable_for
    rows = (
        await session.scalars(
            select(SessionFeedback).where(
                SessionFeedback.closed_at.is_(None),
                or_(
                    SessionFeedback.answered_at <= window,
                    and_(
                        SessionFeedback.answered_at.is_(None),
                        SessionFeedback.met.in_([Met.NO, Met.RESCHEDULE]),
                        SessionFeedback.updated_at <= window,
                    ),
                    and_(
                        SessionFeedback.answered_at.is_(None),
                        SessionFeedback.asked_again_at <= now - timing.ask_again_after,
                    ),
                ),
            )
        )
    ).all()
    for row in rows:
        row.closed_at = now
        found = await session.get(MentoringSession, row.session_id)
        pairing = await session.get(Pairing, found.pairing_id) if found else None
        if found is not None and pairing is not None:
            await redraw(session, row, await sessions.info(session, found, pairing), timing, now)


async def on_sent(session: AsyncSession, sent: SentLetter) -> None:
    """On-sent hook: keep the DM a question went in, so that it can be updated in place."""
    if sent.kind not in ASK_KINDS:
        return
    raw = sent.dedup_key.split(":")
    if len(raw) < 3 or not raw[1].isdigit():
        return
    await session.execute(
        update(SessionFeedback)
        .where(
            SessionFeedback.team_id == sent.team_id,
            SessionFeedback.session_id == int(raw[1]),
            SessionFeedback.user_id == raw[2],
        )
        .values(dm_channel=sent.sent_channel, dm_ts=sent.ts)
    )


async def talk_to_team(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, session_id: int
) -> str:
    """Tell the program team that this person would like a word: who, and with whom they are
    paired; never the rating or anything they answered."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        _, info = await _mine(session, actor, session_id)
        partner = info.partner_of(actor.user_id).user_id
        key = f"wants-a-word:{session_id}:{actor.user_id}"
        return await ask_for_a_word(session, actor.team_id, actor.user_id, partner, key, now)


async def pairing_of(sessionmaker: SessionMaker, actor: Actor, session_id: int) -> int:
    """The pairing of a session the actor was asked about (for *Ask for a new partner*)."""
    async with sessionmaker() as session:
        _, info = await _mine(session, actor, session_id)
    return info.pairing_id
