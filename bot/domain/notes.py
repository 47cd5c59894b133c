"""A pair's notes and action items. Pure: no I/O.

A note is the pair's: both members read it, its author alone edits or deletes it, and nobody
else reads it (the queries that load notes always name the reader)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum

from bot.domain.sessions import zone

TEXT_MAX = 1000  # each of covered, taught, learned
ITEM_MAX = 300
MAX_ITEMS = 3
REMIND_AT = time(9, 0)  # an action item's reminder, in its owner's own time zone


class ItemOwner(StrEnum):
    ME = "me"
    PARTNER = "partner"
    BOTH = "both"


OWNER_LABELS = {ItemOwner.ME: "Me", ItemOwner.PARTNER: "My partner", ItemOwner.BOTH: "Both of us"}


@dataclass(frozen=True)
class ItemForm:
    text: str
    owner: str | None
    due: date | None


@dataclass(frozen=True)
class NoteForm:
    covered: str
    taught: str
    learned: str
    items: tuple[ItemForm, ...] = ()


def note_errors(form: NoteForm, today: date) -> dict[str, str]:
    """What to fix, by field name (`covered`, ..., `item_1`, `item_1_due`...)."""
    errors: dict[str, str] = {}
    for name in ("covered", "taught", "learned"):
        if len(getattr(form, name)) > TEXT_MAX:
            errors[name] = f"Keep it under {TEXT_MAX:,} characters."
    for i, item in enumerate(form.items, start=1):
        if len(item.text) > ITEM_MAX:
            errors[f"item_{i}"] = f"Keep an action item under {ITEM_MAX} characters."
        elif not item.text and item.due is not None:
            errors[f"item_{i}"] = "Say what the action item is, or clear its date."
        if item.text and item.owner not in {o.value for o in ItemOwner}:
            errors[f"item_{i}_owner"] = "Choose who does it."
        if item.due is not None and item.due < today:
            errors[f"item_{i}_due"] = "Pick today or a later date."
    nothing = not (form.covered or form.taught or form.learned) and not any(
        i.text for i in form.items
    )
    if nothing:
        errors["covered"] = "Write something, or add an action item."
    return errors


def owners_of(owner: ItemOwner, author: str, partner: str) -> tuple[str, ...]:
    return {
        ItemOwner.ME: (author,),
        ItemOwner.PARTNER: (partner,),
        ItemOwner.BOTH: (author, partner),
    }[owner]


def reminder_at(due: date, timezone: str) -> datetime:
    """09:00 on the due date in the owner's own zone, as UTC."""
    return datetime.combine(due, REMIND_AT, tzinfo=zone(timezone)).astimezone(UTC)


@dataclass(frozen=True)
class ActionItemInfo:
    id: int
    note_id: int
    pairing_id: int
    text: str
    owner: ItemOwner
    owners: tuple[str, ...]
    due: date | None
    done: bool


@dataclass(frozen=True)
class NoteInfo:
    """A note as one of the pair reads it."""

    id: int
    pairing_id: int
    session_id: int | None
    author: str
    covered: str
    taught: str
    learned: str
    written_at: datetime
    items: tuple[ActionItemInfo, ...] = field(default_factory=tuple)
