"""Acting once on what Slack may deliver twice: the first sight of a key wins, on any replica."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.dialect import insert_ignore
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import SeenEvent

KEEP = timedelta(days=1)  # Slack retries within minutes; a day is ample


async def first_sight(sessionmaker: SessionMaker, team_id: str, key: str, now: datetime) -> bool:
    """True for the first caller to see `key` in this workspace, False for every repeat."""
    async with sessionmaker() as session, session.begin():
        return await insert_ignore(
            session,
            SeenEvent.__table__,  # type: ignore[arg-type]
            {"team_id": team_id, "key": key[:100], "seen_at": now},
            conflict=["team_id", "key"],
        )


async def forget_before(engine: AsyncEngine, now: datetime) -> int:
    async with engine.begin() as conn:
        done = await conn.execute(delete(SeenEvent).where(SeenEvent.seen_at < now - KEEP))
    return int(done.rowcount)
