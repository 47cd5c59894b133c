"""Joining, changing, pausing, resuming and leaving the program."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.delivery import Status
from bot.domain.errors import UserFacingError
from bot.domain.lifecycle import ParticipantStatus
from bot.domain.people import SlackPerson
from bot.domain.profile import Profile, ProfileForm, check_resume_date, validate_profile
from bot.domain.program import Role, TopicDirection
from bot.domain.settings import ProgramConfig
from bot.features.feedback import records as feedback
from bot.features.joining import messages as msg
from bot.features.joining.records import find, not_joined, to_profile
from bot.features.kits import service as kits
from bot.features.notes import service as notes
from bot.features.pairings import service as pairings
from bot.features.program.service import load_program, read_program
from bot.features.rounds import proposals
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.dialect import insert_ignore
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import BlockedPerson, OutboxMessage, Participant, ParticipantTopic
from bot.platform.outbox import DeadLetter, cancel, enqueue_home, send_dm
from bot.platform.outbox.enqueue import home_key

NEXT_STEP = (
    "The program team runs matching rounds. As soon as you're matched, I'll introduce you and "
    "your partner in a group message, with a suggested first agenda."
)


async def get_profile(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, user_id: str
) -> tuple[ProgramConfig, Profile | None]:
    """The program and the person's own profile, read without writing."""
    program = await load_program(sessionmaker, clock, team_id)
    async with sessionmaker() as session:
        participant = await find(session, team_id, user_id)
        return program, (to_profile(participant, program) if participant else None)


def check_profile(form: ProfileForm, user_id: str, program: ProgramConfig) -> dict[str, str]:
    return validate_profile(
        form,
        user_id=user_id,
        topic_ids=program.topic_ids,
        level_count=len(program.levels),
        departments=list(program.departments),
    )


async def save_profile(
    sessionmaker: SessionMaker,
    clock: Clock,
    team_id: str,
    person: SlackPerson,
    form: ProfileForm,
) -> tuple[Profile, bool]:
    """Join, or update the profile; returns it and whether this call created it.

    Idempotent: a double submit or a retried request finds the row the first one made.
    """
    if person.deleted:
        raise UserFacingError(
            "This Slack account is deactivated, so it can't join the program.", field="role"
        )
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, team_id, now)
        if errors := check_profile(form, person.user_id, program):
            field, message = next(iter(errors.items()))
            raise UserFacingError(message, field=field)
        created = await insert_ignore(
            session,
            Participant.__table__,  # type: ignore[arg-type]
            {
                "team_id": team_id,
                "slack_user_id": person.user_id,
                "display_name": person.name,
                "title": person.title,
                "timezone": person.timezone,
                "role": form.role,
                "level": form.level,
                "department": form.department.strip(),
                "goals": "",
                "preferred_days": [],
                "preferred_times": [],
                "capacity": form.capacity,
                "status": ParticipantStatus.ACTIVE,
                "joined_at": now,
                "updated_at": now,
            },
            conflict=["team_id", "slack_user_id"],
        )
        participant = await find(session, team_id, person.user_id)
        assert participant is not None
        await session.refresh(participant, with_for_update=True)
        before = None if created else _saved(participant)
        participant.display_name = person.name
        participant.title = person.title
        participant.timezone = person.timezone
        participant.role = Role(str(form.role))
        participant.level = int(form.level or 0)
        participant.department = form.department.strip()
        participant.goals = form.goals.strip()
        participant.preferred_days = list(form.days)
        participant.preferred_times = list(form.times)
        participant.capacity = int(form.capacity or 1)
        participant.topics = [
            ParticipantTopic(topic_id=t, direction=d, team_id=team_id)
            for d, ids in (
                (TopicDirection.SHARE, form.share_topics),
                (TopicDirection.LEARN, form.learn_topics),
            )
            for t in dict.fromkeys(ids)
        ]
        participant.blocked = [
            BlockedPerson(blocked_user_id=u, team_id=team_id) for u in dict.fromkeys(form.blocked)
        ]
        await session.flush()
        profile = to_profile(participant, program)
        if before is not None and before == _saved(participant):
            return profile, False  # the same answers again (a double submit): said once already
        participant.updated_at = now
        body = msg.profile_saved(profile.summary, created=created, next_step=NEXT_STEP)
        # Keyed by what was saved too: two different saves in one instant are two messages.
        saved = hashlib.sha256(repr(_saved(participant)).encode()).hexdigest()[:12]
        key = f"profile:{now.isoformat()}:{saved}"
        await send_dm(session, team_id, person.user_id, key, body, now)
        await enqueue_home(session, team_id, person.user_id, now)
        return profile, created


def _saved(p: Participant) -> tuple[object, ...]:
    """Everything a profile save can change, to tell a real change from a repeat."""
    return (
        p.display_name,
        p.title,
        p.timezone,
        str(p.role),
        p.level,
        p.department,
        p.goals,
        tuple(p.preferred_days),
        tuple(p.preferred_times),
        p.capacity,
        sorted((t.topic_id, str(t.direction)) for t in p.topics),
        sorted(b.blocked_user_id for b in p.blocked),
    )


