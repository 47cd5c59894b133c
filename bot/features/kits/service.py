"""Kits on demand, an admin's edit of a topic's kit, the briefings before a pair's first
session (planned from the sessions table), *Got it*, and the program's announcement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotFound
from bot.domain.kits import BRIEF_AHEAD, Kit, briefing_due, closest, kit_errors
from bot.domain.lifecycle import PairingStatus, SessionStatus
from bot.domain.quiet import WorkingHours
from bot.domain.sessions import utc
from bot.features.kits import messages as msg
from bot.features.kits.library import kit_for
from bot.features.program.quiet import open_for
from bot.features.program.service import read_program, require_admin
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.dialect import insert_ignore
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import Briefing, MentoringSession, Pairing, Topic, TopicKit
from bot.platform.outbox import DeadLetter, OutboundMessage, enqueue, enqueue_homes, send_dm

NOT_YOURS = "That briefing isn't one of yours. Nothing has changed."
ANNOUNCE_KIND = "announcement"
BRIEFINGS = Briefing.__table__


async def topics(sessionmaker: SessionMaker, clock: Clock, team_id: str) -> list[str]:
    async with sessionmaker() as session, session.begin():
        program = await read_program(session, team_id, clock.now())
    return [name for _, name in program.topics]


async def find_kit(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, asked: str
) -> Kit | list[str]:
    """The kit for the topic someone asked for (the closest name for a typo), or the list of
    topics when nothing is close."""
    names = await topics(sessionmaker, clock, team_id)
    found = closest(asked, names) if asked.strip() else None
    if found is None:
        return names
    async with sessionmaker() as session:
        return await kit_for(session, team_id, found)


async def kit_of_topic(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, topic_id: int
) -> tuple[str, Kit]:
    """An admin opening a topic's kit to edit it."""
    await require_admin(sessionmaker, actor)
    async with sessionmaker() as session:
        topic = await session.get(Topic, topic_id)
        if topic is None or topic.team_id != actor.team_id:
            raise NotFound("That topic doesn't exist any more.")
        return topic.name, await kit_for(session, actor.team_id, topic.name)


async def save_kit(
    sessionmaker: SessionMaker,
    clock: Clock,
    actor: Actor,
    topic_id: int,
    fields: dict[str, str],
) -> dict[str, str]:
    """Keep an admin's words for one topic's kit; the next briefing uses them."""
    await require_admin(sessionmaker, actor)
    starters = [fields.get(f"starter_{i}", "") for i in (1, 2, 3)]
    why, exercise, expertise = (fields.get(k, "") for k in ("why", "exercise", "expertise"))
    errors = kit_errors(why, starters, exercise, expertise)
    if errors:
        return errors
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        topic = await session.get(Topic, topic_id)
        if topic is None or topic.team_id != actor.team_id:
            raise NotFound("That topic doesn't exist any more.")
        row = await session.get(TopicKit, (actor.team_id, topic_id))
        if row is None:
            row = TopicKit(team_id=actor.team_id, topic_id=topic_id)
            session.add(row)
        row.why, row.exercise, row.expertise = why.strip(), exercise.strip(), expertise.strip()
        row.starters = [s.strip() for s in starters]
        row.updated_by, row.updated_at = actor.user_id, now
    return {}


async def plan_briefings(
    session: AsyncSession, now: datetime, hours: WorkingHours | None = None
) -> int:
    """Brief both members before their pair's first session: 24 hours ahead, or now when it
    is sooner. Once per person and pairing (a unique row), on every replica safely."""
    rows = (
        await session.execute(
            select(MentoringSession, Pairing)
            .join(Pairing, Pairing.id == MentoringSession.pairing_id)
            .where(
                MentoringSession.status == SessionStatus.BOOKED,
                MentoringSession.starts_at > now,
                MentoringSession.starts_at <= now + BRIEF_AHEAD,
                Pairing.status == PairingStatus.ACTIVE,
            )
            .order_by(MentoringSession.starts_at)
        )
    ).all()
    sent = 0
    for found, pairing in rows:
        if not briefing_due(utc(found.starts_at), now) or await _met_before(session, pairing.id):
            continue
        first = await session.scalar(
            select(MentoringSession.id)
            .where(
                MentoringSession.pairing_id == pairing.id,
                MentoringSession.status == SessionStatus.BOOKED,
            )
            .order_by(MentoringSession.starts_at)
            .limit(1)
        )
        if first != found.id:
            continue  # only the pair's first session is briefed
        kit = await kit_for(session, found.team_id, found.topic or "")
        for user, side in ((pairing.mentor_user_id, "mentor"), (pairing.leader_user_id, "leader")):
            sent += await _brief(session, found, pairing, user, side, kit, now, hours)
    return sent


