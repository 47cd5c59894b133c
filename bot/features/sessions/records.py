"""Reading sessions, always as one of the pair: every query names the pairing it is about, and
the use cases check first that the person acting is in it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotFound
from bot.domain.lifecycle import PairingStatus, SessionStatus
from bot.domain.sessions import Busy, Member, SessionInfo, utc
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import (
    MentoringSession,
    Pairing,
    Participant,
    ParticipantTopic,
    Topic,
)

SOMEONE_ELSES = (
    "This is someone else's pairing, so only the two of them can book or change its "
    "sessions. Nothing has changed."
)
NOT_ACTIVE = "This pairing is no longer active, so it can't have new sessions."
GONE = "That session isn't one of yours, or it no longer exists. Nothing has changed."
LONGEST = timedelta(minutes=240)  # no session is longer: bounds the overlap query


async def pairing_of(
    session: AsyncSession, team_id: str, user_id: str, pairing_id: int, *, lock: bool = False
) -> Pairing:
    """The pairing, if `user_id` is one of its two; anything else (a tampered id, someone
    else's pairing) is refused politely."""
    query = select(Pairing).where(Pairing.id == pairing_id, Pairing.team_id == team_id)
    pairing = await session.scalar(query.with_for_update() if lock else query)
    if pairing is None or user_id not in (pairing.mentor_user_id, pairing.leader_user_id):
        raise NotFound(SOMEONE_ELSES)
    return pairing


def require_active(pairing: Pairing) -> None:
    if pairing.status != PairingStatus.ACTIVE:
        raise NotFound(NOT_ACTIVE)


async def session_of(
    session: AsyncSession, team_id: str, user_id: str, session_id: int, *, lock: bool = False
) -> tuple[MentoringSession, Pairing]:
    query = select(MentoringSession).where(
        MentoringSession.id == session_id, MentoringSession.team_id == team_id
    )
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(GONE)
    pairing = await session.get(Pairing, row.pairing_id)
    if pairing is None or user_id not in (pairing.mentor_user_id, pairing.leader_user_id):
        raise NotFound(GONE)
    return row, pairing


async def members(session: AsyncSession, team_id: str, pairing: Pairing) -> tuple[Member, Member]:
    """The mentor and the leader, with what Slack last told us of their names and zones."""
    ids = (pairing.mentor_user_id, pairing.leader_user_id)
    found = {
        p.slack_user_id: p
        for p in await session.scalars(
            select(Participant).where(
                Participant.team_id == team_id, Participant.slack_user_id.in_(ids)
            )
        )
    }

    def member(user_id: str, fallback: str) -> Member:
        p = found.get(user_id)
        if p is None:
            return Member(user_id, fallback, "UTC")
        return Member(
            user_id,
            p.display_name or fallback,
            p.timezone or "UTC",
            tuple(p.preferred_days or ()),
            tuple(p.preferred_times or ()),
        )

    return member(ids[0], "your partner"), member(ids[1], "your partner")


def to_info(row: MentoringSession, mentor: Member, leader: Member) -> SessionInfo:
    return SessionInfo(
        id=row.id,
        pairing_id=row.pairing_id,
        starts_at=utc(row.starts_at),
        minutes=row.minutes,
        topic=row.topic,
        agenda=row.agenda,
        place=row.place,
        status=row.status,
        sequence=row.sequence,
        calendar_uid=row.calendar_uid,
        booked_by=row.booked_by,
        mentor=mentor,
        leader=leader,
        cancelled_by=row.cancelled_by,
    )


async def info(session: AsyncSession, row: MentoringSession, pairing: Pairing) -> SessionInfo:
    mentor, leader = await members(session, row.team_id, pairing)
    return to_info(row, mentor, leader)


async def busy(
    session: AsyncSession,
    team_id: str,
    user_ids: tuple[str, ...],
    start: datetime,
    end: datetime,
    *,
    leave_out: int | None = None,
) -> dict[str, list[Busy]]:
    """Each person's booked sessions that could overlap [start, end), in any of their
    pairings (a session being moved left out)."""
    query = (
        select(MentoringSession, Pairing.mentor_user_id, Pairing.leader_user_id)
        .join(Pairing, Pairing.id == MentoringSession.pairing_id)
        .where(
            MentoringSession.team_id == team_id,
            MentoringSession.status == SessionStatus.BOOKED,
            MentoringSession.starts_at < end,
            MentoringSession.starts_at > start - LONGEST,
            or_(Pairing.mentor_user_id.in_(user_ids), Pairing.leader_user_id.in_(user_ids)),
        )
    )
    out: dict[str, list[Busy]] = defaultdict(list)
    for row, mentor, leader in (await session.execute(query)).all():
        if row.id == leave_out:
            continue
        for person in {mentor, leader} & set(user_ids):
            out[person].append(Busy(utc(row.starts_at), row.minutes))
    return out


async def common_topics(session: AsyncSession, team_id: str, pairing: Pairing) -> list[str]:
    """Topics one of the two shares and the other wants to learn, either way round."""
    rows = await session.execute(
        select(Participant.slack_user_id, ParticipantTopic.direction, Topic.name)
        .join(ParticipantTopic, ParticipantTopic.participant_id == Participant.id)
        .join(Topic, Topic.id == ParticipantTopic.topic_id)
        .where(
            Participant.team_id == team_id,
            Participant.slack_user_id.in_((pairing.mentor_user_id, pairing.leader_user_id)),
            Topic.archived.is_(False),
        )
        .order_by(Topic.position, Topic.name)
    )
    by: dict[tuple[str, str], list[str]] = defaultdict(list)
    for user, direction, name in rows.all():
        by[(user, direction)].append(name)
    m, ld = pairing.mentor_user_id, pairing.leader_user_id
    either = [
        t
        for t in by[(m, "share")] + by[(ld, "share")]
        if t in by[(ld, "learn")] or t in by[(m, "learn")]
    ]
    return list(dict.fromkeys(either))


async def has_sessions(session: AsyncSession, pairing_id: int) -> bool:
    """Whether the pair booked anything before (cancelled ones don't count)."""
    found = await session.scalar(
        select(MentoringSession.id).where(
            MentoringSession.pairing_id == pairing_id,
            MentoringSession.status != SessionStatus.CANCELLED,
        )
    )
    return found is not None


async def of_pairings(
    session: AsyncSession, team_id: str, pairings: list[Pairing]
) -> list[SessionInfo]:
    """Every session of these pairings (all of them the reader's own), soonest first."""
    if not pairings:
        return []
    rows = (
        await session.scalars(
            select(MentoringSession)
            .where(
                MentoringSession.team_id == team_id,
                MentoringSession.pairing_id.in_([p.id for p in pairings]),
            )
            .order_by(MentoringSession.starts_at, MentoringSession.id)
        )
    ).all()
    by_id = {p.id: p for p in pairings}
    people: dict[int, tuple[Member, Member]] = {}
    out = []
    for row in rows:
        if row.pairing_id not in people:
            people[row.pairing_id] = await members(session, team_id, by_id[row.pairing_id])
        out.append(to_info(row, *people[row.pairing_id]))
    return out


async def my_pairings(
    session: AsyncSession, team_id: str, user_id: str, *, live_only: bool = True
) -> list[Pairing]:
    query = select(Pairing).where(
        Pairing.team_id == team_id,
        or_(Pairing.mentor_user_id == user_id, Pairing.leader_user_id == user_id),
    )
    if live_only:
        query = query.where(Pairing.status.in_([PairingStatus.ACTIVE, PairingStatus.PAUSED]))
    return list((await session.scalars(query.order_by(Pairing.created_at, Pairing.id))).all())


def split(
    sessions: list[SessionInfo], now: datetime
) -> tuple[list[SessionInfo], list[SessionInfo]]:
    """(upcoming booked sessions, soonest first; past or cancelled ones, latest first)."""
    upcoming = [s for s in sessions if s.status == SessionStatus.BOOKED and s.ends_at > now]
    past = [s for s in sessions if s not in upcoming]
    return upcoming, sorted(past, key=lambda s: s.starts_at, reverse=True)


async def my_sessions(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor
) -> tuple[list[SessionInfo], list[SessionInfo]]:
    """(upcoming, recent) sessions of the person's pairings, for `/mentor sessions`."""
    async with sessionmaker() as session:
        pairings = await my_pairings(session, actor.team_id, actor.user_id, live_only=False)
        found = await of_pairings(session, actor.team_id, pairings)
    return split(found, clock.now())


async def for_home(
    session: AsyncSession, team_id: str, user_id: str, now: datetime
) -> dict[int, tuple[SessionInfo | None, SessionInfo | None]]:
    """Each live pairing's next session and its last one, in the caller's session."""
    pairings = await my_pairings(session, team_id, user_id)
    found = await of_pairings(session, team_id, pairings)
    out: dict[int, tuple[SessionInfo | None, SessionInfo | None]] = {}
    for p in pairings:
        upcoming, recent = split([s for s in found if s.pairing_id == p.id], now)
        held = [s for s in recent if s.status != SessionStatus.CANCELLED]
        out[p.id] = (upcoming[0] if upcoming else None, held[0] if held else None)
    return out


async def export(sessionmaker: SessionMaker, team_id: str, user_id: str) -> list[dict[str, object]]:
    """The person's sessions, for their own export."""
    async with sessionmaker() as session:
        pairings = await my_pairings(session, team_id, user_id, live_only=False)
        found = await of_pairings(session, team_id, pairings)
    return [
        {
            "with": s.partner_of(user_id).user_id,
            "starts_at_utc": s.starts_at.isoformat(),
            "minutes": s.minutes,
            "focus": s.topic_label,
            "agenda": s.agenda,
            "where": s.place,
            "status": str(s.status),
            "booked_by_me": s.booked_by == user_id,
        }
        for s in found
    ]
