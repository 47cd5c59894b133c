"""Help: `/mentor help`, anything `/mentor` does not know, the Home's *Show commands*, and a
pointer for people who write to the bot."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence
from typing import Any

from bot.features.help.blocks import help_message, help_modal
from bot.features.program.service import is_admin, is_admin_now
from bot.kit.ids import Action
from bot.platform.slack.listeners import Listeners
from bot.platform.slack.requests import CommandRequest, Request
from bot.platform.slack.router import Subcommand

ADMIN_COMMANDS_ONLY = (
    "Sorry, the admin commands are for the program team. If you think you should have "
    "access, ask a workspace admin to add you in Program settings."
)
DM_POINTER = (
    "Hi! I don't read direct messages, but `/mentor help` shows what I can do, and the Home "
    "tab above has your page."
)


@functools.lru_cache(maxsize=8)
def _help(commands: Sequence[Subcommand], is_admin: bool) -> dict[str, Any]:
    """The help never changes for a given list of commands: built once per reader's kind."""
    return help_message(commands, is_admin=is_admin)


async def show_help(r: CommandRequest) -> None:
    """The help is the ack's own answer when the cache can tell who is an admin; otherwise the
    ack comes first and the help follows."""
    known = await is_admin_now(r.ctx.sessionmaker, r.actor, r.ctx.listed_admins)
    if known is None:
        await r.ack()
        known = await is_admin(r.ctx.sessionmaker, r.actor)
        await r.respond(**_help(r.commands, known), replace_original=False)
        return
    await r.ack(**_help(r.commands, known))


async def unknown(r: CommandRequest) -> None:
    """A word `/mentor` does not know: the help, naming it, with the closest command."""
    words = sorted({c.usage.split()[0] for c in r.commands if not c.admin_only})
    typed = r.args.split(" ")[0].lower()
    close = difflib.get_close_matches(typed, words, n=1, cutoff=0.6)
    await r.ack(**help_message(r.commands, unknown=r.args, suggestion=close[0] if close else None))


async def admin_group(r: CommandRequest) -> None:
    """`/mentor admin` alone, or with a word it does not know: the admin commands, for admins."""
    if not await is_admin(r.ctx.sessionmaker, r.actor):
        await r.say(ADMIN_COMMANDS_ONLY)
        return
    admin_only = [c for c in r.commands if c.admin_only]
    await r.ack(**help_message(admin_only, unknown=f"admin {r.args}".strip(), is_admin=True))


COMMANDS = (
    Subcommand("help", "show this list", show_help),
    Subcommand("admin", "the program team's commands", admin_group, listed=False),
)


def register(on: Listeners) -> None:
    ctx = on.ctx

    @on.action(Action.HOME_HELP, title="Flipside commands")
    async def help_from_home(r: Request) -> None:
        await r.open(help_modal(ctx.commands))

    @on.event({"type": "message", "channel_type": "im"}, subscription="message.im", once=True)
    async def direct_message(r: Request) -> None:
        event = r.body.get("event")
        # Edits, joins and other subtypes are not people talking to us.
        if not isinstance(event, dict) or event.get("subtype") or event.get("bot_id"):
            return
        channel = event.get("channel")
        if isinstance(channel, str) and channel:
            await r.client.chat_postMessage(channel=channel, text=DM_POINTER)
