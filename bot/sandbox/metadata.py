"""Message metadata as Slack takes it on chat.postMessage / chat.update.

``metadata`` is a JSON object (or a JSON-encoded string of one, when form-encoded) of the form
``{"event_type": "task_created", "event_payload": {...}}``. Slack answers
``invalid_metadata_format`` when it is not a JSON object and ``invalid_metadata_schema`` when
`event_type` or `event_payload` is missing or of the wrong type. An `event_type` with characters
other than letters, digits, underscores and hyphens is not an error: Slack posts the message,
drops the metadata and warns ``invalid_metadata_schema``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sandbox.records import JSON, SlackError

EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")
SCHEMA_WARNING = "invalid_metadata_schema"


class Absent:
    """No `metadata` argument at all (chat.update then keeps the message's metadata)."""


ABSENT = Absent()


def parse_metadata(raw: Any, *, clearing: bool = False) -> tuple[JSON | None | Absent, str | None]:
    """(the metadata to store, a warning to answer with) for a `metadata` argument.

    `clearing`: chat.update, where an empty object removes the message's metadata (None).
    Raises Slack's error for metadata it refuses.
    """
    if raw is None or raw == "":
        return ABSENT, None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise SlackError("invalid_metadata_format") from None
    if not isinstance(raw, dict):
        raise SlackError("invalid_metadata_format")
    if clearing and not raw:
        return None, None
    event_type, payload = raw.get("event_type"), raw.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise SlackError("invalid_metadata_schema")
    if not EVENT_TYPE.fullmatch(event_type):
        return ABSENT, SCHEMA_WARNING
    stored: JSON = json.loads(json.dumps({"event_type": event_type, "event_payload": payload}))
    return stored, None


def with_warning(body: JSON, warning: str | None) -> JSON:
    """`body` with Slack's warning fields (`warning` and `response_metadata.warnings`)."""
    if warning is not None:
        body["warning"] = warning
        body.setdefault("response_metadata", {}).setdefault("warnings", []).append(warning)
    return body
