"""The notes modal (what we covered, taught, learned, and up to three action items) and the
pair's notes as a list, for a message or a modal."""

from __future__ import annotations

from datetime import date

from bot.domain.notes import (
    ITEM_MAX,
    MAX_ITEMS,
    OWNER_LABELS,
    TEXT_MAX,
    ItemForm,
    ItemOwner,
    NoteForm,
    NoteInfo,
)
from bot.kit.blocks import Json, actions, button, confirm, context, divider, option, plain, section
from bot.kit.ids import Action, Field, View, numbered
from bot.kit.payloads import NoteRef, PairingRef
from bot.kit.state import Values, element, selected, text
from bot.kit.text import date_token, day, esc, mention

ITEMS = (
    (Field.ITEM_1, Field.ITEM_1_OWNER, Field.ITEM_1_DUE),
    (Field.ITEM_2, Field.ITEM_2_OWNER, Field.ITEM_2_DUE),
    (Field.ITEM_3, Field.ITEM_3_OWNER, Field.ITEM_3_DUE),
)
assert len(ITEMS) == MAX_ITEMS


def _input(field: Field, label: str, element: Json, *, optional: bool = True) -> Json:
    return {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "element": {**element, "action_id": field},
        "optional": optional,
    }


def _text(field: Field, label: str, initial: str, limit: int, *, multiline: bool = True) -> Json:
    el: Json = {"type": "plain_text_input", "multiline": multiline, "max_length": limit}
    if initial:
        el["initial_value"] = initial[:limit]
    return _input(field, label, el)


def note_modal(partner_id: str, meta: str, note: NoteInfo | None = None) -> Json:
    owners = [option(label, str(value)) for value, label in OWNER_LABELS.items()]
    blocks: list[Json] = [
        section(
            f"Notes for you and {mention(partner_id)}: you both can read them, only you can "
            "change them, and nobody else sees them (not the program team either)."
        ),
        _text(Field.COVERED, "What we covered", note.covered if note else "", TEXT_MAX),
        _text(Field.TAUGHT, "What I taught", note.taught if note else "", TEXT_MAX),
        _text(Field.LEARNED, "What I learned", note.learned if note else "", TEXT_MAX),
        divider(),
        section("*Action items* (optional)"),
    ]
    existing = list(note.items) if note else []
    for n, (what, who, due) in enumerate(ITEMS, start=1):
        item = existing[n - 1] if n <= len(existing) else None
        blocks.append(
            _text(what, f"Action item {n}", item.text if item else "", ITEM_MAX, multiline=False)
        )
        owner: Json = {
            "type": "static_select",
            "options": owners,
            "placeholder": plain("Me, my partner or both"),
        }
        if item is not None:
            owner["initial_option"] = option(OWNER_LABELS[item.owner], str(item.owner))
        blocks.append(_input(who, f"Who does item {n}", owner))
        picker: Json = {"type": "datepicker"}
        if item is not None and item.due is not None:
            picker["initial_date"] = item.due.isoformat()
        blocks.append(_input(due, f"Due date for item {n}", picker))
    return {
        "type": "modal",
        "callback_id": View.NOTE,
        "title": plain("Edit notes" if note else "Log notes"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": meta,
        "blocks": blocks,
    }


def _date(values: Values, field: Field) -> date | None:
    raw = element(values, field).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def parse_note(values: Values) -> NoteForm:
    items = tuple(
        ItemForm(text(values, what).strip(), selected(values, who), _date(values, due))
        for what, who, due in ITEMS
    )
    return NoteForm(
        covered=text(values, Field.COVERED).strip(),
        taught=text(values, Field.TAUGHT).strip(),
        learned=text(values, Field.LEARNED).strip(),
        items=tuple(i for i in items if i.text or i.due or i.owner),
    )


def errors_on_fields(errors: dict[str, str]) -> dict[str, str]:
    """The domain's field names are the modal's block ids already."""
    return errors


def note_blocks(note: NoteInfo, reader: str) -> list[Json]:
    """One note as the pair reads it; its author gets *Edit* and *Delete*."""
    by = "You" if note.author == reader else mention(note.author)
    parts = [f"*{by}* · {date_token(note.written_at)}"]
    for label, value in (
        ("What we covered", note.covered),
        ("What was taught", note.taught),
        ("What was learned", note.learned),
    ):
        if value:
            parts.append(f"*{label}:* {esc(value, 900)}")
    for item in note.items:
        who = OWNER_LABELS[ItemOwner(item.owner)]
        due = f", due {day(item.due)}" if item.due else ""
        tick = ":white_check_mark:" if item.done else ":black_square_button:"
        parts.append(f"{tick} {esc(item.text, 300)} ({who.lower()} of the author{due})")
    blocks: list[Json] = [section("\n".join(parts)[:3000])]
    if note.author == reader:
        ref = NoteRef(note_id=note.id).dump()
        blocks.append(
            actions(
                f"note_{note.id}",
                [
                    button("Edit", numbered(Action.EDIT_NOTE, note.id), value=ref),
                    {
                        **button(
                            "Delete",
                            numbered(Action.DELETE_NOTE, note.id),
                            value=ref,
                            style="danger",
                        ),
                        "confirm": confirm(
                            "Delete this note?",
                            "It is gone for both of you.",
                            "Delete",
                            "Keep it",
                            danger=True,
                        ),
                    },
                ],
            )
        )
    return blocks


def notes_list(notes: list[NoteInfo], reader: str, pairing_id: int, partner_id: str) -> list[Json]:
    """The pair's notes, newest first, within Slack's 50 blocks of a message."""
    log = button(
        "Log notes",
        numbered(Action.LOG_NOTES, pairing_id),
        value=PairingRef(pairing_id=pairing_id).dump(),
        style="primary",
    )
    blocks: list[Json] = [section(f"*Your notes with {mention(partner_id)}*")]
    if not notes:
        blocks.append(
            section(
                "No notes yet. After a session, *Log notes* keeps what you covered "
                "and what each of you will do next."
            )
        )
    for note in notes[:15]:
        blocks += note_blocks(note, reader)
    if len(notes) > 15:
        blocks.append(context(f"…and {len(notes) - 15} older notes (see `/mentor export`)."))
    blocks.append(actions(f"notes_actions_{pairing_id}", [log]))
    return blocks


def choose_pairing_modal(partners: list[tuple[int, str]]) -> Json:
    return {
        "type": "modal",
        "callback_id": View.CHOOSE_NOTES,
        "title": plain("Notes"),
        "submit": plain("Show notes"),
        "close": plain("Cancel"),
        "blocks": [
            _input(
                Field.PAIRING,
                "Whose notes?",
                {
                    "type": "static_select",
                    "placeholder": plain("Choose a partner"),
                    "options": [option(name, str(pid)) for pid, name in partners[:100]],
                },
                optional=False,
            )
        ],
    }


def notes_modal(blocks: list[Json]) -> Json:
    return {"type": "modal", "title": plain("Notes"), "close": plain("Close"), "blocks": blocks}