async def _met_before(session: AsyncSession, pairing_id: int) -> bool:
    return (
        await session.scalar(
            select(MentoringSession.id).where(
                MentoringSession.pairing_id == pairing_id,
                MentoringSession.status == SessionStatus.HELD,
            )
        )
    ) is not None


async def _brief(
    session: AsyncSession,
    found: MentoringSession,
    pairing: Pairing,
    user: str,
    side: str,
    kit: Kit,
    now: datetime,
    hours: WorkingHours | None,
) -> int:
    values = {
        "team_id": found.team_id,
        "pairing_id": pairing.id,
        "session_id": found.id,
        "user_id": user,
        "side": side,
        "topic": found.topic or "",
        "sent_at": now,
    }
    if not await insert_ignore(session, BRIEFINGS, values, conflict=["pairing_id", "user_id"]):  # type: ignore[arg-type]
        return 0
    briefing_id = await session.scalar(
        select(Briefing.id).where(Briefing.pairing_id == pairing.id, Briefing.user_id == user)
    )
    partner = pairing.leader_user_id if side == "mentor" else pairing.mentor_user_id
    body = msg.briefing(
        briefing_id or 0,
        mentor=side == "mentor",
        partner_id=partner,
        starts_at=utc(found.starts_at),
        kit=kit,
    )
    # Held for working hours, but never past the session itself.
    when = min(await open_for(session, found.team_id, [user], now, hours), utc(found.starts_at))
    await send_dm(session, found.team_id, user, f"briefing:{pairing.id}", body, now, due_at=when)
    await enqueue_homes(session, found.team_id, {user}, now)
    return 1


async def briefing_kit(sessionmaker: SessionMaker, actor: Actor, briefing_id: int) -> Kit:
    async with sessionmaker() as session:
        row = await _own(session, actor, briefing_id)
        return await kit_for(session, actor.team_id, row.topic)


async def got_it(sessionmaker: SessionMaker, clock: Clock, actor: Actor, briefing_id: int) -> None:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        row = await _own(session, actor, briefing_id)
        if row.got_it_at is None:
            row.got_it_at = now
            await enqueue_homes(session, actor.team_id, {actor.user_id}, now)


async def _own(session: AsyncSession, actor: Actor, briefing_id: int) -> Briefing:
    row = await session.get(Briefing, briefing_id)
    if row is None or row.team_id != actor.team_id or row.user_id != actor.user_id:
        raise NotFound(NOT_YOURS)
    return row


async def new_briefings(session: AsyncSession, team_id: str, user_id: str) -> list[Briefing]:
    """Briefings the person has not said *Got it* to, for their Home."""
    found = await session.scalars(
        select(Briefing).where(
            Briefing.team_id == team_id, Briefing.user_id == user_id, Briefing.got_it_at.is_(None)
        )
    )
    return list(found.all())


async def announce(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, channel_id: str, click: str
) -> None:
    """Post the program's announcement in a channel, once per click, through the outbox."""
    await require_admin(sessionmaker, actor)
    now = clock.now()
    body = msg.announcement()
    async with sessionmaker() as session, session.begin():
        await enqueue(
            session,
            OutboundMessage(
                team_id=actor.team_id,
                dedup_key=f"{ANNOUNCE_KIND}:{actor.user_id}:{channel_id}:{click}",
                kind=ANNOUNCE_KIND,
                text=body["text"],
                blocks=body["blocks"],
                channel=channel_id,
            ),
            now,
        )


async def on_dead(session: AsyncSession, dead: DeadLetter) -> None:
    """The announcement could not be posted (the bot is not in that channel): tell the admin
    who asked."""
    if dead.kind != ANNOUNCE_KIND:
        return
    parts = dead.dedup_key.split(":")
    if len(parts) < 3:
        return
    admin, channel = parts[1], parts[2]
    body = msg.not_in_channel(channel)
    await send_dm(session, dead.team_id, admin, f"announce-failed:{dead.id}", body, dead.at)


async def for_leaver(session: AsyncSession, team_id: str, user_id: str) -> None:
    await session.execute(
        delete(Briefing).where(Briefing.team_id == team_id, Briefing.user_id == user_id)
    )
