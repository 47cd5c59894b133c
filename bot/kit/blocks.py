"""Small builders for Block Kit objects; each keeps its piece inside Slack's limits."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
Block = Json

TITLE_MAX = 24  # a modal's title, submit and close texts


def plain(text: str, *, emoji: bool = True) -> Json:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def md(text: str) -> Json:
    return {"type": "mrkdwn", "text": text}


def section(text: str, *, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": md(text)}
    if block_id:
        block["block_id"] = block_id
    return block


def context(*texts: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [md(t) for t in texts]}
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text[:150])}


def divider() -> Block:
    return {"type": "divider"}


def actions(block_id: str, elements: list[Json]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": elements[:25]}


def button(label: str, action_id: str, *, value: str = "", style: str | None = None) -> Json:
    element: Json = {"type": "button", "text": plain(label[:75]), "action_id": action_id}
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def link_button(label: str, action_id: str, url: str) -> Json:
    """A button that opens `url` (at most 3,000 characters); Slack still sends the click."""
    if len(url) > 3000:
        raise ValueError("a button's url is at most 3,000 characters")
    return {"type": "button", "text": plain(label[:75]), "action_id": action_id, "url": url}


def option(label: str, value: str) -> Json:
    return {"text": plain(label[:75]), "value": value}


def confirm(title: str, text: str, yes: str, no: str, *, danger: bool = False) -> Json:
    """A confirmation dialog for a button."""
    dialog: Json = {
        "title": plain(title[:100]),
        "text": plain(text[:300]),
        "confirm": plain(yes[:30]),
        "deny": plain(no[:30]),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def message(text: str, blocks: list[Block]) -> Json:
    """A message body: `text` is the notification and screen-reader line, `blocks` what shows."""
    return {"text": text, "blocks": blocks}


def notice_modal(title: str, text: str) -> Json:
    """A modal that only tells something (where an ephemeral message is not possible)."""
    return {
        "type": "modal",
        "title": plain(title[:TITLE_MAX]),
        "close": plain("Close"),
        "blocks": [section(text[:3000])],
    }
