"""Work a listener goes on with after its ack is held, logged if it fails, and waited for."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.platform.clock import FakeClock
from bot.platform.config import load_settings
from bot.platform.context import AppContext


def context() -> AppContext:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, env_file=None
    )
    return AppContext(settings=settings, sessionmaker=None, clock=FakeClock(), people=None)  # type: ignore[arg-type]


async def test_shutdown_waits_for_work_started_after_an_ack() -> None:
    ctx = context()
    done: list[str] = []

    async def round_being_computed() -> None:
        await asyncio.sleep(0.05)
        done.append("proposal stored")

    ctx.spawn(round_being_computed())
    assert ctx.background
    await ctx.settle(within=5)
    assert done == ["proposal stored"] and not ctx.background


async def test_failed_background_work_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    ctx = context()

    async def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="bot.slack"):
        ctx.spawn(broken())
        await ctx.settle(within=5)
        await asyncio.sleep(0)
    assert any("background work failed" in r.message for r in caplog.records)
