"""The request pipeline: how a feature's listeners are registered.

Every listener is wrapped so that it acks first (a modal submission once it has validated), is
handed a typed request with the acting person, answers a `UserFacingError` the way its surface
allows, and logs anything unexpected with a correlation id that the person is given. The app
context and the Actor come from one Bolt middleware, which holds no database session.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import UserFacingError
from bot.domain.people import SlackUnavailable
from bot.kit.blocks import Json, notice_modal
from bot.kit.payloads import TamperedPayload
from bot.kit.state import values_of
from bot.platform.actor import Actor
from bot.platform.context import AppContext
from bot.platform.db import seen
from bot.platform.slack.payload import MalformedPayload, team_of, user_of
from bot.platform.slack.requests import (
    SLACK_AWAY,
    STALE,
    TAMPERED,
    Request,
    ViewRequest,
    log_failure,
    oops,
)

ACTOR, CONTEXT = "flipside_actor", "flipside_ctx"
ERROR_MAX = 300  # characters of an inline error: Slack shows them under the input


def install(app: AsyncApp, ctx: AppContext) -> None:
    """The middleware that hands every listener the app context and the acting person."""

    @app.middleware
    async def with_actor(
        context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> None:
        context[CONTEXT] = ctx
        try:
            team, user = team_of(body), user_of(body)
        except MalformedPayload:
            team, user = "", ""  # events about no one in particular (a user_change is fine)
        if team and user:
            context[ACTOR] = actor_for(ctx, team, user)
        await next()

    @app.event("user_change")
    async def user_changed(event: dict[str, Any], body: dict[str, Any]) -> None:
        """Slack says someone's profile changed: the cache takes it as it is now."""
        user = event.get("user")
        team = body.get("team_id")
        if isinstance(user, dict) and user.get("id") and isinstance(team, str):
            ctx.people.of(team).remember(user)

    ctx.subscriptions.add("event:user_change")


def actor_for(ctx: AppContext, team_id: str, user_id: str) -> Actor:
    people = ctx.people.of(team_id)
    return Actor(team_id, user_id, lookup=people.get, peek=people.peek)


@dataclass(frozen=True)
class Answer:
    """How a modal submission is answered: close it, point at fields, or replace the view.

    `then` runs after the ack (say, publishing a Home); `finish` makes the answer a "working"
    view that is replaced by what `finish` returns, for work too slow for the ack."""

    errors: dict[str, str] | None = None
    view: Json | None = None
    then: Callable[[], Awaitable[None]] | None = None
    finish: Callable[[], Awaitable[Json]] | None = None

    @classmethod
    def close(cls, then: Callable[[], Awaitable[None]] | None = None) -> Answer:
        return cls(then=then)

    @classmethod
    def inline(cls, errors: dict[str, str]) -> Answer:
        return cls(errors=errors)

    @classmethod
    def update(cls, view: Json, then: Callable[[], Awaitable[None]] | None = None) -> Answer:
        return cls(view=view, then=then)

    @classmethod
    def working(cls, view: Json, finish: Callable[[], Awaitable[Json]]) -> Answer:
        return cls(view=view, finish=finish)


ActionHandler = Callable[[Request], Awaitable[None]]
ViewHandler = Callable[[ViewRequest], Awaitable[Answer]]


