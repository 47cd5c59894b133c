"""Reading who and where a signed payload is from, in every shape Slack sends."""

from __future__ import annotations

from typing import Any


class MalformedPayload(ValueError):
    """A signed payload missing what every payload of its kind has."""


def team_of(body: dict[str, Any]) -> str:
    """The workspace a payload comes from."""
    team = body.get("team_id") or _get(body.get("team"), "id")
    team = team or _get(body.get("user"), "team_id")
    if not isinstance(team, str) or not team:
        raise MalformedPayload("payload has no team")
    return team


def user_of(body: dict[str, Any]) -> str:
    """The person who acted."""
    user = body.get("user_id") or _get(body.get("user"), "id")
    if not isinstance(user, str) or not user:
        raise MalformedPayload("payload has no user")
    return user


def first_action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        raise MalformedPayload("block_actions without an action")
    return actions[0]


def action_value(action: dict[str, Any]) -> str:
    """A button's value, or a select's (or overflow's) chosen option's."""
    value = action.get("value")
    if value is None:
        chosen = action.get("selected_option")
        value = chosen.get("value") if isinstance(chosen, dict) else None
    return value if isinstance(value, str) else ""


def _get(obj: object, key: str) -> object:
    return obj.get(key) if isinstance(obj, dict) else None
