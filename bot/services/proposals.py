"""A computed round as the admins see it, and their decisions on it: approve (once, however
many clicks), discard, drop a pair. Also where the proposal message goes, and where it goes
instead when the admin channel refuses it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import SessionMaker
from bot.db.models import MatchRound, WorkspaceSettings
from bot.domain.cadence import Cadence
from bot.domain.matching import UnmatchedReason
from bot.domain.matching.explain import unmatched_text
from bot.domain.program import Role
from bot.messages import proposal as msg
from bot.services import introductions
from bot.services.errors import UserFacingError
from bot.services.outbox import DeadLetter, OutboundMessage, enqueue
from bot.services.program import read_program
from bot.services.roster import read_roster

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
FORMER = "a former participant"  # a name erased since the round was computed
UNREACHABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


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
        raise UserFacingError("That matching round doesn't exist in this workspace.")
    return rnd


def already_decided(rnd: MatchRound) -> str:
    who = f" by <@{rnd.decided_by}>" if rnd.decided_by else ""
    return {
        "approved": f"This round was already approved{who}; the introductions went out once.",
        "discarded": f"This round was discarded{who}.",
        "superseded": "A newer proposal replaced this one.",
    }.get(rnd.status, "This round can't be changed any more.")


async def is_stale(session: AsyncSession, rnd: MatchRound, now: datetime) -> bool:
    """Whether anyone joined, changed, paused or left since the round was computed."""
    program = await read_program(session, rnd.team_id, now)
    return (await read_roster(session, program, now)).fingerprint != rnd.fingerprint


async def show(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int
) -> msg.ProposalView:
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, team_id, round_id)
        return await view(session, rnd, clock.now())


async def approve(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, admin: str
) -> Decision:
    """Store the pairs and queue the introductions, once, however many clicks."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, team_id, round_id)
        if rnd.status != "proposed":
            return Decision(False, await view(session, rnd, now), already_decided(rnd))
        if await is_stale(session, rnd, now):
            notice = "People changed since this proposal was computed: recompute it first."
            return Decision(False, await view(session, rnd, now, stale=True), notice)
        if not await approve_now(session, rnd, admin, now):
            await session.refresh(rnd)
            return Decision(False, await view(session, rnd, now), already_decided(rnd))
        return Decision(True, await view(session, rnd, now))


async def approve_now(
    session: AsyncSession, rnd: MatchRound, admin: str | None, now: datetime
) -> bool:
    """Approve in the caller's transaction (admin None: the program's automatic approval);
    False when a concurrent click got there first."""
    won = await session.execute(
        update(MatchRound)
        .where(MatchRound.id == rnd.id, MatchRound.status == "proposed")
        .values(status="approved", decided_at=now, decided_by=admin)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await session.refresh(rnd)
    assert rnd.proposal is not None
    dropped = set(rnd.dropped)
    kept = [p for p in rnd.proposal["pairs"] if p["i"] not in dropped]
    ws = await session.get_one(WorkspaceSettings, rnd.team_id)
    next_round = Cadence.parse(ws.round_cadence).next_round(now)
    paired = {p["mentor"] for p in kept} | {p["leader"] for p in kept}
    alone = [(u["user"], u["text"]) for u in rnd.proposal["unmatched"]]
    for p in rnd.proposal["pairs"]:
        if p["i"] in dropped:
            alone += [(u, DROPPED_TEXT) for u in (p["mentor"], p["leader"]) if u not in paired]
    await introductions.introduce(session, rnd.team_id, rnd.id, kept, now)
    await introductions.tell_unmatched(session, rnd.team_id, rnd.id, dict(alone), next_round, now)
    return True


async def discard(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, admin: str
) -> Decision:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, team_id, round_id)
        done = await session.execute(
            update(MatchRound)
            .where(MatchRound.id == round_id, MatchRound.status == "proposed")
            .values(status="discarded", decided_at=now, decided_by=admin)
        )
        await session.refresh(rnd)
        changed = done.rowcount == 1  # type: ignore[attr-defined]
        notice = None if changed else already_decided(rnd)
        return Decision(changed, await view(session, rnd, now), notice)


async def drop_pair(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, index: int
) -> Decision:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await round_of(session, team_id, round_id)
        assert rnd.proposal is not None
        if rnd.status != "proposed":
            return Decision(False, await view(session, rnd, now), already_decided(rnd))
        if index not in {p["i"] for p in rnd.proposal["pairs"]}:
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
    assert rnd.proposal is not None and rnd.computed_at is not None
    state = rnd.status
    if state == "proposed" and (stale if stale is not None else await is_stale(session, rnd, now)):
        state = "stale"
    names: dict[str, str] = rnd.proposal["names"]
    dropped = set(rnd.dropped)
    pairs = tuple(
        msg.ProposedPair(
            index=p["i"],
            mentor_id=p["mentor"],
            mentor_name=names.get(p["mentor"], FORMER),
            leader_id=p["leader"],
            leader_name=names.get(p["leader"], FORMER),
            score=p["score"],
            reasons=tuple(p["reasons"]),
            dropped=p["i"] in dropped,
        )
        for p in rnd.proposal["pairs"]
    )
    groups: dict[str, list[str]] = {}
    for u in rnd.proposal["unmatched"]:
        label = ADMIN_REASONS.get(u["reason"], "Other")
        groups.setdefault(label, []).append(names.get(u["user"], FORMER))
    if dropped:
        kept = {x for p in pairs if not p.dropped for x in (p.mentor_id, p.leader_id)}
        alone = {x for p in pairs if p.dropped for x in (p.mentor_id, p.leader_id)} - kept
        if alone:
            groups.setdefault(ADMIN_REASONS["dropped"], []).extend(
                sorted(names.get(x, FORMER) for x in alone)
            )
    return msg.ProposalView(
        round_id=rnd.id,
        state=state,
        participants=int(rnd.proposal["considered"]),
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
        if not rnd.proposal or user_id not in json.dumps(rnd.proposal):
            continue
        proposal = dict(rnd.proposal)
        name = proposal.get("names", {}).get(user_id)
        proposal["names"] = {k: v for k, v in proposal.get("names", {}).items() if k != user_id}
        pairs = []
        for p in proposal.get("pairs", []):
            p = dict(p)
            if user_id in (p["mentor"], p["leader"]):
                p["mentor" if p["mentor"] == user_id else "leader"] = "gone"
                p["reasons"] = []
            elif name:
                p["reasons"] = [r.replace(name, FORMER) for r in p["reasons"]]
            pairs.append(p)
        proposal["pairs"] = pairs
        proposal["unmatched"] = [u for u in proposal.get("unmatched", []) if u["user"] != user_id]
        rnd.proposal = proposal


async def latest_round(sessionmaker: SessionMaker, team_id: str) -> tuple[int, str] | None:
    """The newest round's id and status, for the admin's Home."""
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(MatchRound.id, MatchRound.status)
                .where(MatchRound.team_id == team_id)
                .order_by(MatchRound.id.desc())
                .limit(1)
            )
        ).first()
        return (row[0], row[1]) if row else None
