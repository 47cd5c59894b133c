"""A synthetic program written straight into the database, for the summary's benchmark and
tests: participants with roles, levels and topics, pairs from one round, sessions over the past
year with their polls, and some delivered messages. Seeded, so every run builds the same.

Bulk Core inserts (no ORM objects), in chunks: 100,000 sessions and their 200,000 poll rows
go in within seconds on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.program import DEFAULT_SENIORITY_LEVELS, DEFAULT_TOPICS
from bot.platform.db.models import (
    MatchRound,
    OutboxMessage,
    Pairing,
    Participant,
    ParticipantTopic,
    Topic,
    WorkspaceSettings,
)
from bot.platform.db.session_tables import MentoringSession, SessionFeedback

CHUNK = 5000


@dataclass(frozen=True)
class Program:
    team_id: str
    people: int
    pairs: int
    sessions: int
    polls: int


async def _put(engine: AsyncEngine, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert in chunks (executemany, no RETURNING: SQLite would then insert row by row);
    the new rows' ids, in the order of `rows`, follow the table's largest, so several programs
    can share one database. PostgreSQL's sequence is moved past them afterwards."""
    ids: list[int] = []
    if "id" in table.c:
        async with engine.begin() as conn:
            base = int(await conn.scalar(select(func.max(table.c.id))) or 0)
        ids = list(range(base + 1, base + 1 + len(rows)))
        for row, row_id in zip(rows, ids, strict=True):
            row["id"] = row_id
    for i in range(0, len(rows), CHUNK):
        async with engine.begin() as conn:
            await conn.execute(insert(table), rows[i : i + CHUNK])
    if ids and engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {ids[-1]})")
            )
    return ids


def user(team: str, i: int) -> str:
    return f"U{team[-3:]}{i:07d}"


