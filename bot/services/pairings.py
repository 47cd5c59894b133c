"""A pair's life after the introduction: pause with a partner's break, end without blame."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import SessionMaker
from bot.db.models import Pairing, Participant
from bot.messages import pairing as msg
from bot.services.dm import send_dm
from bot.services.errors import UserFacingError
from bot.services.outbox import cancel

LIVE = ("active", "paused")


@dataclass(frozen=True)
class MyPairing:
    """One of a person's pairings, from their side."""

    id: int
    partner_id: str
    partner_name: str
    partner_title: str
    i_am: str  # "mentor" (I share) or "leader" (I learn)
    status: str
    since: datetime


def _mine(team_id: str, user_id: str) -> Any:
    return (Pairing.team_id == team_id) & or_(
        Pairing.mentor_user_id == user_id, Pairing.leader_user_id == user_id
    )


def _partner(p: Pairing, user_id: str) -> str:
    return p.leader_user_id if p.mentor_user_id == user_id else p.mentor_user_id


def _side(p: Pairing, user_id: str) -> str:
    """ "mentor" (shares) or "leader" (learns): the person's side of the pairing."""
    return "mentor" if p.mentor_user_id == user_id else "leader"


def live_members(team_id: str) -> Any:
    """Everyone in an active or paused pairing, as a subquery."""
    live = (Pairing.team_id == team_id) & Pairing.status.in_(LIVE)
    return (
        select(Pairing.mentor_user_id).where(live).union(select(Pairing.leader_user_id).where(live))
    )


async def my_pairings(sessionmaker: SessionMaker, team_id: str, user_id: str) -> list[MyPairing]:
    async with sessionmaker() as session:
        rows = (
            await session.scalars(
                select(Pairing)
                .where(_mine(team_id, user_id), Pairing.status.in_(LIVE))
                .order_by(Pairing.created_at, Pairing.id)
            )
        ).all()
        partners = {_partner(p, user_id) for p in rows}
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
        other = people.get(_partner(p, user_id))
        out.append(
            MyPairing(
                id=p.id,
                partner_id=_partner(p, user_id),
                partner_name=other.display_name if other else "your partner",
                partner_title=other.title if other else "",
                i_am=_side(p, user_id),
                status=p.status,
                since=p.created_at,
            )
        )
    return out


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
            "partner_slack_user_id": _partner(p, user_id),
            "i_was": "reverse mentor" if _side(p, user_id) == "mentor" else "leader",
            "status": p.status,
            "why_we_were_matched": list(p.reasons),
            "since": p.created_at.isoformat(),
            "ended_at": p.ended_at.isoformat() if p.ended_at else None,
        }
        for p in rows
    ]


async def pairing_for(
    sessionmaker: SessionMaker, team_id: str, user_id: str, pairing_id: int
) -> MyPairing:
    """One of the person's own live pairings; anything else (a tampered id) is refused."""
    for p in await my_pairings(sessionmaker, team_id, user_id):
        if p.id == pairing_id:
            return p
    raise UserFacingError("That pairing isn't one of yours, or it has already ended.")


async def end_pairing(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, user_id: str, pairing_id: int
) -> MyPairing:
    """End one of the person's pairings. The partner is told kindly, with no reason given; the
    admin sees it only as a count."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        pairing = await session.get(Pairing, pairing_id, with_for_update=True)
        if (
            pairing is None
            or pairing.team_id != team_id
            or user_id not in (pairing.mentor_user_id, pairing.leader_user_id)
        ):
            raise UserFacingError("That pairing isn't one of yours.")
        partner = _partner(pairing, user_id)
        side = _side(pairing, user_id)
        mine = MyPairing(pairing.id, partner, "", "", side, "ended", pairing.created_at)
        if pairing.status not in LIVE:
            return mine  # a double submit: ended once, told once
        pairing.status, pairing.end_cause = "ended", "participant"
        pairing.ended_at = pairing.updated_at = now
        await cancel(session, team_id, now, owner=f"pairing:{pairing.id}")
        key = f"ended:{pairing.id}"
        await send_dm(session, team_id, partner, key, msg.partner_ended(user_id), now)
        await send_dm(session, team_id, user_id, key, msg.you_ended(partner), now)
        return mine


async def end_for_leaver(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Someone leaves: their live pairings end, each partner is told kindly, and every trace of
    who they were is replaced by a tombstone so that counts stay true."""
    rows = (await session.scalars(select(Pairing).where(_mine(team_id, user_id)))).all()
    for p in rows:
        if p.status in LIVE:
            p.status, p.end_cause, p.ended_at = "ended", "left", now
            await cancel(session, team_id, now, owner=f"pairing:{p.id}")
            partner = _partner(p, user_id)
            await send_dm(
                session, team_id, partner, f"partner-left:{p.id}", msg.partner_left(), now
            )
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
    rows = (
        await session.scalars(
            select(Pairing).where(_mine(team_id, user_id), Pairing.status == "active")
        )
    ).all()
    for p in rows:
        p.status, p.updated_at = "paused", now
        key = f"partner-paused:{p.id}:{now.isoformat()}"
        body = msg.partner_paused(user_id, until)
        await send_dm(session, team_id, _partner(p, user_id), key, body, now)


async def resume_pairings(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Pairings paused for this person's break go on, unless the partner is on a break too."""
    rows = (
        await session.scalars(
            select(Pairing).where(_mine(team_id, user_id), Pairing.status == "paused")
        )
    ).all()
    for p in rows:
        partner = await session.scalar(
            select(Participant.status).where(
                Participant.team_id == team_id, Participant.slack_user_id == _partner(p, user_id)
            )
        )
        if partner == "active":
            p.status, p.updated_at = "active", now


async def counts(sessionmaker: SessionMaker, team_id: str) -> dict[str, int]:
    """Pairings by status, and how many ended at a participant's wish: aggregates only."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Pairing.status, func.count())
            .where(Pairing.team_id == team_id)
            .group_by(Pairing.status)
        )
        out = {s: n for s, n in rows.all()}
        out["ended_by_participant"] = int(
            await session.scalar(
                select(func.count()).where(
                    Pairing.team_id == team_id, Pairing.end_cause == "participant"
                )
            )
            or 0
        )
        return out
