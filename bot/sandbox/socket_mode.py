"""The stand-in's Socket Mode side, as Slack documents it: `apps.connections.open` (with the app
token) hands out a one-time `wss`-style URL; on connecting, the app gets `hello`; requests come
as envelopes (`envelope_id`, `type`, `payload`, `accepts_response_payload`, `retry_attempt`,
`retry_reason`); the app acks each with `{"envelope_id": ..., "payload": ...}`; an envelope left
unacked is delivered again with a higher `retry_attempt`; `disconnect` asks the app to reconnect
(`refresh_requested`, `warning`), and a connection can also just drop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from bot.sandbox.records import JSON, SlackError

if TYPE_CHECKING:
    from bot.sandbox.server import SlackStandIn

ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")
RETRIES = 3  # Slack delivers an unacked envelope up to three more times


@dataclass
class Envelope:
    """One delivery, as recorded: what was sent and what the app answered."""

    envelope_id: str
    type: str
    payload: JSON
    retry_attempt: int
    acked: bool = False
    response: JSON | None = None


@dataclass
class Connection:
    ticket: str
    ws: web.WebSocketResponse
    transport: asyncio.BaseTransport | None
    envelopes: list[str] = field(default_factory=list)


class SocketModeServer:
    """Kept by the stand-in: tickets, open connections, envelopes waiting for their ack."""

    def __init__(self, standin: SlackStandIn, app_token: str) -> None:
        self.standin = standin
        self.app_token = app_token
        self.ack_timeout = 3.0  # Slack waits about 3 seconds for an ack
        self.connections: list[Connection] = []
        self.delivered: list[Envelope] = []
        self.opened = 0  # how many connections were ever opened (reconnects count)
        self._tickets: set[str] = set()
        self._waiting: dict[str, asyncio.Future[JSON]] = {}
        self._connected = asyncio.Event()

    # -- the Web API side ---------------------------------------------------------------------

    def open_url(self, token: str | None) -> JSON:
        """`apps.connections.open`: only with the app-level token (xapp-), never a bot token."""
        if not token:
            raise SlackError("not_authed")
        if not token.startswith("xapp-") or token != self.app_token:
            raise SlackError("invalid_auth")
        ticket = secrets.token_hex(12)
        self._tickets.add(ticket)
        host = self.standin.base_url.removeprefix("http://")
        return {"url": f"ws://{host}/link/?ticket={ticket}&app_id={self.standin.workspace.app_id}"}

    # -- the socket ---------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:  # a URL is good for one connection
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        connection = Connection(ticket, ws, request.transport)
        self.connections.append(connection)
        self.opened += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.connections),
                "debug_info": {"host": "applink-sandbox", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.standin.workspace.app_id},
            }
        )
        self._connected.set()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._acked(message.data)
        finally:
            with contextlib.suppress(ValueError):
                self.connections.remove(connection)
            if not self.connections:
                self._connected.clear()
        return ws

    def _acked(self, data: str) -> None:
        with contextlib.suppress(ValueError):
            found = json.loads(data)
            if isinstance(found, dict) and isinstance(found.get("envelope_id"), str):
                waiting = self._waiting.get(found["envelope_id"])
                if waiting is not None and not waiting.done():
                    payload = found.get("payload")
                    waiting.set_result(payload if isinstance(payload, dict) else {})

    async def wait_connected(self, within: float = 10.0) -> None:
        await asyncio.wait_for(self._connected.wait(), within)

    async def deliver(self, kind: str, payload: JSON, *, within: float = 10.0) -> JSON | None:
        """Send an envelope and return the ack's payload ({} for a bare ack). Unacked within
        `ack_timeout`, it goes again with `retry_attempt` raised (`retry_reason` "timeout"), up
        to RETRIES more times, on whichever connection is open then; None if never acked."""
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"not an envelope type: {kind}")
        envelope_id = str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[JSON] = loop.create_future()
        self._waiting[envelope_id] = answer
        try:
            for attempt in range(RETRIES + 1):
                with contextlib.suppress(TimeoutError):
                    await self.wait_connected(within)
                if self.connections:
                    await self._send(envelope_id, kind, payload, attempt)
                with contextlib.suppress(TimeoutError):
                    return await asyncio.wait_for(asyncio.shield(answer), self.ack_timeout)
            return None
        finally:
            self._waiting.pop(envelope_id, None)

    async def _send(self, envelope_id: str, kind: str, payload: JSON, attempt: int) -> None:
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": attempt,
            "retry_reason": "timeout" if attempt else "",
        }
        connection = self.connections[-1]
        self.delivered.append(Envelope(envelope_id, kind, payload, attempt))
        connection.envelopes.append(envelope_id)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await connection.ws.send_json(envelope)

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every connected app to reconnect (`refresh_requested`, `warning`...)."""
        for connection in list(self.connections):
            await connection.ws.send_json(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-sandbox"}}
            )

    def drop(self) -> None:
        """Cut every connection without a closing frame, as a network failure would."""
        for connection in list(self.connections):
            if isinstance(connection.transport, asyncio.Transport):
                connection.transport.abort()
        self.connections.clear()
        self._connected.clear()
