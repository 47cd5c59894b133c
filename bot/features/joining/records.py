"""A participant's row read back as the person may see it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import UserFacingError
from bot.domain.profile import Profile, ProfileForm, ProfileSummary
from bot.domain.program import TopicDirection, level_label
from bot.domain.settings import ProgramConfig
from bot.platform.db.models import Participant


def not_joined() -> UserFacingError:
    return UserFacingError("You haven't joined Flipside yet. Type `/mentor join` to opt in.")


async def find(session: AsyncSession, team_id: str, user_id: str) -> Participant | None:
    return await session.scalar(
        select(Participant).where(
            Participant.team_id == team_id, Participant.slack_user_id == user_id
        )
    )


def to_profile(p: Participant, program: ProgramConfig) -> Profile:
    share = tuple(t.topic_id for t in p.topics if t.direction == TopicDirection.SHARE)
    learn = tuple(t.topic_id for t in p.topics if t.direction == TopicDirection.LEARN)
    form = ProfileForm(
        role=p.role,
        level=p.level,
        department=p.department,
        share_topics=share,
        learn_topics=learn,
        goals=p.goals,
        days=tuple(p.preferred_days),
        times=tuple(p.preferred_times),
        capacity=p.capacity,
        blocked=tuple(b.blocked_user_id for b in p.blocked),
    )
    summary = ProfileSummary(
        role=p.role,
        level=level_label(program.levels, p.level),
        department=p.department,
        share=tuple(program.topic_name(t) for t in share),
        learn=tuple(program.topic_name(t) for t in learn),
        goals=p.goals,
        days=form.days,
        times=form.times,
        capacity=p.capacity,
        blocked_count=len(form.blocked),
        status=p.status,
        paused_until=p.paused_until,
    )
    return Profile(
        p.slack_user_id,
        p.display_name,
        p.title,
        p.timezone,
        form,
        p.status,
        p.paused_until,
        p.joined_at,
        summary,
    )
