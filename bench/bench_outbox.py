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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import delete, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import SystemClock
from bot.platform.config import load_settings
from bot.platform.db import migrate
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.local import LocalServer
from bot.platform.logs import JsonFormatter
from bot.platform.outbox import (
    DeliveryHooks,
    Dispatcher,
    DispatcherConfig,
    OutboundMessage,
    SlackSender,
    enqueue,
)
from bot.platform.outbox.store import OUTBOX, counts
from bot.platform.runtime import Runtime
from bot.sandbox import SandboxUser, SlackDriver, SlackStandIn, Workspace, demo_workspace

SHORT = os.environ.get("BENCH_SHORT", "") not in ("", "0")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
N = 1_000 if SHORT else 10_000
LATENCIES = (0.0, 0.05)
RECIPIENTS = 500  # distinct DMs the messages are spread over (a batch rarely repeats one)
CONFIG = DispatcherConfig(
    batch_size=200,
    concurrency=32,
    rate_per_second=100_000.0,
    burst=100_000,
    channel_interval=0.0,
)
PROBE_INTERVAL = 0.010
IDLE_PROBE_SECONDS = 0.5
IDLE_ACKS = 5
ENQUEUE_CHUNK = 1_000
STALL_SECONDS = 30.0  # give up on a sweep that sends nothing for this long

TARGET_LAG_P99_MS = 100.0
TARGET_ACK_MS = 300.0
TARGET_STATEMENTS = 3.0

TEAM = "T0FLIPSIDE"
HELP_USER = "U01MAYA"  # not an admin: help also costs a users.info call, the slower path
SIGNING_SECRET = "bench-signing-secret"


# -- measurements ------------------------------------------------------------------------------


@dataclass
class DbCounter:
    """Statements, transactions and pool checkouts on one engine, while `on`."""

    on: bool = False
    statements: int = 0
    commits: int = 0
    checkouts: int = 0

    def attach(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "commit", self._commit)
        event.listen(engine.sync_engine.pool, "checkout", self._checkout)

    def reset(self) -> None:
        self.statements = self.commits = self.checkouts = 0

    def _statement(self, *_: Any) -> None:
        if self.on:
            self.statements += 1

    def _commit(self, *_: Any) -> None:
        if self.on:
            self.commits += 1

    def _checkout(self, *_: Any) -> None:
        if self.on:
            self.checkouts += 1


@dataclass
class LagProbe:
    """Sleeps `interval` in a loop and records how late each wake-up is (seconds)."""

    interval: float = PROBE_INTERVAL
    samples: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.samples.append(time.perf_counter() - start - self.interval)

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def stats_ms(self) -> tuple[float, float, float]:
        return (
            percentile(self.samples, 50) * 1000,
            percentile(self.samples, 99) * 1000,
            max(self.samples, default=0.0) * 1000,
        )


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


@dataclass
class Run:
    latency: float
    direct_seconds: float = 0.0
    direct_cpu: float = 0.0
    outbox_cpu: float = 0.0
    enqueue_seconds: float = 0.0
    outbox_seconds: float = 0.0
    sent: int = 0
    ticks: int = 0
    other_outcomes: dict[str, int] = field(default_factory=dict)
    statements: int = 0
    commits: int = 0
    checkouts: int = 0
    lag_ms: tuple[float, float, float] = (0.0, 0.0, 0.0)
    lag_samples: int = 0
    ack_ms: float = 0.0
    ack_status: int = 0
    ack_in_sweep: bool = False
    final_counts: dict[str, int] = field(default_factory=dict)
    posted: int = 0


# -- set-up ------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[tuple[str, str]]:
    """(url, description): a new PostgreSQL database dropped afterwards, or a temp SQLite file."""
    if not PG_URL:
        with tempfile.TemporaryDirectory(prefix="bench_outbox_") as tmp:
            yield f"sqlite+aiosqlite:///{tmp}/bench.db", "SQLite (temporary file)"
        return
    admin = make_url(PG_URL)
    name = f"flipside_bench_{uuid.uuid4().hex[:10]}"

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


# -- the two sides of the comparison -----------------------------------------------------------