async def build(
    engine: AsyncEngine,
    *,
    team_id: str = "T0BENCH",
    people: int,
    sessions: int,
    now: datetime,
    seed: int = 7,
    admin_channel: str | None = "C0ADMINS",
    answer_rate: float = 0.7,
) -> Program:
    """`people` participants (about half share, half learn), paired two by two, and
    `sessions` sessions spread over the pairs and the past year (held most often)."""
    rng = random.Random(seed)
    year_ago = now - timedelta(days=365)
    await _put(
        engine,
        WorkspaceSettings.__table__,
        [
            {
                "team_id": team_id,
                "admin_channel_id": admin_channel,
                "admin_user_ids": [],
                "seniority_levels": list(DEFAULT_SENIORITY_LEVELS),
                "departments": [],
                "created_at": year_ago,
                "updated_at": year_ago,
            }
        ],
    )
    topic_rows = [
        {"team_id": team_id, "name": name, "position": i, "archived": False}
        for i, name in enumerate(DEFAULT_TOPICS)
    ]
    async with engine.begin() as conn:
        topic_ids = []
        for row in topic_rows:
            result = await conn.execute(insert(Topic.__table__).returning(Topic.id), row)
            topic_ids.append(result.scalar_one())
        round_id = (
            await conn.execute(
                insert(MatchRound.__table__).returning(MatchRound.id),
                {
                    "team_id": team_id,
                    "status": "approved",
                    "trigger": "admin",
                    "dropped": [],
                    "created_at": year_ago,
                },
            )
        ).scalar_one()
    participants, topics = [], []
    for i in range(people):
        mentor = i % 2 == 0
        joined = year_ago + timedelta(days=rng.uniform(0, 330))
        participants.append(
            {
                "team_id": team_id,
                "slack_user_id": user(team_id, i),
                "display_name": f"Person {i}",
                "timezone": "Europe/London",
                "role": "share" if mentor else rng.choice(("learn", "learn", "learn", "both")),
                "level": rng.randint(0, 1) if mentor else rng.randint(2, 5),
                "status": "paused" if rng.random() < 0.05 else "active",
                "preferred_days": [],
                "preferred_times": [],
                "capacity": 1,
                "joined_at": joined,
                "updated_at": joined,
            }
        )
        for topic in rng.sample(topic_ids, 2):
            direction = "share" if mentor else "learn"
            topics.append(
                {
                    "participant_id": i,  # the position, replaced by the row's id below
                    "topic_id": topic,
                    "direction": direction,
                    "team_id": team_id,
                }
            )
    ids = await _put(engine, Participant.__table__, participants)
    for row in topics:
        row["participant_id"] = ids[row["participant_id"]]
    await _put(engine, ParticipantTopic.__table__, topics)
    pairings = []
    for p in range(people // 2):
        created = max(participants[2 * p]["joined_at"], participants[2 * p + 1]["joined_at"])
        roll = rng.random()
        ended = roll < 0.1
        pairings.append(
            {
                "team_id": team_id,
                "round_id": round_id,
                "mentor_user_id": user(team_id, 2 * p),
                "leader_user_id": user(team_id, 2 * p + 1),
                "status": "ended" if ended else ("paused" if roll < 0.15 else "active"),
                "score": 1.0,
                "reasons": [],
                "end_cause": "participant" if ended else None,
                "nudge_step": 0,
                "cycle_number": 1,
                "created_at": created,
                "updated_at": created,
                "ended_at": created + timedelta(days=20) if ended else None,
            }
        )
    for pairing, pairing_id in zip(
        pairings, await _put(engine, Pairing.__table__, pairings), strict=True
    ):
        pairing["id"] = pairing_id
    session_rows, polls = [], []
    for s in range(sessions):
        pairing = pairings[s % len(pairings)] if pairings else None
        if pairing is None:
            break
        start = pairing["created_at"] + timedelta(days=rng.uniform(1, 60), hours=rng.randint(0, 9))
        if start > now + timedelta(days=30):
            start = now - timedelta(days=rng.uniform(0, 30))
        roll = rng.random()
        status = "booked" if start > now else ("held" if roll < 0.85 else "missed")
        session_rows.append(
            {
                "team_id": team_id,
                "pairing_id": pairing["id"],
                "starts_at": start,
                "minutes": 45,
                "topic": "",
                "agenda": "",
                "place": "",
                "status": status,
                "calendar_uid": f"{team_id}-{s}@bench",  # unique across workspaces
                "sequence": 0,
                "booked_by": pairing["mentor_user_id"],
                "booked_via": f"V{s}",
                "cancel_reason": "",
                "created_at": start - timedelta(days=3),
                "updated_at": start,
            }
        )
        if status != "held":
            continue
        asked = start + timedelta(hours=1)
        for side, who in (("mentor", "mentor_user_id"), ("leader", "leader_user_id")):
            answered = rng.random() < answer_rate
            polls.append(
                {
                    "team_id": team_id,
                    "session_id": len(session_rows) - 1,  # the position, as above
                    "user_id": pairing[who],
                    "side": side,
                    "asked_at": asked,
                    "met": "yes" if answered else None,
                    "value": rng.randint(3, 5) if answered else None,
                    "learned": "",
                    "confidence": rng.randint(2, 5) if answered and side == "mentor" else None,
                    "answered_at": asked + timedelta(hours=2) if answered else None,
                    "updated_at": asked,
                }
            )
    session_ids = await _put(engine, MentoringSession.__table__, session_rows)
    for row in polls:
        row["session_id"] = session_ids[row["session_id"]]
    await _put(engine, SessionFeedback.__table__, polls)
    sent = [
        {
            "team_id": team_id,
            "dedup_key": f"bench:{i}",
            "kind": "bench",
            "users": [],
            "payload": {},
            "action": "post",
            "status": "sent" if i % 50 else "dead",
            "channel": "C0ADMINS",
            "due_at": now - timedelta(days=i % 90),
            "attempts": 1,
            "created_at": now - timedelta(days=i % 90),
            "updated_at": now - timedelta(days=i % 90),
            "sent_at": now - timedelta(days=i % 90),
        }
        for i in range(min(sessions, 20000))
    ]
    await _put(engine, OutboxMessage.__table__, sent)
    return Program(team_id, people, len(pairings), len(session_rows), len(polls))


def now_utc() -> datetime:
    return datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
