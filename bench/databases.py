"""Throwaway databases for the benchmarks: a temporary SQLite file, or a fresh PostgreSQL
database on the server TEST_DATABASE_URL names, dropped afterwards."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.platform.db.engine import make_engine


@contextlib.asynccontextmanager
async def temp_sqlite(label: str) -> AsyncIterator[tuple[str, str]]:
    """(url, description) of a SQLite file in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix=f"{label}_") as tmp:
        yield f"sqlite+aiosqlite:///{tmp}/bench.db", "SQLite (temporary file)"


@contextlib.asynccontextmanager
async def fresh_postgres(server_url: str, label: str) -> AsyncIterator[tuple[str, str]]:
    """(url, description) of a new PostgreSQL database on `server_url`'s server."""
    admin = make_url(server_url)
    name = f"flipside_{label}_{uuid.uuid4().hex[:10]}"

    async def admin_sql(sql: str) -> None:
        engine = make_engine(admin.render_as_string(hide_password=False))
        try:
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(sql))
        finally:
            await engine.dispose()

    await admin_sql(f'CREATE DATABASE "{name}"')
    try:
        url = admin.set(database=name)
        yield url.render_as_string(hide_password=False), f"PostgreSQL ({url})"
    finally:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