async def direct_calls(standin: SlackStandIn, n: int, concurrency: int) -> tuple[float, float]:
    """(wall, process CPU) seconds for n chat.postMessage calls with one AsyncWebClient at
    `concurrency`, no database."""
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=100),  # as SlackSender.start()
        timeout=aiohttp.ClientTimeout(total=10),
    ) as session:
        client = AsyncWebClient(
            token=standin.bot_token, base_url=standin.api_url, session=session, retry_handlers=[]
        )
        gate = asyncio.Semaphore(concurrency)

        async def post(i: int) -> None:
            async with gate:
                await client.chat_postMessage(
                    channel=recipient(i),
                    text=f"Reminder {i}: your mentoring session starts in 15 minutes.",
                )

        began, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(post(i) for i in range(n)))
        return time.perf_counter() - began, time.process_time() - cpu


async def ask_help(
    driver: SlackDriver, when: asyncio.Event, run: Run, sweeping: list[bool]
) -> None:
    await when.wait()
    began = time.perf_counter()
    result = await driver.command(HELP_USER, "help")
    run.ack_ms = (time.perf_counter() - began) * 1000
    run.ack_status = result.status
    run.ack_in_sweep = sweeping[0]


async def outbox_sweep(
    engine: AsyncEngine,
    counter: DbCounter,
    sender: SlackSender,
    driver: SlackDriver,
    run: Run,
    n: int,
) -> None:
    dispatcher = Dispatcher(
        engine,
        make_sessionmaker(engine),
        sender,
        SystemClock(),
        config=CONFIG,
        hooks=DeliveryHooks(),
    )
    probe = LagProbe()
    halfway = asyncio.Event()
    sweeping = [True]
    helper = asyncio.create_task(ask_help(driver, halfway, run, sweeping))
    other: dict[str, int] = {}
    counter.reset()
    counter.on = True
    probe.start()
    cpu = time.process_time()
    began = last_progress = time.perf_counter()
    try:
        while run.sent < n:
            result = await dispatcher.tick()
            run.ticks += 1
            run.sent += result.sent
            for name in ("retried", "dead", "skipped", "released"):
                if value := getattr(result, name):
                    other[name] = other.get(name, 0) + value
            if run.sent >= n // 2:
                halfway.set()
            if result.sent:
                last_progress = time.perf_counter()
            elif time.perf_counter() - last_progress > STALL_SECONDS:
                print(f"  !! no progress for {STALL_SECONDS:.0f}s at {run.sent}/{n} sent: gave up")
                break
            elif not result.claimed:
                await asyncio.sleep(0.005)
        run.outbox_seconds = time.perf_counter() - began
        run.outbox_cpu = time.process_time() - cpu
    finally:
        sweeping[0] = False
        counter.on = False
        await probe.stop()
        halfway.set()
        await helper
    run.statements, run.commits, run.checkouts = (
        counter.statements,
        counter.commits,
        counter.checkouts,
    )
    run.lag_ms, run.lag_samples = probe.stats_ms(), len(probe.samples)
    run.other_outcomes = other


