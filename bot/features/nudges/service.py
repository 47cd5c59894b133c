"""Keeping pairs going: the ladder for a pair that stalls (the leader is asked first, then the
pair, then the admins see it at risk, then it is paused with a way back), and the one question
to someone who has gone quiet. Planned by a job from what the bot itself sees."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotFound
from bot.domain.lifecycle import PAIRING, PairingStatus, ParticipantStatus, SessionStatus
from bot.domain.nudges import Ladder, PairState, Step, is_dormant, next_step
from bot.domain.quiet import WorkingHours
from bot.domain.sessions import utc
from bot.features.nudges import messages as msg
from bot.features.program.quiet import open_for
from bot.features.program.service import read_program
from bot.features.sessions.deliveries import post_to_pair
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import (
    CycleAnswer,
    MentoringSession,
    OutboxMessage,
    Pairing,
    Participant,
    SessionFeedback,
)
from bot.platform.outbox import enqueue_homes, send_dm

NUDGE_KINDS = ("nudge-leader", "nudge-pair", "nudge-paused")
IGNORED_AFTER = timedelta(days=7)  # a check-in left this long counts as ignored
NOT_STALLED = "This pairing isn't waiting on you any more. Nothing has changed."


@dataclass(frozen=True)
class AtRisk:
    mentor: str
    leader: str
    days_quiet: int


async def _activity(
    session: AsyncSession, pairing_ids: list[int]
) -> dict[int, tuple[list[MentoringSession], datetime | None]]:
    """Each pairing's sessions and its latest answer about one: two queries for them all."""
    found: dict[int, tuple[list[MentoringSession], datetime | None]] = {
        pid: ([], None) for pid in pairing_ids
    }
    if not pairing_ids:
        return found
    rows = await session.scalars(
        select(MentoringSession).where(MentoringSession.pairing_id.in_(pairing_ids))
    )
    for row in rows.all():
        found[row.pairing_id][0].append(row)
    answered = await session.execute(
        select(MentoringSession.pairing_id, func.max(SessionFeedback.updated_at))
        .join(SessionFeedback, SessionFeedback.session_id == MentoringSession.id)
        .where(MentoringSession.pairing_id.in_(pairing_ids), SessionFeedback.met.is_not(None))
        .group_by(MentoringSession.pairing_id)
    )
    for pid, latest in answered.all():
        found[pid] = (found[pid][0], latest)
    return found


def _state_of(
    pairing: Pairing, sessions: list[MentoringSession], answered: datetime | None, now: datetime
) -> PairState:
    """What the bot saw the pair do last: their introduction, a booking or a change to one,
    an answer about a session, a held session, or a "We're still on"."""
    marks = [utc(pairing.created_at)]
    marks += [utc(s.updated_at) for s in sessions]
    held = [s for s in sessions if s.status == SessionStatus.HELD]
    marks += [utc(s.starts_at) + timedelta(minutes=s.minutes) for s in held]
    if answered is not None:
        marks.append(utc(answered))
    if pairing.stalled_at is None and pairing.nudge_run is not None:
        marks.append(utc(pairing.nudge_run))  # a run restarted by "We're still on"
    anchor = max(marks)
    upcoming = any(s.status == SessionStatus.BOOKED and utc(s.starts_at) > now for s in sessions)
    run = utc(pairing.nudge_run) if pairing.nudge_run else None
    done = Step(pairing.nudge_step) if run is not None and run >= anchor else Step.NONE
    return PairState(anchor=anchor, met=bool(held), upcoming=upcoming, done=done)


