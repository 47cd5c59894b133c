"""Shared bits for the stand-in's tests: Block Kit and modal builders, and Slack error capture."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError


def section(t: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": t}}


def modal(title: str = "Join the program", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "join",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Join"},
        "blocks": [
            {
                "type": "input",
                "block_id": "goal",
                "label": {"type": "plain_text", "text": "Goal"},
                "element": {"type": "plain_text_input", "action_id": "goal_input"},
            }
        ],
        **extra,
    }


async def slack_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        await call
    data: dict[str, Any] = info.value.response.data
    assert data["ok"] is False
    return data
