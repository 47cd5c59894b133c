"""Run Alembic from the bot (`mentor-bot migrate`, `serve` on start, the test fixtures)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

# The advisory lock every replica's migration takes on PostgreSQL (any constant bigint; this
# one spells "flipside" in ASCII).
MIGRATION_LOCK = 0x666C697073696465


def migrations_dir() -> Path:
    """The `migrations/` folder: beside the package in a checkout, or in the working directory."""
    if env := os.environ.get("FLIPSIDE_MIGRATIONS_DIR"):
        return Path(env)
    checkout = Path(__file__).resolve().parents[3] / "migrations"
    for candidate in (checkout, Path.cwd() / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("migrations/ not found: run from the project folder")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    await _run(engine, lambda cfg: command.downgrade(cfg, revision))


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def _run(engine: AsyncEngine, action: Callable[[Config], None]) -> None:
    def run(connection: Connection) -> None:
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        cfg.attributes["connection"] = connection
        action(cfg)

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Replicas that start together take turns: the first migrates, the others then
            # find the schema at head. Released when this transaction ends.
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(run)
