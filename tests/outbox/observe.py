"""Read-only looks at the outbox for the replica tests: its rows, their statuses, its warnings."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage


async def statuses(engine: AsyncEngine) -> Counter[str]:
    async with make_sessionmaker(engine)() as session:
        return Counter((await session.scalars(select(OutboxMessage.status))).all())


async def all_rows(engine: AsyncEngine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def db_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.outbox" and r.levelno >= logging.WARNING
    ]
