"""The modals: a kit to read, a kit to edit (admins), and where to announce the program."""

from __future__ import annotations

from bot.domain.kits import EXERCISE_MAX, EXPERTISE_MAX, STARTER_MAX, WHY_MAX, Kit
from bot.features.kits.messages import kit_blocks
from bot.kit.blocks import Json, plain, section
from bot.kit.ids import Field, View
from bot.kit.state import Values, element, text

STARTERS = (Field.STARTER_1, Field.STARTER_2, Field.STARTER_3)


def kit_modal(kit: Kit) -> Json:
    return {
        "type": "modal",
        "callback_id": View.KIT,
        "title": plain("Topic kit"),
        "close": plain("Close"),
        "blocks": kit_blocks(kit),
    }


def _text(field: Field, label: str, value: str, limit: int, *, multiline: bool = True) -> Json:
    return {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "element": {
            "type": "plain_text_input",
            "action_id": field,
            "multiline": multiline,
            "max_length": limit,
            "initial_value": value[:limit],
        },
    }


def kit_edit_modal(kit: Kit, meta: str) -> Json:
    blocks: list[Json] = [
        section(
            f"*{kit.topic}*: what every pair with this focus gets in their briefing and with "
            "`/mentor kit`."
            + ("" if kit.edited else " These are the default words; your edit replaces them.")
        ),
        _text(Field.WHY, "Why it matters to a leader now", kit.why, WHY_MAX),
    ]
    for i, (field, starter) in enumerate(zip(STARTERS, kit.starters, strict=True), start=1):
        blocks.append(
            _text(field, f"Conversation starter {i}", starter, STARTER_MAX, multiline=False)
        )
    blocks += [
        _text(Field.EXERCISE, "A hands-on exercise to do together", kit.exercise, EXERCISE_MAX),
        _text(Field.EXPERTISE, "What counts as expertise here", kit.expertise, EXPERTISE_MAX),
    ]
    return {
        "type": "modal",
        "callback_id": View.KIT_EDIT,
        "title": plain("Edit a topic kit"),
        "submit": plain("Save"),
        "close": plain("Back"),
        "private_metadata": meta,
        "blocks": blocks,
    }


def parse_kit(values: Values) -> dict[str, str]:
    fields = (Field.WHY, *STARTERS, Field.EXERCISE, Field.EXPERTISE)
    return {str(f): text(values, f) for f in fields}


def announce_modal() -> Json:
    return {
        "type": "modal",
        "callback_id": View.ANNOUNCE,
        "title": plain("Announce the program"),
        "submit": plain("Announce"),
        "close": plain("Back"),
        "blocks": [
            section(
                "I'll post an announcement: what reverse mentoring is, what it asks of each "
                "side, how to join, with a *Join* button that opens the opt-in form."
            ),
            {
                "type": "input",
                "block_id": Field.ANNOUNCE_CHANNEL,
                "label": plain("Channel"),
                "element": {
                    "type": "conversations_select",
                    "action_id": Field.ANNOUNCE_CHANNEL,
                    "placeholder": plain("Choose a channel"),
                    "filter": {"include": ["public", "private"], "exclude_bot_users": True},
                },
            },
        ],
    }


def parse_channel(values: Values) -> str | None:
    chosen = element(values, Field.ANNOUNCE_CHANNEL).get("selected_conversation")
    if isinstance(chosen, str) and chosen[:1] in ("C", "G") and chosen.isalnum():
        return chosen
    return None
