"""Cycles: the check-in halfway, the survey at the end, the pair's choice (another cycle or
wrap up), and a kind ending when no choice comes in time. Planned by a job from the pairings
table; every message is keyed by pair, step and cycle, so it goes out once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cycles import CheckIn, Cycle, SurveyForm, survey_errors
from bot.domain.errors import NotFound, UserFacingError
from bot.domain.lifecycle import PAIRING, EndCause, PairingStatus
from bot.domain.quiet import WorkingHours
from bot.domain.sessions import utc
from bot.features.cycles import messages as msg
from bot.features.program.quiet import open_for
from bot.features.program.word import ask_for_a_word
from bot.features.sessions import service as sessions
from bot.features.sessions.deliveries import post_to_pair
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.dialect import insert_ignore
from bot.platform.db.engine import SessionMaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import CycleAnswer, Pairing
from bot.platform.outbox import cancel, enqueue_homes, send_dm

STALE = "That was about an earlier cycle, or a pairing that isn't yours. Nothing has changed."
ANSWERS = CycleAnswer.__table__


def start_of(pairing: Pairing) -> datetime:
    return utc(pairing.cycle_started_at or pairing.created_at)


async def plan(
    session: AsyncSession, now: datetime, cycle: Cycle, hours: WorkingHours | None = None
) -> int:
    sent = 0
    rows = (
        await session.scalars(select(Pairing).where(Pairing.status == PairingStatus.ACTIVE))
    ).all()
    for pairing in rows:
        start = start_of(pairing)
        if now >= cycle.too_late_to_choose(start):
            await _end(session, pairing, now, by=None, cause=EndCause.CYCLE_ENDED)
            sent += 1
        elif now >= cycle.end(start):
            sent += await _ask(session, pairing, "end", now, hours)
            days = cycle.choose_within.days
            body = msg.choose(
                pairing.id,
                pairing.cycle_number,
                pairing.mentor_user_id,
                pairing.leader_user_id,
                days,
            )
            sent += await _to_pair(
                session,
                pairing,
                f"cycle-choice:{pairing.id}:{pairing.cycle_number}",
                body,
                now,
                hours,
            )
        elif now >= cycle.middle(start):
            sent += await _ask(session, pairing, "mid", now, hours)
    return sent


async def _ask(
    session: AsyncSession, pairing: Pairing, kind: str, now: datetime, hours: WorkingHours | None
) -> int:
    sent = 0
    for user, partner in (
        (pairing.mentor_user_id, pairing.leader_user_id),
        (pairing.leader_user_id, pairing.mentor_user_id),
    ):
        values = {
            "team_id": pairing.team_id,
            "pairing_id": pairing.id,
            "cycle_number": pairing.cycle_number,
            "user_id": user,
            "kind": kind,
            "asked_at": now,
            "changed": "",
        }
        unique = ["pairing_id", "cycle_number", "user_id", "kind"]
        if not await insert_ignore(session, ANSWERS, values, conflict=unique):  # type: ignore[arg-type]
            continue
        n = pairing.cycle_number
        body = (
            msg.check_in(pairing.id, n, partner)
            if kind == "mid"
            else msg.survey(pairing.id, n, partner)
        )
        when = await open_for(session, pairing.team_id, [user], now, hours)
        key = f"cycle-{kind}:{pairing.id}:{n}"
        await send_dm(session, pairing.team_id, user, key, body, now, due_at=when)
        sent += 1
    return sent


async def _to_pair(
    session: AsyncSession,
    pairing: Pairing,
    key: str,
    body: dict[str, Any],
    now: datetime,
    hours: WorkingHours | None,
) -> int:
    members = [pairing.mentor_user_id, pairing.leader_user_id]
    when = await open_for(
        session, pairing.team_id, members, now, hours, leader=pairing.leader_user_id
    )
    # Not owned by the pairing: an ending's message must go out after its other ones are
    # taken back.
    return int(await post_to_pair(session, pairing, key, body, now, owner=None, due_at=when))


async def _mine(session: AsyncSession, actor: Actor, pairing_id: int, cycle: int | None) -> Pairing:
    pairing = await session.get(Pairing, pairing_id)
    if (
        pairing is None
        or pairing.team_id != actor.team_id
        or actor.user_id not in (pairing.mentor_user_id, pairing.leader_user_id)
        or (cycle is not None and pairing.cycle_number != cycle)
    ):
        raise NotFound(STALE)
    return pairing


async def check_in(
    sessionmaker: SessionMaker,
    clock: Clock,
    actor: Actor,
    pairing_id: int,
    cycle: int,
    answer: CheckIn,
) -> None:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        await _mine(session, actor, pairing_id, cycle)
        result = await session.execute(
            update(CycleAnswer)
            .where(
                CycleAnswer.pairing_id == pairing_id,
                CycleAnswer.cycle_number == cycle,
                CycleAnswer.user_id == actor.user_id,
                CycleAnswer.kind == "mid",
            )
            .values(check_in=answer, answered_at=now)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise NotFound(STALE)


async def save_survey(
    sessionmaker: SessionMaker,
    clock: Clock,
    actor: Actor,
    pairing_id: int,
    cycle: int,
    form: SurveyForm,
) -> dict[str, str]:
    errors = survey_errors(form)
    if errors:
        return errors
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        await _mine(session, actor, pairing_id, cycle)
        result = await session.execute(
            update(CycleAnswer)
            .where(
                CycleAnswer.pairing_id == pairing_id,
                CycleAnswer.cycle_number == cycle,
                CycleAnswer.user_id == actor.user_id,
                CycleAnswer.kind == "end",
            )
            .values(
                continue_with=form.continue_with,
                changed=form.changed,
                recommend=form.recommend,
                answered_at=now,
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise NotFound(STALE)
    return {}


async def another_cycle(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, pairing_id: int, cycle: int
) -> None:
    """Either of the two chooses: a new cycle starts now (once, however many clicks)."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        pairing = await _mine(session, actor, pairing_id, cycle)
        if pairing.status != PairingStatus.ACTIVE:
            raise UserFacingError("This pairing is no longer active.")
        moved = await session.execute(
            update(Pairing)
            .where(Pairing.id == pairing_id, Pairing.cycle_number == cycle)
            .values(cycle_number=cycle + 1, cycle_started_at=now, updated_at=now)
        )
        if moved.rowcount:  # type: ignore[attr-defined]
            key = f"cycle-another:{pairing_id}:{cycle}"
            await _to_pair(session, pairing, key, msg.another(actor.user_id), now, None)


