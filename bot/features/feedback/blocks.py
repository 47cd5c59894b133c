"""The poll modal (its questions depend on the person's side of the pair), and its thank-you."""

from __future__ import annotations

from typing import Any

from bot.domain.feedback import (
    CONFIDENCE_LABELS,
    LEARNED_MAX,
    SHARED_BACK_LABELS,
    VALUE_LABELS,
    PollForm,
    is_low,
)
from bot.domain.sessions import SessionInfo
from bot.features.feedback.messages import PRIVATE, low_rating_offer
from bot.kit.blocks import Json, actions, button, context, option, plain, section
from bot.kit.ids import Action, Field, View
from bot.kit.payloads import SessionRef
from bot.kit.state import Values, selected, text, whole_number
from bot.kit.text import date_token, mention


def _radio(field: Field, label: str, labels: dict[Any, str], current: object) -> Json:
    element: Json = {
        "type": "radio_buttons",
        "action_id": field,
        "options": [option(v, str(k)) for k, v in labels.items()],
    }
    if current is not None and current in labels:
        element["initial_option"] = option(labels[current], str(current))
    return {"type": "input", "block_id": field, "label": plain(label), "element": element}


def poll_modal(info: SessionInfo, user_id: str, mentor: bool, row: Any, meta: str) -> Json:
    """Filled in with `row`'s answers when editing."""
    learned: Json = {"type": "plain_text_input", "multiline": True, "max_length": LEARNED_MAX}
    if row is not None and row.learned:
        learned["initial_value"] = row.learned
    partner = mention(info.partner_of(user_id).user_id)
    blocks: list[Json] = [
        section(f"Your session with {partner} on {date_token(info.starts_at, with_time=True)}."),
        _radio(Field.VALUE, "How valuable was it?", VALUE_LABELS, row.value if row else None),
        {
            "type": "input",
            "block_id": Field.LEARNED,
            "label": plain("One thing I learned"),
            "element": {**learned, "action_id": Field.LEARNED},
            "optional": True,
        },
    ]
    if mentor:
        blocks.append(
            _radio(
                Field.CONFIDENCE,
                "How confident did you feel sharing what you know?",
                CONFIDENCE_LABELS,
                row.confidence if row else None,
            )
        )
    else:
        current = row.shared_back if row else None
        blocks.append(
            _radio(
                Field.SHARED_BACK,
                "Did you get to share career insight back?",
                {str(k): v for k, v in SHARED_BACK_LABELS.items()},
                current,
            )
        )
    blocks.append(context(PRIVATE))
    return {
        "type": "modal",
        "callback_id": View.POLL,
        "title": plain("How did it go?"),
        "submit": plain("Send"),
        "close": plain("Later"),
        "private_metadata": meta,
        "blocks": blocks,
    }


def parse_poll(values: Values) -> PollForm:
    return PollForm(
        value=whole_number(selected(values, Field.VALUE)),
        learned=text(values, Field.LEARNED).strip(),
        confidence=whole_number(selected(values, Field.CONFIDENCE)),
        shared_back=selected(values, Field.SHARED_BACK),
    )


def thanks_modal(info: SessionInfo, value: int | None) -> Json:
    """The poll's thank-you: log notes now, and the private offer after a low rating."""
    ref = SessionRef(session_id=info.id).dump()
    blocks: list[Json] = [
        section(":pray: *Thank you!* You can change your answers for a day from my message."),
        actions("poll_thanks", [button("Log notes", Action.LOG_NOTES, value=ref)]),
    ]
    if is_low(value):
        blocks += low_rating_offer(info)
    blocks.append(context(PRIVATE))
    return {
        "type": "modal",
        "title": plain("Thank you"),
        "close": plain("Close"),
        "blocks": blocks,
    }
