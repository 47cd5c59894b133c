"""Reading a submitted modal's `view.state.values`: each input's block_id and action_id are the
same `Field`, and a missing or odd shape reads as an empty answer, never an exception."""

from __future__ import annotations

from typing import Any

Values = dict[str, dict[str, Any]]


def values_of(view: object) -> Values:
    """`view.state.values`, or nothing when any level of it has the wrong shape."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return {}
    return {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, dict)}


def element(values: Values, field: str) -> dict[str, Any]:
    found = values.get(field, {}).get(field)
    return dict(found) if isinstance(found, dict) else {}


def text(values: Values, field: str) -> str:
    """A plain text input's value."""
    value = element(values, field).get("value")
    return value if isinstance(value, str) else ""


def selected(values: Values, field: str) -> str | None:
    """The value of a single select's chosen option."""
    chosen = element(values, field).get("selected_option")
    value = chosen.get("value") if isinstance(chosen, dict) else None
    return value if isinstance(value, str) else None


def many(values: Values, field: str) -> tuple[str, ...]:
    """The values of a multi select's (or checkboxes') chosen options."""
    chosen = element(values, field).get("selected_options")
    if not isinstance(chosen, list):
        return ()
    return tuple(
        o["value"] for o in chosen if isinstance(o, dict) and isinstance(o.get("value"), str)
    )


def users(values: Values, field: str) -> tuple[str, ...]:
    """The ids of a multi users select's chosen people."""
    chosen = element(values, field).get("selected_users")
    return tuple(u for u in chosen if isinstance(u, str)) if isinstance(chosen, list) else ()


def whole_number(raw: str | None) -> int | None:
    """A non-negative whole number typed or chosen, or None (`"²"` is a digit, not a number)."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    return int(raw)
