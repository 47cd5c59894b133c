"""Shared fixtures: a real database migrated with Alembic (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), settings built from an explicit mapping, and a fake clock."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.db import migrate
from bot.platform.db.base import Base
from bot.platform.db.engine import make_engine

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL (' + PG_URL + ')' if PG_URL else 'SQLite'}"


requires_postgres = pytest.mark.skipif(
    not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL (CI always does)"
)


def _fresh_database(tmp: pytest.TempPathFactory, label: str) -> Iterator[str]:
    """A database of the test session's own: a new PostgreSQL database, or a SQLite file."""
    if not PG_URL:
        yield f"sqlite+aiosqlite:///{tmp.mktemp(label) / 'flipside.db'}"
        return
    name = f"flipside_{label}_{uuid.uuid4().hex[:10]}"
    admin = make_url(PG_URL)

    async def admin_sql(sql: str) -> None:
        engine = make_engine(admin.render_as_string(hide_password=False))
        try:
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(sql))
        finally:
            await engine.dispose()

    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _fresh_database(tmp_path_factory, "test")


@pytest.fixture
def empty_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database nothing else migrates: for the migration tests."""
    yield from _fresh_database(tmp_path_factory, "empty")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The session's database at head, emptied after each test."""
    engine = make_engine(database_url)
    await migrate.upgrade(engine)
    try:
        yield engine
    finally:
        async with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(table.delete())
        await engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
