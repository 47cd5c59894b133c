"""The stand-in's views: modals opened with single-use triggers, updated, pushed; Home tabs."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import SlackStandIn

from .standin_helpers import modal, section, slack_error


async def test_views_open_needs_a_fresh_single_use_trigger(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    trigger = standin.issue_trigger_id("U01MAYA")
    opened = await client.views_open(trigger_id=trigger, view=modal())
    view_id = opened["view"]["id"]
    assert [v.id for v in standin.open_views("U01MAYA")] == [view_id]
    assert opened["view"]["root_view_id"] == view_id and opened["view"]["hash"]
    reused = await slack_error(client.views_open(trigger_id=trigger, view=modal()))
    assert reused["error"] == "exchanged_trigger_id"
    unknown = await slack_error(client.views_open(trigger_id="1.2.3", view=modal()))
    assert unknown["error"] == "invalid_trigger_id"
    standin.trigger_ttl = 0.01
    late = standin.issue_trigger_id("U01MAYA")
    await asyncio.sleep(0.05)
    assert (await slack_error(client.views_open(trigger_id=late, view=modal())))["error"] == (
        "expired_trigger_id"
    )


async def test_invalid_views_are_refused_with_messages(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    trigger = standin.issue_trigger_id("U01MAYA")
    too_long = modal(title="Tell us about your mentoring goals")
    data = await slack_error(client.views_open(trigger_id=trigger, view=too_long))
    assert data["error"] == "invalid_arguments"
    assert any("title" in m for m in data["response_metadata"]["messages"])
    # the refused call did not use the trigger up
    as_string: Any = json.dumps(modal())  # form-encoded clients send the view as a JSON string
    assert (await client.views_open(trigger_id=trigger, view=as_string))["ok"]
    home = await slack_error(client.views_publish(user_id="U01MAYA", view=modal()))
    assert home["error"] == "invalid_arguments"


async def test_views_update_push_and_publish(standin: SlackStandIn, client: AsyncWebClient) -> None:
    opened = await client.views_open(
        trigger_id=standin.issue_trigger_id("U01MAYA"), view=modal(external_id="join-maya")
    )
    view = opened["view"]
    by_external = await client.views_update(
        external_id="join-maya", view=modal("Step 2", external_id="join-maya")
    )
    assert by_external["view"]["id"] == view["id"]
    assert by_external["view"]["title"]["text"] == "Step 2"
    updated = await client.views_update(
        view_id=view["id"], hash=by_external["view"]["hash"], view=modal("Step 3")
    )
    assert updated["view"]["id"] == view["id"] and updated["view"]["hash"] != view["hash"]
    stale = await slack_error(
        client.views_update(view_id=view["id"], hash=view["hash"], view=modal())
    )
    assert stale["error"] == "hash_conflict"
    assert standin.views[view["id"]].view["title"]["text"] == "Step 3"
    for n in (2, 3):
        await client.views_push(trigger_id=standin.issue_trigger_id("U01MAYA"), view=modal(f"P{n}"))
    assert [v.view["title"]["text"] for v in standin.open_views("U01MAYA")] == [
        "Step 3",
        "P2",
        "P3",
    ]
    assert standin.open_views("U01MAYA")[-1].previous_view_id == standin.open_views("U01MAYA")[1].id
    full = await slack_error(
        client.views_push(trigger_id=standin.issue_trigger_id("U01MAYA"), view=modal())
    )
    assert full["error"] == "push_limit_reached"
    standin.close_views("U01MAYA")
    gone = await slack_error(client.views_update(view_id=view["id"], view=modal()))
    assert gone["error"] == "not_found"
    home = {"type": "home", "blocks": [section("Welcome to Flipside")]}
    published = await client.views_publish(user_id="U01LENA", view=home)
    republished = await client.views_publish(user_id="U01LENA", view=home)
    assert published["view"]["id"] == republished["view"]["id"]
    assert standin.home_views["U01LENA"]["blocks"][0]["text"]["text"] == "Welcome to Flipside"
    assert [e.kind for e in standin.timeline].count("home") == 2
    unknown = await slack_error(client.views_publish(user_id="U0NOBODY", view=home))
    assert unknown["error"] == "user_not_found"
