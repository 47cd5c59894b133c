"""Joining, changing, pausing, resuming and leaving the program; a person's own data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.dialect import insert_ignore
from bot.db.engine import SessionMaker
from bot.db.models import BlockedPerson, OutboxMessage, Participant, ParticipantTopic
from bot.domain.delivery import Status
from bot.domain.profile import ProfileForm, check_resume_date, validate_profile
from bot.domain.program import ParticipantStatus, TopicDirection
from bot.messages import profile as msg
from bot.services import pairings, proposals
from bot.services.dm import send_dm
from bot.services.errors import UserFacingError
from bot.services.outbox import DeadLetter, cancel
from bot.services.program import ProgramConfig, read_program

NEXT_STEP = (
    "The program team runs matching rounds. As soon as you're matched, I'll introduce you and "
    "your partner in a group message, with a suggested first agenda."
)


@dataclass(frozen=True)
class SlackPerson:
    """What Slack says about someone (users.info), refreshed on every save."""

    user_id: str
    name: str
    title: str
    timezone: str
    deleted: bool = False
    is_admin: bool = False


@dataclass(frozen=True)
class Profile:
    """A participant as the person themselves may see it (their blocked list included)."""

    user_id: str
    display_name: str
    title: str
    timezone: str
    form: ProfileForm
    status: str
    paused_until: date | None
    joined_at: datetime
    summary: msg.ProfileSummary


def not_joined() -> UserFacingError:
    return UserFacingError("You haven't joined Flipside yet. Type `/mentor join` to opt in.")


async def _find(session: AsyncSession, team_id: str, user_id: str) -> Participant | None:
    return await session.scalar(
        select(Participant).where(
            Participant.team_id == team_id, Participant.slack_user_id == user_id
        )
    )


def _to_profile(p: Participant, program: ProgramConfig) -> Profile:
    share = tuple(t.topic_id for t in p.topics if t.direction == TopicDirection.SHARE)
    learn = tuple(t.topic_id for t in p.topics if t.direction == TopicDirection.LEARN)
    form = ProfileForm(
        role=p.role,
        level=p.level,
        department=p.department,
        share_topics=share,
        learn_topics=learn,
        goals=p.goals,
        days=tuple(p.preferred_days),
        times=tuple(p.preferred_times),
        capacity=p.capacity,
        blocked=tuple(b.blocked_user_id for b in p.blocked),
    )
    levels = program.levels
    summary = msg.ProfileSummary(
        role=p.role,
        level=levels[p.level] if p.level < len(levels) else f"Level {p.level + 1}",
        department=p.department,
        share=tuple(program.topic_name(t) for t in share),
        learn=tuple(program.topic_name(t) for t in learn),
        goals=p.goals,
        days=form.days,
        times=form.times,
        capacity=p.capacity,
        blocked_count=len(form.blocked),
        status=p.status,
        paused_until=p.paused_until,
    )
    return Profile(
        p.slack_user_id,
        p.display_name,
        p.title,
        p.timezone,
        form,
        p.status,
        p.paused_until,
        p.joined_at,
        summary,
    )


async def get_profile(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, user_id: str
) -> tuple[ProgramConfig, Profile | None]:
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, team_id, clock.now())
        participant = await _find(session, team_id, user_id)
        return program, (_to_profile(participant, program) if participant else None)


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
        raise UserFacingError("This Slack account is deactivated, so it can't join the program.")
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, team_id, now)
        errors = validate_profile(
            form,
            user_id=person.user_id,
            topic_ids=program.topic_ids,
            level_count=len(program.levels),
            departments=list(program.departments),
        )
        if errors:
            raise UserFacingError(next(iter(errors.values())))
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
        participant = await _find(session, team_id, person.user_id)
        assert participant is not None
        await session.refresh(participant, with_for_update=True)
        participant.display_name = person.name
        participant.title = person.title
        participant.timezone = person.timezone
        participant.role = str(form.role)
        participant.level = int(form.level or 0)
        participant.department = form.department.strip()
        participant.goals = form.goals.strip()
        participant.preferred_days = list(form.days)
        participant.preferred_times = list(form.times)
        participant.capacity = int(form.capacity or 1)
        participant.updated_at = now
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
        profile = _to_profile(participant, program)
        body = msg.profile_saved(profile.summary, created=created, next_step=NEXT_STEP)
        await send_dm(session, team_id, person.user_id, f"profile:{now.isoformat()}", body, now)
        return profile, created


async def pause(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, user_id: str, resume_on: date
) -> Profile:
    now = clock.now()
    check_resume_date(resume_on, now.date())
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, team_id, now)
        participant = await _find(session, team_id, user_id)
        if participant is None:
            raise not_joined()
        if participant.status == ParticipantStatus.PAUSED and participant.paused_until == resume_on:
            return _to_profile(participant, program)  # a repeat: nothing changes, no second DM
        # Keyed by the row's last change too: a later pause to the same date is confirmed again.
        key = f"paused:{resume_on.isoformat()}:{participant.updated_at.isoformat()}"
        was_active = participant.status == ParticipantStatus.ACTIVE
        participant.status = ParticipantStatus.PAUSED
        participant.paused_until = resume_on
        participant.updated_at = now
        await send_dm(session, team_id, user_id, key, msg.paused(resume_on), now)
        if was_active:
            await pairings.pause_pairings(session, team_id, user_id, resume_on, now)
        return _to_profile(participant, program)


async def resume(sessionmaker: SessionMaker, clock: Clock, team_id: str, user_id: str) -> Profile:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, team_id, now)
        participant = await _find(session, team_id, user_id)
        if participant is None:
            raise not_joined()
        if participant.status != ParticipantStatus.PAUSED:
            raise UserFacingError("You're not paused: you're active in the program already.")
        await _resume(session, participant, now, automatic=False)
        return _to_profile(participant, program)


async def _resume(
    session: AsyncSession, participant: Participant, now: datetime, *, automatic: bool
) -> None:
    until = participant.paused_until.isoformat() if participant.paused_until else "open"
    since = participant.updated_at.isoformat()  # this pause, not an earlier one to the same date
    participant.status = ParticipantStatus.ACTIVE
    participant.paused_until = None
    participant.updated_at = now
    await pairings.resume_pairings(session, participant.team_id, participant.slack_user_id, now)
    await send_dm(
        session,
        participant.team_id,
        participant.slack_user_id,
        f"resumed:{until}:{since}",
        msg.resumed(automatic=automatic),
        now,
    )


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


async def leave(sessionmaker: SessionMaker, clock: Clock, team_id: str, user_id: str) -> None:
    """Erase the person's personal data and confirm by DM (see the README, "Leaving")."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        participant = await _find(session, team_id, user_id)
        if participant is None:
            raise not_joined()
        await cancel(session, team_id, now, owner=f"person:{user_id}")
        await pairings.end_for_leaver(session, team_id, user_id, now)
        await proposals.forget_person(session, team_id, user_id)
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.team_id == team_id,
                OutboxMessage.channel == user_id,
                OutboxMessage.status.in_(
                    [Status.SENT, Status.DEAD, Status.EXPIRED, Status.CANCELLED]
                ),
            )
        )
        await session.delete(participant)
        await send_dm(session, team_id, user_id, f"left:{now.isoformat()}", msg.left(), now)


