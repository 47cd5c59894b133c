"""The stand-in outside the Web API: three-step file uploads, response URLs and HTTP acks."""

from __future__ import annotations

import httpx
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import SlackStandIn

from .standin_helpers import slack_error


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