class Listeners:
    """A feature's door to Bolt: `@on.action(...)`, `@on.view(...)`, `@on.event(...)`."""

    def __init__(self, app: AsyncApp, ctx: AppContext) -> None:
        self.app, self.ctx = app, ctx

    def action(
        self, action_id: str | re.Pattern[str], *, title: str = "Flipside"
    ) -> Callable[[ActionHandler], ActionHandler]:
        """A click: acked at once, then handled. `title` names the notice modal that answers
        a click on the Home tab, where there is no conversation to answer in."""

        def register(handler: ActionHandler) -> ActionHandler:
            ctx = self.ctx

            async def listener(
                ack: AsyncAck,
                body: dict[str, Any],
                client: AsyncWebClient,
                respond: AsyncRespond,
                context: AsyncBoltContext,
            ) -> None:
                async with ctx.busy():
                    await ack()
                    actor = context.get(ACTOR)
                    if actor is None:
                        return  # no one to act for: nothing a person did
                    request = Request(ctx, actor, client, body, respond, title)
                    await _guarded(request, handler, "block_actions")

            self.app.action(action_id)(listener)
            ctx.subscriptions.add("interactivity")
            return handler

        return register

    def view(
        self, callback_id: str, *, errors_on: str | None = None, title: str = "Flipside"
    ) -> Callable[[ViewHandler], ViewHandler]:
        """A modal submission. A `UserFacingError` goes inline on its field, or on `errors_on`;
        without an input to point at, the modal is replaced by a notice."""

        def register(handler: ViewHandler) -> ViewHandler:
            ctx = self.ctx

            async def listener(
                ack: AsyncAck,
                body: dict[str, Any],
                client: AsyncWebClient,
                context: AsyncBoltContext,
            ) -> None:
                async with ctx.busy():
                    actor = context.get(ACTOR)
                    view = body.get("view")
                    if actor is None or not isinstance(view, dict):
                        await ack(response_action="update", view=notice_modal(title, STALE))
                        return
                    meta = view.get("private_metadata")
                    request = ViewRequest(
                        ctx,
                        actor,
                        client,
                        body,
                        None,
                        title,
                        values=values_of(view),
                        raw_meta=meta if isinstance(meta, str) else None,
                    )
                    answer = await _answer(request, handler, errors_on)
                    await _deliver(request, ack, answer)

            self.app.view(callback_id)(listener)
            ctx.subscriptions.add("interactivity")
            return handler

        return register

    def event(
        self,
        event: str | dict[str, str | Sequence[str | re.Pattern[str] | None] | None],
        *,
        subscription: str,
        once: bool = False,
    ) -> Callable[[ActionHandler], ActionHandler]:
        """An Events API event (Bolt acks it); `subscription` is the manifest's name for it.

        A redelivered event (same `event_id`) is passed over when this replica saw it; with
        `once`, when any replica did (a shared table: for events whose effect must not repeat,
        such as a reply; a Home drawn twice is harmless, and opening it writes nothing)."""

        def register(handler: ActionHandler) -> ActionHandler:
            ctx = self.ctx

            async def listener(
                body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
            ) -> None:
                async with ctx.busy():
                    actor = context.get(ACTOR) or Actor(_team(body), "")
                    if not await _first_delivery(ctx, actor.team_id, body, once=once):
                        return
                    await _guarded(Request(ctx, actor, client, body), handler, "event")

            self.app.event(event)(listener)
            ctx.subscriptions.add(f"event:{subscription}")
            return handler

        return register


async def _first_delivery(
    ctx: AppContext, team_id: str, body: dict[str, Any], *, once: bool
) -> bool:
    event_id = body.get("event_id")
    if not isinstance(event_id, str) or not event_id:
        return True
    key = f"{team_id}:{event_id}"
    if ctx.recent_events.get(key):
        return False
    ctx.recent_events.put(key, True)
    if once:
        return await seen.first_sight(
            ctx.sessionmaker, team_id, f"event:{event_id}", ctx.clock.now()
        )
    return True


def _team(body: dict[str, Any]) -> str:
    try:
        return team_of(body)
    except MalformedPayload:
        return ""


async def _guarded(request: Request, handler: ActionHandler, kind: str) -> None:
    try:
        await handler(request)
    except (TamperedPayload, MalformedPayload):
        # Slack sends well-formed payloads; a signed one that is not is refused, not a crash.
        await request.tell(TAMPERED)
    except SlackUnavailable:
        await request.tell(SLACK_AWAY)
    except UserFacingError as exc:
        await request.tell(str(exc))
    except Exception as exc:
        await request.tell(oops(log_failure(exc, kind)))


async def _answer(request: ViewRequest, handler: ViewHandler, errors_on: str | None) -> Answer:
    inputs = request.input_ids()

    def refuse(message: str, field: str | None) -> Answer:
        target = field if field in inputs else errors_on if errors_on in inputs else None
        if target is not None:
            return Answer.inline({target: message})
        return Answer.update(notice_modal(request.title, message))

    try:
        answer = await handler(request)
    except (TamperedPayload, MalformedPayload):
        return refuse(STALE, None)
    except SlackUnavailable:
        return refuse(SLACK_AWAY, None)
    except UserFacingError as exc:
        return refuse(str(exc), exc.field)
    except Exception as exc:
        return Answer.update(notice_modal(request.title, oops(log_failure(exc, "view"))))
    if answer.errors is not None and not set(answer.errors) <= inputs:
        # Slack shows a generic failure for an error on a block that is not an input.
        message = next(iter(answer.errors.values()), STALE)
        return refuse(message, None)
    return answer


async def _deliver(request: ViewRequest, ack: AsyncAck, answer: Answer) -> None:
    if answer.errors:
        errors = {k: v[:ERROR_MAX] for k, v in answer.errors.items()}
        await ack(response_action="errors", errors=errors)
        return
    if answer.view is not None:
        await ack(response_action="update", view=answer.view)
    else:
        await ack()
    try:
        if answer.finish is not None and request.view_id:
            final = await answer.finish()
            await request.client.views_update(view_id=request.view_id, view=final)
        if answer.then is not None:
            await answer.then()
    except Exception as exc:
        correlation = log_failure(exc, "view")
        if answer.finish is not None and request.view_id:
            await request.client.views_update(
                view_id=request.view_id, view=notice_modal(request.title, oops(correlation))
            )
