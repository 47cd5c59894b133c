"""What a listener is handed: the app context, who is acting, and how to answer them on the
surface they used (a message, the Home tab, a modal, a slash command)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import UserFacingError
from bot.kit.blocks import Json, notice_modal
from bot.kit.payloads import ButtonValue, Metadata
from bot.kit.state import Values
from bot.platform.actor import Actor
from bot.platform.context import AppContext
from bot.platform.slack.payload import action_value, first_action

log = logging.getLogger("bot.slack")

B = TypeVar("B", bound=ButtonValue)
M = TypeVar("M", bound=Metadata)

TAMPERED = "That button doesn't look right. Open the message again and retry."
STALE = "This form is out of date. Close it and open it again."
SLACK_AWAY = "I couldn't reach Slack just now, so nothing was saved. Please try again in a moment."
TRIGGER_GONE = "Slack didn't let me open that window in time. Please try again."
# What views.open/push answer for a trigger that is unknown, used already or over 3 s old.
TRIGGER_ERRORS = frozenset({"invalid_trigger_id", "expired_trigger_id", "exchanged_trigger_id"})


async def _open_view(opener: Any, trigger_id: str, view: Json) -> None:
    """Open a modal; a trigger Slack no longer honours is the person's to retry, not a bug."""
    try:
        await opener(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        if exc.response.get("error") in TRIGGER_ERRORS:
            raise UserFacingError(TRIGGER_GONE) from exc
        raise


def oops(correlation: str) -> str:
    return (
        ":warning: Something went wrong on my side. Please try again; if it keeps happening, "
        f"give the program team this code: `{correlation}`."
    )


def log_failure(error: BaseException, kind: str) -> str:
    """Log an unexpected failure with a correlation id, which the person is given."""
    correlation = uuid.uuid4().hex[:12]
    log.error(
        "listener failed",
        exc_info=error,
        extra={"correlation_id": correlation, "payload_type": kind},
    )
    return correlation


@dataclass
class Request:
    """One interaction: a click, a submitted modal, an event."""

    ctx: AppContext
    actor: Actor
    client: AsyncWebClient
    body: dict[str, Any]
    respond: AsyncRespond | None = None
    title: str = "Flipside"  # for a notice modal, where only a modal can answer

    @property
    def team_id(self) -> str:
        return self.actor.team_id

    @property
    def user_id(self) -> str:
        return self.actor.user_id

    @property
    def trigger_id(self) -> str | None:
        trigger = self.body.get("trigger_id")
        return trigger if isinstance(trigger, str) else None

    @property
    def container(self) -> str:
        """Where the person acted: "message", "home", "modal" or "" (an event)."""
        view = self.body.get("view")
        if isinstance(view, dict):
            return "home" if view.get("type") == "home" else "modal"
        return "message" if self.body.get("response_url") else ""

    def parse(self, kind: type[B]) -> B:
        """The clicked element's value as `kind`; a tampered one raises TamperedPayload."""
        return kind.parse(action_value(first_action(self.body)))

    async def open(self, view: Json) -> None:
        """Open a modal: on top of the open one when the person acted inside a modal."""
        if self.trigger_id is None:
            log.info("no trigger to open a modal with")
            return
        if self.container == "modal":
            await _open_view(self.client.views_push, self.trigger_id, view)
        else:
            await _open_view(self.client.views_open, self.trigger_id, view)

    async def publish_home(self, user_id: str | None = None) -> None:
        """Draw someone's Home now, rather than through the outbox (for one who just left, whose
        outbox must hold nothing more)."""
        if self.ctx.home is not None:
            user = user_id or self.user_id
            view = await self.ctx.home(self.team_id, user)
            await self.client.views_publish(user_id=user, view=view)

    async def tell(self, text: str) -> None:
        """Tell the person something, however they reached us: an ephemeral line under a
        message, a notice modal from the Home tab or a modal."""
        if self.respond is not None and self.body.get("response_url"):
            await self.respond(text=text[:3000], response_type="ephemeral", replace_original=False)
        elif self.trigger_id is not None:
            try:
                await self.open(notice_modal(self.title, text))
            except UserFacingError:  # the trigger is gone: there is nowhere left to say it
                log.info("user-facing answer with no trigger left", extra={"answer": text[:200]})
        else:
            log.info("user-facing answer with nowhere to say it", extra={"answer": text[:200]})


@dataclass
class ViewRequest(Request):
    """A submitted modal: its state, parsed once, and its metadata."""

    values: Values = field(default_factory=dict)
    raw_meta: str | None = None

    @property
    def view(self) -> Json:
        view = self.body.get("view")
        return view if isinstance(view, dict) else {}

    @property
    def view_id(self) -> str | None:
        found = self.view.get("id")
        return found if isinstance(found, str) else None

    def meta(self, kind: type[M]) -> M:
        """The modal's metadata as `kind`; a tampered one raises TamperedPayload."""
        return kind.parse(self.raw_meta)

    def input_ids(self) -> set[str]:
        blocks = self.view.get("blocks")
        if not isinstance(blocks, list):
            return set()
        return {
            str(b.get("block_id"))
            for b in blocks
            if isinstance(b, dict) and b.get("type") == "input" and b.get("block_id")
        }


@dataclass
class CommandRequest:
    """One `/mentor` invocation, as every subcommand needs it."""

    ctx: AppContext
    actor: Actor
    client: AsyncWebClient
    ack: AsyncAck
    respond: AsyncRespond
    channel_id: str
    trigger_id: str
    args: str  # what follows the subcommand word
    commands: tuple[Any, ...] = ()  # every subcommand, for the help

    @property
    def team_id(self) -> str:
        return self.actor.team_id

    @property
    def user_id(self) -> str:
        return self.actor.user_id

    @property
    def acked(self) -> bool:
        return self.ack.response is not None

    async def say(self, text: str) -> None:
        """An ephemeral answer only the person sees: in the ack if it is still due."""
        if not self.acked:
            await self.ack(text=text[:3000], response_type="ephemeral")
        else:
            await self.respond(text=text[:3000], response_type="ephemeral", replace_original=False)

    async def open(self, view: Json) -> None:
        await _open_view(self.client.views_open, self.trigger_id, view)
