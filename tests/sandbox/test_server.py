"""The stand-in answers like Slack, through slack_sdk's own AsyncWebClient."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import BlockKitValidator, SlackStandIn, demo_workspace, find_schema_dir

from .conftest import TOKEN


def section(t: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": t}}


def modal(title: str = "Join the program", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "join",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Join"},
        "blocks": [
            {
                "type": "input",
                "block_id": "goal",
                "label": {"type": "plain_text", "text": "Goal"},
                "element": {"type": "plain_text_input", "action_id": "goal_input"},
            }
        ],
        **extra,
    }


async def slack_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        await call
    data: dict[str, Any] = info.value.response.data
    assert data["ok"] is False
    return data


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


async def test_three_step_file_upload(standin: SlackStandIn, client: AsyncWebClient) -> None:
    result = await client.files_upload_v2(
        channel="U01MAYA",
        content=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        filename="session.ics",
        title="Your session",
        initial_comment="Add it to your calendar",
    )
    file_id = result["file"]["id"]
    stored = standin.files[file_id]
    assert (
        stored.content == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" and stored.title == "Your session"
    )
    shared = standin.messages_for("U01MAYA")[-1]
    assert shared.files == [file_id] and shared.text == "Add it to your calendar"
    assert standin.timeline[-1].kind == "file"


async def test_completing_without_upload_fails(client: AsyncWebClient) -> None:
    url = await client.files_getUploadURLExternal(filename="a.ics", length=10)
    assert url["upload_url"].endswith(f"/upload/{url['file_id']}")
    never_sent = client.files_completeUploadExternal(
        files=[{"id": url["file_id"], "title": "A"}], channel_id="C0ADMINS"
    )
    assert (await slack_error(never_sent))["error"] == "file_not_found"
    unknown = client.files_completeUploadExternal(files=[{"id": "F0NONE"}], channel_id="C0ADMINS")
    assert (await slack_error(unknown))["error"] == "file_not_found"
    missing = client.api_call("files.getUploadURLExternal", params={"filename": "a.ics"})
    assert (await slack_error(missing))["error"] == "invalid_arguments"


async def test_multipart_upload_is_accepted(standin: SlackStandIn, client: AsyncWebClient) -> None:
    url = await client.files_getUploadURLExternal(filename="notes.txt", length=5)
    async with httpx.AsyncClient() as http:
        sent = await http.post(url["upload_url"], files={"file": ("notes.txt", b"hello")})
    assert sent.status_code == 200
    done = await client.files_completeUploadExternal(files=[{"id": url["file_id"]}])
    assert done["files"][0]["title"] == "notes.txt"
    assert standin.files[url["file_id"]].content == b"hello"


async def test_response_url(standin: SlackStandIn) -> None:
    url = standin.new_response_url("U01MAYA", "D01MAYA")
    async with httpx.AsyncClient() as http:
        first = await http.post(url, json={"text": "Only you can see this"})
        second = await http.post(url, json={"text": "Everyone", "response_type": "in_channel"})
        bad = await http.post(url, json={"blocks": [{"type": "nonsense"}]})
        for _ in range(3):
            assert (await http.post(url, json={"text": "more"})).status_code == 200
        spent = await http.post(url, json={"text": "sixth"})
        standin.response_url_ttl = 0
        expired = await http.post(
            standin.new_response_url("U01MAYA", "D01MAYA"), json={"text": "x"}
        )
    assert first.status_code == 200 and first.text == "ok"
    assert standin.messages[0].ephemeral_user == "U01MAYA" and standin.messages[0].via == (
        "response_url"
    )
    assert second.status_code == 200 and standin.messages[1].ephemeral_user is None
    assert bad.status_code == 400 and bad.text == "invalid_blocks"
    assert spent.status_code == 404 and spent.text == "expired_url"
    assert expired.status_code == 404
    assert standin.calls_to("response_url")[0].args == {"text": "Only you can see this"}


async def test_response_url_replaces_and_deletes_the_original(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="U01MAYA", text="Accept the match?")
    url = standin.new_response_url("U01MAYA", posted["channel"], message_ts=posted["ts"])
    async with httpx.AsyncClient() as http:
        await http.post(url, json={"text": "Accepted", "replace_original": True})
        assert standin.messages[0].text == "Accepted" and standin.messages[0].updated
        await http.post(url, json={"delete_original": "true"})
    assert standin.messages[0].deleted
    assert standin.messages_for("U01MAYA") == []


def test_record_ack(standin: SlackStandIn) -> None:
    assert standin.record_ack("U01MAYA", "D01MAYA", {}) is None
    msg = standin.record_ack("U01MAYA", "D01MAYA", {"text": "Working on it"})
    assert msg is not None and msg.via == "ack" and msg.ephemeral_user == "U01MAYA"
    assert standin.timeline[-1].kind == "ephemeral" and standin.timeline[-1].user_ids == ["U01MAYA"]


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
