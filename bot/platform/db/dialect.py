"""The one place that knows PostgreSQL and SQLite spell things apart (`ON CONFLICT`, dates)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Table, cast, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignore(
    session: AsyncSession, table: Table, values: dict[str, Any], *, conflict: list[str]
) -> bool:
    """Insert one row unless it conflicts on `conflict`; True if this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def week_number(column: Any, origin: int, dialect: str) -> Any:
    """Whole weeks from `origin` (epoch seconds) to a datetime column, in SQL."""
    if dialect == "postgresql":
        return func.floor((func.extract("epoch", column) - origin) / 604800)
    seconds = cast(func.strftime("%s", column), Integer)
    return (seconds - origin) // 604800
