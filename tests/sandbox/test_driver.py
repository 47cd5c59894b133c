"""The driver sends what Slack sends, signed as Slack signs, built from what the bot showed."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import SlackDriver, SlackStandIn

from .conftest import SIGNING_SECRET, Received, Receiver


def plain(t: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": t}


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def input_block(block_id: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(block_id),
        "element": element,
        **extra,
    }


SKILLS = [option("TikTok", "tiktok"), option("Gen-Z slang", "slang"), option("Figma", "figma")]
EVERY_INPUT = {
    "type": "modal",
    "callback_id": "everything",
    "title": plain("Everything"),
    "submit": plain("Save"),
    "notify_on_close": True,
    "blocks": [
        input_block(
            "goal", {"type": "plain_text_input", "action_id": "goal_in", "multiline": True}
        ),
        input_block("level", {"type": "static_select", "action_id": "level_in", "options": SKILLS}),
        input_block(
            "topics", {"type": "multi_static_select", "action_id": "topics_in", "options": SKILLS}
        ),
        input_block("mode", {"type": "radio_buttons", "action_id": "mode_in", "options": SKILLS}),
        input_block(
            "flags",
            {"type": "checkboxes", "action_id": "flags_in", "options": SKILLS},
            optional=True,
        ),
        input_block("mentor", {"type": "users_select", "action_id": "mentor_in"}),
        input_block("team", {"type": "multi_users_select", "action_id": "team_in"}, optional=True),
        input_block("day", {"type": "datepicker", "action_id": "day_in"}),
        input_block("at", {"type": "timepicker", "action_id": "at_in", "initial_time": "09:30"}),
        input_block(
            "hours", {"type": "number_input", "action_id": "hours_in", "is_decimal_allowed": False}
        ),
        input_block(
            "where", {"type": "conversations_select", "action_id": "where_in"}, optional=True
        ),
        input_block("note", {"type": "plain_text_input", "action_id": "note_in"}, optional=True),
    ],
}


def verify(request: Received) -> bool:
    return SignatureVerifier(SIGNING_SECRET).is_valid(
        request.body,
        request.headers["x-slack-request-timestamp"],
        request.headers["x-slack-signature"],
    )


async def open_modal(standin: SlackStandIn, client: AsyncWebClient, view: dict[str, Any]) -> str:
    opened = await client.views_open(trigger_id=standin.issue_trigger_id("U01MAYA"), view=view)
    return str(opened["view"]["id"])


async def test_slash_command_is_signed_and_shaped_like_slack(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver, receiver: Receiver
) -> None:
    receiver.reply = lambda request: (200, {"text": "Welcome to Flipside!"})
    result = await driver.command("U01MAYA", "join")
    request = receiver.last
    assert verify(request)
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = request.form
    assert form["command"] == "/mentor" and form["text"] == "join"
    assert form["user_id"] == "U01MAYA" and form["user_name"] == "maya"
    assert form["team_id"] == "T0FLIPSIDE" and form["api_app_id"] == "A0FLIPSIDE"
    assert form["channel_id"] == "D01MAYA" and form["channel_name"] == "directmessage"
    assert form["is_enterprise_install"] == "false"
    assert result.ok and result.message is not None and result.message.via == "ack"
    assert standin.messages_for("U01MAYA")[-1].text == "Welcome to Flipside!"
    # the trigger and response_url it carried work against the stand-in
    opened = await client.views_open(trigger_id=form["trigger_id"], view=EVERY_INPUT)
    assert opened["ok"]
    assert form["response_url"].startswith(standin.base_url + "/response/")


async def test_forged_and_stale_signatures_fail_verification(
    driver: SlackDriver, receiver: Receiver
) -> None:
    await driver.command("U01MAYA", "help", signature="v0=" + "0" * 64)
    assert not verify(receiver.last)
    stale = int(time.time()) - 600
    await driver.command("U01MAYA", "help", timestamp=stale)
    assert (
        SignatureVerifier(SIGNING_SECRET).is_valid(
            receiver.last.body, str(stale), receiver.last.headers["x-slack-signature"]
        )
        is False
    )  # the verifier refuses requests older than five minutes
    body = b"token=x&command=%2Fmentor"
    ts = int(time.time())
    await driver.raw(
        body, {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": driver.sign(body, ts)}
    )
    assert verify(receiver.last) and receiver.last.body == body


async def test_click_a_button_in_a_message(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver, receiver: Receiver
) -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Meet *Daniel*?"}},
        {
            "type": "actions",
            "block_id": "match",
            "elements": [
                {"type": "button", "action_id": "accept", "text": plain("Accept"), "value": "m-1"},
                {
                    "type": "button",
                    "action_id": "decline",
                    "text": plain("Decline"),
                    "value": "m-1",
                },
            ],
        },
    ]
    posted = await client.chat_postMessage(channel="U01MAYA", text="Meet Daniel?", blocks=blocks)
    await driver.click("U01MAYA", "accept")
    payload = receiver.last.payload
    assert verify(receiver.last)
    assert payload["type"] == "block_actions"
    assert payload["user"] == {
        "id": "U01MAYA",
        "username": "maya",
        "name": "maya",
        "team_id": "T0FLIPSIDE",
    }
    assert payload["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": "D01MAYA",
        "is_ephemeral": False,
    }
    assert payload["channel"]["id"] == "D01MAYA" and payload["message"]["ts"] == posted["ts"]
    action = payload["actions"][0]
    assert action["type"] == "button" and action["block_id"] == "match"
    assert action["value"] == "m-1" and action["text"]["text"] == "Accept"
    assert payload["trigger_id"] and payload["enterprise"] is None
    assert payload["is_enterprise_install"] is False
    # respond() through the response_url replaces the original message
    async with httpx.AsyncClient() as http:
        await http.post(
            payload["response_url"], json={"replace_original": True, "text": "Accepted"}
        )
    assert standin.messages[0].text == "Accepted"
    with pytest.raises(AssertionError, match="no element 'maybe'"):
        await driver.click("U01MAYA", "maybe")
    with pytest.raises(AssertionError):
        await driver.click("U01DANIEL", "accept")  # not his DM: he cannot see that button


async def test_click_and_suggest_in_a_modal(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver, receiver: Receiver
) -> None:
    view = {
        "type": "modal",
        "title": plain("Pick"),
        "blocks": [
            {
                "type": "section",
                "block_id": "s",
                "text": {"type": "mrkdwn", "text": "Skill"},
                "accessory": {"type": "static_select", "action_id": "skill", "options": SKILLS},
            },
            {
                "type": "actions",
                "block_id": "a",
                "elements": [
                    {"type": "external_select", "action_id": "search", "min_query_length": 1}
                ],
            },
        ],
    }
    view_id = await open_modal(standin, client, view)
    await driver.click("U01MAYA", "skill", selected_option="figma")
    payload = receiver.last.payload
    assert payload["container"] == {"type": "view", "view_id": view_id}
    assert payload["view"]["id"] == view_id and "state" in payload["view"]
    action = payload["actions"][0]
    assert action["type"] == "static_select" and action["block_id"] == "s"
    assert action["selected_option"] == option("Figma", "figma")
    receiver.reply = lambda request: (200, {"options": [option("Maya Chen", "U01MAYA")]})
    result = await driver.suggest("U01MAYA", "search", "may")
    assert receiver.last.payload["type"] == "block_suggestion"
    assert receiver.last.payload["value"] == "may"
    assert result.options == [option("Maya Chen", "U01MAYA")]


async def test_view_submission_state_shapes(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver, receiver: Receiver
) -> None:
    view_id = await open_modal(standin, client, EVERY_INPUT)
    result = await driver.submit(
        "U01MAYA",
        values={
            "goal_in": "Learn TikTok",
            "level": "slang",  # by block_id
            "topics_in": ["tiktok", "figma"],
            "mode_in": "figma",
            "mentor_in": "U01LENA",
            "day_in": "2024-12-02",
            "hours_in": 2,
        },
    )
    payload = receiver.last.payload
    assert verify(receiver.last) and payload["type"] == "view_submission"
    assert payload["view"]["id"] == view_id and payload["view"]["callback_id"] == "everything"
    values = payload["view"]["state"]["values"]
    assert values["goal"]["goal_in"] == {"type": "plain_text_input", "value": "Learn TikTok"}
    assert values["level"]["level_in"] == {
        "type": "static_select",
        "selected_option": option("Gen-Z slang", "slang"),
    }
    assert values["topics"]["topics_in"] == {
        "type": "multi_static_select",
        "selected_options": [option("TikTok", "tiktok"), option("Figma", "figma")],
    }
    assert values["mode"]["mode_in"] == {
        "type": "radio_buttons",
        "selected_option": option("Figma", "figma"),
    }
    assert values["flags"]["flags_in"] == {"type": "checkboxes", "selected_options": []}
    assert values["mentor"]["mentor_in"] == {"type": "users_select", "selected_user": "U01LENA"}
    assert values["team"]["team_in"] == {"type": "multi_users_select", "selected_users": []}
    assert values["day"]["day_in"] == {"type": "datepicker", "selected_date": "2024-12-02"}
    assert values["at"]["at_in"] == {"type": "timepicker", "selected_time": "09:30"}
    assert values["hours"]["hours_in"] == {"type": "number_input", "value": "2"}
    assert values["where"]["where_in"] == {
        "type": "conversations_select",
        "selected_conversation": None,
    }
    assert values["note"]["note_in"] == {"type": "plain_text_input", "value": None}
    assert result.outcome == "closed" and result.closed
    assert standin.open_views("U01MAYA") == []


async def test_submit_refuses_what_a_client_cannot_send(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver
) -> None:
    await open_modal(standin, client, EVERY_INPUT)
    with pytest.raises(AssertionError, match="no input"):
        await driver.submit("U01MAYA", values={"nonexistent": "x"})
    with pytest.raises(AssertionError, match="no option"):
        await driver.submit("U01MAYA", values={"level_in": "cobol"})
    with pytest.raises(AssertionError, match="required input"):
        await driver.submit("U01MAYA", values={"goal_in": "only this"})
    with pytest.raises(ValueError):
        await driver.submit("U01MAYA", values={"day_in": "2024-13-45"})
    with pytest.raises(AssertionError, match="no modal open"):
        await driver.submit("U01DANIEL")


SIMPLE = {
    "type": "modal",
    "title": plain("Goal"),
    "submit": plain("Save"),
    "blocks": [input_block("goal", {"type": "plain_text_input", "action_id": "goal_in"})],
}


@pytest.mark.parametrize(
    ("ack", "outcome", "open_after"),
    [
        (None, "closed", 1),
        ({"response_action": "errors", "errors": {"goal": "Too short"}}, "errors", 2),
        (
            {"response_action": "update", "view": {**SIMPLE, "title": plain("Updated")}},
            "updated",
            2,
        ),
        ({"response_action": "push", "view": {**SIMPLE, "title": plain("Pushed")}}, "pushed", 3),
        ({"response_action": "clear"}, "cleared", 0),
    ],
)
async def test_submit_applies_the_response_action(
    standin: SlackStandIn,
    client: AsyncWebClient,
    driver: SlackDriver,
    receiver: Receiver,
    ack: dict[str, Any] | None,
    outcome: str,
    open_after: int,
) -> None:
    await open_modal(standin, client, SIMPLE)
    await client.views_push(trigger_id=standin.issue_trigger_id("U01MAYA"), view=SIMPLE)
    top = standin.open_views("U01MAYA")[-1].id
    receiver.reply = lambda request: (200, ack)
    result = await driver.submit("U01MAYA", values={"goal_in": "x"})
    assert result.outcome == outcome
    assert len(standin.open_views("U01MAYA")) == open_after
    if outcome == "errors":
        assert result.errors == {"goal": "Too short"}
    if outcome == "updated":
        assert result.view is not None and result.view.id == top
        assert standin.views[top].view["title"]["text"] == "Updated"
    if outcome == "pushed":
        assert result.view is not None and result.view.previous_view_id == top


async def test_errors_must_name_input_blocks(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver, receiver: Receiver
) -> None:
    await open_modal(standin, client, SIMPLE)
    receiver.reply = lambda request: (200, {"response_action": "errors", "errors": {"nope": "x"}})
    with pytest.raises(AssertionError, match="unknown input block_ids"):
        await driver.submit("U01MAYA", values={"goal_in": "x"})
    receiver.reply = lambda request: (
        200,
        {"response_action": "update", "view": {**SIMPLE, "title": plain("x" * 30)}},
    )
    with pytest.raises(AssertionError, match="reject"):
        await driver.submit("U01MAYA", values={"goal_in": "x"})


async def test_close_notifies_only_when_asked(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver, receiver: Receiver
) -> None:
    await open_modal(standin, client, SIMPLE)
    result = await driver.close("U01MAYA")
    assert result.sent is False and result.closed and receiver.requests == []
    await open_modal(standin, client, EVERY_INPUT)
    result = await driver.close("U01MAYA")
    assert result.sent and receiver.last.payload["type"] == "view_closed"
    assert receiver.last.payload["is_cleared"] is False
    assert standin.open_views("U01MAYA") == []


async def test_events_envelope_and_retries(
    standin: SlackStandIn, driver: SlackDriver, receiver: Receiver
) -> None:
    await driver.event({"type": "member_joined_channel", "user": "U01MAYA", "channel": "C0ADMINS"})
    first = receiver.last
    assert verify(first) and first.headers["content-type"] == "application/json"
    envelope = first.json
    assert envelope["type"] == "event_callback" and envelope["team_id"] == "T0FLIPSIDE"
    assert envelope["api_app_id"] == "A0FLIPSIDE" and envelope["event"]["event_ts"]
    assert envelope["authorizations"][0]["user_id"] == "U0FLIPBOT"
    assert envelope["authorizations"][0]["is_bot"] is True
    assert "x-slack-retry-num" not in first.headers
    await driver.event(envelope["event"], retry_num=1, event_id=envelope["event_id"])
    retried = receiver.last
    assert retried.headers["x-slack-retry-num"] == "1"
    assert retried.headers["x-slack-retry-reason"] == "http_timeout"
    assert retried.json["event_id"] == envelope["event_id"]
    await driver.app_home_opened("U01LENA")
    opened = receiver.last.json
    assert opened["event"]["type"] == "app_home_opened" and opened["event"]["tab"] == "home"
    assert opened["event"]["user"] == "U01LENA" and opened["event_id"] != envelope["event_id"]


async def test_click_by_message_ts_in_a_channel_and_in_channel_acks(
    standin: SlackStandIn, client: AsyncWebClient, driver: SlackDriver, receiver: Receiver
) -> None:
    approve = {"type": "button", "action_id": "approve", "text": plain("Approve"), "value": "r4"}
    blocks: list[dict[str, Any]] = [{"type": "actions", "block_id": "r", "elements": [approve]}]
    posted = await client.chat_postMessage(channel="C0ADMINS", text="Round 4", blocks=blocks)
    await driver.click("U01PRIYA", "approve", message_ts=posted["ts"], channel_id="C0ADMINS")
    payload = receiver.last.payload
    assert payload["channel"] == {"id": "C0ADMINS", "name": "flipside-admins"}
    assert payload["actions"][0]["value"] == "r4"
    with pytest.raises(AssertionError, match="sees no message"):
        await driver.click("U01MAYA", "approve", message_ts=posted["ts"])
    receiver.reply = lambda request: (200, {"response_type": "in_channel", "text": "Posted!"})
    result = await driver.command("U01PRIYA", "announce", channel_id="C0ADMINS")
    assert result.message is not None and result.message.ephemeral_user is None
    assert receiver.last.form["channel_name"] == "flipside-admins"