async def pause(sessionmaker: SessionMaker, clock: Clock, actor: Actor, resume_on: date) -> Profile:
    now = clock.now()
    check_resume_date(resume_on, now.date())
    team_id, user_id = actor.team_id, actor.user_id
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, team_id, now)
        participant = await find(session, team_id, user_id)
        if participant is None:
            raise not_joined()
        if participant.status == ParticipantStatus.PAUSED and participant.paused_until == resume_on:
            return to_profile(participant, program)  # a repeat: nothing changes, no second DM
        # Keyed by the row's last change too: a later pause to the same date is confirmed again.
        key = f"paused:{resume_on.isoformat()}:{participant.updated_at.isoformat()}"
        was_active = participant.status == ParticipantStatus.ACTIVE
        participant.status = ParticipantStatus.PAUSED
        participant.paused_until = resume_on
        participant.updated_at = now
        await send_dm(session, team_id, user_id, key, msg.paused(resume_on), now)
        await enqueue_home(session, team_id, user_id, now)
        if was_active:
            await pairings.pause_pairings(session, team_id, user_id, resume_on, now)
        return to_profile(participant, program)


async def resume(sessionmaker: SessionMaker, clock: Clock, actor: Actor) -> Profile:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, actor.team_id, now)
        participant = await find(session, actor.team_id, actor.user_id)
        if participant is None:
            raise not_joined()
        if participant.status != ParticipantStatus.PAUSED:
            raise UserFacingError("You're not paused: you're active in the program already.")
        await _resume(session, participant, now, automatic=False)
        return to_profile(participant, program)


async def _resume(
    session: AsyncSession, participant: Participant, now: datetime, *, automatic: bool
) -> None:
    until = participant.paused_until.isoformat() if participant.paused_until else "open"
    since = participant.updated_at.isoformat()  # this pause, not an earlier one to the same date
    team_id, user_id = participant.team_id, participant.slack_user_id
    participant.status = ParticipantStatus.ACTIVE
    participant.paused_until = None
    participant.updated_at = now
    await pairings.resume_pairings(session, team_id, user_id, now)
    body = msg.resumed(automatic=automatic)
    await send_dm(session, team_id, user_id, f"resumed:{until}:{since}", body, now)
    await enqueue_home(session, team_id, user_id, now)


async def resume_due(session: AsyncSession, now: datetime) -> None:
    """Planner: people whose pause ends today or earlier are active again, with a DM.

    Safe on several replicas at once: the row lock and the status check let one of them win,
    and the DM's key (`resumed:{date}:{the row's last change}`) is the same from any of them.
    """
    due = await session.scalars(
        select(Participant)
        .where(
            Participant.status == ParticipantStatus.PAUSED,
            Participant.paused_until <= now.date(),
        )
        .with_for_update(skip_locked=True)
    )
    for participant in due.all():
        await _resume(session, participant, now, automatic=True)


GONE_ERRORS = frozenset({"account_inactive", "user_not_found", "user_disabled"})


async def on_dead_letter(session: AsyncSession, dead: DeadLetter) -> None:
    """Dead-letter hook: a participant whose Slack account is gone is paused (with no end date),
    so that matching and nudges pass them over until an admin or they themselves act."""
    # Only a DM to one person says who is gone; a failed group DM does not.
    if dead.error not in GONE_ERRORS or dead.users or not dead.channel:
        return
    gone = await session.scalars(
        select(Participant).where(
            Participant.team_id == dead.team_id,
            Participant.slack_user_id == dead.channel,
            Participant.status == ParticipantStatus.ACTIVE,
        )
    )
    for participant in gone.all():
        participant.status = ParticipantStatus.PAUSED
        participant.paused_until = None


async def leave(sessionmaker: SessionMaker, clock: Clock, actor: Actor) -> None:
    """Erase the person's personal data and confirm by DM (see the README, "Leaving")."""
    now = clock.now()
    team_id, user_id = actor.team_id, actor.user_id
    async with sessionmaker() as session, session.begin():
        participant = await find(session, team_id, user_id)
        if participant is None:
            raise not_joined()
        await cancel(session, team_id, now, owner=f"person:{user_id}")
        await feedback.for_leaver(session, team_id, user_id, now)
        await notes.for_leaver(session, team_id, user_id, now)
        await kits.for_leaver(session, team_id, user_id)
        await pairings.end_for_leaver(session, team_id, user_id, now)
        await proposals.forget_person(session, team_id, user_id)
        done = [Status.SENT, Status.DEAD, Status.EXPIRED, Status.CANCELLED]
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.team_id == team_id,
                OutboxMessage.channel == user_id,
                OutboxMessage.status.in_(done) | (OutboxMessage.dedup_key == home_key(user_id)),
            )
        )
        await session.delete(participant)
        # Their Home is drawn by the caller, now: nothing but the DM below stays addressed to them.
        await send_dm(session, team_id, user_id, f"left:{now.isoformat()}", msg.left(), now)
