"""Quiet hours for what the bot sends on its own: when a message for these people may land,
from the time zones Slack gave for them (kept fresh by `user_change`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.quiet import WorkingHours, next_open, next_shared
from bot.platform.db.models import Participant


async def open_for(
    session: AsyncSession,
    team_id: str,
    users: Sequence[str],
    at: datetime,
    hours: WorkingHours | None,
    *,
    leader: str | None = None,
) -> datetime:
    """`at`, or the start of the next window inside everyone's working hours; for a group DM
    with no shared window, the leader's next one. Without `hours`: `at` (no quiet hours)."""
    if hours is None or not users:
        return at
    rows = await session.execute(
        select(Participant.slack_user_id, Participant.timezone).where(
            Participant.team_id == team_id, Participant.slack_user_id.in_(list(users))
        )
    )
    zones = {user: tz or "UTC" for user, tz in rows.all()}
    if len(users) == 1:
        return next_open(at, zones.get(users[0], "UTC"), hours)
    fallback = zones.get(leader or users[-1], "UTC")
    return next_shared(at, [zones.get(u, "UTC") for u in users], hours, fallback=fallback)
