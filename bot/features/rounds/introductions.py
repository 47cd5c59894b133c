"""What an approved round sends: a group DM per new pair, a kind DM to everyone left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lifecycle import PairingStatus
from bot.domain.program import TopicDirection, level_label
from bot.domain.proposal import ProposedPairRecord
from bot.domain.settings import ProgramConfig
from bot.features.program.service import read_program
from bot.features.rounds import messages as msg
from bot.platform.db.models import Pairing, Participant
from bot.platform.outbox import OutboundMessage, enqueue, enqueue_homes, send_dm


def intro_person(p: Participant, program: ProgramConfig) -> msg.IntroPerson:
    return msg.IntroPerson(
        user_id=p.slack_user_id,
        name=p.display_name or p.slack_user_id,
        title=p.title,
        level=level_label(program.levels, p.level),
        department=p.department,
        shares=tuple(
            program.topic_name(t.topic_id) for t in p.topics if t.direction == TopicDirection.SHARE
        ),
        wants=tuple(
            program.topic_name(t.topic_id) for t in p.topics if t.direction == TopicDirection.LEARN
        ),
        goals=p.goals,
    )


async def introduce(
    session: AsyncSession,
    team_id: str,
    round_id: int,
    pairs: Sequence[ProposedPairRecord],
    now: datetime,
) -> list[int]:
    """Store the pairings and queue one introduction each, in the caller's transaction."""
    program = await read_program(session, team_id, now)
    ids = {p.mentor for p in pairs} | {p.leader for p in pairs}
    people = {
        p.slack_user_id: p
        for p in await session.scalars(
            select(Participant).where(
                Participant.team_id == team_id, Participant.slack_user_id.in_(ids)
            )
        )
    }
    made = []
    for p in pairs:
        mentor, leader = people.get(p.mentor), people.get(p.leader)
        if mentor is None or leader is None:
            continue  # left since: the staleness check makes this rare, and it is harmless
        pairing = Pairing(
            team_id=team_id,
            round_id=round_id,
            mentor_user_id=mentor.slack_user_id,
            leader_user_id=leader.slack_user_id,
            status=PairingStatus.ACTIVE,
            score=float(p.score),
            reasons=list(p.reasons),
            created_at=now,
            updated_at=now,
        )
        session.add(pairing)
        await session.flush()
        body = msg.introduction(
            pairing.id, intro_person(mentor, program), intro_person(leader, program), p.reasons
        )
        await enqueue(
            session,
            OutboundMessage(
                team_id=team_id,
                dedup_key=f"intro:{pairing.id}",
                kind="intro",
                text=body["text"],
                blocks=body["blocks"],
                users=(mentor.slack_user_id, leader.slack_user_id),
                owner=f"pairing:{pairing.id}",
            ),
            now,
        )
        await enqueue_homes(session, team_id, [mentor.slack_user_id, leader.slack_user_id], now)
        made.append(pairing.id)
    return made


async def tell_unmatched(
    session: AsyncSession,
    team_id: str,
    round_id: int,
    reasons: Mapping[str, str],
    next_round: datetime | None,
    now: datetime,
) -> None:
    for user_id, text in sorted(reasons.items()):
        body = msg.unmatched_dm(text, next_round)
        await send_dm(session, team_id, user_id, f"unmatched:{round_id}", body, now)
