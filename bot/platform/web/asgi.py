"""The ASGI app: Bolt's handler at /slack/events, wrapped so that /healthz answers too."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import ping

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HEALTH_TIMEOUT_S = 3.0

log = logging.getLogger("bot.web")


class FlipsideASGI:
    """Routes /healthz itself, everything else to Bolt; runs start/stop hooks on lifespan.

    In Socket Mode there is no Bolt route (`app=None`): Slack's events arrive over the socket,
    and an unsigned HTTP door beside it must not exist; only /healthz answers.
    """

    def __init__(
        self,
        app: AsyncApp | None,
        engine: AsyncEngine,
        *,
        on_startup: list[Hook] | None = None,
        on_shutdown: list[Hook] | None = None,
    ) -> None:
        self._bolt = AsyncSlackRequestHandler(app, path=EVENTS_PATH) if app else None
        self._engine = engine
        self._on_startup = on_startup or []
        self._on_shutdown = on_shutdown or []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] == HEALTH_PATH:
            await self._health(scope, send)
        elif scope["type"] == "http" and self._bolt is not None:
            await self._bolt(cast(Any, scope), receive, send)
        elif scope["type"] == "http":
            await _json(send, 404, {"error": "not found"})

    async def _health(self, scope: Scope, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await _json(send, 405, {"error": "method not allowed"})
            return
        try:
            await asyncio.wait_for(ping(self._engine), HEALTH_TIMEOUT_S)
        except Exception as exc:  # any failure to answer means "not healthy"
            log.warning("health check failed", extra={"error": repr(exc)})
            await _json(send, 503, {"status": "unavailable", "database": "unreachable"})
            return
        await _json(send, 200, {"status": "ok", "database": "ok"})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    for hook in self._on_startup:
                        await hook()
                except Exception as exc:
                    log.exception("startup failed")
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for hook in self._on_shutdown:
                    try:
                        await hook()
                    except Exception:
                        log.exception("shutdown hook failed")
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
