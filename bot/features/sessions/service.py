"""Booking, rescheduling and cancelling a pair's sessions. Each use case checks that the person
acting is in the pairing, changes the row, and queues what the pair is sent (the card, the
calendar file, the reminders, their Homes) in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import UserFacingError
from bot.domain.lifecycle import SESSION, PairingStatus, SessionStatus
from bot.domain.sessions import (
    AGENDA_MAX,
    LENGTHS,
    SOMETHING_ELSE,
    SessionInfo,
    check_place,
    check_start,
    first_session_agenda,
    unusual_hours,
    utc,
)
from bot.features.sessions import deliveries as send
from bot.features.sessions import messages as msg
from bot.features.sessions import records as rec
from bot.features.sessions.blocks import Booking, BookingForm
from bot.kit.ids import Field
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import MentoringSession, Pairing
from bot.platform.outbox import enqueue_homes, send_dm

PAST = "This session has already started or ended, so it can't be changed."
Errors = dict[str, str]


@dataclass(frozen=True)
class Booked:
    info: SessionInfo
    odd: list[str]  # what is unusual about the time, said in the confirmation
    rescheduled: bool = False


async def booking(
    sessionmaker: SessionMaker,
    clock: Clock,
    actor: Actor,
    pairing_id: int | None,
    *,
    session_id: int | None = None,
) -> Booking:
    """What the booking modal needs, for a member of an active pairing."""
    async with sessionmaker() as session:
        info = None
        if session_id is not None:
            row, pairing = await rec.session_of(session, actor.team_id, actor.user_id, session_id)
            info = await rec.info(session, row, pairing)
            _still_ahead(row, clock.now())
        else:
            pairing = await rec.pairing_of(session, actor.team_id, actor.user_id, pairing_id or 0)
        rec.require_active(pairing)
        mentor, leader = await rec.members(session, actor.team_id, pairing)
        first = not await rec.has_sessions(session, pairing.id)
        topics = await rec.common_topics(session, actor.team_id, pairing)
    me, partner = (mentor, leader) if mentor.user_id == actor.user_id else (leader, mentor)
    agenda = first_session_agenda(mentor.name, leader.name) if first else ""
    return Booking(pairing.id, me, partner, tuple(topics), agenda, info)


async def active_partners(sessionmaker: SessionMaker, actor: Actor) -> list[tuple[int, str]]:
    """(pairing id, partner's name) of each active pairing, for `/mentor book`."""
    async with sessionmaker() as session:
        out = []
        for p in await rec.my_pairings(session, actor.team_id, actor.user_id):
            if p.status == PairingStatus.ACTIVE:
                mentor, leader = await rec.members(session, actor.team_id, p)
                out.append((p.id, (leader if mentor.user_id == actor.user_id else mentor).name))
        return out


def _still_ahead(row: MentoringSession, now: datetime) -> None:
    if row.status != SessionStatus.BOOKED or utc(row.starts_at) <= now:
        raise UserFacingError(PAST)


def _form_errors(form: BookingForm, topics: list[str], current: str | None) -> Errors:
    errors: Errors = {}
    if form.minutes not in LENGTHS:
        errors[Field.LENGTH] = "Choose 30, 45 or 60 minutes."
    allowed = {*topics, SOMETHING_ELSE, *([current] if current else [])}
    if form.topic not in allowed:
        errors[Field.TOPIC] = "Choose a topic from the list."
    if len(form.agenda) > AGENDA_MAX:
        errors[Field.AGENDA] = f"Keep the agenda under {AGENDA_MAX:,} characters."
    place = check_place(form.place)
    if place:
        errors[Field.WHERE] = place
    return errors


async def _time_error(
    session: AsyncSession,
    pairing: Pairing,
    actor: Actor,
    form: BookingForm,
    now: datetime,
    partner_name: str,
    leave_out: int | None = None,
) -> str | None:
    minutes = form.minutes if form.minutes in LENGTHS else 60
    mine = partners = []
    if form.starts_at is not None:
        end = form.starts_at + timedelta(minutes=minutes)
        partner = (
            pairing.leader_user_id
            if pairing.mentor_user_id == actor.user_id
            else pairing.mentor_user_id
        )
        found = await rec.busy(
            session,
            actor.team_id,
            (actor.user_id, partner),
            form.starts_at,
            end,
            leave_out=leave_out,
        )
        mine, partners = found.get(actor.user_id, []), found.get(partner, [])
    return check_start(
        form.starts_at, minutes, now, mine=mine, partners=partners, partner_name=partner_name
    )


async def book(
    sessionmaker: SessionMaker,
    clock: Clock,
    offsets: Sequence[timedelta],
    actor: Actor,
    pairing_id: int,
    form: BookingForm,
    via: str,
) -> Booked | Errors:
    """Book a session, or say what to fix. `via` (the modal's id) makes a double submit or a
    Slack retry find the session it already booked."""
    try:
        return await _book(sessionmaker, clock, offsets, actor, pairing_id, form, via)
    except IntegrityError:  # the same modal, submitted twice at once: the other one won
        async with sessionmaker() as session:
            booked = await _already(session, actor, via)
        if booked is None:
            raise
        return booked


async def _already(session: AsyncSession, actor: Actor, via: str) -> Booked | None:
    row = await session.scalar(
        select(MentoringSession).where(
            MentoringSession.team_id == actor.team_id, MentoringSession.booked_via == via
        )
    )
    if row is None:
        return None
    _, pairing = await rec.session_of(session, actor.team_id, actor.user_id, row.id)
    return Booked(await rec.info(session, row, pairing), [])


async def _book(
    sessionmaker: SessionMaker,
    clock: Clock,
    offsets: Sequence[timedelta],
    actor: Actor,
    pairing_id: int,
    form: BookingForm,
    via: str,
) -> Booked | Errors:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        done = await _already(session, actor, via)
        if done is not None:
            return done
        pairing = await rec.pairing_of(session, actor.team_id, actor.user_id, pairing_id, lock=True)
        if pairing.status != PairingStatus.ACTIVE:
            return {Field.WHEN: rec.NOT_ACTIVE}
        mentor, leader = await rec.members(session, actor.team_id, pairing)
        partner = leader if mentor.user_id == actor.user_id else mentor
        errors = _form_errors(form, await rec.common_topics(session, actor.team_id, pairing), None)
        when = await _time_error(session, pairing, actor, form, now, partner.name)
        if when:
            errors[Field.WHEN] = when
        if errors or form.starts_at is None or form.minutes is None:
            return errors
        row = MentoringSession(
            team_id=actor.team_id,
            pairing_id=pairing.id,
            starts_at=form.starts_at,
            minutes=form.minutes,
            topic="" if form.topic == SOMETHING_ELSE else (form.topic or ""),
            agenda=form.agenda,
            place=form.place,
            status=SessionStatus.BOOKED,
            calendar_uid=f"{uuid.uuid4()}@flipside",
            sequence=0,
            booked_by=actor.user_id,
            booked_via=via,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        await session.flush()
        info = rec.to_info(row, mentor, leader)
        await send.card(session, info, pairing, now)
        await send.calendar_file(session, info, pairing, now)
        await send.reminders(session, info, pairing, offsets, now)
        await enqueue_homes(session, actor.team_id, {mentor.user_id, leader.user_id}, now)
    return Booked(info, _odd(info, actor.user_id))


def _odd(info: SessionInfo, user_id: str) -> list[str]:
    me, partner = info.member(user_id), info.partner_of(user_id)
    return unusual_hours(
        info.starts_at, info.minutes, [me.attendee(as_you=True), partner.attendee()]
    )


async def reschedule(
    sessionmaker: SessionMaker,
    clock: Clock,
    offsets: Sequence[timedelta],
    actor: Actor,
    session_id: int,
    form: BookingForm,
) -> Booked | Errors:
    """Move a session (or change its details): the card is redrawn, the reminders move, the
    calendar file's SEQUENCE rises, and the pair is told what changed. Submitting the same
    answers again changes nothing."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        row, pairing = await rec.session_of(
            session, actor.team_id, actor.user_id, session_id, lock=True
        )
        _still_ahead(row, now)
        rec.require_active(pairing)
        mentor, leader = await rec.members(session, actor.team_id, pairing)
        partner = leader if mentor.user_id == actor.user_id else mentor
        topics = await rec.common_topics(session, actor.team_id, pairing)
        errors = _form_errors(form, topics, row.topic or SOMETHING_ELSE)
        topic = "" if form.topic == SOMETHING_ELSE else (form.topic or "")
        same_time = form.starts_at == utc(row.starts_at) and form.minutes == row.minutes
        if not same_time:
            when = await _time_error(
                session, pairing, actor, form, now, partner.name, leave_out=row.id
            )
            if when:
                errors[Field.WHEN] = when
        if errors or form.starts_at is None or form.minutes is None:
            return errors
        if same_time and (topic, form.agenda, form.place) == (row.topic, row.agenda, row.place):
            info = rec.to_info(row, mentor, leader)
            return Booked(info, [], rescheduled=True)  # nothing changed: a double submit
        row.starts_at, row.minutes, row.topic = form.starts_at, form.minutes, topic
        row.agenda, row.place = form.agenda, form.place
        row.sequence += 1
        row.updated_at = now
        info = rec.to_info(row, mentor, leader)
        await send.take_back_reminders(session, actor.team_id, row.id, now)
        await send.reminders(session, info, pairing, offsets, now)
        await send.card_update(session, row, info, now)
        body = msg.moved(info, actor.user_id) if not same_time else msg.details(info, actor.user_id)
        await send.post_to_pair(
            session, pairing, f"session-moved:{row.id}:{row.sequence}", body, now
        )
        await send.calendar_file(session, info, pairing, now)
        await enqueue_homes(session, actor.team_id, {mentor.user_id, leader.user_id}, now)
    return Booked(info, _odd(info, actor.user_id), rescheduled=True)


async def cancel_session(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, session_id: int, reason: str
) -> SessionInfo:
    """Cancel a session: the partner is told in the group DM (and, if a reason was given, by a
    DM only they see); the reminders are taken back and a CANCEL calendar file is posted."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        row, pairing = await rec.session_of(
            session, actor.team_id, actor.user_id, session_id, lock=True
        )
        if row.status == SessionStatus.CANCELLED:
            return await rec.info(session, row, pairing)  # a double submit
        _still_ahead(row, now)
        info = await _cancel(session, row, pairing, now, by=actor.user_id, reason=reason)
        if reason:
            partner = info.partner_of(actor.user_id).user_id
            body = msg.reason_for_partner(info, actor.user_id, reason)
            await send_dm(
                session, actor.team_id, partner, f"session-cancel-word:{row.id}", body, now
            )
        return info


async def _cancel(
    session: AsyncSession,
    row: MentoringSession,
    pairing: Pairing,
    now: datetime,
    *,
    by: str | None,
    reason: str = "",
    why: str = "",
) -> SessionInfo:
    await move(
        session,
        MentoringSession,
        row.id,
        SessionStatus.CANCELLED,
        life=SESSION,
        sequence=MentoringSession.sequence + 1,
        cancelled_by=by,
        cancel_reason=reason,
        cancelled_at=now,
        updated_at=now,
    )
    await session.refresh(row)
    info = await rec.info(session, row, pairing)
    await send.take_back_reminders(session, row.team_id, row.id, now)
    await send.card_update(session, row, info, now)
    body = msg.cancelled(info, by, why)
    await send.post_to_pair(session, pairing, f"session-cancelled:{row.id}", body, now, owner=None)
    await send.calendar_file(session, info, pairing, now, cancel=True)
    await enqueue_homes(session, row.team_id, {info.mentor.user_id, info.leader.user_id}, now)
    return info


async def cancel_for_pairing(
    session: AsyncSession, pairing: Pairing, now: datetime, why: str
) -> None:
    """A pairing ends: its upcoming sessions are cancelled, in the caller's transaction."""
    rows = (
        await session.scalars(
            select(MentoringSession).where(
                MentoringSession.pairing_id == pairing.id,
                MentoringSession.status == SessionStatus.BOOKED,
                MentoringSession.starts_at > now,
            )
        )
    ).all()
    for row in rows:
        await _cancel(session, row, pairing, now, by=None, why=why)


async def for_leaver(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Someone leaves: their upcoming sessions are cancelled (the partner is told kindly) and
    the text they typed in any session is erased, before their pairings forget who they were."""
    why = " because your partner has left the program"
    for pairing in await rec.my_pairings(session, team_id, user_id, live_only=False):
        tombstone = f"gone-{pairing.id}"
        rows = (
            await session.scalars(
                select(MentoringSession).where(MentoringSession.pairing_id == pairing.id)
            )
        ).all()
        for row in rows:
            if row.booked_by == user_id:
                row.agenda, row.place, row.booked_by = "", "", tombstone
            if row.cancelled_by == user_id:
                row.cancel_reason, row.cancelled_by = "", tombstone
        await session.flush()
        await cancel_for_pairing(session, pairing, now, why)
