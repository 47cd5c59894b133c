"""Put a message in the outbox, or take it back, inside the caller's transaction."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.delivery import Action, Status
from bot.platform.db.dialect import insert_ignore
from bot.platform.outbox.store import OUTBOX

# Set on a session that enqueued something, so that its commit can wake the dispatcher.
ENQUEUED = "outbox_enqueued"


@dataclass(frozen=True)
class Upload:
    """A file to share in a conversation (files_upload_v2's three steps, done by the sender)."""

    filename: str
    content: bytes
    title: str = ""
    alt_txt: str = ""  # what a screen reader says of an image

    def payload(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "title": self.title or self.filename,
            "content_b64": base64.b64encode(self.content).decode(),
            **({"alt_txt": self.alt_txt[:1000]} if self.alt_txt else {}),
        }


@dataclass(frozen=True)
class OutboundMessage:
    """One logical message. `dedup_key` names it (`reminder:{session}:{offset}`): enqueueing the
    same key twice, from any replica, stores one row.

    `action` says what the row does: post (the default) to `channel` or to a group DM of
    `users`; update the message `ts` in `channel`; upload `file` to `channel` with `text` as its
    comment. Home refreshes have their own door, `enqueue_home`."""

    team_id: str
    dedup_key: str
    kind: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    channel: str | None = None  # a conversation or user id; or `users` for a group DM
    users: tuple[str, ...] = ()
    due_at: datetime | None = None  # None: as soon as possible
    expires_at: datetime | None = None  # too late to matter after this
    owner: str | None = None  # e.g. "session:42", to cancel all of one thing's messages
    extra: dict[str, Any] = field(default_factory=dict)  # more Web API arguments
    action: Action = Action.POST
    ts: str | None = None  # the message an update replaces
    file: Upload | None = None

    def __post_init__(self) -> None:
        if not self.channel and not self.users:
            raise ValueError("a message needs a channel or users")
        if not self.text:
            raise ValueError("a message needs text (the notification and accessibility line)")
        if self.action == Action.UPDATE and not (self.channel and self.ts):
            raise ValueError("an update needs the channel and ts of the message it replaces")
        if (self.action == Action.UPLOAD) != (self.file is not None):
            raise ValueError("an upload, and only an upload, carries a file")
        if self.action == Action.PUBLISH_HOME:
            raise ValueError("Home refreshes go through enqueue_home")

    def payload(self) -> dict[str, Any]:
        if self.file is not None:
            return {"initial_comment": self.text, **self.file.payload(), **self.extra}
        payload: dict[str, Any] = {"text": self.text, **self.extra}
        if self.blocks is not None:
            payload["blocks"] = self.blocks
        if self.ts is not None:
            payload["ts"] = self.ts
        return payload


def _row(team_id: str, dedup_key: str, kind: str, now: datetime, **values: Any) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "dedup_key": dedup_key,
        "kind": kind,
        "status": Status.PENDING,
        "due_at": now,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        "users": [],
        "payload": {},
        "action": Action.POST,
        **values,
    }


async def enqueue(session: AsyncSession, message: OutboundMessage, now: datetime) -> bool:
    """Insert unless the key exists (ON CONFLICT DO NOTHING); True if this call inserted it."""
    values = _row(
        message.team_id,
        message.dedup_key,
        message.kind,
        now,
        owner=message.owner,
        channel=message.channel,
        users=list(message.users),
        payload=message.payload(),
        due_at=message.due_at or now,
        expires_at=message.expires_at,
        action=message.action,
    )
    inserted = await insert_ignore(session, OUTBOX, values, conflict=["team_id", "dedup_key"])
    if inserted:
        session.info[ENQUEUED] = True
    return inserted


async def send_dm(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    key: str,
    body: dict[str, Any],
    now: datetime,
    *,
    due_at: datetime | None = None,
) -> bool:
    """Queue `body` for `user_id` in the caller's transaction. `key` names the message (its kind
    is the part before the first colon; the person's id completes the dedup key), and the owner
    is the person, so that leaving cancels whatever is still on its way to them. `due_at`
    holds it (quiet hours)."""
    return await enqueue(
        session,
        OutboundMessage(
            team_id=team_id,
            dedup_key=f"{key}:{user_id}",
            kind=key.split(":", 1)[0],
            text=body["text"],
            blocks=body.get("blocks"),
            channel=user_id,
            owner=f"person:{user_id}",
            due_at=due_at,
        ),
        now,
    )


def home_key(user_id: str) -> str:
    return f"home:{user_id}"


async def enqueue_home(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> None:
    """Refresh someone's Home tab soon. One row per person, rendered when it is sent: any
    number of changes before then make one publish. A row already sent (or in flight, whose
    render may predate this change) is armed again; the lost fence of an in-flight send then
    keeps it pending, so the newest state is published."""
    values = _row(
        team_id,
        home_key(user_id),
        "home",
        now,
        channel=user_id,
        action=Action.PUBLISH_HOME,
        owner=f"home:{user_id}",
    )
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(OUTBOX).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["team_id", "dedup_key"],
        set_={
            "status": Status.PENDING,
            "due_at": now,
            "attempts": 0,
            "lease_owner": None,
            "lease_until": None,
            "last_error": None,
            "updated_at": now,
        },
        where=OUTBOX.c.status != Status.PENDING,
    )
    await session.execute(stmt)
    session.info[ENQUEUED] = True


async def enqueue_homes(
    session: AsyncSession, team_id: str, user_ids: set[str] | list[str], now: datetime
) -> None:
    for user_id in sorted(set(user_ids)):
        await enqueue_home(session, team_id, user_id, now)


async def cancel(
    session: AsyncSession,
    team_id: str,
    now: datetime,
    *,
    key: str | None = None,
    owner: str | None = None,
) -> int:
    """Cancel pending messages by key or by owner; returns how many.

    The rule: a cancel that commits before a row's send attempt begins prevents the send, even
    when the row is already claimed (`sending`): the dispatcher's attempt is a conditional update
    on `status = 'sending'`, which a committed cancel has changed.
    """
    if (key is None) == (owner is None):
        raise ValueError("cancel by key or by owner, not both")
    condition = OUTBOX.c.dedup_key == key if key is not None else OUTBOX.c.owner == owner
    stmt = (
        update(OUTBOX)
        .where(
            OUTBOX.c.team_id == team_id,
            condition,
            OUTBOX.c.status.in_([Status.PENDING, Status.SENDING]),
        )
        .values(status=Status.CANCELLED, lease_owner=None, lease_until=None, updated_at=now)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def cancel_workspace(session: AsyncSession, team_id: str, now: datetime) -> int:
    """Cancel everything still on its way to a workspace (it uninstalled the app); how many."""
    stmt = (
        update(OUTBOX)
        .where(OUTBOX.c.team_id == team_id, OUTBOX.c.status.in_([Status.PENDING, Status.SENDING]))
        .values(status=Status.CANCELLED, lease_owner=None, lease_until=None, updated_at=now)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]
