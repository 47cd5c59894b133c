"""Steps several scenes share."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select

from bot.demo.run import Demo
from bot.platform.db.models import OutboxMessage


async def outbox_settled(demo: Demo, within: float = 30.0) -> None:
    """Wait until nothing is left to send."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with demo.bot.sessionmaker() as session:
            left = await session.scalar(
                select(func.count()).where(OutboxMessage.status.in_(["pending", "sending"]))
            )
        if not left:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the outbox did not settle in time")
