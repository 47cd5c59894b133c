"""A computed round as the admins see it, and their decisions on it: approve (once, however
many clicks), discard, drop a pair. Also where the proposal message goes, and where it goes
instead when the admin channel refuses it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cadence import Cadence
from bot.domain.delivery import UNREACHABLE_CHANNEL
from bot.domain.errors import NotFound, UserFacingError
from bot.domain.lifecycle import ROUND, RoundStatus
from bot.domain.matching import UnmatchedReason
from bot.domain.matching.explain import unmatched_text
from bot.domain.program import Role
from bot.domain.proposal import StoredProposal
from bot.features.program.service import read_program, require_admin
from bot.features.rounds import blocks as msg
from bot.features.rounds import introductions
from bot.features.rounds.roster import read_roster
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import MatchRound, WorkspaceSettings
from bot.platform.outbox import DeadLetter, OutboundMessage, enqueue

ADMINS_ONLY = "Sorry, only the program team can decide on matching rounds."
ADMIN_REASONS: dict[str, str] = {
    UnmatchedReason.NO_ONE_TO_TEACH: "Nobody more senior wants to learn",
    UnmatchedReason.NO_ONE_TO_LEARN_FROM: "Nobody more junior wants to share",
    UnmatchedReason.NO_COMPATIBLE_PARTNER_TIMEZONE: "Time zones too far apart",
    UnmatchedReason.ONLY_SAME_DEPARTMENT: "Only same-department partners",
    UnmatchedReason.NO_TOPIC_OVERLAP: "No matching topics",
    UnmatchedReason.NO_COMPATIBLE_PARTNER: "No new compatible partner",
    UnmatchedReason.CAPACITY_FULL_ON_OTHER_SIDE: "Compatible partners are all taken",
    "dropped": "Their pair was dropped before approval",
}
# Someone whose pair an admin dropped hears what anyone without a new partner hears: a drop is
# the admin's judgement, not something to explain to the person.
DROPPED_TEXT = unmatched_text(UnmatchedReason.NO_COMPATIBLE_PARTNER, Role.SHARE)
UNREACHABLE = UNREACHABLE_CHANNEL


@dataclass(frozen=True)
class Decision:
    """What a click on the proposal did, and the proposal to show now."""

    changed: bool
    view: msg.ProposalView
    notice: str | None = None  # a line for the admin alone, when nothing changed


async def round_of(session: AsyncSession, team_id: str, round_id: int) -> MatchRound:
    """A computed round of this workspace; an id from elsewhere (a tampered button) is refused."""
    rnd = await session.get(MatchRound, round_id)
    if rnd is None or rnd.team_id != team_id or rnd.proposal is None:
        raise NotFound("That matching round doesn't exist in this workspace.")
    return rnd


def proposal_of(rnd: MatchRound) -> StoredProposal:
    assert rnd.proposal is not None, "only computed rounds have a proposal"
    return rnd.proposal


def already_decided(rnd: MatchRound) -> str:
    who = f" by <@{rnd.decided_by}>" if rnd.decided_by else ""
    return {
        RoundStatus.APPROVED: f"This round was already approved{who}; the introductions went "
        "out once.",
        RoundStatus.DISCARDED: f"This round was discarded{who}.",
        RoundStatus.SUPERSEDED: "A newer proposal replaced this one.",
    }.get(rnd.status, "This round can't be changed any more.")


async def is_stale(session: AsyncSession, rnd: MatchRound, now: datetime) -> bool:
    """Whether anyone joined, changed, paused or left since the round was computed."""
    program = await read_program(session, rnd.team_id, now)
    return (await read_roster(session, program, now)).fingerprint != rnd.fingerprint


async def show(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, round_id: int
) -> msg.ProposalView:
    await require_admin(sessionmaker, actor, ADMINS_ONLY)
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, actor.team_id, round_id)
        return await view(session, rnd, clock.now())


async def approve(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, round_id: int
) -> Decision:
    """Store the pairs and queue the introductions, once, however many clicks."""
    await require_admin(sessionmaker, actor, ADMINS_ONLY)
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, actor.team_id, round_id)
        if rnd.status != RoundStatus.PROPOSED:
            return Decision(False, await view(session, rnd, now), already_decided(rnd))
        if await is_stale(session, rnd, now):
            notice = "People changed since this proposal was computed: recompute it first."
            return Decision(False, await view(session, rnd, now, stale=True), notice)
        if not await approve_now(session, rnd, actor, now):
            await session.refresh(rnd)
            return Decision(False, await view(session, rnd, now), already_decided(rnd))
        return Decision(True, await view(session, rnd, now))


async def approve_now(session: AsyncSession, rnd: MatchRound, actor: Actor, now: datetime) -> bool:
    """Approve in the caller's transaction (a system actor: the program's automatic approval);
    False when a concurrent click got there first."""
    decided_by = None if actor.is_system else actor.user_id
    won = await move(
        session,
        MatchRound,
        rnd.id,
        RoundStatus.APPROVED,
        life=ROUND,
        decided_at=now,
        decided_by=decided_by,
    )
    if not won:
        return False
    await session.refresh(rnd)
    proposal = proposal_of(rnd)
    dropped = set(rnd.dropped)
    kept = [p for p in proposal.pairs if p.i not in dropped]
    ws = await session.get_one(WorkspaceSettings, rnd.team_id)
    next_round = Cadence.parse(ws.round_cadence).next_round(now)
    paired = {p.mentor for p in kept} | {p.leader for p in kept}
    alone = [(u.user, u.text) for u in proposal.unmatched]
    for p in proposal.pairs:
        if p.i in dropped:
            alone += [(u, DROPPED_TEXT) for u in (p.mentor, p.leader) if u not in paired]
    await introductions.introduce(session, rnd.team_id, rnd.id, kept, now)
    await introductions.tell_unmatched(session, rnd.team_id, rnd.id, dict(alone), next_round, now)
    return True


async def discard(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, round_id: int
) -> Decision:
    await require_admin(sessionmaker, actor, ADMINS_ONLY)
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, actor.team_id, round_id)
        changed = await move(
            session,
            MatchRound,
            round_id,
            RoundStatus.DISCARDED,
            life=ROUND,
            decided_at=now,
            decided_by=actor.user_id,
        )
        await session.refresh(rnd)
        notice = None if changed else already_decided(rnd)
        return Decision(changed, await view(session, rnd, now), notice)


async def drop_pair(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, round_id: int, index: int
) -> Decision:
    await require_admin(sessionmaker, actor, ADMINS_ONLY)
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, actor.team_id, round_id)
        if rnd.status != RoundStatus.PROPOSED:
            return Decision(False, await view(session, rnd, now), already_decided(rnd))
        if index not in proposal_of(rnd).indexes():
            raise UserFacingError("That pair isn't part of this proposal.")
        if index not in rnd.dropped:
            rnd.dropped = sorted({*rnd.dropped, index})
        return Decision(True, await view(session, rnd, now))


async def view(
    session: AsyncSession,
    rnd: MatchRound,
    now: datetime,
    *,
    note: str | None = None,
    stale: bool | None = None,
) -> msg.ProposalView:
    """The proposal message's content; `stale` when the caller already checked."""
    proposal = proposal_of(rnd)
    assert rnd.computed_at is not None
    state = str(rnd.status)
    if rnd.status == RoundStatus.PROPOSED and (
        stale if stale is not None else await is_stale(session, rnd, now)
    ):
        state = "stale"
    dropped = set(rnd.dropped)
    pairs = tuple(
        msg.ProposedPair(
            index=p.i,
            mentor_id=p.mentor,
            mentor_name=proposal.name(p.mentor),
            leader_id=p.leader,
            leader_name=proposal.name(p.leader),
            score=p.score,
            reasons=p.reasons,
            dropped=p.i in dropped,
        )
        for p in proposal.pairs
    )
    groups: dict[str, list[str]] = {}
    for u in proposal.unmatched:
        label = ADMIN_REASONS.get(u.reason, "Other")
        groups.setdefault(label, []).append(proposal.name(u.user))
    if dropped:
        kept = {x for p in pairs if not p.dropped for x in (p.mentor_id, p.leader_id)}
        alone = {x for p in pairs if p.dropped for x in (p.mentor_id, p.leader_id)} - kept
        if alone:
            groups.setdefault(ADMIN_REASONS["dropped"], []).extend(
                sorted(proposal.name(x) for x in alone)
            )
    return msg.ProposalView(
        round_id=rnd.id,
        state=state,
        participants=proposal.considered,
        pairs=pairs,
        unmatched=tuple(msg.UnmatchedGroup(k, tuple(v)) for k, v in groups.items()),
        computed_at=rnd.computed_at,
        decided_by=rnd.decided_by,
        note=note,
    )


