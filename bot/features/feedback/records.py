"""A person's own answers, for their export, and erased when they leave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.kits import Progress
from bot.domain.lifecycle import SessionStatus
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import MentoringSession, Pairing, SessionFeedback


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


async def progress(session: AsyncSession, team_id: str, user_id: str) -> Progress:
    """What the person's own Home shows them: sessions held, topics covered, and (for a
    reverse mentor) their confidence over time from their own answers."""
    held = (
        await session.execute(
            select(MentoringSession.topic)
            .join(Pairing, Pairing.id == MentoringSession.pairing_id)
            .where(
                MentoringSession.team_id == team_id,
                MentoringSession.status == SessionStatus.HELD,
                or_(Pairing.mentor_user_id == user_id, Pairing.leader_user_id == user_id),
            )
        )
    ).all()
    confidence = await session.scalars(
        select(SessionFeedback.confidence)
        .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
        .where(
            SessionFeedback.team_id == team_id,
            SessionFeedback.user_id == user_id,
            SessionFeedback.confidence.is_not(None),
        )
        .order_by(MentoringSession.starts_at)
    )
    topics = tuple(dict.fromkeys(t for (t,) in held if t))
    return Progress(len(held), topics, tuple(c for c in confidence.all() if c is not None))