async def plan(
    session: AsyncSession, now: datetime, ladder: Ladder, hours: WorkingHours | None = None
) -> int:
    """Take the step each stalled pair is due, one per pair per run; any booking or answer
    since starts the ladder over. Every key names the pair, the run and the step, so that
    planners on several replicas take each step once."""
    taken = 0
    pairings = (
        await session.scalars(
            select(Pairing).where(
                or_(
                    Pairing.status == PairingStatus.ACTIVE,
                    Pairing.stalled_at.is_not(None),
                )
            )
        )
    ).all()
    activity = await _activity(session, [p.id for p in pairings])
    for pairing in pairings:
        if pairing.status == PairingStatus.ENDED:
            continue
        state = _state_of(pairing, *activity[pairing.id], now)
        if state.done == Step.NONE and pairing.nudge_step:
            pairing.nudge_step, pairing.at_risk_since = 0, None  # they did something: reset
        if pairing.status != PairingStatus.ACTIVE:
            continue
        step = next_step(state, now, ladder)
        if step is None:
            continue
        await _take(session, pairing, step, state, now, hours)
        pairing.nudge_run, pairing.nudge_step = state.anchor, int(step)
        taken += 1
    taken += await _dormant(session, now, hours)
    return taken


async def _take(
    session: AsyncSession,
    pairing: Pairing,
    step: Step,
    state: PairState,
    now: datetime,
    hours: WorkingHours | None,
) -> None:
    key = f"{pairing.id}:{state.anchor.timestamp():.0f}:{int(step)}"
    mentor, leader, team = pairing.mentor_user_id, pairing.leader_user_id, pairing.team_id
    days = (now - state.anchor).days
    if step == Step.ASK_LEADER:
        when = await open_for(session, team, [leader], now, hours)
        body = msg.ask_leader(pairing.id, mentor, met=state.met)
        await send_dm(session, team, leader, f"nudge-leader:{key}", body, now, due_at=when)
    elif step == Step.NUDGE_PAIR:
        body = msg.nudge_pair(pairing.id, leader)
        when = await open_for(session, team, [mentor, leader], now, hours, leader=leader)
        await post_to_pair(session, pairing, f"nudge-pair:{key}", body, now, due_at=when)
    elif step == Step.AT_RISK:
        pairing.at_risk_since = now
        program = await read_program(session, team, now)
        await enqueue_homes(session, team, set(program.admin_user_ids), now)
    elif step == Step.PAUSED:
        if await move(
            session,
            Pairing,
            pairing.id,
            PairingStatus.PAUSED,
            life=PAIRING,
            stalled_at=now,
            updated_at=now,
        ):
            for person in (mentor, leader):
                partner = leader if person == mentor else mentor
                when = await open_for(session, team, [person], now, hours)
                body = msg.paused(pairing.id, partner, days)
                await send_dm(session, team, person, f"nudge-paused:{key}", body, now, due_at=when)
            await enqueue_homes(session, team, {mentor, leader}, now)


