"""Slack's two ways in, side by side: the same flows over signed HTTP and over a Socket Mode
connection the bot opened with SLACK_APP_TOKEN (the fixture `mode`); and what only a socket
has: `hello`, acks with response payloads, redelivery of an unacked envelope, `disconnect`,
a dropped connection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import ClientSession, WSMsgType
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.config import Settings, load_settings
from bot.platform.db.models import Pairing
from bot.platform.local import LocalServer
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.conftest import SIGNING_SECRET
from tests.e2e.flows import AI, answers, home, join, open_modal, participant, replies
from tests.e2e.sessions_setup import MAYA, book, later, sessions_in_db

NEWBIE = "U01LENA"


@pytest.fixture(params=["http", "socket"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(standin: SlackStandIn, database_url: str, mode: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
    }
    if mode == "socket":
        env["SLACK_APP_TOKEN"] = standin.socket.app_token
    return load_settings(env, env_file=None)


@pytest.fixture
async def bot(
    settings: Settings, engine: AsyncEngine, clock: FakeClock, mode: str
) -> AsyncIterator[LocalServer]:
    runtime = Runtime.build(settings, clock=clock)
    try:
        async with LocalServer(runtime, socket_mode=mode == "socket") as server:
            yield server
    finally:
        await runtime.close()


@pytest.fixture
async def slack(bot: LocalServer, standin: SlackStandIn, mode: str) -> AsyncIterator[SlackDriver]:
    driver = SlackDriver(standin, bot.events_url, SIGNING_SECRET, socket_mode=mode == "socket")
    try:
        yield driver
    finally:
        await driver.aclose()


async def test_joining_pausing_and_the_home_work_both_ways(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer, mode: str
) -> None:
    # A wrong field is an inline error in the ack, whichever way the submission came.
    view = await open_modal(slack, standin, NEWBIE)
    refused = await slack.submit(NEWBIE, values=answers(view, role="share", share=[], learn=[AI]))
    assert refused.errors and not refused.closed
    await slack.close(NEWBIE)
    result = await join(slack, standin, NEWBIE, role="share", share=[AI], learn=[AI])
    assert result.closed, result.errors
    assert (found := await participant(engine, NEWBIE)) is not None and found.role == "share"
    result = await slack.command(NEWBIE, "pause for 2 weeks")
    assert result.status == 200
    await bot.runtime.settle()
    assert (found := await participant(engine, NEWBIE)) is not None
    assert found.status == "paused"
    view = await home(slack, standin, NEWBIE)
    assert "Resume" in json.dumps(view)
    if mode == "socket":
        assert {e.type for e in standin.socket.delivered} == {
            "slash_commands",
            "interactive",
            "events_api",
        }


async def test_a_round_and_a_booking_work_both_ways(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
    mode: str,
) -> None:
    result = await book(slack, standin, bot, pair, MAYA, later(clock, days=3))
    assert result.status == 200 and not result.errors
    await bot.runtime.settle()
    (booked,) = await sessions_in_db(engine)
    assert booked.status == "booked"
    assert bool(standin.socket.delivered) == (mode == "socket")


async def test_healthz_answers_over_http_while_slack_talks_over_the_socket(
    bot: LocalServer, slack: SlackDriver, standin: SlackStandIn, mode: str
) -> None:
    async with httpx.AsyncClient() as http:
        assert (await http.get(bot.url + "/healthz")).json()["status"] == "ok"
        events = await http.post(bot.events_url, content=b"{}")
    # In Socket Mode there is no HTTP door for Slack's requests at all.
    assert events.status_code == (404 if mode == "socket" else 401)


@pytest.mark.parametrize("mode", ["socket"])
async def test_a_disconnect_and_a_dropped_connection_lose_and_double_nothing(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer, mode: str
) -> None:
    opened = standin.socket.opened
    await standin.socket.disconnect("refresh_requested")
    await standin.wait_for(lambda: standin.socket.opened > opened, within=10)
    result = await slack.command(MAYA, "help")
    assert result.status == 200 and "/mentor" in (result.body or {}).get("text", "")
    # The network drops: the command sent meanwhile waits for the bot to come back, once.
    opened = standin.socket.opened
    before = len(replies(standin, MAYA))
    standin.socket.drop()
    answered = await slack.command(MAYA, "help")
    assert answered.status == 200
    assert standin.socket.opened > opened
    await bot.runtime.settle()
    assert len(replies(standin, MAYA)) == before + 1  # answered once, not once per delivery
    ids = [e.envelope_id for e in standin.socket.delivered if e.retry_attempt == 0]
    assert len(ids) == len(set(ids))


async def test_the_stand_in_redelivers_an_unacked_envelope_with_a_higher_retry_attempt(
    standin: SlackStandIn,
) -> None:
    """The protocol itself, with a bare client: hello first; no ack, then the same envelope
    again with retry_attempt 1 and retry_reason "timeout"; the ack's payload is the answer."""
    standin.socket.ack_timeout = 0.3
    async with ClientSession() as http:
        opened = await http.post(
            standin.api_url + "apps.connections.open",
            headers={"Authorization": f"Bearer {standin.socket.app_token}"},
        )
        url = (await opened.json())["url"]
        refused = await http.post(
            standin.api_url + "apps.connections.open",
            headers={"Authorization": f"Bearer {standin.bot_token}"},
        )
        assert (await refused.json())["error"] == "invalid_auth"
        async with http.ws_connect(url) as ws:
            hello = await ws.receive_json()
            assert hello["type"] == "hello"
            delivery = asyncio.create_task(
                standin.socket.deliver("slash_commands", {"command": "/mentor", "text": "help"})
            )
            first = await ws.receive_json()
            assert first["retry_attempt"] == 0 and first["accepts_response_payload"] is True
            again = await ws.receive_json()
            assert again["envelope_id"] == first["envelope_id"]
            assert again["retry_attempt"] == 1 and again["retry_reason"] == "timeout"
            await ws.send_json({"envelope_id": again["envelope_id"], "payload": {"text": "hi"}})
            assert await delivery == {"text": "hi"}
            await standin.socket.disconnect("warning")
            message = await ws.receive()
            assert message.type == WSMsgType.TEXT
            assert json.loads(message.data) == {
                "type": "disconnect",
                "reason": "warning",
                "debug_info": {"host": "applink-sandbox"},
            }
        # A URL is good for one connection only.
        async with http.get(url) as reused:
            assert reused.status == 401


@pytest.mark.parametrize("mode", ["socket"])
async def test_a_malformed_envelope_is_refused_and_acked_so_slack_stops_sending_it(
    bot: LocalServer, standin: SlackStandIn, mode: str
) -> None:
    event = {"type": "app_home_opened", "user": True}
    answer = await standin.socket.deliver(
        "events_api", {"type": "event_callback", "team_id": "T0FLIPSIDE", "event": event}
    )
    assert answer == {}
    assert [e.retry_attempt for e in standin.socket.delivered] == [0]
    assert not standin.calls_to("views.publish")
