"""Matching rounds: asked for or scheduled, computed into a proposal, decided once.

A round's life: `queued` (scheduled) or `computing` (asked for by an admin, or claimed from
the queue by one replica) -> `proposed` -> `approved` | `discarded` | `superseded` (a newer
proposal replaced it); `failed` when the computation itself broke. Every transition is a
conditional update on the current status, so double clicks and replicas racing change it once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.dialect import insert_ignore
from bot.db.engine import SessionMaker
from bot.db.models import MatchRound, WorkspaceSettings
from bot.domain.cadence import ROUND_HOUR_UTC, Cadence
from bot.domain.matching import MatchResult, UnmatchedReason, match
from bot.messages import matching as msg
from bot.services import introductions
from bot.services.errors import UserFacingError
from bot.services.outbox import DeadLetter, OutboundMessage, enqueue
from bot.services.program import read_program
from bot.services.roster import Roster, read_roster

log = logging.getLogger("bot.rounds")

# A computation that has not finished by then is taken over by another replica.
CLAIM = timedelta(minutes=10)

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
DROPPED_TEXT = (
    "We couldn't find a new compatible partner for you this round. "
    "You'll be considered again in the next round."
)


@dataclass(frozen=True)
class Decision:
    """What a click on the proposal did, and the proposal to show now."""

    changed: bool
    view: msg.ProposalView
    notice: str | None = None  # a line for the admin alone, when nothing changed


# -- asking for a round -----------------------------------------------------------------------


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
        if rnd.trigger == "schedule" and ws.auto_approve:
            await _approve(session, rnd, None, now)
            note = "Approved automatically, as the program settings ask."
        else:
            note = None
        await _post(session, rnd, now, note=note)


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


async def _post(session: AsyncSession, rnd: MatchRound, now: datetime, *, note: str | None) -> None:
    """The proposal (or, when approved at once, the outcome) to the admins, through the outbox."""
    if not rnd.post_to:
        return
    body = msg.proposal_message(await _view(session, rnd, now, note=note))
    await enqueue(
        session,
        OutboundMessage(
            team_id=rnd.team_id,
            dedup_key=f"proposal:{rnd.id}",
            kind="proposal",
            text=body["text"],
            blocks=body["blocks"],
            channel=rnd.post_to,
        ),
        now,
    )


UNREACHABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


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
    why = (
        f"I couldn't post round #{rnd.id} in <#{dead.channel}>"
        + (": I'm not a member. Type `/invite @Flipside` there." if dead.error == "not_in_channel"
           else ": that channel is archived or gone. Pick another in `/mentor admin settings`.")
    )  # fmt: skip
    body = msg.proposal_message(await _view(session, rnd, dead.at, note=why))
    await enqueue(
        session,
        OutboundMessage(
            team_id=rnd.team_id,
            dedup_key=f"proposal-dm:{rnd.id}",
            kind="proposal",
            text=body["text"],
            blocks=body["blocks"],
            channel=admin,
        ),
        dead.at,
    )


# -- automatic rounds -------------------------------------------------------------------------


async def plan_rounds(session: AsyncSession, now: datetime) -> None:
    """Planner: queue today's automatic round for every workspace whose cadence says so.

    The round's key is its date, inserted with ON CONFLICT DO NOTHING: one round per day, however
    many replicas plan at once.
    """
    if now.hour < ROUND_HOUR_UTC:
        return
    due = await session.execute(
        select(
            WorkspaceSettings.team_id,
            WorkspaceSettings.round_cadence,
            WorkspaceSettings.admin_channel_id,
            WorkspaceSettings.admin_user_ids,
        ).where(WorkspaceSettings.round_cadence != "off")
    )
    for team_id, cadence, channel, admins in due.all():
        if not Cadence.parse(cadence).is_round_day(now.date()):
            continue
        post_to = channel or (admins[0] if admins else None)
        await insert_ignore(
            session,
            MatchRound.__table__,  # type: ignore[arg-type]
            {
                "team_id": team_id,
                "status": "queued",
                "trigger": "schedule",
                "post_to": post_to,
                "scheduled_key": f"auto:{now.date().isoformat()}",
                "dropped": [],
                "created_at": now,
            },
            conflict=["team_id", "scheduled_key"],
        )


async def run_queued_rounds(
    sessionmaker: SessionMaker,
    clock: Clock,
    owner: str,
    weights: Mapping[str, float] | None = None,
) -> int:
    """Claim queued rounds (and ones whose computing replica went away) and compute them."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        ids = (
            await session.scalars(
                select(MatchRound.id).where(
                    (MatchRound.status == "queued")
                    | ((MatchRound.status == "computing") & (MatchRound.claimed_until < now))
                )
            )
        ).all()
    done = 0
    for round_id in ids:
        async with sessionmaker() as session, session.begin():
            claimed = await session.execute(
                update(MatchRound)
                .where(
                    MatchRound.id == round_id,
                    (MatchRound.status == "queued")
                    | ((MatchRound.status == "computing") & (MatchRound.claimed_until < now)),
                )
                .values(status="computing", claimed_by=owner, claimed_until=now + CLAIM)
            )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            await compute_round(sessionmaker, clock, round_id, owner, weights)
            done += 1
    return done


