"""Message metadata on chat.postMessage / chat.update, and conversations.history, as Slack has them.

What the bot needs to find its own earlier posts: metadata round trips, history's bounds, pages,
what history leaves out, who may read it, and faults on it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import SandboxChannel, SlackStandIn

from .conftest import TOKEN
from .standin_helpers import section, slack_error

PAIRED = {"event_type": "pairing_announced", "event_payload": {"pairing_id": 42, "round": "r7"}}


@pytest.fixture
def bare_client(standin: SlackStandIn) -> AsyncWebClient:
    """No retry handlers: every fault reaches the caller."""
    return AsyncWebClient(base_url=standin.api_url, token=TOKEN, retry_handlers=[])


def post_many(standin: SlackStandIn, channel: str, count: int) -> list[str]:
    """`count` messages straight into the stand-in's state; their ts, oldest first."""
    return [standin.post(channel, f"message {i}").ts for i in range(count)]


async def history(client: AsyncWebClient, **kwargs: Any) -> list[str]:
    return [m["ts"] for m in (await client.conversations_history(**kwargs))["messages"]]


# -- metadata --------------------------------------------------------------------------------


async def test_metadata_round_trips_through_history(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(
        channel="U01MAYA", text="You're paired!", metadata=PAIRED
    )
    assert posted["message"]["metadata"] == PAIRED
    assert standin.messages[0].metadata == PAIRED
    await client.chat_postMessage(channel="U01MAYA", text="no metadata here")
    full = await client.conversations_history(channel="D01MAYA", include_all_metadata=True)
    plain, with_metadata = full["messages"]  # newest first
    assert with_metadata["ts"] == posted["ts"] and with_metadata["metadata"] == PAIRED
    assert "metadata" not in plain
    bare = await client.conversations_history(channel="D01MAYA")
    assert all("metadata" not in m for m in bare["messages"])
    off = await client.conversations_history(channel="D01MAYA", include_all_metadata=False)
    assert all("metadata" not in m for m in off["messages"])


async def test_metadata_as_a_json_string_in_a_form(standin: SlackStandIn) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    form = {"channel": "U01LENA", "text": "hi", "metadata": json.dumps(PAIRED)}
    async with httpx.AsyncClient(base_url=standin.api_url) as http:
        posted = (await http.post("chat.postMessage", data=form, headers=auth)).json()
        read = await http.get(
            "conversations.history",
            params={"channel": "D01LENA", "include_all_metadata": "true"},
            headers=auth,
        )
    assert posted["ok"] and standin.messages[0].metadata == PAIRED
    assert read.json()["messages"][0]["metadata"] == PAIRED


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ("{not json", "invalid_metadata_format"),
        ('["event_type"]', "invalid_metadata_format"),
        ('"a string"', "invalid_metadata_format"),
        ([PAIRED], "invalid_metadata_format"),
        ({}, "invalid_metadata_schema"),
        ({"event_payload": {"a": 1}}, "invalid_metadata_schema"),
        ({"event_type": "pairing_announced"}, "invalid_metadata_schema"),
        ({"event_type": 7, "event_payload": {}}, "invalid_metadata_schema"),
        ({"event_type": "", "event_payload": {}}, "invalid_metadata_schema"),
        ({"event_type": "pairing_announced", "event_payload": "42"}, "invalid_metadata_schema"),
        ({"event_type": "pairing_announced", "event_payload": [1]}, "invalid_metadata_schema"),
        (json.dumps({"event_type": "x"}), "invalid_metadata_schema"),
    ],
)
async def test_invalid_metadata_is_refused(
    standin: SlackStandIn, client: AsyncWebClient, metadata: Any, error: str
) -> None:
    data = await slack_error(
        client.chat_postMessage(channel="U01MAYA", text="x", metadata=metadata)
    )
    assert data["error"] == error
    assert standin.messages == []
    posted = await client.chat_postMessage(channel="U01MAYA", text="x")
    refused = client.chat_update(
        channel=posted["channel"], ts=posted["ts"], text="y", metadata=metadata
    )
    if metadata == {}:  # on chat.update an empty object removes the metadata
        assert (await refused)["ok"]
    else:
        assert (await slack_error(refused))["error"] == error
        assert standin.messages[0].text == "x"


