"""The dispatcher's statements. Each is one short transaction; none is held across a send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.delivery import Action, Status
from bot.platform.db.models import OutboxMessage

OUTBOX = cast(Table, OutboxMessage.__table__)
C = OUTBOX.c


@dataclass(frozen=True)
class Claimed:
    id: int
    team_id: str
    dedup_key: str
    kind: str
    owner: str | None
    channel: str | None
    users: tuple[str, ...]
    payload: dict[str, Any]
    attempts: int
    lease_until: datetime
    action: Action = Action.POST
    file_id: str | None = None
    unsettled_since: datetime | None = None  # an earlier attempt's outcome is not known

    @property
    def pace_key(self) -> str:
        """The conversation the per-channel pace applies to (a group DM is known by its people);
        a Home is paced apart from the person's DM."""
        if self.action == Action.PUBLISH_HOME:
            return f"home:{self.channel}"
        return self.channel or "users:" + ",".join(sorted(self.users))


def _live(now: datetime) -> Any:
    return or_(C.expires_at.is_(None), C.expires_at > now)


async def claim(
    engine: AsyncEngine, owner: str, now: datetime, *, lease: timedelta, limit: int
) -> list[Claimed]:
    """Lease up to `limit` due rows in one statement. On PostgreSQL the inner SELECT locks with
    SKIP LOCKED, so replicas claim disjoint rows; SQLite has one writer at a time anyway.

    The SELECT is a materialized CTE: as a plain `IN (subquery)`, PostgreSQL may plan a semi-join
    that re-runs the LIMIT subquery for every outer row, each run skipping the rows already
    updated, so that one claim takes every due row instead of `limit`."""
    due = (
        select(C.id)
        .where(C.status == Status.PENDING, C.due_at <= now, _live(now))
        .order_by(C.due_at, C.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    lease_until = now + lease
    stmt = (
        update(OUTBOX)
        .where(C.id.in_(select(due.c.id)), C.status == Status.PENDING)
        .values(status=Status.SENDING, lease_owner=owner, lease_until=lease_until, updated_at=now)
        .returning(
            C.id,
            C.team_id,
            C.dedup_key,
            C.kind,
            C.owner,
            C.channel,
            C.users,
            C.payload,
            C.attempts,
            C.due_at,
            C.action,
            C.file_id,
            C.unsettled_since,
        )
    )
    async with engine.begin() as conn:
        rows = (await conn.execute(stmt)).all()
    claimed = [
        Claimed(
            id=r.id,
            team_id=r.team_id,
            dedup_key=r.dedup_key,
            kind=r.kind,
            owner=r.owner,
            channel=r.channel,
            users=tuple(r.users or ()),
            payload=dict(r.payload),
            attempts=r.attempts,
            lease_until=lease_until,
            action=Action(r.action),
            file_id=r.file_id,
            unsettled_since=r.unsettled_since,
        )
        for r in sorted(rows, key=lambda r: (r.due_at, r.id))
    ]
    return claimed


def _fenced(row_id: int, owner: str) -> Any:
    return and_(C.id == row_id, C.lease_owner == owner, C.status == Status.SENDING)


async def begin_attempt(engine: AsyncEngine, row_id: int, owner: str, now: datetime) -> int | None:
    """Count the attempt, only if the row is still ours, live, and not cancelled; the new
    attempt number, or None when the send must not happen."""
    stmt = (
        update(OUTBOX)
        .where(_fenced(row_id, owner), C.lease_until > now, _live(now))
        .values(
            attempts=C.attempts + 1,
            updated_at=now,
            unsettled_since=func.coalesce(C.unsettled_since, literal(now, C.unsettled_since.type)),
        )
        .returning(C.attempts)
    )
    async with engine.begin() as conn:
        attempt: int | None = (await conn.execute(stmt)).scalar_one_or_none()
    return attempt


async def remember_file(engine: AsyncEngine, row_id: int, owner: str, file_id: str) -> bool:
    """Record an upload's file once its bytes reached Slack, under the fence."""
    stmt = update(OUTBOX).where(_fenced(row_id, owner)).values(file_id=file_id)
    async with engine.begin() as conn:
        return bool((await conn.execute(stmt)).rowcount)


async def finish(engine: AsyncEngine, row_id: int, owner: str, **values: Any) -> bool:
    """Set the outcome, only while holding the lease (the fence); False if the lease was lost."""
    values.setdefault("lease_owner", None)
    values.setdefault("lease_until", None)
    stmt = update(OUTBOX).where(_fenced(row_id, owner)).values(**values)
    async with engine.begin() as conn:
        return bool((await conn.execute(stmt)).rowcount)


async def renew(engine: AsyncEngine, owner: str, now: datetime, lease: timedelta) -> int:
    """The heartbeat: every row this owner holds is its for another `lease`."""
    stmt = (
        update(OUTBOX)
        .where(C.lease_owner == owner, C.status == Status.SENDING, C.lease_until > now)
        .values(lease_until=now + lease)
    )
    async with engine.begin() as conn:
        return int((await conn.execute(stmt)).rowcount)


async def release_all(engine: AsyncEngine, owner: str, now: datetime) -> int:
    """Give back every row this owner still holds (clean shutdown)."""
    stmt = (
        update(OUTBOX)
        .where(C.lease_owner == owner, C.status == Status.SENDING)
        .values(status=Status.PENDING, lease_owner=None, lease_until=None, updated_at=now)
    )
    async with engine.begin() as conn:
        return int((await conn.execute(stmt)).rowcount)


async def reap(engine: AsyncEngine, now: datetime) -> tuple[int, int]:
    """Return rows whose lease ran out (their owner died) and expire rows too late to matter."""
    returned = (
        update(OUTBOX)
        .where(C.status == Status.SENDING, C.lease_until <= now)
        .values(status=Status.PENDING, lease_owner=None, lease_until=None, updated_at=now)
    )
    expired = (
        update(OUTBOX)
        .where(C.status == Status.PENDING, C.expires_at <= now)
        .values(status=Status.EXPIRED, updated_at=now)
    )
    async with engine.begin() as conn:
        back = int((await conn.execute(returned)).rowcount)
        late = int((await conn.execute(expired)).rowcount)
    return back, late


async def counts(engine: AsyncEngine) -> dict[str, int]:
    stmt = select(C.status, func.count()).group_by(C.status)
    async with engine.connect() as conn:
        return {status: n for status, n in (await conn.execute(stmt)).all()}


async def latest_errors(engine: AsyncEngine, limit: int = 10) -> list[dict[str, Any]]:
    stmt = (
        select(C.kind, C.dedup_key, C.status, C.attempts, C.last_error, C.updated_at)
        .where(C.last_error.is_not(None))
        .order_by(C.updated_at.desc())
        .limit(limit)
    )
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in (await conn.execute(stmt)).all()]
