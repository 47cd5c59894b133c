"""Matching rounds: asked for, computed into a proposal, and posted to the admins.

A round's life: `queued` (scheduled, see `round_schedule`) or `computing` (asked for by an admin,
or claimed from the queue by one replica) -> `proposed` -> `approved` | `discarded` |
`superseded` (a newer proposal replaced it); `failed` when the computation itself broke. Every
transition is a conditional update on the current status, so double clicks and replicas racing
change it once. The admins' decisions on a proposal are in `proposals`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.clock import Clock
from bot.db.engine import SessionMaker
from bot.db.models import MatchRound, WorkspaceSettings
from bot.domain.matching import MatchResult, match
from bot.services import proposals
from bot.services.errors import UserFacingError
from bot.services.outbox import OutboundMessage, enqueue
from bot.services.program import read_program
from bot.services.roster import Roster, read_roster

log = logging.getLogger("bot.rounds")

# A computation that has not finished by then is taken over by another replica.
CLAIM = timedelta(minutes=10)


async def request_round(
    sessionmaker: SessionMaker,
    clock: Clock,
    team_id: str,
    admin_user_id: str,
    post_to: str,
    owner: str,
) -> int:
    """Start a round for an admin; the caller computes it (`compute_round`) after answering."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        await read_program(session, team_id, now)
        busy = await session.scalar(
            select(MatchRound.id).where(
                MatchRound.team_id == team_id,
                MatchRound.status == "computing",
                MatchRound.claimed_until > now,
            )
        )
        if busy is not None:
            raise UserFacingError(
                f"Round #{busy} is being computed right now; its proposal will be posted in a "
                "moment."
            )
        rnd = MatchRound(
            team_id=team_id,
            status="computing",
            trigger="admin",
            requested_by=admin_user_id,
            post_to=post_to,
            dropped=[],
            claimed_by=owner,
            claimed_until=now + CLAIM,
            created_at=now,
        )
        session.add(rnd)
        await session.flush()
        return rnd.id


async def compute_round(
    sessionmaker: SessionMaker,
    clock: Clock,
    round_id: int,
    owner: str,
    weights: Mapping[str, float] | None = None,
) -> None:
    """Compute a claimed round into a proposal and post it; never raises for the caller.
    `weights` are the MATCH_WEIGHT_* settings (MatchRules' defaults when not given)."""
    try:
        async with sessionmaker() as session, session.begin():
            rnd = await session.get_one(MatchRound, round_id)
            program = await read_program(session, rnd.team_id, clock.now())
            roster = await read_roster(session, program, clock.now(), weights)
        # The optimisation is CPU-bound: off the event loop, so Slack is still answered.
        result = await asyncio.to_thread(match, roster.candidates, roster.rules, roster.topic_names)
        await _store_proposal(sessionmaker, clock, round_id, owner, roster, result)
    except Exception:
        log.exception("matching round failed", extra={"round": round_id})
        await _fail(sessionmaker, clock, round_id, owner)


async def _store_proposal(
    sessionmaker: SessionMaker,
    clock: Clock,
    round_id: int,
    owner: str,
    roster: Roster,
    result: MatchResult,
) -> None:
    now = clock.now()
    names = {c.id: c.display_name for c in roster.candidates}
    proposal: dict[str, Any] = {
        "considered": roster.considered,
        "names": names,
        "pairs": [
            {
                "i": i,
                "mentor": p.mentor_id,
                "leader": p.leader_id,
                "score": round(p.score, 3),
                "reasons": list(p.reasons),
            }
            for i, p in enumerate(sorted(result.pairs, key=lambda p: (-p.score, p.mentor_id)))
        ],
        "unmatched": [
            {"user": u.participant_id, "reason": str(u.reason), "text": u.text}
            for u in result.unmatched
        ],
    }
    async with sessionmaker() as session, session.begin():
        stored = await session.execute(
            update(MatchRound)
            .where(
                MatchRound.id == round_id,
                MatchRound.status == "computing",
                MatchRound.claimed_by == owner,
            )
            .values(
                status="proposed",
                proposal=proposal,
                fingerprint=roster.fingerprint,
                computed_at=now,
                claimed_by=None,
                claimed_until=None,
            )
        )
        if stored.rowcount != 1:  # type: ignore[attr-defined]
            return  # another replica took it over; its result stands
        rnd = await session.get_one(MatchRound, round_id)
        await session.execute(
            update(MatchRound)
            .where(
                MatchRound.team_id == rnd.team_id,
                MatchRound.status == "proposed",
                MatchRound.id != round_id,
            )
            .values(status="superseded", decided_at=now)
        )
        ws = await session.get_one(WorkspaceSettings, rnd.team_id)
        note = None
        if rnd.trigger == "schedule" and ws.auto_approve:
            await proposals.approve_now(session, rnd, None, now)
            note = "Approved automatically, as the program settings ask."
        if rnd.post_to:
            await proposals.post(
                session, rnd, now, to=rnd.post_to, key=f"proposal:{rnd.id}", note=note
            )


async def _fail(sessionmaker: SessionMaker, clock: Clock, round_id: int, owner: str) -> None:
    now = clock.now()
    try:
        async with sessionmaker() as session, session.begin():
            failed = await session.execute(
                update(MatchRound)
                .where(
                    MatchRound.id == round_id,
                    MatchRound.status == "computing",
                    MatchRound.claimed_by == owner,
                )
                .values(status="failed", claimed_by=None, claimed_until=None, decided_at=now)
            )
            rnd = await session.get_one(MatchRound, round_id)
            if failed.rowcount == 1 and rnd.post_to:  # type: ignore[attr-defined]
                await enqueue(
                    session,
                    OutboundMessage(
                        team_id=rnd.team_id,
                        dedup_key=f"round-failed:{round_id}",
                        kind="round-failed",
                        text=f":warning: Matching round #{round_id} could not be computed. "
                        "Nothing was sent to anyone. Try `/mentor admin match` again; if it "
                        "fails again, your IT team will find the details in the bot's logs.",
                        channel=rnd.post_to,
                    ),
                    now,
                )
    except Exception:
        log.exception("could not record a failed round", extra={"round": round_id})


async def recompute(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, admin: str, owner: str
) -> int:
    """A fresh round posted where this one was; this one is superseded once the new is ready."""
    async with sessionmaker() as session, session.begin():
        rnd = await proposals.round_of(session, team_id, round_id)
        if rnd.status != "proposed":
            raise UserFacingError(proposals.already_decided(rnd))
        post_to = rnd.post_to or admin
    return await request_round(sessionmaker, clock, team_id, admin, post_to, owner)
