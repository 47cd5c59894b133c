"""The stand-in answers like Slack, through slack_sdk's own AsyncWebClient.

Auth, messages, conversations, users, the timeline and waiting; views are in `test_server_views`,
file uploads and response URLs in `test_server_files_and_responses`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import BlockKitValidator, SlackStandIn, demo_workspace, find_schema_dir

from .conftest import TOKEN
from .standin_helpers import modal, section, slack_error


async def test_auth(standin: SlackStandIn, client: AsyncWebClient) -> None:
    auth = await client.auth_test()
    assert auth["user_id"] == "U0FLIPBOT" and auth["bot_id"] == "B0FLIPBOT"
    assert auth["team_id"] == "T0FLIPSIDE"
    bad = AsyncWebClient(base_url=standin.api_url, token="xoxb-wrong")
    assert (await slack_error(bad.auth_test()))["error"] == "invalid_auth"
    anonymous = AsyncWebClient(base_url=standin.api_url)
    assert (await slack_error(anonymous.auth_test()))["error"] == "not_authed"
    assert [c.response["ok"] for c in standin.calls_to("auth.test")] == [True, False, False]


async def test_unknown_method_is_http_200(standin: SlackStandIn) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            standin.api_url + "nope.nope", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    assert response.status_code == 200
    assert response.json()["error"] == "unknown_method"


async def test_post_message_to_a_user_opens_their_dm(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    first = await client.chat_postMessage(channel="U01MAYA", text="hi", blocks=[section("Hi!")])
    second = await client.chat_postMessage(channel=first["channel"], text="again")
    assert first["channel"] == "D01MAYA" == standin.dm_channel("U01MAYA")
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"][0]["block_id"]  # Slack fills block ids in
    assert [m.text for m in standin.messages_for("U01MAYA")] == ["hi", "again"]
    assert standin.timeline[0].kind == "message" and standin.timeline[0].user_ids == ["U01MAYA"]
    call = standin.calls_to("chat.postMessage")[0]
    assert call.args["blocks"] == [section("Hi!")] and call.response["ok"] is True


async def test_form_encoded_and_get_requests(standin: SlackStandIn) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=standin.api_url) as http:
        form = {"channel": "U01LENA", "blocks": json.dumps([section("form")]), "text": "f"}
        posted = (await http.post("chat.postMessage", data=form, headers=auth)).json()
        info = (await http.get("users.info", params={"user": "U01LENA", "token": TOKEN})).json()
        bad = await http.post("chat.postMessage", data={**form, "blocks": "[{"}, headers=auth)
    assert posted["ok"] and standin.messages[0].blocks is not None
    assert info["user"]["real_name"] == "Lena Vogel"
    assert bad.json()["error"] == "invalid_blocks_format"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "U01MAYA", "blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
        ({"channel": "U01MAYA", "blocks": [{"type": "nonsense"}]}, "invalid_blocks"),
        (
            {
                "channel": "U01MAYA",
                "blocks": [
                    {
                        "type": "actions",
                        "elements": [
                            {
                                "type": "button",
                                "action_id": "a",
                                "text": {"type": "plain_text", "text": t},
                            }
                            for t in ("One", "Two")
                        ],
                    }
                ],
            },
            "invalid_blocks",
        ),
        ({"channel": "U01MAYA"}, "no_text"),
        ({"channel": "C0NOWHERE", "text": "x"}, "channel_not_found"),
        ({"channel": "U0NOBODY", "text": "x"}, "channel_not_found"),
        ({"channel": "U01OLIVER", "text": "x"}, "user_disabled"),
    ],
)
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_post_message_rejects_what_slack_rejects(
    client: AsyncWebClient, kwargs: dict[str, Any], error: str
) -> None:
    data = await slack_error(client.chat_postMessage(**kwargs))
    assert data["error"] == error
    if error == "invalid_blocks":
        assert data["errors"]


async def test_a_channel_the_bot_was_never_invited_to_refuses_its_posts(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    standin.workspace.channels["C0ADMINS"].members.remove(standin.workspace.bot_user_id)
    data = await slack_error(client.chat_postMessage(channel="C0ADMINS", text="x"))
    assert data["error"] == "not_in_channel"


async def test_update_delete_and_ephemeral(standin: SlackStandIn, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0ADMINS", text="Round ready")
    await client.chat_update(channel="C0ADMINS", ts=posted["ts"], text="Round approved")
    assert standin.messages_in("C0ADMINS")[0].text == "Round approved"
    assert standin.messages[0].updated
    await client.chat_postEphemeral(channel="C0ADMINS", user="U01PRIYA", text="only you")
    assert standin.messages[-1].ephemeral_user == "U01PRIYA"
    assert standin.messages_for("U01PRIYA")[-1].text == "only you"
    data = await slack_error(
        client.chat_postEphemeral(channel="C0ADMINS", user="U01MAYA", text="x")
    )
    assert data["error"] == "user_not_in_channel"
    await client.chat_delete(channel="C0ADMINS", ts=posted["ts"])
    assert standin.messages_in("C0ADMINS", include_ephemeral=False) == []
    data = await slack_error(client.chat_delete(channel="C0ADMINS", ts=posted["ts"]))
    assert data["error"] == "message_not_found"


async def test_conversations_open_gives_stable_ids(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    dm = await client.conversations_open(users="U01MAYA")
    again = await client.conversations_open(users=["U01MAYA"])
    assert dm["channel"]["id"] == again["channel"]["id"] and dm["channel"]["id"].startswith("D")
    assert again["already_open"] is True
    group = await client.conversations_open(users="U01MAYA,U01DANIEL,U01PRIYA")
    same = await client.conversations_open(users=["U01PRIYA", "U01MAYA", "U01DANIEL"])
    other = await client.conversations_open(users="U01MAYA,U01DANIEL")
    assert group["channel"]["id"] == same["channel"]["id"] != other["channel"]["id"]
    assert group["channel"]["id"].startswith("G")
    assert sorted(standin.members(group["channel"]["id"])) == ["U01DANIEL", "U01MAYA", "U01PRIYA"]
    assert (await slack_error(client.conversations_open(users="U0NOBODY")))["error"] == (
        "user_not_found"
    )
    assert (await slack_error(client.conversations_open(users="U01OLIVER")))["error"] == (
        "user_disabled"
    )


async def test_users_info_and_paginated_list(standin: SlackStandIn, client: AsyncWebClient) -> None:
    info = await client.users_info(user="U01PRIYA")
    assert info["user"]["is_admin"] is True and info["user"]["tz"] == "Europe/London"
    assert (await slack_error(client.users_info(user="U0NOBODY")))["error"] == "user_not_found"
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await client.users_list(limit=4, cursor=cursor)
        pages += 1
        assert len(page["members"]) <= 4
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(standin.workspace.users) and pages > 1
    assert (await slack_error(client.users_list(cursor="bogus!")))["error"] == "invalid_cursor"


async def test_channel_names_timeline_and_schema_mode(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="#flipside-admins", text="Round 4 is ready")
    assert posted["channel"] == "C0ADMINS"
    assert standin.timeline[-1].user_ids == ["U01PRIYA", "U01DANIEL"]  # the bot left out
    trigger = standin.issue_trigger_id("U01MAYA")
    view = (await client.views_open(trigger_id=trigger, view=modal()))["view"]
    await client.views_update(view_id=view["id"], view=modal("Saved"))
    assert [e.kind for e in standin.timeline][-2:] == ["modal", "modal_update"]
    assert standin.timeline[-1].view is not None
    assert standin.timeline[-1].view["title"]["text"] == "Saved"
    with_bot = await client.conversations_open(users="U01MAYA,U0FLIPBOT")
    assert with_bot["channel"]["id"] == "D01MAYA"
    assert standin.validator.uses_schema is (find_schema_dir() is not None)


async def test_fallback_validation_without_schemas() -> None:
    validator = BlockKitValidator(schema_dir=None)
    async with SlackStandIn(demo_workspace(), bot_token=TOKEN, validator=validator) as standin:
        client = AsyncWebClient(base_url=standin.api_url, token=TOKEN)
        trigger = standin.issue_trigger_id("U01MAYA")
        long_title = modal(title="Tell us about your mentoring goals")
        refused = await slack_error(client.views_open(trigger_id=trigger, view=long_title))
        assert refused["error"] == "invalid_arguments"
        unknown = await slack_error(
            client.chat_postMessage(channel="U01MAYA", text="x", blocks=[{"type": "nonsense"}])
        )
        assert unknown["error"] == "invalid_blocks"
        assert (await client.views_open(trigger_id=trigger, view=modal()))["ok"]


async def test_wait_for_settle_and_implicit_dms(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="D01LENA", text="never opened, still a DM")

    task = asyncio.create_task(later())
    await standin.wait_for(lambda: standin.messages_for("U01LENA"))
    await task
    assert standin.messages[0].channel == "D01LENA" == standin.dm_channel("U01LENA")
    with pytest.raises(AssertionError):
        await standin.wait_for(lambda: False, within=0.05)
    await standin.settle(quiet=0.05)
