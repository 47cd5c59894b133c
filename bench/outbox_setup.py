"""Set-up for the outbox benchmark: a fresh database, the workspace, logging, due rows."""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from databases import fresh_postgres, temp_sqlite
from outbox_params import ENQUEUE_CHUNK, PG_URL, RECIPIENTS, TEAM
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import SystemClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.logs import JsonFormatter
from bot.platform.outbox import OutboundMessage, enqueue
from bot.sandbox import SandboxUser, SlackStandIn, Workspace, demo_workspace


def fresh_database() -> contextlib.AbstractAsyncContextManager[tuple[str, str]]:
    """(url, description): a new PostgreSQL database dropped afterwards, or a temp SQLite file."""
    return fresh_postgres(PG_URL, "bench") if PG_URL else temp_sqlite("bench_outbox")


def bench_workspace() -> Workspace:
    """The demo workspace plus RECIPIENTS people to write to."""
    ws = demo_workspace()
    for i in range(RECIPIENTS):
        ws.add(SandboxUser(f"U0BENCH{i:04d}", f"bench{i}", f"Bench Person {i}"))
    return ws


def recipient(i: int) -> str:
    return f"U0BENCH{i % RECIPIENTS:04d}"


def quiet_production_logging() -> None:
    """The bot's JSON formatter at INFO (its cost per send is part of the outbox's cost), written
    to /dev/null; warnings and worse still reach stderr."""
    sink = logging.StreamHandler(open(os.devnull, "w"))  # open for the life of the process
    sink.setFormatter(JsonFormatter())
    loud = logging.StreamHandler(sys.stderr)
    loud.setLevel(logging.WARNING)
    loud.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [sink, loud]
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)


async def put_due(engine: AsyncEngine, run_id: str, n: int) -> None:
    """Enqueue n messages due now, through the real `enqueue`."""
    sessionmaker = make_sessionmaker(engine)
    clock = SystemClock()
    for start in range(0, n, ENQUEUE_CHUNK):
        async with sessionmaker() as session, session.begin():
            now = clock.now()
            for i in range(start, min(n, start + ENQUEUE_CHUNK)):
                message = OutboundMessage(
                    team_id=TEAM,
                    dedup_key=f"bench:{run_id}:{i}",
                    kind="bench",
                    text=f"Reminder {i}: your mentoring session starts in 15 minutes.",
                    channel=recipient(i),
                )
                await enqueue(session, message, now)


def reset_standin(standin: SlackStandIn) -> None:
    standin.calls.clear()
    standin.messages.clear()
    standin.timeline.clear()
