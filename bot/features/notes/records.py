"""Reading notes and action items, always as one named reader: a query returns only what
belongs to a pairing the reader is one of the two in. Nobody else reads a note: not an admin,
not a later partner of either, not someone with a tampered id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotFound
from bot.domain.notes import ActionItemInfo, ItemOwner, NoteInfo
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import ActionItem, Pairing, SessionNote

NOT_YOURS = "That note isn't one of yours to see, or it no longer exists. Nothing has changed."
NOT_YOUR_PAIRING = "This is someone else's pairing, so its notes are theirs. Nothing has changed."


def _member(reader: str) -> Any:
    return or_(Pairing.mentor_user_id == reader, Pairing.leader_user_id == reader)


async def pairing_for(session: AsyncSession, team_id: str, reader: str, pairing_id: int) -> Pairing:
    pairing = await session.scalar(
        select(Pairing).where(Pairing.id == pairing_id, Pairing.team_id == team_id, _member(reader))
    )
    if pairing is None:
        raise NotFound(NOT_YOUR_PAIRING)
    return pairing


async def note_for(
    session: AsyncSession, team_id: str, reader: str, note_id: int
) -> tuple[SessionNote, Pairing]:
    found = (
        await session.execute(
            select(SessionNote, Pairing)
            .join(Pairing, Pairing.id == SessionNote.pairing_id)
            .where(SessionNote.id == note_id, SessionNote.team_id == team_id, _member(reader))
        )
    ).first()
    if found is None:
        raise NotFound(NOT_YOURS)
    return found[0], found[1]


async def item_for(
    session: AsyncSession, team_id: str, reader: str, item_id: int
) -> tuple[ActionItem, Pairing]:
    found = (
        await session.execute(
            select(ActionItem, Pairing)
            .join(Pairing, Pairing.id == ActionItem.pairing_id)
            .where(ActionItem.id == item_id, ActionItem.team_id == team_id, _member(reader))
        )
    ).first()
    if found is None:
        raise NotFound(NOT_YOURS)
    return found[0], found[1]


def to_info(note: SessionNote) -> NoteInfo:
    return NoteInfo(
        id=note.id,
        pairing_id=note.pairing_id,
        session_id=note.session_id,
        author=note.author_user_id,
        covered=note.covered,
        taught=note.taught,
        learned=note.learned,
        written_at=note.created_at,
        items=tuple(item_info(i) for i in note.items),
    )


def item_info(item: ActionItem) -> ActionItemInfo:
    return ActionItemInfo(
        id=item.id,
        note_id=item.note_id,
        pairing_id=item.pairing_id,
        text=item.text,
        owner=ItemOwner(item.owner),
        owners=tuple(item.owner_user_ids or ()),
        due=item.due_on,
        done=item.done_at is not None,
    )


async def notes_of(
    session: AsyncSession, team_id: str, reader: str, pairing_id: int
) -> list[NoteInfo]:
    """The pair's notes, newest first, for one of the two."""
    await pairing_for(session, team_id, reader, pairing_id)
    notes = await session.scalars(
        select(SessionNote)
        .join(Pairing, Pairing.id == SessionNote.pairing_id)
        .where(SessionNote.pairing_id == pairing_id, SessionNote.team_id == team_id)
        .where(_member(reader))
        .order_by(SessionNote.created_at.desc(), SessionNote.id.desc())
    )
    return [to_info(n) for n in notes.all()]


async def open_items(session: AsyncSession, team_id: str, reader: str) -> list[ActionItemInfo]:
    """The reader's open action items, in pairings they are in, soonest due first."""
    rows = await session.scalars(
        select(ActionItem)
        .join(Pairing, Pairing.id == ActionItem.pairing_id)
        .where(ActionItem.team_id == team_id, ActionItem.done_at.is_(None), _member(reader))
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    return [item_info(i) for i in rows.all() if reader in (i.owner_user_ids or [])]


async def export(sessionmaker: SessionMaker, team_id: str, user_id: str) -> dict[str, Any]:
    """The notes the person wrote, and the action items they own, for their own export."""
    async with sessionmaker() as session:
        mine = await session.scalars(
            select(SessionNote).where(
                SessionNote.team_id == team_id, SessionNote.author_user_id == user_id
            )
        )
        notes = [to_info(n) for n in mine.all()]
        items = await open_items(session, team_id, user_id)
    return {
        "notes_i_wrote": [
            {
                "written_at": n.written_at.isoformat(),
                "what_we_covered": n.covered,
                "what_i_taught": n.taught,
                "what_i_learned": n.learned,
                "action_items": [
                    {"text": i.text, "owner": str(i.owner), "due": str(i.due or ""), "done": i.done}
                    for i in n.items
                ],
            }
            for n in notes
        ],
        "my_open_action_items": [{"text": i.text, "due": str(i.due or "")} for i in items],
    }