async def wrap_up(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, pairing_id: int, cycle: int
) -> None:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        pairing = await _mine(session, actor, pairing_id, cycle)
        await _end(session, pairing, now, by=actor.user_id, cause=EndCause.WRAPPED_UP)


async def _end(
    session: AsyncSession, pairing: Pairing, now: datetime, *, by: str | None, cause: EndCause
) -> None:
    """Ends kindly: both are told together and are in the next matching round."""
    if not await move(
        session,
        Pairing,
        pairing.id,
        PairingStatus.ENDED,
        life=PAIRING,
        end_cause=cause,
        ended_at=now,
        updated_at=now,
    ):
        return
    await cancel(session, pairing.team_id, now, owner=f"pairing:{pairing.id}")
    await sessions.cancel_for_pairing(session, pairing, now, " because your cycle has ended")
    key = f"cycle-over:{pairing.id}:{pairing.cycle_number}"
    await _to_pair(session, pairing, key, msg.wrapped(by), now, None)
    await enqueue_homes(
        session, pairing.team_id, {pairing.mentor_user_id, pairing.leader_user_id}, now
    )


async def talk(sessionmaker: SessionMaker, clock: Clock, actor: Actor, pairing_id: int) -> str:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        pairing = await _mine(session, actor, pairing_id, None)
        partner = (
            pairing.leader_user_id
            if pairing.mentor_user_id == actor.user_id
            else pairing.mentor_user_id
        )
        key = f"wants-a-word:cycle-{pairing.id}-{pairing.cycle_number}:{actor.user_id}"
        return await ask_for_a_word(session, actor.team_id, actor.user_id, partner, key, now)
