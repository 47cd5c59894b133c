"""What Slack's client puts in `state.values` and `actions[]` for each Block Kit element."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from bot.sandbox.records import JSON

UNSET: Any = object()
STATELESS = {"button", "overflow", "workflow_button", "image", "feedback_buttons", "icon_button"}
_TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_ONE_OPTION = {"static_select", "external_select", "radio_buttons", "overflow"}
_MANY_OPTIONS = {"multi_static_select", "multi_external_select", "checkboxes"}
_PICKERS = {  # element type -> (state key, initial key)
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "rich_text_input": ("rich_value", "initial_value"),
    "file_input": ("files", "_"),
}


def iter_elements(blocks: list[JSON]) -> Iterator[tuple[str, JSON]]:
    """(block_id, element) for every element with an action_id, in display order."""
    for block in blocks:
        candidates = [block.get("accessory"), block.get("element")]
        if block.get("type") in ("actions", "context_actions"):
            candidates += block.get("elements") or []
        for element in candidates:
            if isinstance(element, dict) and "action_id" in element:
                yield str(block.get("block_id", "")), element


def _all_options(element: JSON) -> list[JSON]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _option(element: JSON, value: object) -> JSON:
    if isinstance(value, dict):
        return value
    options = _all_options(element)
    if not options and element["type"] in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    for option in options:
        if option.get("value") == value:
            return dict(option)
    choices = [o.get("value") for o in options]
    raise AssertionError(f"{element['action_id']!r} has no option {value!r}; options: {choices}")


def element_state(element: JSON, value: object = UNSET) -> JSON:
    """`view.state.values[block_id][action_id]` for an element, as Slack's client fills it."""
    kind, given = element["type"], value is not UNSET
    if kind in _TEXT_INPUTS:
        current = value if given else element.get("initial_value")
        return {"type": kind, "value": None if current is None else str(current)}
    if kind in _ONE_OPTION:
        option = (_option(element, value) if value is not None else None) if given else None
        return {"type": kind, "selected_option": option or element.get("initial_option")}
    if kind in _MANY_OPTIONS:
        if given:
            chosen = [_option(element, v) for v in (value if isinstance(value, list) else [value])]
        else:
            chosen = list(element.get("initial_options") or [])
        return {"type": kind, "selected_options": chosen}
    if kind not in _PICKERS:
        raise AssertionError(f"the driver cannot fill a {kind!r} element yet")
    key, initial = _PICKERS[kind]
    current = value if given else element.get(initial)
    if kind.startswith("multi_") or kind == "file_input":
        current = (
            [current]
            if isinstance(current, str)
            else list(current or [])
            if isinstance(current, list | tuple)
            else []
        )
    elif kind == "datepicker" and current is not None:
        date.fromisoformat(str(current))  # a real client can only pick a real date
    elif kind == "timepicker" and current is not None:
        datetime.strptime(str(current), "%H:%M")
    elif kind == "datetimepicker" and current is not None:
        current = int(str(current))
    elif kind == "rich_text_input" and isinstance(current, str):
        current = {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": current}]}
            ],
        }
    return {"type": kind, key: current}


def is_empty(state: JSON) -> bool:
    return all(v in (None, "", []) for k, v in state.items() if k != "type")


def build_state(blocks: list[JSON], values: Mapping[str, object] | None = None) -> JSON:
    """`state` for a view or message: every stateful element, overridden by `values`
    (keyed by action_id or block_id); an unknown key is an AssertionError."""
    remaining = dict(values or {})
    state: dict[str, dict[str, JSON]] = {}
    for block_id, element in iter_elements(blocks):
        if element["type"] in STATELESS:
            continue
        action_id = element["action_id"]
        key = action_id if action_id in remaining else block_id if block_id in remaining else None
        value = remaining.pop(key) if key is not None else UNSET
        state.setdefault(block_id, {})[action_id] = element_state(element, value)
    if remaining:
        known = [f"{b}/{e['action_id']}" for b, e in iter_elements(blocks)]
        raise AssertionError(f"no input {sorted(remaining)} in this view; inputs: {known}")
    return {"values": state}
