"""Matching rounds: asked for, computed into a proposal, and posted to the admins.

A round's life (`bot.domain.lifecycle.ROUND`): `queued` (scheduled, see `schedule`) or
`computing` (asked for by an admin, or claimed from the queue by one replica) -> `proposed` ->
`approved` | `discarded` | `superseded` (a newer proposal replaced it); `failed` when the
computation itself broke. Every move is a conditional update on the current status, so double
clicks and replicas racing change it once. The admins' decisions on a proposal are in
`proposals`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select, update

from bot.domain.errors import UserFacingError
from bot.domain.lifecycle import ROUND, RoundStatus, RoundTrigger
from bot.domain.matching import MatchResult, match
from bot.domain.proposal import ProposedPairRecord, StoredProposal, UnmatchedRecord
from bot.domain.settings import ProgramConfig
from bot.features.program.service import read_program, require_admin
from bot.features.rounds import proposals
from bot.features.rounds.roster import Roster, read_roster
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import MatchRound, WorkspaceSettings
from bot.platform.outbox import OutboundMessage, enqueue

log = logging.getLogger("bot.rounds")

# A computation that has not finished by then is taken over by another replica.
CLAIM = timedelta(minutes=10)
ADMINS_ONLY = (
    "Sorry, the admin commands are for the program team. If you think you should have "
    "access, ask a workspace admin to add you in Program settings."
)


def where_to_post(program: ProgramConfig, admin_user_id: str) -> tuple[str, str]:
    """(channel, mrkdwn name): the admin channel, or the admin's own DM with the bot."""
    if program.admin_channel_id:
        return program.admin_channel_id, f"<#{program.admin_channel_id}>"
    return admin_user_id, "our direct messages"


async def request_round(
    sessionmaker: SessionMaker,
    clock: Clock,
    actor: Actor,
    owner: str,
    *,
    post_to: str | None = None,
) -> tuple[int, str]:
    """Start a round for an admin; returns its id and where (in mrkdwn) the proposal will be
    posted. The caller computes it (`compute_round`) after answering."""
    await require_admin(sessionmaker, actor, ADMINS_ONLY)
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, actor.team_id, now)
        channel, where = (post_to, "") if post_to else where_to_post(program, actor.user_id)
        busy = await session.scalar(
            select(MatchRound.id).where(
                MatchRound.team_id == actor.team_id,
                MatchRound.status == RoundStatus.COMPUTING,
                MatchRound.claimed_until > now,
            )
        )
        if busy is not None:
            raise UserFacingError(
                f"Round #{busy} is being computed right now; its proposal will be posted in a "
                "moment."
            )
        rnd = MatchRound(
            team_id=actor.team_id,
            status=RoundStatus.COMPUTING,
            trigger=RoundTrigger.ADMIN,
            requested_by=actor.user_id,
            post_to=channel,
            dropped=[],
            claimed_by=owner,
            claimed_until=now + CLAIM,
            created_at=now,
        )
        session.add(rnd)
        await session.flush()
        return rnd.id, where


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


def _proposal(roster: Roster, result: MatchResult) -> StoredProposal:
    ranked = sorted(result.pairs, key=lambda p: (-p.score, p.mentor_id))
    return StoredProposal(
        considered=roster.considered,
        names={c.id: c.display_name for c in roster.candidates},
        pairs=tuple(
            ProposedPairRecord(
                i=i,
                mentor=p.mentor_id,
                leader=p.leader_id,
                score=round(p.score, 3),
                reasons=tuple(p.reasons),
            )
            for i, p in enumerate(ranked)
        ),
        unmatched=tuple(
            UnmatchedRecord(user=u.participant_id, reason=str(u.reason), text=u.text)
            for u in result.unmatched
        ),
    )


async def _store_proposal(
    sessionmaker: SessionMaker,
    clock: Clock,
    round_id: int,
    owner: str,
    roster: Roster,
    result: MatchResult,
) -> None:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        stored = await move(
            session,
            MatchRound,
            round_id,
            RoundStatus.PROPOSED,
            life=ROUND,
            when=(MatchRound.claimed_by == owner,),
            proposal=_proposal(roster, result),
            fingerprint=roster.fingerprint,
            computed_at=now,
            claimed_by=None,
            claimed_until=None,
        )
        if not stored:
            return  # another replica took it over; its result stands
        rnd = await session.get_one(MatchRound, round_id)
        await session.execute(
            update(MatchRound)
            .where(
                MatchRound.team_id == rnd.team_id,
                MatchRound.status.in_(sorted(ROUND.sources(RoundStatus.SUPERSEDED))),
                MatchRound.id != round_id,
            )
            .values(status=RoundStatus.SUPERSEDED, decided_at=now)
        )
        ws = await session.get_one(WorkspaceSettings, rnd.team_id)
        note = None
        if rnd.trigger == RoundTrigger.SCHEDULE and ws.auto_approve:
            await proposals.approve_now(session, rnd, Actor.system(rnd.team_id), now)
            note = "Approved automatically, as the program settings ask."
        if rnd.post_to:
            await proposals.post(
                session, rnd, now, to=rnd.post_to, key=f"proposal:{rnd.id}", note=note
            )


async def _fail(sessionmaker: SessionMaker, clock: Clock, round_id: int, owner: str) -> None:
    now = clock.now()
    try:
        async with sessionmaker() as session, session.begin():
            failed = await move(
                session,
                MatchRound,
                round_id,
                RoundStatus.FAILED,
                life=ROUND,
                when=(MatchRound.claimed_by == owner,),
                claimed_by=None,
                claimed_until=None,
                decided_at=now,
            )
            rnd = await session.get_one(MatchRound, round_id)
            if failed and rnd.post_to:
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
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, round_id: int, owner: str
) -> int:
    """A fresh round posted where this one was; this one is superseded once the new is ready."""
    await require_admin(sessionmaker, actor, proposals.ADMINS_ONLY)
    async with sessionmaker() as session:
        rnd = await proposals.round_of(session, actor.team_id, round_id)
        if rnd.status != RoundStatus.PROPOSED:
            raise UserFacingError(proposals.already_decided(rnd))
        post_to = rnd.post_to or actor.user_id
    new, _ = await request_round(sessionmaker, clock, actor, owner, post_to=post_to)
    return new
