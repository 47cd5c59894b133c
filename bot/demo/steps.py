"""Steps several scenes share."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, or_, select

from bot.demo.run import Demo
from bot.platform.db.models import OutboxMessage


async def outbox_settled(demo: Demo, within: float = 30.0) -> None:
    """Wait until nothing due is left to send (reminders for later stay queued)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with demo.bot.sessionmaker() as session:
            left = await session.scalar(
                select(func.count()).where(
                    OutboxMessage.status.in_(["pending", "sending"]),
                    OutboxMessage.due_at <= demo.clock.now(),
                    or_(
                        OutboxMessage.expires_at.is_(None),
                        OutboxMessage.expires_at > demo.clock.now(),
                    ),
                )
            )
        if not left:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the outbox did not settle in time")
