"""A throwaway Bolt app (not the project's) accepts what the driver sends, and its client is
happy with what the stand-in answers: both halves of the stand-in speak Slack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import SlackDriver, SlackStandIn

from .conftest import SIGNING_SECRET, TOKEN

JOIN_VIEW = {
    "type": "modal",
    "callback_id": "join",
    "title": {"type": "plain_text", "text": "Join Flipside"},
    "submit": {"type": "plain_text", "text": "Join"},
    "blocks": [
        {
            "type": "input",
            "block_id": "goal",
            "label": {"type": "plain_text", "text": "Goal"},
            "element": {"type": "plain_text_input", "action_id": "goal_input"},
        }
    ],
}
HOME = {
    "type": "home",
    "blocks": [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "refresh",
                    "text": {"type": "plain_text", "text": "Refresh"},
                }
            ],
        }
    ],
}


@pytest.fixture
async def bolt_driver(standin: SlackStandIn) -> AsyncIterator[tuple[SlackDriver, dict[str, Any]]]:
    seen: dict[str, Any] = {}
    app = AsyncApp(
        client=AsyncWebClient(base_url=standin.api_url, token=TOKEN),
        signing_secret=SIGNING_SECRET,
        process_before_response=True,
    )

    @app.command("/mentor")
    async def mentor(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack("Opening the form…")
        await client.views_open(trigger_id=body["trigger_id"], view=JOIN_VIEW)

    @app.view("join")
    async def join(ack: Any, view: dict[str, Any]) -> None:
        goal = view["state"]["values"]["goal"]["goal_input"]["value"]
        seen["goal"] = goal
        if len(goal) < 5:
            await ack(response_action="errors", errors={"goal": "Tell us a bit more"})
        else:
            await ack()

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.views_publish(user_id=event["user"], view=HOME)

    @app.action("refresh")
    async def refresh(ack: Any, body: dict[str, Any]) -> None:
        seen["refresh_view"] = body["view"]["id"]
        await ack()

    asgi: Any = AsyncSlackRequestHandler(app)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi))
    async with SlackDriver(
        standin, "http://bolt.test/slack/events", SIGNING_SECRET, http=http
    ) as d:
        yield d, seen
    await http.aclose()


async def test_bolt_round_trip(
    standin: SlackStandIn, bolt_driver: tuple[SlackDriver, dict[str, Any]]
) -> None:
    driver, seen = bolt_driver
    acked = await driver.command("U01MAYA", "join")
    assert acked.status == 200 and acked.message is not None
    assert acked.message.text == "Opening the form…" and acked.message.ephemeral_user == "U01MAYA"
    assert [v.view["callback_id"] for v in standin.open_views("U01MAYA")] == ["join"]

    refused = await driver.submit("U01MAYA", values={"goal_input": "TT"})
    assert refused.outcome == "errors" and refused.errors == {"goal": "Tell us a bit more"}
    accepted = await driver.submit("U01MAYA", values={"goal": "Learn TikTok"})
    assert accepted.outcome == "closed" and seen["goal"] == "Learn TikTok"
    assert standin.open_views("U01MAYA") == []

    await driver.app_home_opened("U01MAYA")
    await asyncio.sleep(0)  # the listener ran before the ack (process_before_response)
    assert "U01MAYA" in standin.home_views
    clicked = await driver.click("U01MAYA", "refresh")
    assert clicked.status == 200 and seen["refresh_view"] == standin.home_views["U01MAYA"]["id"]

    forged = await driver.command("U01MAYA", "join", signature="v0=" + "0" * 64)
    assert forged.status == 401
