"""A person's own answers, for their export, and erased when they leave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import MentoringSession, SessionFeedback


async def export(sessionmaker: SessionMaker, team_id: str, user_id: str) -> list[dict[str, Any]]:
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(SessionFeedback, MentoringSession.starts_at)
                .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
                .where(SessionFeedback.team_id == team_id, SessionFeedback.user_id == user_id)
                .order_by(MentoringSession.starts_at)
            )
        ).all()
    return [
        {
            "session_started_at": started.isoformat(),
            "did_we_meet": row.met,
            "how_valuable": row.value,
            "one_thing_i_learned": row.learned,
            "how_confident_sharing": row.confidence,
            "shared_career_insight_back": row.shared_back,
            "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        }
        for row, started in rows
    ]


async def for_leaver(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Someone leaves: every answer they gave goes (their pending questions are cancelled with
    the rest of what was on its way to them)."""
    await session.execute(
        delete(SessionFeedback).where(
            SessionFeedback.team_id == team_id, SessionFeedback.user_id == user_id
        )
    )
