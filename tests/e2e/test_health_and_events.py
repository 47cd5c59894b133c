"""/healthz, the Home tab, direct messages, and the manifest held against the listeners."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from bot.platform.config import Settings
from bot.platform.local import LocalServer
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn

MAYA = "U01MAYA"


async def test_healthz_answers_with_a_database_check(bot: LocalServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(bot.url + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_is_503_when_the_database_is_unreachable(
    settings: Settings, tmp_path: Path
) -> None:
    broken = settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"}
    )
    runtime = Runtime.build(broken)
    try:
        async with LocalServer(runtime, scheduler=False) as server, httpx.AsyncClient() as http:
            response = await http.get(server.url + "/healthz")
            assert response.status_code == 503
            assert response.json()["status"] == "unavailable"
    finally:
        await runtime.close()


async def test_home_tab_is_published(slack: SlackDriver, standin: SlackStandIn) -> None:
    result = await slack.app_home_opened(MAYA)
    assert result.status == 200
    await standin.wait_for(lambda: MAYA in standin.home_views)
    home = standin.home_views[MAYA]
    assert home["type"] == "home"
    assert "/mentor join" in str(home["blocks"])
    assert "home_join" in str(home["blocks"])


async def test_direct_message_gets_a_pointer_and_bot_messages_are_ignored(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    dm = "D01MAYA"
    await slack.event(
        {"type": "message", "channel_type": "im", "channel": dm, "user": MAYA, "text": "hello?"}
    )
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": dm,
            "user": MAYA,
            "subtype": "message_changed",
        }
    )
    await standin.wait_for(lambda: len(standin.calls_to("chat.postMessage")) >= 1)
    await standin.settle()  # and nothing more arrives for the ignored edit
    (reply,) = standin.calls_to("chat.postMessage")
    assert "/mentor help" in reply.args["text"]


async def test_manifest_and_listeners_agree(
    slack: SlackDriver, bot: LocalServer, repo_root: Path
) -> None:
    manifest = yaml.safe_load((repo_root / "manifest.yml").read_text())
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    declared = {f"command:{c}" for c in commands} | {f"event:{e}" for e in events}
    if manifest["settings"]["interactivity"]["is_enabled"]:
        declared.add("interactivity")
    assert bot.runtime.ctx.subscriptions == declared

    # And Bolt really handles each one (it answers 404 to what no listener matches).
    for command in commands:
        assert (await slack.command(MAYA, "help", command=command)).status == 200
    samples = {
        "app_home_opened": {"type": "app_home_opened", "user": MAYA, "tab": "home"},
        "message.im": {"type": "message", "channel_type": "im", "channel": "D1", "user": MAYA},
        "user_change": {"type": "user_change", "user": {"id": MAYA, "tz": "Europe/Berlin"}},
        "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": [MAYA], "bot": []}},
        "app_uninstalled": {"type": "app_uninstalled"},  # last: the workspace is gone after it
    }
    assert set(samples) == events
    for sample in samples.values():
        assert (await slack.event(sample)).status == 200
