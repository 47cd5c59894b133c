"""`/mentor help`, a mistyped command, and request verification, over real HTTP."""

from __future__ import annotations

import json
import time

import httpx

from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.validation import BlockKitValidator

MAYA = "U01MAYA"


def _all_text(body: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(body)


async def test_help_is_an_ephemeral_list_of_commands(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    result = await slack.command(MAYA, "help")
    assert result.status == 200
    body = result.body
    assert body is not None
    assert body["response_type"] == "ephemeral"
    assert "/mentor help" in body["text"]
    assert BlockKitValidator().check_blocks(body["blocks"]) == []
    seen = standin.messages_for(MAYA)
    assert seen and seen[-1].ephemeral_user == MAYA


async def test_capitals_and_spaces_still_show_help(slack: SlackDriver) -> None:
    result = await slack.command(MAYA, "  HELP  ")
    assert result.body is not None and "Commands" in _all_text(result.body)


async def test_admin_commands_are_listed_for_admins_only(slack: SlackDriver) -> None:
    mine = await slack.command(MAYA, "help")
    admins = await slack.command("U01PRIYA", "help")
    assert "admin settings" not in _all_text(mine.body)
    assert "admin settings" in _all_text(admins.body)


async def test_unknown_word_gets_friendly_help_with_a_suggestion(slack: SlackDriver) -> None:
    result = await slack.command(MAYA, "hepl me")
    assert result.status == 200
    assert result.body is not None
    text = result.body["text"]
    assert "I don't know `/mentor hepl me`" in text
    assert "Did you mean `/mentor help`?" in text


async def test_unknown_word_is_escaped(slack: SlackDriver) -> None:
    result = await slack.command(MAYA, "<!channel> & co")
    assert result.body is not None
    assert "&lt;!channel&gt; &amp; co" in result.body["text"]


async def test_forged_signature_is_refused(slack: SlackDriver) -> None:
    result = await slack.command(MAYA, "help", signature="v0=" + "0" * 64)
    assert result.status == 401


async def test_stale_timestamp_is_refused(slack: SlackDriver) -> None:
    result = await slack.command(MAYA, "help", timestamp=int(time.time()) - 6 * 60)
    assert result.status == 401


async def test_unsigned_request_is_refused(bot: LocalServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            bot.events_url,
            content=b"command=%2Fmentor&text=help",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 401


async def test_home_help_button_opens_a_modal(slack: SlackDriver, standin: SlackStandIn) -> None:
    await slack.app_home_opened(MAYA)
    await standin.wait_for(lambda: MAYA in standin.home_views)
    result = await slack.click(MAYA, "home_help", view_id=standin.home_views[MAYA]["id"])
    assert result.status == 200
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    (modal,) = standin.open_views(MAYA)
    assert "/mentor help" in json.dumps(modal.view)
