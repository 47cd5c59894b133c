"""The one way a row changes state: a conditional UPDATE from the states the life cycle allows.

A double click, a Slack retry or two replicas racing all run the same statement; the database
lets one of them win, and the losers learn it from the row count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lifecycle import Lifecycle


async def move(
    session: AsyncSession,
    model: type[Any],
    row_id: int,
    to: Any,
    *,
    life: Lifecycle[Any],
    when: tuple[Any, ...] = (),
    **values: Any,
) -> bool:
    """Move row `row_id` of `model` to state `to`, if it is in a state that may go there (and
    `when` holds); True when this call made the change. Objects of that row already loaded in
    the session are refreshed, so that they show the outcome."""
    stmt = (
        update(model)
        .where(model.id == row_id, model.status.in_(sorted(life.sources(to))), *when)
        .values(status=to, **values)
        .execution_options(synchronize_session="fetch")
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]
