"""The real bot over real HTTP, a real migrated database, and the Slack stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.config import Settings, load_settings
from bot.platform.db.models import Pairing
from bot.platform.local import LocalServer
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn, demo_workspace
from tests.e2e.flows import assert_slack_accepted_everything
from tests.e2e.sessions_setup import introduce

SIGNING_SECRET = "e2e-signing-secret"


@pytest.fixture(autouse=True)
def _slack_accepts_everything(standin: SlackStandIn) -> Iterator[None]:
    """Every view and message the bot sent in the test passed Slack's validation."""
    yield
    assert_slack_accepted_everything(standin)


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(demo_workspace()) as server:
        yield server


@pytest.fixture
def settings(standin: SlackStandIn, database_url: str) -> Settings:
    return load_settings(
        {
            "SLACK_BOT_TOKEN": standin.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": database_url,
        },
        env_file=None,
    )


@pytest.fixture
async def bot(
    settings: Settings, engine: AsyncEngine, clock: FakeClock
) -> AsyncIterator[LocalServer]:
    runtime = Runtime.build(settings, clock=clock)
    try:
        async with LocalServer(runtime) as server:
            yield server
    finally:
        await runtime.close()


@pytest.fixture
async def slack(bot: LocalServer, standin: SlackStandIn) -> AsyncIterator[SlackDriver]:
    driver = SlackDriver(standin, bot.events_url, SIGNING_SECRET)
    try:
        yield driver
    finally:
        await driver.aclose()


@pytest.fixture
async def pair(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> Pairing:
    """Maya (reverse mentor, New York) and Grace (leader, Los Angeles), matched by a real
    round and introduced in their group DM."""
    return await introduce(slack, standin, engine, clock, bot)