async def test_an_event_type_with_punctuation_is_dropped_with_a_warning(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    dotted = {"event_type": "pairing.announced", "event_payload": {"a": 1}}
    posted = await client.chat_postMessage(channel="U01MAYA", text="x", metadata=dotted)
    assert posted["ok"] and posted["warning"] == "invalid_metadata_schema"
    assert posted["response_metadata"]["warnings"] == ["invalid_metadata_schema"]
    assert standin.messages[0].metadata is None and "metadata" not in posted["message"]
    hyphen = {"event_type": "Pairing-Announced_2", "event_payload": {}}
    fine = await client.chat_postMessage(channel="U01MAYA", text="x", metadata=hyphen)
    assert "warning" not in fine and standin.messages[1].metadata == hyphen


async def test_update_keeps_replaces_or_removes_metadata(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C0ADMINS", text="Round 7", metadata=PAIRED)
    ts = posted["ts"]
    kept = await client.chat_update(channel="C0ADMINS", ts=ts, text="Round 7, approved")
    assert kept["message"]["metadata"] == PAIRED == standin.messages[0].metadata
    other = {"event_type": "round_approved", "event_payload": {"round": "r7"}}
    await client.chat_update(channel="C0ADMINS", ts=ts, text="Round 7", metadata=other)
    assert standin.messages[0].metadata == other
    removed = await client.chat_update(channel="C0ADMINS", ts=ts, text="Round 7", metadata={})
    assert standin.messages[0].metadata is None and "metadata" not in removed["message"]
    listed = await client.conversations_history(channel="C0ADMINS", include_all_metadata=True)
    assert "metadata" not in listed["messages"][0]


# -- conversations.history: what a message looks like, bounds, pages ------------------------


async def test_history_lists_the_bots_messages_as_slack_does(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    await client.chat_postMessage(channel="C0ADMINS", text="plain")
    await client.chat_postMessage(channel="C0ADMINS", text="rich", blocks=[section("Rich")])
    listed = await client.conversations_history(channel="C0ADMINS")
    rich, plain = listed["messages"]
    auth = await client.auth_test()
    for message in (rich, plain):
        assert message["type"] == "message" and "subtype" not in message
        assert message["user"] == auth["user_id"] and message["bot_id"] == auth["bot_id"]
    assert (rich["text"], plain["text"]) == ("rich", "plain")
    assert rich["blocks"][0]["text"]["text"] == "Rich" and rich["blocks"][0]["block_id"]
    assert "blocks" not in plain
    assert listed["has_more"] is False and "response_metadata" not in listed
    call = standin.calls_to("conversations.history")[0]
    assert call.args["channel"] == "C0ADMINS" and call.response == listed.data


async def test_oldest_latest_and_inclusive(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.open_dm("U01MAYA")
    ts = post_many(standin, "D01MAYA", 5)
    assert await history(client, channel="D01MAYA") == ts[::-1]
    assert await history(client, channel="D01MAYA", oldest=ts[1], latest=ts[3]) == [ts[2]]
    inclusive = await history(client, channel="D01MAYA", oldest=ts[1], latest=ts[3], inclusive=True)
    assert inclusive == [ts[3], ts[2], ts[1]]
    assert await history(client, channel="D01MAYA", oldest=ts[3]) == [ts[4]]
    assert await history(client, channel="D01MAYA", latest=ts[1]) == [ts[0]]
    assert await history(client, channel="D01MAYA", latest=ts[1], inclusive=True) == [
        ts[1],
        ts[0],
    ]
    whole_second = ts[0].split(".")[0]  # a bare Unix second, as Slack also takes
    assert await history(client, channel="D01MAYA", oldest=whole_second) == ts[::-1]
    assert await history(client, channel="D01MAYA", latest=whole_second) == []
    assert await history(client, channel="D01MAYA", oldest=ts[4], latest=ts[0]) == []
    bad_oldest = client.conversations_history(channel="D01MAYA", oldest="yesterday")
    assert (await slack_error(bad_oldest))["error"] == "invalid_ts_oldest"
    bad_latest = client.conversations_history(channel="D01MAYA", latest="soon")
    assert (await slack_error(bad_latest))["error"] == "invalid_ts_latest"


async def test_pages_of_a_long_history(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.open_dm("U01MAYA")
    posted = post_many(standin, "D01MAYA", 250)
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await client.conversations_history(channel="D01MAYA", limit=100, cursor=cursor)
        pages.append(page.data)
        seen += [m["ts"] for m in page["messages"]]
        if not page["has_more"]:
            break
        cursor = page["response_metadata"]["next_cursor"]
    assert [len(p["messages"]) for p in pages] == [100, 100, 50]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert "response_metadata" not in pages[-1]
    assert seen == posted[::-1] and len(set(seen)) == 250  # all of them, newest first, once
    by_sdk = [
        m["ts"]
        async for page in await client.conversations_history(channel="D01MAYA", limit=100)
        for m in page["messages"]
    ]
    assert by_sdk == seen
    default = await client.conversations_history(channel="D01MAYA")
    assert len(default["messages"]) == 100
    bogus = client.conversations_history(channel="D01MAYA", cursor="bogus!")
    assert (await slack_error(bogus))["error"] == "invalid_cursor"


async def test_a_page_holds_at_most_999(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.open_dm("U01MAYA")
    post_many(standin, "D01MAYA", 1000)
    page = await client.conversations_history(channel="D01MAYA", limit=5000)
    assert len(page["messages"]) == 999 and page["has_more"] is True


async def test_pages_stay_put_while_new_messages_arrive(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    standin.open_dm("U01MAYA")
    posted = post_many(standin, "D01MAYA", 5)
    first = await client.conversations_history(channel="D01MAYA", limit=3)
    newer = standin.post("D01MAYA", "arrived in between").ts
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_history(channel="D01MAYA", limit=3, cursor=cursor)
    assert [m["ts"] for m in first["messages"] + rest["messages"]] == posted[::-1]
    assert await history(client, channel="D01MAYA", limit=1) == [newer]


async def test_history_leaves_out_ephemerals_deleted_and_replies(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    parent = await client.chat_postMessage(channel="C0ADMINS", text="Round 7 is ready")
    reply = await client.chat_postMessage(
        channel="C0ADMINS", text="Details", thread_ts=parent["ts"]
    )
    await client.chat_postEphemeral(channel="C0ADMINS", user="U01PRIYA", text="only you")
    gone = await client.chat_postMessage(channel="C0ADMINS", text="oops")
    await client.chat_delete(channel="C0ADMINS", ts=gone["ts"])
    kept = await client.chat_postMessage(channel="C0ADMINS", text="still here")
    listed = (await client.conversations_history(channel="C0ADMINS"))["messages"]
    assert [m["ts"] for m in listed] == [kept["ts"], parent["ts"]]
    thread = listed[1]
    assert thread["thread_ts"] == parent["ts"] and thread["reply_count"] == 1
    assert thread["latest_reply"] == reply["ts"]
    assert "thread_ts" not in listed[0]


# -- who may read it; faults ----------------------------------------------------------------


async def test_who_may_read_which_history(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.workspace.add_channel(SandboxChannel("C0RANDOM", "random", ["U01MAYA"]))
    standin.workspace.add_channel(SandboxChannel("G0SECRET", "secret", ["U01MAYA"], True))
    for channel in ("C0RANDOM", "G0SECRET"):
        data = await slack_error(client.conversations_history(channel=channel))
        assert data["error"] == "not_in_channel"
    for channel in ("C0NOWHERE", "U01MAYA", "D0NOBODY", "#flipside-admins", ""):
        data = await slack_error(client.conversations_history(channel=channel))
        assert data["error"] == "channel_not_found"
    never_opened = await client.conversations_history(channel="D01LENA")
    assert never_opened["messages"] == [] and never_opened["has_more"] is False
    group = (await client.conversations_open(users="U01MAYA,U01DANIEL"))["channel"]["id"]
    posted = await client.chat_postMessage(channel=group, text="Meet your partner")
    assert await history(client, channel=group) == [posted["ts"]]
    assert (await client.conversations_history(channel="C0ADMINS"))["ok"]


async def test_faults_on_history(standin: SlackStandIn, bare_client: AsyncWebClient) -> None:
    standin.open_dm("U01MAYA")
    post_many(standin, "D01MAYA", 2)
    standin.faults.add("conversations.history", "rate_limited", retry_after=3)
    standin.faults.add("conversations.history", "slack_error", error="internal_error")
    with pytest.raises(SlackApiError) as info:
        await bare_client.conversations_history(channel="D01MAYA")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "3"
    refused = await slack_error(bare_client.conversations_history(channel="D01MAYA"))
    assert refused["error"] == "internal_error"
    standin.faults.add("conversations.history", "server_error", status=503)
    with pytest.raises(SlackApiError) as unavailable:
        await bare_client.conversations_history(channel="D01MAYA")
    assert unavailable.value.response.status_code == 503
    assert len((await bare_client.conversations_history(channel="D01MAYA"))["messages"]) == 2
    calls = standin.calls_to("conversations.history")
    assert [c.status for c in calls] == [429, 200, 503, 200]
    assert [c.response["ok"] for c in calls] == [False, False, False, True]
