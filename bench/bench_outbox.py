"""Outbox dispatch: throughput, database statements per message, and what a sweep does to the app.

`python bench/bench_outbox.py` (BENCH_SHORT=1 for the short CI mode). The database is a fresh
PostgreSQL database when TEST_DATABASE_URL is set (created and dropped here), else a temporary
SQLite file. For each Slack latency (none, then 50 ms per Web API call on the stand-in):

- baseline: the same number of `chat.postMessage` calls made directly with one AsyncWebClient at
  the same concurrency, no database;
- outbox: N due rows dispatched by a real Dispatcher (SystemClock) looping `tick()`, while the real
  app (Runtime + LocalServer) runs in the same event loop, a probe measures how late 10 ms sleeps
  wake up, and one signed `/mentor help` is sent mid-sweep and its HTTP round trip timed.

Prints messages/s, the ratio to the baseline, statements per message (dispatch only, counted with
a `before_cursor_execute` listener), and each target as met or MISSED. Always exits 0.

The rest lives in the outbox_*.py modules beside this script (parameters, measures, set-up,
runs, report), imported from this folder, which Python puts first on sys.path for a script.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from outbox_measures import DbCounter, Run
from outbox_params import CONFIG, LATENCIES, RECIPIENTS, SHORT, SIGNING_SECRET, N
from outbox_report import report
from outbox_runs import direct_calls, idle_baselines, outbox_sweep
from outbox_setup import (
    bench_workspace,
    fresh_database,
    put_due,
    quiet_production_logging,
    reset_standin,
)
from sqlalchemy import delete

from bot.platform.config import load_settings
from bot.platform.db import migrate
from bot.platform.db.engine import make_engine
from bot.platform.local import LocalServer
from bot.platform.outbox import SlackSender
from bot.platform.outbox.store import OUTBOX, counts
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn


async def main() -> int:
    quiet_production_logging()
    wall = time.perf_counter()
    missed: list[str] = []
    async with fresh_database() as (url, described):
        print(f"bench_outbox: {'SHORT' if SHORT else 'FULL'} mode, N = {N} messages per run")
        print(f"  database: {described}")
        print(
            f"  dispatcher: batch_size={CONFIG.batch_size} concurrency={CONFIG.concurrency} "
            f"rate_per_second={CONFIG.rate_per_second:g} burst={CONFIG.burst} "
            f"channel_interval={CONFIG.channel_interval:g} lease_seconds={CONFIG.lease_seconds:g}, "
            "SystemClock"
        )
        print(
            f"  messages spread over {RECIPIENTS} DMs; baseline: one AsyncWebClient, "
            f"concurrency {CONFIG.concurrency}, no database"
        )
        print(f"  python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        engine = make_engine(url)
        await migrate.upgrade(engine)
        counter = DbCounter()
        counter.attach(engine)
        pool = engine.sync_engine.pool
        pre_ping = bool(getattr(pool, "_pre_ping", False))
        size, overflow = getattr(pool, "size", lambda: "?")(), getattr(pool, "_max_overflow", "?")
        print(
            f"  engine: bot.platform.db.engine.make_engine: {type(pool).__name__} size={size} "
            f"max_overflow={overflow} pre_ping={pre_ping}"
        )
        async with SlackStandIn(bench_workspace()) as standin:
            settings = load_settings(
                {
                    "SLACK_BOT_TOKEN": standin.bot_token,
                    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": standin.api_url,
                    "DATABASE_URL": url,
                },
                env_file=None,
            )
            runtime = Runtime.build(settings)
            sender = SlackSender(standin.bot_token, standin.api_url)
            await sender.start()
            try:
                async with LocalServer(runtime, scheduler=False) as server:
                    async with SlackDriver(standin, server.events_url, SIGNING_SECRET) as driver:
                        idle = await idle_baselines(driver, server.url)
                        for latency in LATENCIES:
                            run = Run(latency)
                            reset_standin(standin)
                            standin.set_latency(latency)
                            run.direct_seconds, run.direct_cpu = await direct_calls(
                                standin, N, CONFIG.concurrency
                            )
                            reset_standin(standin)
                            async with engine.begin() as conn:
                                await conn.execute(delete(OUTBOX))
                            began = time.perf_counter()
                            await put_due(engine, f"{latency:g}", N)
                            run.enqueue_seconds = time.perf_counter() - began
                            await outbox_sweep(engine, counter, sender, driver, run, N)
                            run.final_counts = await counts(engine)
                            run.posted = sum(
                                1 for c in standin.calls_to("chat.postMessage") if c.response["ok"]
                            )
                            standin.set_latency(0.0)
                            missed += report(run, N, idle, pre_ping=pre_ping)
            finally:
                await sender.close()
                await runtime.close()
                await engine.dispose()
    print(f"\nsummary ({'SHORT' if SHORT else 'FULL'}, {described.split()[0]}):")
    for line in missed or ["all targets met"]:
        print(f"  {line}")
    print(f"total time {time.perf_counter() - wall:.1f} s")
    return 0  # benchmarks inform, they do not gate


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
