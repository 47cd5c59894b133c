"""Fixtures for the stand-in's own tests: a running stand-in, a slack_sdk client, a fake app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import BlockKitValidator, SlackDriver, SlackStandIn, demo_workspace
from bot.sandbox.validation import find_schema_dir

TOKEN = "xoxb-sandbox-token"
SIGNING_SECRET = "sandbox-signing-secret"
APP_URL = "http://bot.test/slack/events"
SKIP_NO_SCHEMAS = (
    "Slack schemas not found: set SLACK_SCHEMAS_DIR or place ../shared/slack-schemas beside the "
    "checkout"
)


@pytest.fixture
def schema_validator() -> BlockKitValidator:
    """A validator on the real schemas; skips where they are absent."""
    if find_schema_dir() is None:
        pytest.skip(SKIP_NO_SCHEMAS)
    return BlockKitValidator()


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(demo_workspace(), bot_token=TOKEN) as server:
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(base_url=standin.api_url, token=TOKEN)


@dataclass
class Received:
    """One request the fake app received."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    @property
    def payload(self) -> dict[str, Any]:
        """The `payload=<json>` of an interactivity request."""
        parsed: dict[str, Any] = json.loads(self.form["payload"])
        return parsed

    @property
    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


Reply = Callable[[Received], tuple[int, object]]


class Receiver:
    """A tiny ASGI app in place of the bot: records every request and answers with `reply`."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.reply: Reply = lambda request: (200, None)

    @property
    def last(self) -> Received:
        return self.requests[-1]

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        assert scope["type"] == "http"
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        request = Received(scope["path"], headers, body)
        self.requests.append(request)
        status, answer = self.reply(request)
        if answer is None:
            data, ctype = b"", b"text/plain"
        elif isinstance(answer, bytes | str):
            data, ctype = answer.encode() if isinstance(answer, str) else answer, b"text/plain"
        else:
            data, ctype = json.dumps(answer).encode(), b"application/json"
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", ctype)]}
        )
        await send({"type": "http.response.body", "body": data})


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
async def driver(standin: SlackStandIn, receiver: Receiver) -> AsyncIterator[SlackDriver]:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver))
    async with SlackDriver(standin, APP_URL, SIGNING_SECRET, http=http) as slack:
        yield slack
    await http.aclose()
