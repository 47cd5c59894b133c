"""Events: the App Home tab and direct messages to the bot."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncSay
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.context import AppContext
from bot.slack.surfaces import publish_home, team_of


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.event("app_home_opened")
    async def home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        await publish_home(client, ctx, team_of(body), str(event["user"]))

    @app.event({"type": "message", "channel_type": "im"})
    async def direct_message(event: dict[str, Any], say: AsyncSay) -> None:
        # Edits, joins and other subtypes are not people talking to us.
        if event.get("subtype") or event.get("bot_id"):
            return
        await say(
            text="Hi! I don't read direct messages, but `/mentor help` shows what I can do, "
            "and the Home tab above has your page."
        )

    ctx.subscriptions.update({"event:app_home_opened", "event:message.im"})