# -- the admin's decisions ----------------------------------------------------------------------


async def _round_of(session: AsyncSession, team_id: str, round_id: int) -> MatchRound:
    rnd = await session.get(MatchRound, round_id)
    if rnd is None or rnd.team_id != team_id or rnd.proposal is None:
        raise UserFacingError("That matching round doesn't exist in this workspace.")
    return rnd


async def show(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int
) -> msg.ProposalView:
    async with sessionmaker() as session, session.begin():
        rnd = await _round_of(session, team_id, round_id)
        return await _view(session, rnd, clock.now())


async def approve(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, admin: str
) -> Decision:
    """Store the pairs and queue the introductions, once, however many clicks."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await _round_of(session, team_id, round_id)
        if rnd.status != "proposed":
            return Decision(False, await _view(session, rnd, now), _already(rnd))
        program = await read_program(session, team_id, now)
        current = (await read_roster(session, program, now)).fingerprint
        if current != rnd.fingerprint:
            view = await _view(session, rnd, now)
            notice = "People changed since this proposal was computed: recompute it first."
            return Decision(False, view, notice)
        if not await _approve(session, rnd, admin, now):
            await session.refresh(rnd)
            return Decision(False, await _view(session, rnd, now), _already(rnd))
        return Decision(True, await _view(session, rnd, now))


async def _approve(
    session: AsyncSession, rnd: MatchRound, admin: str | None, now: datetime
) -> bool:
    won = await session.execute(
        update(MatchRound)
        .where(MatchRound.id == rnd.id, MatchRound.status == "proposed")
        .values(status="approved", decided_at=now, decided_by=admin)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return False  # a concurrent click got there first
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


def _already(rnd: MatchRound) -> str:
    who = f" by <@{rnd.decided_by}>" if rnd.decided_by else ""
    return {
        "approved": f"This round was already approved{who}; the introductions went out once.",
        "discarded": f"This round was discarded{who}.",
        "superseded": "A newer proposal replaced this one.",
    }.get(rnd.status, "This round can't be changed any more.")


async def discard(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, admin: str
) -> Decision:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await _round_of(session, team_id, round_id)
        done = await session.execute(
            update(MatchRound)
            .where(MatchRound.id == round_id, MatchRound.status == "proposed")
            .values(status="discarded", decided_at=now, decided_by=admin)
        )
        await session.refresh(rnd)
        changed = done.rowcount == 1  # type: ignore[attr-defined]
        return Decision(changed, await _view(session, rnd, now), None if changed else _already(rnd))


async def drop_pair(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, index: int
) -> Decision:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        rnd = await _round_of(session, team_id, round_id)
        assert rnd.proposal is not None
        if rnd.status != "proposed":
            return Decision(False, await _view(session, rnd, now), _already(rnd))
        if index not in {p["i"] for p in rnd.proposal["pairs"]}:
            raise UserFacingError("That pair isn't part of this proposal.")
        if index not in rnd.dropped:
            rnd.dropped = sorted({*rnd.dropped, index})
        return Decision(True, await _view(session, rnd, now))


async def recompute(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, round_id: int, admin: str, owner: str
) -> int:
    """A fresh round posted where this one was; this one is superseded once the new is ready."""
    async with sessionmaker() as session, session.begin():
        rnd = await _round_of(session, team_id, round_id)
        if rnd.status not in ("proposed",):
            raise UserFacingError(_already(rnd))
        post_to = rnd.post_to or admin
    return await request_round(sessionmaker, clock, team_id, admin, post_to, owner)


async def _view(
    session: AsyncSession, rnd: MatchRound, now: datetime, *, note: str | None = None
) -> msg.ProposalView:
    assert rnd.proposal is not None and rnd.computed_at is not None
    state = rnd.status
    if state == "proposed":
        program = await read_program(session, rnd.team_id, now)
        if (await read_roster(session, program, now)).fingerprint != rnd.fingerprint:
            state = "stale"
    names: dict[str, str] = rnd.proposal["names"]
    dropped = set(rnd.dropped)
    pairs = tuple(
        msg.ProposedPair(
            index=p["i"],
            mentor_id=p["mentor"],
            mentor_name=names.get(p["mentor"], "a former participant"),
            leader_id=p["leader"],
            leader_name=names.get(p["leader"], "a former participant"),
            score=p["score"],
            reasons=tuple(p["reasons"]),
            dropped=p["i"] in dropped,
        )
        for p in rnd.proposal["pairs"]
    )
    groups: dict[str, list[str]] = {}
    for u in rnd.proposal["unmatched"]:
        label = ADMIN_REASONS.get(u["reason"], "Other")
        groups.setdefault(label, []).append(names.get(u["user"], "a former participant"))
    if dropped:
        kept = {x for p in pairs if not p.dropped for x in (p.mentor_id, p.leader_id)}
        alone = {x for p in pairs if p.dropped for x in (p.mentor_id, p.leader_id)} - kept
        if alone:
            groups.setdefault(ADMIN_REASONS["dropped"], []).extend(
                sorted(names.get(x, "a former participant") for x in alone)
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