async def post(
    session: AsyncSession,
    rnd: MatchRound,
    now: datetime,
    *,
    to: str,
    key: str,
    note: str | None = None,
) -> None:
    """The proposal (or, when approved at once, the outcome) to the admins, through the outbox."""
    body = msg.proposal_message(await view(session, rnd, now, note=note))
    await enqueue(
        session,
        OutboundMessage(
            team_id=rnd.team_id,
            dedup_key=key,
            kind="proposal",
            text=body["text"],
            blocks=body["blocks"],
            channel=to,
        ),
        now,
    )


async def on_dead_letter(session: AsyncSession, dead: DeadLetter) -> None:
    """Dead-letter hook: a proposal the admin channel refused (the bot was never invited, or the
    channel is gone) goes to the admin by DM instead, saying why, so no round waits unseen."""
    if dead.kind != "proposal" or dead.error not in UNREACHABLE or not dead.channel:
        return
    round_id = dead.dedup_key.removeprefix("proposal:")
    rnd = await session.get(MatchRound, int(round_id)) if round_id.isdigit() else None
    if rnd is None or rnd.team_id != dead.team_id or rnd.proposal is None:
        return
    ws = await session.get_one(WorkspaceSettings, rnd.team_id)
    admin = rnd.requested_by or next(iter(ws.admin_user_ids), None)
    if admin is None or admin == dead.channel:
        return
    if dead.error == "not_in_channel":
        fix = "I'm not a member. Type `/invite @Flipside` there."
    else:
        fix = "that channel is archived or gone. Pick another in `/mentor admin settings`."
    why = f"I couldn't post round #{rnd.id} in <#{dead.channel}>: {fix}"
    await post(session, rnd, dead.at, to=admin, key=f"proposal-dm:{rnd.id}", note=why)


async def forget_person(session: AsyncSession, team_id: str, user_id: str) -> None:
    """Someone leaves: stored proposals hold their name, id and reasons, which go too."""
    rounds = (await session.scalars(select(MatchRound).where(MatchRound.team_id == team_id))).all()
    for rnd in rounds:
        if rnd.proposal is not None and rnd.proposal.mentions(user_id):
            rnd.proposal = rnd.proposal.without(user_id)


async def read_latest_round(session: AsyncSession, team_id: str) -> tuple[int, str] | None:
    """The newest round's id and status, for the admin's Home."""
    row = (
        await session.execute(
            select(MatchRound.id, MatchRound.status)
            .where(MatchRound.team_id == team_id)
            .order_by(MatchRound.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], str(row[1])) if row else None
