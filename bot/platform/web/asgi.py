"""The ASGI app: Bolt's handler at /slack/events, wrapped so that /healthz answers too."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any, cast

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import ping
from bot.platform.slack import inbound
from bot.platform.web.gate import MAX_BODY, Throttle, signature_problem

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
        signing_secret: str = "",
        on_startup: list[Hook] | None = None,
        on_shutdown: list[Hook] | None = None,
    ) -> None:
        self._bolt = app
        if self._bolt is not None and not signing_secret:
            raise ValueError("serving Slack's events over HTTP needs the signing secret")
        self._secret = signing_secret
        self._throttle = Throttle()
        self._engine = engine
        self._on_startup = on_startup or []
        self._on_shutdown = on_shutdown or []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] == HEALTH_PATH:
            await self._health(scope, send)
        elif scope["type"] == "http" and self._bolt is not None:
            await self._slack(scope, receive, send)
        elif scope["type"] == "http":
            await _json(send, 404, {"error": "not found"})

    async def _install(self, scope: Scope, send: Send) -> bool:
        """With many workspaces: the *Add to Slack* page and the OAuth redirect, a browser's
        GETs that Bolt's OAuth flow answers itself (the state it issued, checked against the
        browser's cookie and consumed once). False when this is neither."""
        flow = self._bolt.oauth_flow if self._bolt is not None else None
        path = scope["path"]
        if flow is None or path not in (flow.install_path, flow.redirect_uri_path):
            return False
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, b"method not allowed")
            return True
        request = AsyncBoltRequest(
            body="",
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=cast(dict[str, str | Sequence[str]], _headers(scope)),
        )
        if path == flow.install_path:
            answer = await flow.handle_installation(request)
        else:
            answer = await flow.handle_callback(request)
        await _send_bolt(send, answer)
        return True

    async def _slack(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Verify the raw body, check the payload's shape, then let Bolt have it: the checked
        payload, re-encoded so Bolt reads what was checked (its own signature check is off, since
        the body it gets is no longer the one Slack signed; this gate is the check)."""
        assert self._bolt is not None
        if await self._install(scope, send):
            return
        if scope["path"] != EVENTS_PATH:
            await _plain(send, 404, b"not found")
            return
        if scope["method"] != "POST":
            await _plain(send, 405, b"method not allowed")
            return
        body = await _read_body(receive, MAX_BODY)
        if body is None:
            self._throttle.warn("body too large", limit=MAX_BODY)
            await _plain(send, 413, b"payload too large")
            return
        headers = _headers(scope)
        reason = signature_problem(
            self._secret,
            body,
            headers.get("x-slack-request-timestamp"),
            headers.get("x-slack-signature"),
        )
        if reason is not None:
            self._throttle.warn(reason, size=len(body))
            await _plain(send, 401, b"invalid request")
            return
        try:
            checked = inbound.check(headers.get("content-type", ""), body)
            headers["content-type"] = checked.content_type
            request = AsyncBoltRequest(
                body=checked.text,
                query=scope.get("query_string", b"").decode("latin-1"),
                headers=cast(dict[str, str | Sequence[str]], headers),
            )
        except inbound.Refused as exc:
            self._refuse_malformed(str(exc), len(body))
            await _plain(send, 400, b"invalid payload")
            return
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            # A shape the models let through that Bolt still can't read (where it looks for
            # the user, the team, the channel): the same refusal, never a 500.
            self._refuse_malformed(f"unreadable to Bolt: {type(exc).__name__}", len(body))
            await _plain(send, 400, b"invalid payload")
            return
        answer = await self._bolt.async_dispatch(request)
        await _send_bolt(send, answer)

    def _refuse_malformed(self, reason: str, size: int) -> None:
        self._throttle.warn(f"malformed: {reason}", size=size)

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


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in scope.get("headers") or []:
        out[name.decode("latin-1").lower()] = value.decode("latin-1")
    return out


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None once it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send_bolt(send: Send, answer: BoltResponse) -> None:
    body = answer.body.encode("utf-8")
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, values in answer.headers.items()
        if name.lower() != "content-length"
        for value in values
    ]
    headers.append((b"content-length", b"%d" % len(body)))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
