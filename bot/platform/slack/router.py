"""`/mentor` and its subcommands: each feature declares the words it answers, this one
listener finds the right one, and a word it does not know goes to the help."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import UserFacingError
from bot.domain.people import SlackUnavailable
from bot.platform.context import AppContext
from bot.platform.slack.listeners import ACTOR
from bot.platform.slack.requests import SLACK_AWAY, CommandRequest, log_failure, oops

COMMAND = "/mentor"
MAX_TEXT = 3000  # what a person can type after /mentor that the bot will read

CommandHandler = Callable[[CommandRequest], Awaitable[None]]
log = logging.getLogger("bot.slack")


@dataclass(frozen=True)
class Subcommand:
    """`usage` is what follows `/mentor` (one or two words), as the help shows it."""

    usage: str
    summary: str
    run: CommandHandler
    admin_only: bool = False
    listed: bool = True  # shown in the help

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.usage.split()[:2])


def register_command(
    app: AsyncApp,
    ctx: AppContext,
    subcommands: Sequence[Subcommand],
    unknown: CommandHandler,
) -> None:
    """One listener for `/mentor`. The subcommand's words are taken off the text (what is left
    is `args`); an empty text means `join`; anything else unknown goes to `unknown` with the
    whole text as `args`."""
    by_words = {s.words: s for s in subcommands}
    listed = tuple(subcommands)

    @app.command(COMMAND)
    async def mentor(
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        async with ctx.busy():
            raw = command.get("text")
            text = " ".join((raw if isinstance(raw, str) else "")[:MAX_TEXT].split())
            words = text.lower().split(" ") if text else ["join"]
            found = by_words.get(tuple(words[:2])) or by_words.get(tuple(words[:1]))
            handler = found.run if found else unknown
            args = " ".join(text.split(" ")[len(found.words) :]) if found and text else text
            request = CommandRequest(
                ctx,
                context[ACTOR],
                client,
                ack,
                respond,
                str(command.get("channel_id") or ""),
                str(command.get("trigger_id") or ""),
                args,
                listed,
            )
            try:
                await handler(request)
            except SlackUnavailable:
                await request.say(SLACK_AWAY)
            except UserFacingError as exc:
                # Answered here rather than by the app's error handler: when a listener raises
                # just after ack(), Bolt drops the ack and Slack is told the command failed.
                await request.say(str(exc))
            except Exception as exc:
                await request.say(oops(log_failure(exc, "command")))

    ctx.subscriptions.add(f"command:{COMMAND}")