async def still_on(sessionmaker: SessionMaker, clock: Clock, actor: Actor, pairing_id: int) -> str:
    """*We're still on*: the pairing is active again and the ladder starts over."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        pairing = await _stalled(session, actor, pairing_id)
        await move(
            session,
            Pairing,
            pairing.id,
            PairingStatus.ACTIVE,
            life=PAIRING,
            stalled_at=None,
            at_risk_since=None,
            nudge_step=0,
            nudge_run=now,
            updated_at=now,
        )
        partner = (
            pairing.leader_user_id
            if pairing.mentor_user_id == actor.user_id
            else pairing.mentor_user_id
        )
        await enqueue_homes(session, actor.team_id, {actor.user_id, partner}, now)
        return partner


async def _stalled(session: AsyncSession, actor: Actor, pairing_id: int) -> Pairing:
    pairing = await session.get(Pairing, pairing_id)
    if (
        pairing is None
        or pairing.team_id != actor.team_id
        or actor.user_id not in (pairing.mentor_user_id, pairing.leader_user_id)
        or pairing.stalled_at is None
        or pairing.status != PairingStatus.PAUSED
    ):
        raise NotFound(NOT_STALLED)
    return pairing


async def stalled_pairing(sessionmaker: SessionMaker, actor: Actor, pairing_id: int) -> int:
    async with sessionmaker() as session:
        return (await _stalled(session, actor, pairing_id)).id


async def at_risk(session: AsyncSession, team_id: str, now: datetime) -> list[AtRisk]:
    """For the admins: names and days without a session, nothing else."""
    rows = (
        await session.scalars(
            select(Pairing).where(
                Pairing.team_id == team_id,
                Pairing.at_risk_since.is_not(None),
                Pairing.status != PairingStatus.ENDED,
            )
        )
    ).all()
    out = []
    activity = await _activity(session, [p.id for p in rows])
    for p in rows:
        state = _state_of(p, *activity[p.id], now)
        out.append(AtRisk(p.mentor_user_id, p.leader_user_id, (now - state.anchor).days))
    return sorted(out, key=lambda r: -r.days_quiet)


async def _dormant(session: AsyncSession, now: datetime, hours: WorkingHours | None) -> int:
    """Three prompts in a row ignored (questions after sessions, nudges, check-ins): asked once
    whether to stay. Nobody is ever removed automatically. A handful of queries for the whole
    program, whatever its size."""
    since = now - timedelta(days=120)
    prompts: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for query in (
        select(OutboxMessage.team_id, OutboxMessage.channel, OutboxMessage.sent_at).where(
            OutboxMessage.kind.in_(["nudge-leader", "nudge-paused"]),
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at > since,
        ),
        select(SessionFeedback.team_id, SessionFeedback.user_id, SessionFeedback.closed_at).where(
            SessionFeedback.met.is_(None), SessionFeedback.closed_at > since
        ),
        select(CycleAnswer.team_id, CycleAnswer.user_id, CycleAnswer.asked_at).where(
            CycleAnswer.answered_at.is_(None),
            CycleAnswer.asked_at > since,
            CycleAnswer.asked_at <= now - IGNORED_AFTER,
        ),
    ):
        for team, user, at in (await session.execute(query)).all():
            if user and at is not None:
                prompts[(team, user)].append(utc(at))
    if not prompts:
        return 0
    users = sorted({u for _, u in prompts})
    seen = await _last_seen(session, users)
    people = await session.scalars(
        select(Participant).where(
            Participant.status == ParticipantStatus.ACTIVE, Participant.slack_user_id.in_(users)
        )
    )
    asked = 0
    for person in people.all():
        key = (person.team_id, person.slack_user_id)
        if key not in prompts:
            continue
        marks = [
            utc(person.updated_at),
            utc(person.joined_at),
            seen.get(key, utc(person.joined_at)),
        ]
        if person.kept_in_at is not None:
            marks.append(utc(person.kept_in_at))
        last = max(marks)
        if person.dormant_asked_at is not None and utc(person.dormant_asked_at) >= last:
            continue
        if not is_dormant(sum(1 for at in prompts[key] if at > last)):
            continue
        person.dormant_asked_at = now
        when = await open_for(session, person.team_id, [person.slack_user_id], now, hours)
        body = msg.gone_quiet()
        key_text = f"dormant:{now.timestamp():.0f}"
        await send_dm(
            session, person.team_id, person.slack_user_id, key_text, body, now, due_at=when
        )
        asked += 1
    return asked


async def _last_seen(session: AsyncSession, users: list[str]) -> dict[tuple[str, str], datetime]:
    """Each person's latest answer after a session or booking they made."""
    out: dict[tuple[str, str], datetime] = {}
    for query in (
        select(
            SessionFeedback.team_id, SessionFeedback.user_id, func.max(SessionFeedback.updated_at)
        )
        .where(SessionFeedback.user_id.in_(users), SessionFeedback.met.is_not(None))
        .group_by(SessionFeedback.team_id, SessionFeedback.user_id),
        select(
            MentoringSession.team_id,
            MentoringSession.booked_by,
            func.max(MentoringSession.updated_at),
        )
        .where(MentoringSession.booked_by.in_(users))
        .group_by(MentoringSession.team_id, MentoringSession.booked_by),
    ):
        for team, user, at in (await session.execute(query)).all():
            if at is not None:
                key = (team, user)
                out[key] = max(out.get(key, utc(at)), utc(at))
    return out


async def keep_me_in(sessionmaker: SessionMaker, clock: Clock, actor: Actor) -> None:
    async with sessionmaker() as session, session.begin():
        person = await session.scalar(
            select(Participant).where(
                Participant.team_id == actor.team_id, Participant.slack_user_id == actor.user_id
            )
        )
        if person is None:
            raise NotFound("You're not in the program any more, so there's nothing to keep.")
        person.kept_in_at = clock.now()
