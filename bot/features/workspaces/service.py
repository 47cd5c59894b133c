"""A workspace that uninstalls the app: nothing more is sent to it, at once, and its program
data is kept for UNINSTALL_KEEP_DAYS (a change of heart reinstalls into everything as it was),
then erased, every row that carries its team_id, with one log line."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select, update

from bot.platform.clock import Clock
from bot.platform.db.base import Base
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import WorkspaceSettings
from bot.platform.outbox import cancel_workspace

log = logging.getLogger("bot.workspaces")


async def uninstalled(sessionmaker: SessionMaker, clock: Clock, team_id: str) -> int:
    """Mark the workspace gone and cancel what was on its way to it; how many were cancelled."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(WorkspaceSettings)
            .where(WorkspaceSettings.team_id == team_id, WorkspaceSettings.uninstalled_at.is_(None))
            .values(uninstalled_at=now, updated_at=now)
        )
        cancelled = await cancel_workspace(session, team_id, now)
    log.info("workspace uninstalled", extra={"team": team_id, "cancelled": cancelled})
    return cancelled


async def erase_due(sessionmaker: SessionMaker, clock: Clock, keep: timedelta) -> list[str]:
    """Erase the program data of every workspace uninstalled longer than `keep` ago."""
    cutoff = clock.now() - keep
    async with sessionmaker() as session:
        due = list(
            await session.scalars(
                select(WorkspaceSettings.team_id).where(WorkspaceSettings.uninstalled_at <= cutoff)
            )
        )
    for team_id in due:
        async with sessionmaker() as session, session.begin():
            for table in reversed(Base.metadata.sorted_tables):  # children before parents
                if "team_id" in table.c:
                    await session.execute(delete(table).where(table.c.team_id == team_id))
        log.info(
            "erased an uninstalled workspace's data",
            extra={"team": team_id, "kept_days": keep.days},
        )
    return due