async def export(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, user_id: str
) -> dict[str, Any]:
    """Everything the bot holds about this person, for them alone."""
    program, profile = await get_profile(sessionmaker, clock, team_id, user_id)
    async with sessionmaker() as session:
        messages = (
            await session.execute(
                select(
                    OutboxMessage.kind,
                    OutboxMessage.status,
                    OutboxMessage.created_at,
                    OutboxMessage.sent_at,
                    OutboxMessage.payload,
                )
                .where(OutboxMessage.team_id == team_id, OutboxMessage.channel == user_id)
                .order_by(OutboxMessage.created_at)
            )
        ).all()
    data: dict[str, Any] = {
        "exported_at": clock.now().isoformat(),
        "workspace": team_id,
        "slack_user_id": user_id,
        "participant": None,
        "pairings": await pairings.history(sessionmaker, team_id, user_id),
        "messages_from_flipside": [
            {
                "kind": k,
                "status": s,
                "created_at": c.isoformat(),
                "sent_at": t.isoformat() if t else None,
                "text": p.get("text", ""),
            }
            for k, s, c, t, p in messages
        ],
    }
    if profile is not None:
        s = profile.summary
        data["participant"] = {
            "name": profile.display_name,
            "title": profile.title,
            "timezone": profile.timezone,
            "status": profile.status,
            "paused_until": profile.paused_until.isoformat() if profile.paused_until else None,
            "joined_at": profile.joined_at.isoformat(),
            "role": s.role,
            "level": s.level,
            "department": s.department,
            "topics_i_can_share": list(s.share),
            "topics_i_want_to_learn": list(s.learn),
            "goals": s.goals,
            "preferred_days": list(s.days),
            "preferred_times": list(s.times),
            "capacity": s.capacity,
            "people_i_must_not_be_paired_with": list(profile.form.blocked),
        }
    return data


@dataclass(frozen=True)
class Overview:
    """The admin's program panel: counts only, never anyone's private lists."""

    by_role: dict[str, int]
    by_status: dict[str, int]
    waiting: tuple[str, ...]  # active participants without a partner yet (user ids)
    pairs: dict[str, int] = field(default_factory=dict)  # pairings by status, counts only
    latest_round: tuple[int, str] | None = None  # (number, status)


async def overview(sessionmaker: SessionMaker, team_id: str) -> Overview:
    async with sessionmaker() as session:
        roles = await session.execute(
            select(Participant.role, func.count())
            .where(Participant.team_id == team_id, Participant.status != "left")
            .group_by(Participant.role)
        )
        statuses = await session.execute(
            select(Participant.status, func.count())
            .where(Participant.team_id == team_id)
            .group_by(Participant.status)
        )
        waiting = await session.scalars(
            select(Participant.slack_user_id)
            .where(
                Participant.team_id == team_id,
                Participant.status == "active",
                Participant.slack_user_id.not_in(pairings.live_members(team_id)),
            )
            .order_by(Participant.joined_at)
        )
        by_role = {r: n for r, n in roles.all()}
        by_status = {s: n for s, n in statuses.all()}
        found = tuple(waiting.all())
    return Overview(
        by_role=by_role,
        by_status=by_status,
        waiting=found,
        pairs=await pairings.counts(sessionmaker, team_id),
        latest_round=await proposals.latest_round(sessionmaker, team_id),
    )
