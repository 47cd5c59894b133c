"""Who a matching round considers, read from the database, and a digest of what was read."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lifecycle import LIVE_PAIRING, ParticipantStatus
from bot.domain.matching import Candidate, CrossDepartment, MatchRules
from bot.domain.program import Role, TopicDirection
from bot.domain.settings import CROSS_DEPARTMENT, ProgramConfig
from bot.platform.db.models import Pairing, Participant, WorkspaceSettings


@dataclass(frozen=True)
class Roster:
    """A round's input: the candidates, the rules, and everyone's names for the reasons."""

    candidates: tuple[Candidate, ...]
    rules: MatchRules
    topic_names: dict[int, str]
    fingerprint: str
    considered: int  # active participants, including those whose capacity is already used


def utc_offset_minutes(timezone: str, at: datetime) -> int:
    try:
        offset = at.astimezone(ZoneInfo(timezone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds() // 60) if offset else 0


def rules_of(ws: WorkspaceSettings, weights: Mapping[str, float] | None = None) -> MatchRules:
    known = ws.cross_department in CROSS_DEPARTMENT
    cross = cast(CrossDepartment, ws.cross_department) if known else "preferred"
    return MatchRules(
        max_timezone_gap_hours=float(ws.max_timezone_gap_hours),
        cross_department=cross,
        **(weights or {}),  # type: ignore[arg-type]
    )


async def read_roster(
    session: AsyncSession,
    program: ProgramConfig,
    now: datetime,
    weights: Mapping[str, float] | None = None,
) -> Roster:
    team_id = program.team_id
    ws = await session.get_one(WorkspaceSettings, team_id)
    people = (
        await session.scalars(
            select(Participant)
            .where(Participant.team_id == team_id, Participant.status == ParticipantStatus.ACTIVE)
            .order_by(Participant.slack_user_id)
        )
    ).all()
    pairings = (
        await session.execute(
            select(Pairing.mentor_user_id, Pairing.leader_user_id, Pairing.status).where(
                Pairing.team_id == team_id
            )
        )
    ).all()
    past: dict[str, set[str]] = defaultdict(set)
    load: Counter[str] = Counter()
    for mentor, leader, status in pairings:
        past[mentor].add(leader)
        past[leader].add(mentor)
        if status in LIVE_PAIRING:
            load[mentor] += 1
            load[leader] += 1
    live_topics = program.topic_ids
    candidates = []
    digest = hashlib.sha256(
        f"{ws.updated_at.isoformat()}|{len(pairings)}|{sorted(load.items())}".encode()
    )
    for p in people:
        digest.update(f"|{p.slack_user_id}:{p.updated_at.isoformat()}".encode())
        free = p.capacity - load[p.slack_user_id]
        if free < 1:
            continue  # already has every partner they asked for
        candidates.append(
            Candidate(
                id=p.slack_user_id,
                role=Role(p.role),
                level=p.level,
                department=p.department,
                utc_offset_minutes=utc_offset_minutes(p.timezone, now),
                share_topics=_topics(p, TopicDirection.SHARE, live_topics),
                learn_topics=_topics(p, TopicDirection.LEARN, live_topics),
                days=frozenset(p.preferred_days),
                times=frozenset(p.preferred_times),
                capacity=free,
                past_partners=frozenset(past[p.slack_user_id]),
                blocked=frozenset(b.blocked_user_id for b in p.blocked),
                name=p.display_name or p.slack_user_id,
            )
        )
    return Roster(
        candidates=tuple(candidates),
        rules=rules_of(ws, weights),
        topic_names=dict(program.topics),
        fingerprint=digest.hexdigest(),
        considered=len(people),
    )


def _topics(p: Participant, direction: TopicDirection, live: set[int]) -> frozenset[int]:
    """A retired topic no longer counts for matching, though the person's choice is kept."""
    return frozenset(
        t.topic_id for t in p.topics if t.direction == direction and t.topic_id in live
    )
