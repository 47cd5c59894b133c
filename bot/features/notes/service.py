"""A pair's notes and action items: written by one of the two, read by both, edited or deleted
by their author alone; an action item is reminded on its due date at 09:00 in its owner's own
time zone, through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotAllowed, NotFound
from bot.domain.notes import ItemOwner, NoteForm, NoteInfo, note_errors, owners_of, reminder_at
from bot.domain.quiet import WorkingHours, next_open
from bot.domain.sessions import local
from bot.features.notes import messages as msg
from bot.features.notes import records as rec
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import ActionItem, MentoringSession, Pairing, Participant, SessionNote
from bot.platform.outbox import OutboundMessage, cancel, enqueue, enqueue_homes

NOT_THE_AUTHOR = "Only the person who wrote a note can change or delete it."


@dataclass(frozen=True)
class NoteTarget:
    """Where the notes modal writes: a pairing (and the session it is about, if any)."""

    pairing_id: int
    session_id: int | None
    partner_id: str
    note: NoteInfo | None = None


def _partner(pairing: Pairing, user_id: str) -> str:
    return pairing.leader_user_id if pairing.mentor_user_id == user_id else pairing.mentor_user_id


async def target(
    sessionmaker: SessionMaker,
    actor: Actor,
    *,
    pairing_id: int | None = None,
    session_id: int | None = None,
    note_id: int | None = None,
) -> NoteTarget:
    """The pairing a new note goes to (from a pairing or one of its sessions), or the note to
    edit; each refused to anyone but the pair (and an edit to anyone but the author)."""
    async with sessionmaker() as session:
        if note_id is not None:
            note, pairing = await rec.note_for(session, actor.team_id, actor.user_id, note_id)
            if note.author_user_id != actor.user_id:
                raise NotAllowed(NOT_THE_AUTHOR)
            return NoteTarget(
                pairing.id, note.session_id, _partner(pairing, actor.user_id), rec.to_info(note)
            )
        if session_id is not None:
            found = await session.get(MentoringSession, session_id)
            if found is None or found.team_id != actor.team_id:
                raise NotFound(rec.NOT_YOUR_PAIRING)
            if pairing_id is not None and found.pairing_id != pairing_id:
                raise NotFound(rec.NOT_YOUR_PAIRING)  # a session of another pairing
            pairing_id = found.pairing_id
        pairing = await rec.pairing_for(session, actor.team_id, actor.user_id, pairing_id or 0)
        return NoteTarget(pairing.id, session_id, _partner(pairing, actor.user_id))


async def save(
    sessionmaker: SessionMaker,
    clock: Clock,
    actor: Actor,
    to: NoteTarget,
    form: NoteForm,
    hours: WorkingHours | None = None,
) -> NoteInfo | dict[str, str]:
    """Write a new note, or replace the author's own; the action items' reminders follow."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        pairing = await rec.pairing_for(session, actor.team_id, actor.user_id, to.pairing_id)
        zones = await _zones(session, actor.team_id, pairing)
        today = local(now, zones.get(actor.user_id, "UTC")).date()
        errors = note_errors(form, today)
        if errors:
            return errors
        if to.note is not None:
            note, _ = await rec.note_for(session, actor.team_id, actor.user_id, to.note.id)
            if note.author_user_id != actor.user_id:
                raise NotAllowed(NOT_THE_AUTHOR)
            for old in note.items:
                await cancel(session, actor.team_id, now, owner=f"item:{old.id}")
            note.items.clear()
            await session.flush()
        else:
            note = SessionNote(
                team_id=actor.team_id,
                pairing_id=pairing.id,
                session_id=to.session_id,
                author_user_id=actor.user_id,
                created_at=now,
                items=[],  # a new note's list, so that nothing lazy-loads it
            )
            session.add(note)
        note.covered, note.taught, note.learned = form.covered, form.taught, form.learned
        note.updated_at = now
        partner = _partner(pairing, actor.user_id)
        for position, entry in enumerate(i for i in form.items if i.text):
            owner = ItemOwner(entry.owner or ItemOwner.ME)
            note.items.append(
                ActionItem(
                    team_id=actor.team_id,
                    pairing_id=pairing.id,
                    position=position,
                    text=entry.text,
                    owner=owner,
                    owner_user_ids=list(owners_of(owner, actor.user_id, partner)),
                    due_on=entry.due,
                    created_at=now,
                )
            )
        await session.flush()
        for saved in note.items:
            await _remind(
                session,
                saved,
                zones,
                partner_of=partner,
                author=actor.user_id,
                now=now,
                hours=hours,
            )
        await enqueue_homes(session, actor.team_id, {actor.user_id, partner}, now)
        return rec.to_info(note)


