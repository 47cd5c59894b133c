"""Bolt listeners, one module per surface, each with `register(app, ctx)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.context import AppContext
from bot.slack.listeners import actions, commands, events, pairing, views


def register_listeners(app: AsyncApp, ctx: AppContext) -> None:
    commands.register(app, ctx)
    actions.register(app, ctx)
    views.register(app, ctx)
    pairing.register(app, ctx)
    events.register(app, ctx)
