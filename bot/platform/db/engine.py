"""Engine and session factory, built from a URL (never at import time)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

SessionMaker = async_sessionmaker[AsyncSession]


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_sessionmaker(
    engine: AsyncEngine,
    *,
    on_commit: Callable[[Session], None] | None = None,
) -> SessionMaker:
    """Sessions that keep their objects after commit; `on_commit` runs after each commit (the
    runtime uses it to wake the outbox as soon as a transaction queued a message)."""
    if on_commit is None:
        return async_sessionmaker(engine, expire_on_commit=False)

    class _Session(Session):
        pass

    event.listen(_Session, "after_commit", on_commit)
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=_Session)


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database cannot answer a trivial query."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
