"""The `/mentor help` message, also shown for a command the bot does not know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack.ids import Block as B
from bot.slack.ui.mrkdwn import context, divider, escape, section


@dataclass(frozen=True)
class CommandHelp:
    usage: str  # what follows `/mentor`
    summary: str
    admin_only: bool = False


def help_message(
    commands: list[CommandHelp],
    *,
    unknown: str | None = None,
    suggestion: str | None = None,
    is_admin: bool = False,
) -> dict[str, Any]:
    """An ephemeral message: text for notifications, blocks for the client."""
    lines = []
    if unknown is not None:
        lead = f"I don't know `/mentor {escape(unknown)}`."
        if suggestion:
            lead += f" Did you mean `/mentor {suggestion}`?"
        lines.append(lead + " Here's what I can do:")
    else:
        lines.append(
            ":wave: *Flipside* runs our reverse-mentoring program: early-career colleagues "
            "teach leaders what they know best (AI tools, digital trends, social media, "
            "inclusion, modern work culture), and leaders share career insight back."
        )
    shown = [c for c in commands if is_admin or not c.admin_only]
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


def help_modal(commands: list[CommandHelp]) -> dict[str, Any]:
    """The same help, as a modal opened from the Home tab."""
    message = help_message(commands)
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Flipside commands"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": message["blocks"][:2],
    }


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only tells something (where an ephemeral message is not possible)."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [section(text)],
    }
