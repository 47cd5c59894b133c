"""A pair's life after the introduction: pause with a partner's break, end without blame."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotFound
from bot.domain.lifecycle import (
    LIVE_PAIRING,
    PAIRING,
    EndCause,
    PairingStatus,
    ParticipantStatus,
)
from bot.domain.pairing import MyPairing, Side
from bot.features.pairings import messages as msg
from bot.features.sessions import service as sessions
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import Pairing, Participant
from bot.platform.outbox import SentLetter, cancel, enqueue_home, send_dm

NOT_YOURS = "That pairing isn't one of yours, or it has already ended."
LIVE = sorted(LIVE_PAIRING)


def _mine(team_id: str, user_id: str) -> Any:
    return (Pairing.team_id == team_id) & or_(
        Pairing.mentor_user_id == user_id, Pairing.leader_user_id == user_id
    )


def partner_of(p: Pairing, user_id: str) -> str:
    return p.leader_user_id if p.mentor_user_id == user_id else p.mentor_user_id


def side_of(p: Pairing, user_id: str) -> Side:
    """The person's side of the pairing."""
    return Side.MENTOR if p.mentor_user_id == user_id else Side.LEADER


def live_members(team_id: str) -> Any:
    """Everyone in an active or paused pairing, as a subquery."""
    live = (Pairing.team_id == team_id) & Pairing.status.in_(LIVE)
    return (
        select(Pairing.mentor_user_id).where(live).union(select(Pairing.leader_user_id).where(live))
    )


async def read_my_pairings(session: AsyncSession, team_id: str, user_id: str) -> list[MyPairing]:
    """The person's live pairings, from their side, in the caller's session."""
    rows = (
        await session.scalars(
            select(Pairing)
            .where(_mine(team_id, user_id), Pairing.status.in_(LIVE))
            .order_by(Pairing.created_at, Pairing.id)
        )
    ).all()
    partners = {partner_of(p, user_id) for p in rows}
    people = {
        p.slack_user_id: p
        for p in await session.scalars(
            select(Participant).where(
                Participant.team_id == team_id, Participant.slack_user_id.in_(partners)
            )
        )
    }
    out = []
    for p in rows:
        other = people.get(partner_of(p, user_id))
        out.append(
            MyPairing(
                id=p.id,
                partner_id=partner_of(p, user_id),
                partner_name=other.display_name if other else "your partner",
                partner_title=other.title if other else "",
                i_am=side_of(p, user_id),
                status=p.status,
                since=p.created_at,
            )
        )
    return out


async def my_pairings(sessionmaker: SessionMaker, team_id: str, user_id: str) -> list[MyPairing]:
    async with sessionmaker() as session:
        return await read_my_pairings(session, team_id, user_id)


