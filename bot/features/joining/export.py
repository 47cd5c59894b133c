"""Everything the bot holds about a person, for them alone (`/mentor export`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.domain.delivery import Action
from bot.features.feedback import records as feedback
from bot.features.joining.service import get_profile
from bot.features.notes import records as notes
from bot.features.pairings import service as pairings
from bot.features.sessions import records as sessions
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import OutboxMessage


async def export(sessionmaker: SessionMaker, clock: Clock, actor: Actor) -> dict[str, Any]:
    team_id, user_id = actor.team_id, actor.user_id
    _, profile = await get_profile(sessionmaker, clock, team_id, user_id)
    async with sessionmaker() as session:
        messages = (
            await session.execute(
                select(
                    OutboxMessage.kind,
                    OutboxMessage.status,
                    OutboxMessage.created_at,
                    OutboxMessage.sent_at,
                    OutboxMessage.payload,
                )
                .where(
                    OutboxMessage.team_id == team_id,
                    OutboxMessage.channel == user_id,
                    OutboxMessage.action == Action.POST,
                )
                .order_by(OutboxMessage.created_at)
            )
        ).all()
    data: dict[str, Any] = {
        "exported_at": clock.now().isoformat(),
        "workspace": team_id,
        "slack_user_id": user_id,
        "participant": None,
        "pairings": await pairings.history(sessionmaker, team_id, user_id),
        "sessions": await sessions.export(sessionmaker, team_id, user_id),
        "my_answers_after_sessions": await feedback.export(sessionmaker, team_id, user_id),
        **await notes.export(sessionmaker, team_id, user_id),
        "messages_from_flipside": [
            {
                "kind": k,
                "status": str(s),
                "created_at": c.isoformat(),
                "sent_at": t.isoformat() if t else None,
                "text": p.get("text", ""),
            }
            for k, s, c, t, p in messages
        ],
    }
    if profile is not None:
        s = profile.summary
        data["participant"] = {
            "name": profile.display_name,
            "title": profile.title,
            "timezone": profile.timezone,
            "status": str(profile.status),
            "paused_until": profile.paused_until.isoformat() if profile.paused_until else None,
            "joined_at": profile.joined_at.isoformat(),
            "role": str(s.role),
            "level": s.level,
            "department": s.department,
            "topics_i_can_share": list(s.share),
            "topics_i_want_to_learn": list(s.learn),
            "goals": s.goals,
            "preferred_days": list(s.days),
            "preferred_times": list(s.times),
            "capacity": s.capacity,
            "people_i_must_not_be_paired_with": list(profile.form.blocked),
        }
    return data
