"""What the outbox benchmark runs and times: the idle baselines, the direct Slack calls (the
baseline) and the outbox sweep, with a `/mentor help` sent mid-sweep."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import httpx
from outbox_measures import DbCounter, Idle, LagProbe, Run, timed_ms
from outbox_params import CONFIG, HELP_USER, IDLE_ACKS, IDLE_PROBE_SECONDS, STALL_SECONDS
from outbox_setup import recipient
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import SystemClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.outbox import DeliveryHooks, Dispatcher, SlackSender
from bot.sandbox import SlackDriver, SlackStandIn


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
