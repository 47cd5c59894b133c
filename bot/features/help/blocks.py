"""The `/mentor help` message, also shown for a command the bot does not know."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.kit.blocks import context, divider, section
from bot.kit.ids import Block as B
from bot.kit.text import esc

UNKNOWN_SHOWN = 100  # characters of an unknown command echoed back


class CommandHelp(Protocol):
    @property
    def usage(self) -> str: ...  # what follows `/mentor`
    @property
    def summary(self) -> str: ...
    @property
    def admin_only(self) -> bool: ...
    @property
    def listed(self) -> bool: ...


def help_message(
    commands: Sequence[CommandHelp],
    *,
    unknown: str | None = None,
    suggestion: str | None = None,
    is_admin: bool = False,
) -> dict[str, Any]:
    """An ephemeral message: text for notifications, blocks for the client."""
    lines = []
    if unknown is not None:
        lead = f"I don't know `/mentor {esc(unknown, UNKNOWN_SHOWN)}`."
        if suggestion:
            lead += f" Did you mean `/mentor {suggestion}`?"
        lines.append(lead + " Here's what I can do:")
    else:
        lines.append(
            ":wave: *Flipside* runs our reverse-mentoring program: early-career colleagues "
            "teach leaders what they know best (AI tools, digital trends, social media, "
            "inclusion, modern work culture), and leaders share career insight back."
        )
    shown = [c for c in commands if c.listed and (is_admin or not c.admin_only)]
    listing = "\n".join(f"• `/mentor {c.usage}`  {c.summary}" for c in shown)
    blocks = [
        section(lines[0], block_id=B.HELP_INTRO),
        section(f"*Commands*\n{listing}", block_id=B.HELP_COMMANDS),
        divider(),
        context(
            "Only you can see this message. Open the *Home* tab of Flipside for your page.",
            block_id=B.HELP_FOOTER,
        ),
    ]
    text = lines[0] + "\n" + "\n".join(f"/mentor {c.usage}: {c.summary}" for c in shown)
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}


def help_modal(commands: Sequence[CommandHelp]) -> dict[str, Any]:
    """The same help, as a modal opened from the Home tab."""
    message = help_message(commands)
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Flipside commands"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": message["blocks"][:2],
    }
