"""Socket Mode through the same door as HTTP: every envelope's payload is checked against the
typed models (`inbound.check`) and handed to Bolt re-encoded, exactly as the web gate hands it an
HTTP body, so a payload Bolt could misread never reaches a listener, whichever way it came.

There is no signature to verify on a socket (the connection itself was opened with the app
token); a refused payload is acked empty, so that Slack does not deliver it again, and logged
once in a while with its size and why."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any, cast
from urllib.parse import urlencode

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.platform.slack import inbound
from bot.platform.web.gate import Throttle

FORM, JSON = inbound.FORM, inbound.JSON


def as_http_body(req: SocketModeRequest) -> tuple[bytes, str]:
    """The envelope's payload as the HTTP body Slack would have sent instead."""
    payload: Any = req.payload
    if req.type == "slash_commands" and isinstance(payload, dict):
        return urlencode({str(k): str(v) for k, v in payload.items()}).encode(), FORM
    if req.type == "interactive":
        return urlencode({"payload": json.dumps(payload)}).encode(), FORM
    return json.dumps(payload).encode(), JSON


class CheckedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, with the web gate's payload check in front of the app."""

    def __init__(self, app: AsyncApp, app_token: str, *, ping_interval: float = 10) -> None:
        super().__init__(app, app_token, ping_interval=ping_interval)
        self._throttle = Throttle()

    async def handle(self, client: Any, req: SocketModeRequest) -> None:
        start = time.time()
        body, content_type = as_http_body(req)
        try:
            checked = inbound.check(content_type, body)
            headers: dict[str, str | Sequence[str]] = {"content-type": checked.content_type}
            if req.retry_attempt:
                headers["x-slack-retry-num"] = str(req.retry_attempt)
                headers["x-slack-retry-reason"] = str(req.retry_reason or "")
            request = AsyncBoltRequest(body=checked.text, headers=cast(Any, headers))
        except inbound.Refused as exc:
            await self._refuse(client, req, str(exc), len(body))
            return
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            await self._refuse(client, req, f"unreadable to Bolt: {type(exc).__name__}", len(body))
            return
        answer = await self.app.async_dispatch(request)
        await send_async_response(client, req, answer, start)

    async def _refuse(self, client: Any, req: SocketModeRequest, why: str, size: int) -> None:
        self._throttle.warn(f"malformed: {why}", size=size)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
