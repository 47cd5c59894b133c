"""A direct message to one person, through the outbox: the one convention every service uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import OutboundMessage, enqueue


async def send_dm(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    key: str,
    body: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue `body` for `user_id` in the caller's transaction. `key` names the message (its kind
    is the part before the first colon; the person's id completes the dedup key), and the owner
    is the person, so that leaving cancels whatever is still on its way to them."""
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
        ),
        now,
    )
