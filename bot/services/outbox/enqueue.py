"""Put a message in the outbox, or take it back, inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import insert_ignore
from bot.domain.delivery import Status
from bot.services.outbox.store import OUTBOX


@dataclass(frozen=True)
class OutboundMessage:
    """One logical message. `dedup_key` names it (`reminder:{session}:{offset}`): enqueueing the
    same key twice, from any replica, stores one row."""

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
    extra: dict[str, Any] = field(default_factory=dict)  # more chat.postMessage arguments

    def __post_init__(self) -> None:
        if not self.channel and not self.users:
            raise ValueError("a message needs a channel or users")
        if not self.text:
            raise ValueError("a message needs text (the notification and accessibility line)")


async def enqueue(session: AsyncSession, message: OutboundMessage, now: datetime) -> bool:
    """Insert unless the key exists (ON CONFLICT DO NOTHING); True if this call inserted it."""
    payload: dict[str, Any] = {"text": message.text, **message.extra}
    if message.blocks is not None:
        payload["blocks"] = message.blocks
    values = {
        "team_id": message.team_id,
        "dedup_key": message.dedup_key,
        "kind": message.kind,
        "owner": message.owner,
        "channel": message.channel,
        "users": list(message.users),
        "payload": payload,
        "status": Status.PENDING,
        "due_at": message.due_at or now,
        "expires_at": message.expires_at,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    return await insert_ignore(session, OUTBOX, values, conflict=["team_id", "dedup_key"])


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