async def _zones(session: AsyncSession, team_id: str, pairing: Pairing) -> dict[str, str]:
    rows = await session.execute(
        select(Participant.slack_user_id, Participant.timezone).where(
            Participant.team_id == team_id,
            Participant.slack_user_id.in_((pairing.mentor_user_id, pairing.leader_user_id)),
        )
    )
    return {user: tz or "UTC" for user, tz in rows.all()}


async def _remind(
    session: AsyncSession,
    item: ActionItem,
    zones: dict[str, str],
    *,
    partner_of: str,
    author: str,
    now: datetime,
    hours: WorkingHours | None,
) -> None:
    """A DM to each owner at 09:00 on the due date in their own zone; still sent later that day
    by a bot that was down, never the day after."""
    if item.due_on is None:
        return
    for owner in item.owner_user_ids:
        zone_name = zones.get(owner, "UTC")
        at = reminder_at(item.due_on, zone_name)
        if at + timedelta(hours=12) <= now:
            continue
        if hours is not None:  # a due date on a day off: the next working morning
            at = next_open(max(at, now), zone_name, hours)
        other = partner_of if owner == author else author
        body = msg.item_due(item.id, item.text, other)
        await enqueue(
            session,
            OutboundMessage(
                team_id=item.team_id,
                dedup_key=f"action-item:{item.id}:{owner}",
                kind="action-item",
                text=body["text"],
                blocks=body["blocks"],
                channel=owner,
                due_at=max(at, now),
                expires_at=at + timedelta(hours=12),
                owner=f"item:{item.id}",
            ),
            now,
        )


async def delete_note(sessionmaker: SessionMaker, clock: Clock, actor: Actor, note_id: int) -> None:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        note, pairing = await rec.note_for(session, actor.team_id, actor.user_id, note_id)
        if note.author_user_id != actor.user_id:
            raise NotAllowed(NOT_THE_AUTHOR)
        for item in note.items:
            await cancel(session, actor.team_id, now, owner=f"item:{item.id}")
        await session.delete(note)
        members = {pairing.mentor_user_id, pairing.leader_user_id}
        await enqueue_homes(session, actor.team_id, members, now)


async def item_done(sessionmaker: SessionMaker, clock: Clock, actor: Actor, item_id: int) -> str:
    """Either of the pair can tick an item off; its reminders are taken back."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        item, pairing = await rec.item_for(session, actor.team_id, actor.user_id, item_id)
        if item.done_at is None:
            item.done_at, item.done_by = now, actor.user_id
            await cancel(session, actor.team_id, now, owner=f"item:{item.id}")
            members = {pairing.mentor_user_id, pairing.leader_user_id}
            await enqueue_homes(session, actor.team_id, members, now)
        return item.text


async def for_leaver(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Someone leaves: the notes they wrote go (with their action items and reminders); the
    partner's own notes stay the partner's."""
    notes = (
        await session.scalars(
            select(SessionNote).where(
                SessionNote.team_id == team_id, SessionNote.author_user_id == user_id
            )
        )
    ).all()
    for note in notes:
        for item in note.items:
            await cancel(session, team_id, now, owner=f"item:{item.id}")
    await session.execute(delete(ActionItem).where(ActionItem.note_id.in_([n.id for n in notes])))
    await session.execute(delete(SessionNote).where(SessionNote.id.in_([n.id for n in notes])))
    # Items in the partner's notes stay theirs, but nothing more is sent to the one who left.
    theirs = await session.scalars(select(ActionItem).where(ActionItem.team_id == team_id))
    for item in theirs.all():
        if user_id in (item.owner_user_ids or []):
            await cancel(session, team_id, now, key=f"action-item:{item.id}:{user_id}")
