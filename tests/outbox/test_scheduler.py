"""The real scheduler inside the running app: jobs deliver, shutdown leaves nothing `sending`,
a restart finishes the work, and every send leaves one structured log line."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.rounds.feature import ROUNDS_JOB
from bot.platform.clock import FakeClock
from bot.platform.config import Settings, load_settings
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.local import LocalServer
from bot.platform.outbox import OutboundMessage, enqueue
from bot.platform.runtime import Runtime
from bot.platform.scheduler import DISPATCH_JOB, HEARTBEAT_JOB, PLAN_JOB, REAP_JOB
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import TEAM, put, sent_texts


def _settings(standin: SlackStandIn, database_url: str, **extra: str) -> Settings:
    return load_settings(
        {
            "SLACK_BOT_TOKEN": standin.bot_token,
            "SLACK_SIGNING_SECRET": "scheduler-tests",
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": database_url,
            "OUTBOX_DISPATCH_INTERVAL": "0.05",
            "OUTBOX_REAP_INTERVAL": "0.2",
            **extra,
        },
        env_file=None,
    )


async def _statuses(engine: AsyncEngine) -> Counter[str]:
    async with make_sessionmaker(engine)() as session:
        return Counter((await session.scalars(select(OutboxMessage.status))).all())


async def _until(predicate: object, within: float = 10.0) -> None:
    for _ in range(int(within / 0.02)):
        if await predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    pytest.fail("condition not met in time")


async def test_jobs_have_explicit_ids_and_safe_options(
    standin: SlackStandIn, database_url: str, engine: AsyncEngine
) -> None:
    runtime = Runtime.build(_settings(standin, database_url))
    try:
        async with LocalServer(runtime):
            aps = runtime.scheduler._aps
            assert aps is not None
            jobs = {job.id: job for job in aps.get_jobs()}
            features = {"feedback-plan", "kits-plan", "nudges-plan", "cycles-plan", "digest-plan"}
            features |= {ROUNDS_JOB, "workspaces-erase"}
            assert set(jobs) == {PLAN_JOB, DISPATCH_JOB, REAP_JOB, HEARTBEAT_JOB} | features
            for job in jobs.values():
                assert job.coalesce is True
                assert job.max_instances == 1
                assert job.misfire_grace_time is None
        assert not runtime.scheduler.running
    finally:
        await runtime.close()


async def test_shutdown_mid_delivery_then_restart_sends_each_once(
    standin: SlackStandIn, database_url: str, engine: AsyncEngine, clock: FakeClock
) -> None:
    # A slow pace, so that shutdown finds rows claimed and waiting for their slot.
    settings = _settings(standin, database_url, OUTBOX_RATE_PER_SECOND="8")
    keys = await put(engine, clock, 12, due_at=None)

    first = Runtime.build(settings)
    try:
        async with LocalServer(first):

            async def some_sent() -> bool:
                return len(sent_texts(standin)) >= 3

            await _until(some_sent)
    finally:
        await first.close()
    statuses = await _statuses(engine)
    assert statuses["sending"] == 0, "shutdown left rows claimed"
    assert statuses["sent"] + statuses["pending"] == 12

    second = Runtime.build(settings)
    try:
        async with LocalServer(second):

            async def all_sent() -> bool:
                return (await _statuses(engine))["sent"] == 12

            await _until(all_sent)
    finally:
        await second.close()
    texts = Counter(sent_texts(standin))
    assert texts == Counter(f"message {key}" for key in keys)


async def test_planners_run_on_the_plan_job(
    standin: SlackStandIn, database_url: str, engine: AsyncEngine
) -> None:
    runtime = Runtime.build(_settings(standin, database_url, OUTBOX_PLAN_INTERVAL="0.05"))

    async def weekly_digest(session: object, now: object) -> None:
        message = OutboundMessage(TEAM, "digest:2026-W02", "digest", "digest", channel="C0ADMINS")
        await enqueue(session, message, now)  # type: ignore[arg-type]

    runtime.ctx.hooks.planners.append(weekly_digest)  # type: ignore[arg-type]
    try:
        async with LocalServer(runtime):

            async def posted() -> bool:
                return sent_texts(standin) == ["digest"]

            await _until(posted)
            await asyncio.sleep(0.3)  # several more plan ticks: still one row, one post
        assert sent_texts(standin) == ["digest"]
        async with make_sessionmaker(engine)() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    finally:
        await runtime.close()


async def test_each_send_logs_kind_key_attempt_outcome_latency(
    standin: SlackStandIn,
    database_url: str,
    engine: AsyncEngine,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await put(engine, clock, 1)
    runtime = Runtime.build(_settings(standin, database_url))
    caplog.set_level(logging.INFO, logger="bot.outbox")
    try:
        await runtime.dispatcher.tick()
    finally:
        await runtime.close()
    (line,) = [r for r in caplog.records if r.getMessage() == "outbox send"]
    assert line.kind == "test"  # type: ignore[attr-defined]
    assert line.key == "m:0"  # type: ignore[attr-defined]
    assert line.attempt == 1  # type: ignore[attr-defined]
    assert line.outcome == "sent"  # type: ignore[attr-defined]
    assert line.latency_ms >= 0  # type: ignore[attr-defined]


async def test_outbox_command_shows_counts_and_errors(
    standin: SlackStandIn, database_url: str, engine: AsyncEngine, clock: FakeClock, tmp_path: Path
) -> None:
    await put(engine, clock, 2)
    standin.faults.add("chat.postMessage", "slack_error", error="account_inactive")
    runtime = Runtime.build(_settings(standin, database_url))
    try:
        await runtime.dispatcher.tick()
    finally:
        await runtime.close()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "outbox",
        env={"PATH": os.environ.get("PATH", ""), "DATABASE_URL": database_url},
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    text = out.decode()
    assert re.search(r"^\s+sent\s+1$", text, re.M)
    assert re.search(r"^\s+dead\s+1$", text, re.M)
    assert "account_inactive" in text
