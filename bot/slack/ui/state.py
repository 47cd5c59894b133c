"""Reading a submitted modal's `view.state.values`: each input's block_id and action_id are the
same `Field`, and a missing or odd shape reads as an empty answer, never an exception."""

from __future__ import annotations

from typing import Any

Values = dict[str, dict[str, Any]]


def element(values: Values, field: str) -> dict[str, Any]:
    return dict(values.get(field, {}).get(field) or {})


def selected(values: Values, field: str) -> str | None:
    """The value of a single select's chosen option."""
    value = (element(values, field).get("selected_option") or {}).get("value")
    return str(value) if value is not None else None


def many(values: Values, field: str) -> tuple[str, ...]:
    """The values of a multi select's (or checkboxes') chosen options."""
    return tuple(str(o.get("value")) for o in element(values, field).get("selected_options") or [])
