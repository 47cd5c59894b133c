"""Automatic matching rounds: queued on the days the admin's cadence says, computed by whichever
replica claims them first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cadence import ROUND_HOUR_UTC, Cadence
from bot.domain.lifecycle import ROUND, RoundStatus, RoundTrigger
from bot.features.rounds.service import CLAIM, compute_round
from bot.platform.clock import Clock
from bot.platform.db.dialect import insert_ignore
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import MatchRound, WorkspaceSettings


async def plan_rounds(session: AsyncSession, now: datetime) -> None:
    """Planner: queue today's automatic round for every workspace whose cadence says so.

    The round's key is its date, inserted with ON CONFLICT DO NOTHING: one round per day, however
    many replicas plan at once.
    """
    if now.hour < ROUND_HOUR_UTC:
        return
    due = await session.execute(
        select(
            WorkspaceSettings.team_id,
            WorkspaceSettings.round_cadence,
            WorkspaceSettings.admin_channel_id,
            WorkspaceSettings.admin_user_ids,
        ).where(WorkspaceSettings.round_cadence != "off")
    )
    for team_id, cadence, channel, admins in due.all():
        if not Cadence.parse(cadence).is_round_day(now.date()):
            continue
        await insert_ignore(
            session,
            MatchRound.__table__,  # type: ignore[arg-type]
            {
                "team_id": team_id,
                "status": RoundStatus.QUEUED,
                "trigger": RoundTrigger.SCHEDULE,
                "post_to": channel or (admins[0] if admins else None),
                "scheduled_key": f"auto:{now.date().isoformat()}",
                "dropped": [],
                "created_at": now,
            },
            conflict=["team_id", "scheduled_key"],
        )


def _claimable(now: datetime) -> Any:
    """Queued, or computing on a replica whose claim has lapsed (it went away)."""
    return (MatchRound.status == RoundStatus.QUEUED) | (
        (MatchRound.status == RoundStatus.COMPUTING) & (MatchRound.claimed_until < now)
    )


async def run_queued_rounds(
    sessionmaker: SessionMaker,
    clock: Clock,
    owner: str,
    weights: Mapping[str, float] | None = None,
) -> int:
    """Claim claimable rounds one at a time and compute them; returns how many this replica did."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        ids = (await session.scalars(select(MatchRound.id).where(_claimable(now)))).all()
    done = 0
    for round_id in ids:
        async with sessionmaker() as session, session.begin():
            claimed = await move(
                session,
                MatchRound,
                round_id,
                RoundStatus.COMPUTING,
                life=ROUND,
                when=(_claimable(now),),
                claimed_by=owner,
                claimed_until=now + CLAIM,
            )
        if claimed:
            await compute_round(sessionmaker, clock, round_id, owner, weights)
            done += 1
    return done