# -- reporting ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(
    run: Run,
    n: int,
    idle: Idle,
    *,
    pre_ping: bool,
) -> list[str]:
    """Print one latency's results; returns its MISSED lines."""
    label = f"Slack latency {run.latency * 1000:.0f} ms per call"
    direct_rate = n / run.direct_seconds
    outbox_rate = run.sent / run.outbox_seconds if run.outbox_seconds else 0.0
    per_msg = run.statements / max(1, run.sent)
    print(f"\n== {label} ==")
    print(
        f"  direct chat.postMessage (baseline): {n} calls in {run.direct_seconds:7.2f} s "
        f"= {direct_rate:8.0f} msg/s"
    )
    print(
        f"  outbox dispatch:                    {run.sent} sent in {run.outbox_seconds:7.2f} s "
        f"= {outbox_rate:8.0f} msg/s  ({run.ticks} ticks; enqueue took {run.enqueue_seconds:.2f} s"
        ", not timed)"
    )
    print(
        f"  ratio outbox/direct throughput: {outbox_rate / direct_rate:.2f}  "
        f"(the outbox takes {run.outbox_seconds / run.direct_seconds:.2f}x the bare Slack calls' "
        "time)"
    )
    direct_cpu_ms = run.direct_cpu / n * 1000
    outbox_cpu_ms = run.outbox_cpu / max(1, run.sent) * 1000
    print(
        f"  process CPU/message (bot, stand-in and app share it): outbox {outbox_cpu_ms:.2f} ms, "
        f"direct {direct_cpu_ms:.2f} ms, ratio {outbox_cpu_ms / direct_cpu_ms:.1f}x"
    )
    pinged = " (each also a pre-ping: pool_pre_ping)" if pre_ping else ""
    print(
        f"  DB statements/message: {per_msg:.3f}  ({run.statements} statements; "
        f"{run.commits / max(1, run.sent):.3f} transactions/msg, "
        f"{run.checkouts / max(1, run.sent):.3f} pool checkouts/msg{pinged})  "
        f"ratio to target {TARGET_STATEMENTS:g}: {per_msg / TARGET_STATEMENTS:.2f}"
    )
    p50, p99, worst = run.lag_ms
    print(
        f"  event-loop lag during sweep ({run.lag_samples} wake-ups of {PROBE_INTERVAL * 1000:.0f} "
        f"ms): p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms"
    )
    where = "mid-sweep" if run.ack_in_sweep else "AFTER the sweep ended (sweep too short)"
    print(
        f"  /mentor help round trip {where}: {run.ack_ms:.0f} ms, HTTP {run.ack_status}  "
        f"(idle: {idle.ack_ms:.0f} ms; ratio {run.ack_ms / idle.ack_ms:.1f}x)"
    )
    if run.other_outcomes:
        print(f"  !! outcomes other than sent: {run.other_outcomes}")
    if run.final_counts != {"sent": n} or run.posted != n:
        print(f"  !! rows by status after the sweep: {run.final_counts}; posts seen: {run.posted}")

    missed = []
    checks = [
        (
            f"event-loop lag p99 < {TARGET_LAG_P99_MS:g} ms",
            p99 < TARGET_LAG_P99_MS,
            f"{p99:.1f} ms",
        ),
        (
            f"/mentor help ack < {TARGET_ACK_MS:g} ms",
            run.ack_status == 200 and run.ack_ms < TARGET_ACK_MS,
            f"{run.ack_ms:.0f} ms",
        ),
        (
            f"<= {TARGET_STATEMENTS:g} statements/message",
            per_msg <= TARGET_STATEMENTS,
            f"{per_msg:.3f}",
        ),
    ]
    print("  targets:")
    for name, ok, value in checks:
        print(f"    {verdict(ok):6} {name}: {value}")
        if not ok:
            missed.append(f"MISSED ({label}): {name}: {value}")
    return missed


# -- main --------------------------------------------------------------------------------------


@dataclass
class Idle:
    """The same measurements with nothing else running: what the sweep is compared with."""

    ack_ms: float
    health_ms: float
    lag_ms: tuple[float, float, float]


async def timed_ms(times: int, call: Callable[[], Awaitable[object]]) -> float:
    """Median wall time of `times` calls after one warm-up call."""
    await call()
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return percentile(samples, 50)


async def idle_baselines(driver: SlackDriver, server_url: str) -> Idle:
    """/mentor help and GET /healthz round trips (medians), and the probe with nothing to do."""

    async def ask() -> None:
        result = await driver.command(HELP_USER, "help")
        if result.status != 200:
            print(f"  !! /mentor help answered HTTP {result.status}: {result.text[:200]}")

    ack_ms = await timed_ms(IDLE_ACKS, ask)
    async with httpx.AsyncClient() as http:
        health_ms = await timed_ms(IDLE_ACKS, lambda: http.get(server_url + "/healthz"))
    probe = LagProbe()
    probe.start()
    await asyncio.sleep(IDLE_PROBE_SECONDS)
    await probe.stop()
    idle = Idle(ack_ms, health_ms, probe.stats_ms())
    p50, p99, worst = idle.lag_ms
    print(
        f"  idle: /mentor help {ack_ms:.0f} ms, GET /healthz {health_ms:.0f} ms (medians of "
        f"{IDLE_ACKS}; the latter is LocalServer's HTTP floor); lag p50 {p50:.1f}, p99 {p99:.1f}, "
        f"max {worst:.1f} ms"
    )
    return idle


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
