"""An action item's reminder on its due date."""

from __future__ import annotations

from typing import Any

from bot.kit.blocks import Block, actions, button, message, section
from bot.kit.ids import Action, numbered
from bot.kit.payloads import ItemRef
from bot.kit.text import esc, mention


def item_due(item_id: int, text: str, partner_id: str) -> dict[str, Any]:
    body = (
        f":pushpin: *Due today:* {esc(text, 300)}\n"
        f"From your Flipside notes with {mention(partner_id)}."
    )
    blocks: list[Block] = [
        section(body),
        actions(
            f"item_{item_id}",
            [
                button(
                    "Done",
                    numbered(Action.ITEM_DONE, item_id),
                    value=ItemRef(item_id=item_id).dump(),
                    style="primary",
                )
            ],
        ),
    ]
    return message(f"Due today: {esc(text, 150)}", blocks)
