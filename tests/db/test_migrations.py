"""The schema comes from Alembic: upgrade, downgrade, upgrade again, and no drift."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.platform.db import migrate
from bot.platform.db.base import Base
from bot.platform.db.engine import make_engine
from tests.conftest import requires_postgres


async def _tables(engine) -> set[str]:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        head = ScriptDirectory.from_config(
            migrate.alembic_config(empty_database_url)
        ).get_current_head()
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == head
        assert set(Base.metadata.tables) <= await _tables(engine)

        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        assert await _tables(engine) <= {"alembic_version"}

        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == head
    finally:
        await engine.dispose()


async def test_models_match_migrations(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
        assert diff == [], f"models and migrations differ; autogenerate a revision: {diff}"
    finally:
        await engine.dispose()


# An install flow's state is issued before anyone knows which workspace will be installed.
BEFORE_ANY_WORKSPACE = {"slack_oauth_states"}


async def test_every_workspace_table_has_team_id() -> None:
    for name, table in Base.metadata.tables.items():
        if name not in BEFORE_ANY_WORKSPACE:
            assert "team_id" in table.columns, f"{name} has no team_id"


@requires_postgres
async def test_replicas_that_start_together_migrate_once(empty_database_url: str) -> None:
    """Three `serve` processes on a first deploy: the advisory lock makes them take turns."""
    engines = [make_engine(empty_database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(migrate.upgrade(e) for e in engines))
        head = ScriptDirectory.from_config(
            migrate.alembic_config(empty_database_url)
        ).get_current_head()
        for engine in engines:
            assert await migrate.current_revision(engine) == head
    finally:
        for engine in engines:
            await engine.dispose()
