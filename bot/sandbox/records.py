"""What the Slack stand-in records and holds: calls, messages, views, files, faults."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from bot.sandbox.workspace import Workspace

JSON = dict[str, Any]
Via = Literal["api", "response_url", "ack"]
SeenKind = Literal[
    "message", "message_update", "ephemeral", "modal", "modal_update", "home", "file"
]
# "slow_answer": Slack does the work at once, then takes `delay` seconds to answer (the window
# in which a client that dies has had its post taken without knowing it).
FaultKind = Literal["rate_limited", "server_error", "latency", "slack_error", "slow_answer"]
MAX_VIEW_STACK = 3


class SlackError(Exception):
    """Raised by a method handler; becomes ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class ApiCall:
    method: str
    args: JSON
    response: JSON
    at: float
    status: int = 200


@dataclass
class PostedMessage:
    channel: str
    ts: str
    text: str
    blocks: list[JSON] | None = None
    thread_ts: str | None = None
    ephemeral_user: str | None = None
    via: Via = "api"
    deleted: bool = False
    updated: bool = False
    files: list[str] = field(default_factory=list)
    metadata: JSON | None = None  # {"event_type": ..., "event_payload": {...}}, as posted

    def to_api(self, ws: Workspace, *, with_metadata: bool = False) -> JSON:
        """The `message` object Slack returns (and puts in block_actions payloads).

        `with_metadata`: as chat.postMessage / chat.update answer, the message's metadata too.
        """
        out: JSON = {
            "type": "message",
            "text": self.text,
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "ts": self.ts,
            "team": ws.team_id,
            "blocks": self.blocks or [],
        }
        if self.thread_ts:
            out["thread_ts"] = self.thread_ts
        if with_metadata and self.metadata is not None:
            out["metadata"] = self.metadata
        return out


@dataclass
class StoredView:
    id: str
    user_id: str
    view: JSON
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    external_id: str | None = None
    callback_id: str | None = None
    private_metadata: str = ""

    @property
    def type(self) -> str:
        return str(self.view["type"])

    def fill(self, view: JSON, ws: Workspace) -> None:
        """New content for this view (id, root and previous kept), as Slack's full object."""
        self.hash = f"{int(time.time())}.{secrets.token_hex(6)}"
        self.external_id = view.get("external_id") or None
        self.callback_id = view.get("callback_id") or None
        self.private_metadata = str(view.get("private_metadata") or "")
        self.view = {
            "id": self.id,
            "team_id": ws.team_id,
            "type": view["type"],
            "blocks": with_ids(view.get("blocks") or []),
            "private_metadata": self.private_metadata,
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": self.hash,
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": ws.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
        }


@dataclass
class StoredFile:
    id: str
    filename: str
    length: int
    title: str = ""
    content: bytes | None = None
    channels: list[str] = field(default_factory=list)
    alt_txt: str = ""  # what a screen reader says of an image (files.getUploadURLExternal)

    def to_api(self, bot_user_id: str) -> JSON:
        """The `file` object of files.completeUploadExternal (and of a message's `files`)."""
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title,
            "mimetype": "application/octet-stream",
            "filetype": self.filename.rsplit(".", 1)[-1] if "." in self.filename else "binary",
            "user": bot_user_id,
            "size": len(self.content or b""),
            "channels": [c for c in self.channels if c.startswith("C")],
            "ims": [c for c in self.channels if c.startswith("D")],
            "groups": [c for c in self.channels if c.startswith("G")],
        }


@dataclass
class SeenEvent:
    """Something that became visible to people (drives the demo transcript)."""

    at: float
    kind: SeenKind
    user_ids: list[str]
    channel: str | None = None
    text: str = ""
    blocks: list[JSON] | None = None
    view: JSON | None = None
    file_ids: list[str] = field(default_factory=list)


@dataclass
class Fault:
    method: str
    kind: FaultKind
    times: int = 1
    retry_after: int = 1
    delay: float = 0.0
    error: str | None = None
    status: int = 500


class Faults:
    """Faults on demand; ``times=-1`` means forever, ``method="*"`` matches every method."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []
        self.latency = 0.0

    def add(
        self,
        method: str,
        kind: FaultKind,
        *,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 0.0,
        error: str | None = None,
        status: int = 500,
    ) -> Fault:
        if kind not in ("rate_limited", "server_error", "latency", "slack_error", "slow_answer"):
            raise ValueError(f"unknown fault kind {kind!r}")
        if kind == "slack_error" and not error:
            raise ValueError("a slack_error fault needs error=..., e.g. 'account_inactive'")
        if times == 0 or times < -1:
            raise ValueError("times must be positive, or -1 for forever")
        fault = Fault(method, kind, times, retry_after, delay, error, status)
        self.pending.append(fault)
        return fault

    def clear(self) -> None:
        self.pending.clear()
        self.latency = 0.0

    def take(self, method: str) -> tuple[float, Fault | None]:
        """The total delay to apply and the first failing fault for this call (consumed)."""
        delay, chosen = self.latency, None
        for fault in list(self.pending):
            if fault.method not in (method, "*"):
                continue
            if fault.kind == "latency":
                delay += fault.delay
            elif chosen is None:
                chosen = fault
            else:
                continue
            if fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self.pending.remove(fault)
        return delay, chosen


@dataclass
class Trigger:
    user_id: str
    issued: float
    used: bool = False


@dataclass
class ResponseUrl:
    user_id: str
    channel_id: str
    message_ts: str | None
    created: float
    uses: int = 0


def flag(value: object) -> bool:
    return value is True or value in ("true", "1", 1)


def arg_str(args: JSON, key: str) -> str:
    """A string argument; "" when absent or not a string."""
    value = args.get(key)
    return value if isinstance(value, str) else ""


def arg_int(args: JSON, key: str, default: int) -> int:
    """An integer argument (`default` when absent or empty); invalid_arguments if not one."""
    try:
        return int(args.get(key) or default)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments") from None


def short_id(*parts: object) -> str:
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).digest()
    return base64.b32encode(digest).decode()[:5]


def with_ids(blocks: list[JSON]) -> list[JSON]:
    """A copy with Slack's generated block_id / action_id where the app left them out."""
    out: list[JSON] = json.loads(json.dumps(blocks))
    for i, block in enumerate(out):
        block.setdefault("block_id", short_id(i, block))
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        for j, el in enumerate([block.get("accessory"), block.get("element"), *elements]):
            if isinstance(el, dict) and el.get("type") != "image" and "action_id" not in el:
                el["action_id"] = short_id(i, j, el)
    return out
