"""A local stand-in for Slack's Web API: an aiohttp server on 127.0.0.1 with a random port.

It answers the methods the bot uses the way Slack does (``ok: false`` errors included), validates
every message and view, records every call, keeps what people would see, and injects faults.
This module holds the state (messages, views, triggers, response URLs) and the lifecycle; the HTTP
routes are in `routes` and the Web API methods in `webapi` (conversations.* in
`webapi_conversations`, message metadata in `metadata`).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web

from bot.sandbox.oauth import OAuthServer
from bot.sandbox.records import (
    JSON,
    ApiCall,
    Fault,
    Faults,
    PostedMessage,
    ResponseUrl,
    SeenEvent,
    SeenKind,
    SlackError,
    StoredFile,
    StoredView,
    Trigger,
    Via,
    with_ids,
)
from bot.sandbox.routes import Routes
from bot.sandbox.socket_mode import SocketModeServer
from bot.sandbox.validation import BlockKitValidator
from bot.sandbox.workspace import Workspace


async def serve_loopback(app: web.Application) -> tuple[web.AppRunner, int]:
    """Serve `app` on 127.0.0.1 and a port the system picks; the runner and the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    return runner, int(sock.getsockname()[1])


class SlackStandIn:
    """Slack, as far as the bot can tell. See docs/DESIGN.md, "The Slack stand-in"."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        bot_token: str = "xoxb-sandbox-token",
        app_token: str = "xapp-1-sandbox-token",
        validator: BlockKitValidator | None = None,
    ) -> None:
        self.workspace = workspace
        self.bot_token = bot_token
        self.tokens: set[str] = {bot_token}  # bot tokens Slack honours (installs add theirs)
        self.revoked: set[str] = set()
        self.socket = SocketModeServer(self, app_token)
        self.oauth = OAuthServer(self)
        self.validator = validator if validator is not None else BlockKitValidator()
        self.faults = Faults()
        self.calls: list[ApiCall] = []
        self.messages: list[PostedMessage] = []
        self.views: dict[str, StoredView] = {}
        # Views whose submission is being answered: Slack applies the ack's response_action
        # before it takes any other change to that view, so views.update waits for it.
        self.submitting: dict[str, asyncio.Event] = {}
        self.home_views: dict[str, JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.timeline: list[SeenEvent] = []
        self.trigger_ttl = 3.0
        self.response_url_ttl = 30 * 60.0
        self.response_url_uses = 5
        self._dms: dict[str, list[str]] = {}
        self._stacks: dict[str, list[str]] = {}
        self._triggers: dict[str, Trigger] = {}
        self._response_urls: dict[str, ResponseUrl] = {}
        self._seq = itertools.count(1)
        self._last_ts = (0, 0)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._routes = Routes(self)

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        self._runner, self._port = await serve_loopback(self._routes.app())

    async def stop(self) -> None:
        self.socket.drop()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner, self._port = None, None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("the Slack stand-in is not running: await start() first")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    async def answer_api(self, request: web.Request) -> web.StreamResponse:
        """A Web API request another front (a federation of workspaces) passed on to us."""
        return await self._routes.api(request)

    def set_latency(self, seconds: float) -> None:
        self.faults.latency = seconds

    # -- recorded calls ------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def clear_calls(self) -> None:
        self.calls.clear()

    async def wait_for(
        self, predicate: Callable[[], object], *, within: float = 3.0, interval: float = 0.01
    ) -> None:
        """Wait until `predicate()` holds (listeners run after the ack), else AssertionError."""
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {within}s")
            await asyncio.sleep(interval)

    async def settle(self, *, quiet: float = 0.2, at_most: float = 3.0) -> None:
        """Until no API call or visible change has arrived for `quiet` seconds (`at_most` s)."""
        deadline = time.monotonic() + at_most
        seen = (len(self.calls), len(self.timeline))
        calm_since = time.monotonic()
        while time.monotonic() - calm_since < quiet and time.monotonic() < deadline:
            await asyncio.sleep(min(0.02, quiet))
            now = (len(self.calls), len(self.timeline))
            if now != seen:
                seen, calm_since = now, time.monotonic()

    # -- channels and messages -----------------------------------------------------------------

    def dm_id(self, user_ids: str | list[str]) -> str:
        """The stable DM ("D...") or group DM ("G...") id for these users (not opened)."""
        users = sorted({user_ids} if isinstance(user_ids, str) else set(user_ids))
        if len(users) == 1:
            return "D" + users[0][1:]
        return "G" + hashlib.sha1(",".join(users).encode()).hexdigest()[:10].upper()

    def open_dm(self, user_ids: str | list[str]) -> str:
        """Open (if needed) the DM or group DM with these users and return its id."""
        channel = self.dm_id(user_ids)
        self._dms.setdefault(
            channel, sorted({user_ids} if isinstance(user_ids, str) else set(user_ids))
        )
        return channel

    def dm_channel(self, user_id: str) -> str | None:
        channel = "D" + user_id[1:]
        return channel if channel in self._dms else None

    def members(self, channel_id: str) -> list[str]:
        """Who sees the channel (the bot itself left out)."""
        if channel_id in self._dms:
            return list(self._dms[channel_id])
        channel = self.workspace.channels.get(channel_id)
        bot = self.workspace.bot_user_id
        return [u for u in channel.members if u != bot] if channel else []

    def channel_known(self, channel_id: str) -> bool:
        return channel_id in self._dms or channel_id in self.workspace.channels

    def messages_in(self, channel: str, *, include_ephemeral: bool = True) -> list[PostedMessage]:
        return [
            m
            for m in self.messages
            if m.channel == channel
            and not m.deleted
            and (include_ephemeral or m.ephemeral_user is None)
        ]

    async def view_settled(self, view_id: str, within: float = 5.0) -> None:
        """Wait until a submission of `view_id` has been answered (see `submitting`)."""
        pending = self.submitting.get(view_id)
        if pending is not None:
            await asyncio.wait_for(pending.wait(), within)

    def visible_to(self, user_id: str) -> list[PostedMessage]:
        """Every message the user can see: their ephemerals and their channels' messages."""
        return [
            m
            for m in self.messages
            if not m.deleted
            and (
                m.ephemeral_user == user_id
                or (m.ephemeral_user is None and user_id in self.members(m.channel))
            )
        ]

    def messages_for(self, user_id: str) -> list[PostedMessage]:
        """Messages in the DMs / group DMs the user is in, plus the user's ephemerals."""
        return [
            m
            for m in self.messages
            if not m.deleted
            and (
                m.ephemeral_user == user_id
                or (m.ephemeral_user is None and user_id in self._dms.get(m.channel, ()))
            )
        ]

    def find_message(self, channel: str | None, ts: str) -> PostedMessage | None:
        for m in self.messages:
            if m.ts == ts and (channel is None or m.channel == channel) and not m.deleted:
                return m
        return None

    def next_ts(self) -> str:
        """Slack-style ``"1732460000.000100"``, strictly increasing."""
        now, (sec, micro) = int(time.time()), self._last_ts
        self._last_ts = (now, 100) if now > sec else (sec, micro + 100)
        if self._last_ts[1] >= 1_000_000:
            self._last_ts = (sec + 1, 100)
        return f"{self._last_ts[0]}.{self._last_ts[1]:06d}"

    def post(
        self,
        channel: str,
        text: str,
        blocks: list[JSON] | None = None,
        *,
        thread_ts: str | None = None,
        ephemeral_user: str | None = None,
        via: Via = "api",
        files: list[str] | None = None,
        metadata: JSON | None = None,
    ) -> PostedMessage:
        """Store a message and note who sees it (used by the API methods and the driver)."""
        stored = with_ids(blocks) if blocks else None
        msg = PostedMessage(
            channel,
            self.next_ts(),
            text,
            stored,
            thread_ts,
            ephemeral_user,
            via,
            files=list(files or []),
            metadata=metadata,
        )
        self.messages.append(msg)
        if files:
            kind: SeenKind = "file"
        else:
            kind = "ephemeral" if ephemeral_user else "message"
        viewers = [ephemeral_user] if ephemeral_user else self.members(channel)
        self.see(kind, viewers, channel=channel, text=text, blocks=stored, file_ids=msg.files)
        return msg

    def update_message(self, msg: PostedMessage, text: str, blocks: list[JSON] | None) -> None:
        msg.text, msg.blocks, msg.updated = text, (with_ids(blocks) if blocks else None), True
        viewers = [msg.ephemeral_user] if msg.ephemeral_user else self.members(msg.channel)
        self.see("message_update", viewers, channel=msg.channel, text=text, blocks=msg.blocks)

    def see(self, kind: SeenKind, user_ids: list[str], **details: Any) -> None:
        self.timeline.append(SeenEvent(time.time(), kind, list(user_ids), **details))

    def record_ack(self, user_id: str, channel_id: str, body: JSON) -> PostedMessage | None:
        """An HTTP ack body carrying a message: Slack shows it to the user (or the channel)."""
        if not body.get("text") and not body.get("blocks"):
            return None
        visible = body.get("response_type") == "in_channel"
        return self.post(
            channel_id,
            str(body.get("text") or ""),
            body.get("blocks"),
            ephemeral_user=None if visible else user_id,
            via="ack",
        )

    # -- triggers, response URLs ---------------------------------------------------------------

    def issue_trigger_id(self, user_id: str) -> str:
        trigger_id = f"{next(self._seq)}.{int(time.time())}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = Trigger(user_id, time.monotonic())
        return trigger_id

    def use_trigger(self, trigger_id: object) -> str:
        """The user the trigger belongs to; consumes it, or raises Slack's error."""
        trigger = self._triggers.get(trigger_id) if isinstance(trigger_id, str) else None
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger.user_id

    def new_response_url(
        self, user_id: str, channel_id: str, *, message_ts: str | None = None
    ) -> str:
        rid = secrets.token_hex(12)
        self._response_urls[rid] = ResponseUrl(user_id, channel_id, message_ts, time.monotonic())
        return f"{self.base_url}/response/{rid}"

    def response_url_entry(self, rid: str) -> ResponseUrl | None:
        """What the response URL `rid` was issued for, spent or not; None if never issued."""
        return self._response_urls.get(rid)

    # -- views ---------------------------------------------------------------------------------

    def open_views(self, user_id: str) -> list[StoredView]:
        """The user's stack of open modals, top last."""
        return [self.views[v] for v in self._stacks.get(user_id, [])]

    def top_view(self, user_id: str) -> StoredView | None:
        stack = self._stacks.get(user_id)
        return self.views[stack[-1]] if stack else None

    def close_views(self, user_id: str) -> None:
        self._stacks.pop(user_id, None)

    def pop_view(self, user_id: str) -> StoredView | None:
        stack = self._stacks.get(user_id)
        return self.views[stack.pop()] if stack else None

    def is_live(self, view: StoredView) -> bool:
        home = self.home_views.get(view.user_id)
        return view.id in self._stacks.get(view.user_id, []) or (home or {}).get("id") == view.id

    def store_view(self, user_id: str, view: JSON, *, push: bool = False) -> StoredView:
        """A new modal (root of a new stack, or pushed on top) or Home view."""
        if view.get("external_id") and any(
            v.external_id == view["external_id"] for v in self.views.values() if self.is_live(v)
        ):
            raise SlackError("duplicate_external_id")
        view_id = f"V0SB{next(self._seq):06d}"
        stack = self._stacks.setdefault(user_id, []) if view["type"] == "modal" else []
        if view["type"] == "modal" and not push:
            stack.clear()
        root = stack[0] if stack else view_id
        previous = stack[-1] if stack else None
        stored = StoredView(view_id, user_id, {}, "", root, previous)
        self.views[view_id] = stored
        self.replace_view(view_id, view, announce=False)
        if view["type"] == "modal":
            stack.append(view_id)
            self.see("modal", [user_id], view=stored.view)
        else:
            self.home_views[user_id] = stored.view
            self.see("home", [user_id], view=stored.view)
        return stored

    def replace_view(self, view_id: str, view: JSON, *, announce: bool = True) -> StoredView:
        """New content for an existing view (views.update, response_action=update): id kept."""
        stored = self.views[view_id]
        stored.fill(view, self.workspace)
        if stored.type == "home":
            self.home_views[stored.user_id] = stored.view
        if announce:
            kind: SeenKind = "home" if stored.type == "home" else "modal_update"
            self.see(kind, [stored.user_id], view=stored.view)
        return stored


__all__ = [
    "ApiCall",
    "Fault",
    "Faults",
    "PostedMessage",
    "SeenEvent",
    "SlackError",
    "SlackStandIn",
    "StoredFile",
    "StoredView",
]
