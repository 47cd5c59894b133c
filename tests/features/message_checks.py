"""Checks every message test shares: valid Block Kit within Slack's limits, and what a reader
sees of a message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.sandbox import BlockKitValidator, find_schema_dir
from bot.sandbox.validation import limit_problems

SKIP_NO_SCHEMAS = (
    "Slack schemas not found: set SLACK_SCHEMAS_DIR or place ../shared/slack-schemas beside the "
    "checkout"
)
NASTY = "R&D <script> a>b"
ESCAPED = "R&amp;D &lt;script&gt; a&gt;b"

Message = dict[str, Any]


@pytest.fixture(params=["schema", "fallback"])
def validator(request: pytest.FixtureRequest) -> BlockKitValidator:
    if request.param == "fallback":
        return BlockKitValidator(schema_dir=None)
    if find_schema_dir() is None:
        pytest.skip(SKIP_NO_SCHEMAS)
    return BlockKitValidator()


def walk(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def texts(message: Message) -> list[str]:
    """Every piece of text a reader can see: the fallback and each text object."""
    found = [message["text"]]
    for node in walk(message["blocks"]):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            found.append(node["text"])
    return found


def all_text(message: Message) -> str:
    return "\n".join(texts(message))


def buttons(message: Message) -> list[dict[str, Any]]:
    return [n for n in walk(message["blocks"]) if n.get("type") == "button"]


def assert_valid(validator: BlockKitValidator, message: Message) -> None:
    assert isinstance(message["text"], str) and message["text"].strip()
    assert validator.check_blocks(message["blocks"]) == []
    assert limit_problems(message["blocks"], max_blocks=50) == []
    for node in walk(message["blocks"]):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75
            assert len(node.get("value", "")) <= 2000
    json.dumps(message)  # plain data all the way down
