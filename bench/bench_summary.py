"""The admin summary on a big program: time, statements and memory, against one COUNT(*).

`python bench/bench_summary.py` (BENCH_SHORT=1 for the short CI mode). Builds a seeded program
(`summary_data.py`): 10,000 participants, 5,000 pairs, 100,000 sessions over the past year with
their polls (about 120,000 poll rows) and 20,000 delivered messages (short mode: 1,000
participants, 10,000 sessions), on a temporary SQLite file and, when TEST_DATABASE_URL is set,
on a fresh PostgreSQL database (created and dropped here); then ANALYZE, as a database in
service would have.

Per period (`30d`, the default of `/mentor admin summary`, and `all`), five runs after one
warm-up, of what the command does before drawing: the figures counted by the database and what
an admin may read of them (`service.compute`). Prints the median time, the number of SQL
statements (a `before_cursor_execute` listener), the peak Python memory of one run
(tracemalloc), and the ratio to the baseline: the median of five `SELECT COUNT(*) FROM
sessions` in the same run. The target is at most 1 second (full mode). Always exits 0.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any

from databases import fresh_postgres, temp_sqlite
from sqlalchemy import event, text
from summary_data import build, now_utc

from bot.features.summaries import service
from bot.platform.clock import FakeClock
from bot.platform.db import migrate
from bot.platform.db.engine import make_engine, make_sessionmaker

SHORT = os.environ.get("BENCH_SHORT", "") not in ("", "0")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
PEOPLE, SESSIONS = (1_000, 10_000) if SHORT else (10_000, 100_000)
RUNS = 5
TARGET_SECONDS = 1.0
OPTS = service.Options(k=5, cycle_weeks=12)


async def median_time(work: Callable[[], Awaitable[object]]) -> float:
    await work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        await work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def run(url: str, label: str) -> None:
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)
        start = time.perf_counter()
        program = await build(engine, people=PEOPLE, sessions=SESSIONS, now=now_utc())
        built = time.perf_counter() - start
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
        print(
            f"\n{label}: {program.people:,} participants, {program.pairs:,} pairs, "
            f"{program.sessions:,} sessions, {program.polls:,} poll rows (built in {built:.1f} s)"
        )
        sessionmaker = make_sessionmaker(engine)
        clock = FakeClock(now_utc())

        async def count() -> object:
            async with engine.connect() as conn:
                return await conn.scalar(text("SELECT COUNT(*) FROM sessions"))

        baseline = await median_time(count)
        print(f"  baseline  SELECT COUNT(*) FROM sessions   {baseline * 1000:8.1f} ms")
        for name in ("30d", "all"):

            async def summary(name: str = name) -> object:
                return await service.compute(sessionmaker, clock, program.team_id, name, OPTS)

            seconds = await median_time(summary)
            statements: list[str] = []

            def seen(*args: Any, into: list[str] = statements) -> None:
                into.append(args[2])

            event.listen(engine.sync_engine, "before_cursor_execute", seen)
            tracemalloc.start()
            await summary()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            event.remove(engine.sync_engine, "before_cursor_execute", seen)
            verdict = "met" if seconds <= TARGET_SECONDS else "MISSED"
            print(
                f"  summary {name:>4}                          {seconds * 1000:8.1f} ms  "
                f"{len(statements)} statements  peak {peak / 2**20:5.1f} MiB  "
                f"ratio {seconds / baseline:6.1f}x COUNT(*)  "
                f"target <= {TARGET_SECONDS:.0f} s: {verdict if not SHORT else 'full mode only'}"
            )
    finally:
        await engine.dispose()


async def main() -> int:
    print(f"Admin summary benchmark ({'short' if SHORT else 'full'} mode)")
    async with temp_sqlite("bench_summary") as (url, label):
        await run(url, label)
    if PG_URL:
        async with fresh_postgres(PG_URL, "bench_summary") as (url, label):
            await run(url, label)
    else:
        print("\nPostgreSQL: skipped (set TEST_DATABASE_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