async def history(sessionmaker: SessionMaker, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """Every pairing the person has had, for their own export."""
    async with sessionmaker() as session:
        rows = (
            await session.scalars(
                select(Pairing).where(_mine(team_id, user_id)).order_by(Pairing.id)
            )
        ).all()
    return [
        {
            "partner_slack_user_id": partner_of(p, user_id),
            "i_was": "reverse mentor" if side_of(p, user_id) == Side.MENTOR else "leader",
            "status": str(p.status),
            "why_we_were_matched": list(p.reasons),
            "since": p.created_at.isoformat(),
            "ended_at": p.ended_at.isoformat() if p.ended_at else None,
        }
        for p in rows
    ]


async def require_member(sessionmaker: SessionMaker, actor: Actor, pairing_id: int) -> MyPairing:
    """One of the actor's own live pairings; anything else (a tampered id, someone else's
    pairing, one that ended) is refused, and nothing changes."""
    for p in await my_pairings(sessionmaker, actor.team_id, actor.user_id):
        if p.id == pairing_id:
            return p
    raise NotFound(NOT_YOURS)


async def end_pairing(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, pairing_id: int
) -> MyPairing:
    """End one of the person's pairings. The partner is told kindly, with no reason given; the
    admin sees it only as a count."""
    now = clock.now()
    team_id, user_id = actor.team_id, actor.user_id
    async with sessionmaker() as session, session.begin():
        pairing = await session.get(Pairing, pairing_id)
        if (
            pairing is None
            or pairing.team_id != team_id
            or user_id not in (pairing.mentor_user_id, pairing.leader_user_id)
        ):
            raise NotFound("That pairing isn't one of yours.")
        partner = partner_of(pairing, user_id)
        mine = MyPairing(
            pairing.id,
            partner,
            "",
            "",
            side_of(pairing, user_id),
            PairingStatus.ENDED,
            pairing.created_at,
        )
        ended = await move(
            session,
            Pairing,
            pairing.id,
            PairingStatus.ENDED,
            life=PAIRING,
            end_cause=EndCause.PARTICIPANT,
            ended_at=now,
            updated_at=now,
        )
        if not ended:
            return mine  # a double submit: ended once, told once
        await cancel(session, team_id, now, owner=f"pairing:{pairing.id}")
        await sessions.cancel_for_pairing(session, pairing, now, " because your pairing has ended")
        key = f"ended:{pairing.id}"
        await send_dm(session, team_id, partner, key, msg.partner_ended(user_id), now)
        await send_dm(session, team_id, user_id, key, msg.you_ended(partner), now)
        for person in (user_id, partner):
            await enqueue_home(session, team_id, person, now)
        return mine


async def end_for_leaver(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Someone leaves: their live pairings end, each partner is told kindly, and every trace of
    who they were is replaced by a tombstone so that counts stay true."""
    await sessions.for_leaver(session, team_id, user_id, now)
    rows = (await session.scalars(select(Pairing).where(_mine(team_id, user_id)))).all()
    for p in rows:
        partner = partner_of(p, user_id)
        ended = await move(
            session,
            Pairing,
            p.id,
            PairingStatus.ENDED,
            life=PAIRING,
            end_cause=EndCause.LEFT,
            ended_at=now,
        )
        if ended:
            await cancel(session, team_id, now, owner=f"pairing:{p.id}")
            body = msg.partner_left()
            await send_dm(session, team_id, partner, f"partner-left:{p.id}", body, now)
            await enqueue_home(session, team_id, partner, now)
        tombstone = f"gone-{p.id}"
        if p.mentor_user_id == user_id:
            p.mentor_user_id = tombstone
        else:
            p.leader_user_id = tombstone
        p.reasons = []  # they name the person
        p.updated_at = now


async def pause_pairings(
    session: AsyncSession, team_id: str, user_id: str, until: date | None, now: datetime
) -> None:
    """The person takes a break: their active pairings wait, and each partner is told."""
    rows = (
        await session.scalars(
            select(Pairing).where(_mine(team_id, user_id), Pairing.status == PairingStatus.ACTIVE)
        )
    ).all()
    for p in rows:
        if not await move(
            session, Pairing, p.id, PairingStatus.PAUSED, life=PAIRING, updated_at=now
        ):
            continue
        partner = partner_of(p, user_id)
        key = f"partner-paused:{p.id}:{now.isoformat()}"
        await send_dm(session, team_id, partner, key, msg.partner_paused(user_id, until), now)
        await enqueue_home(session, team_id, partner, now)


async def resume_pairings(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Pairings paused for this person's break go on, unless the partner is on a break too."""
    rows = (
        await session.scalars(
            select(Pairing).where(_mine(team_id, user_id), Pairing.status == PairingStatus.PAUSED)
        )
    ).all()
    for p in rows:
        partner = partner_of(p, user_id)
        status = await session.scalar(
            select(Participant.status).where(
                Participant.team_id == team_id, Participant.slack_user_id == partner
            )
        )
        if status == ParticipantStatus.ACTIVE and await move(
            session, Pairing, p.id, PairingStatus.ACTIVE, life=PAIRING, updated_at=now
        ):
            await enqueue_home(session, team_id, partner, now)


async def read_counts(session: AsyncSession, team_id: str) -> dict[str, int]:
    """Pairings by status, and how many ended at a participant's wish: aggregates only."""
    rows = await session.execute(
        select(Pairing.status, func.count())
        .where(Pairing.team_id == team_id)
        .group_by(Pairing.status)
    )
    out = {str(s): n for s, n in rows.all()}
    out["ended_by_participant"] = int(
        await session.scalar(
            select(func.count()).where(
                Pairing.team_id == team_id, Pairing.end_cause == EndCause.PARTICIPANT
            )
        )
        or 0
    )
    return out


async def on_sent(session: AsyncSession, sent: SentLetter) -> None:
    """On-sent hook: a pair's introduction was posted; keep its group DM and the message, so
    that later messages go to the same conversation and the introduction can be updated."""
    if sent.kind != "intro" or not (sent.owner or "").startswith("pairing:"):
        return
    pairing_id = sent.owner.removeprefix("pairing:") if sent.owner else ""
    if not pairing_id.isdigit():
        return
    pairing = await session.get(Pairing, int(pairing_id))
    if pairing is not None and pairing.team_id == sent.team_id:
        pairing.conversation_id = sent.sent_channel or pairing.conversation_id
        pairing.intro_ts = sent.ts or pairing.intro_ts
