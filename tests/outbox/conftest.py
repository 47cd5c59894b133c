"""Fixtures for delivery tests: the stand-in as Slack, a dispatcher on the test database, and
replicas that each have an engine of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import Clock, FakeClock
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.outbox import (
    DeliveryHooks,
    Dispatcher,
    DispatcherConfig,
    OutboundMessage,
    SlackSender,
    enqueue,
)
from bot.sandbox import SlackStandIn, demo_workspace

TEAM = "T0FLIPSIDE"
PEOPLE = ["U01MAYA", "U01DANIEL", "U01GRACE", "U01JAMAL", "U01LUCAS", "U01HELEN"]

MakeDispatcher = Callable[..., Awaitable[Dispatcher]]
MakeReplica = Callable[..., Awaitable[Dispatcher]]

# A replica's pace: no limit a test does not set itself.
FAST = {"rate_per_second": 100_000.0, "burst": 100_000, "channel_interval": 0.0}


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(demo_workspace()) as server:
        yield server


@pytest.fixture
async def make_dispatcher(
    engine: AsyncEngine, standin: SlackStandIn, clock: FakeClock
) -> AsyncIterator[MakeDispatcher]:
    """Builds dispatchers (one per simulated replica) that share the database and the clock."""
    senders: list[SlackSender] = []

    async def blank_home(team_id: str, user_id: str) -> dict[str, object]:
        text = {"type": "mrkdwn", "text": f"<@{user_id}>'s Home"}
        return {"type": "home", "blocks": [{"type": "section", "text": text}]}

    async def make(**config: object) -> Dispatcher:
        sender = SlackSender(standin.bot_token, standin.api_url, home=blank_home)
        await sender.start()
        senders.append(sender)
        defaults: dict[str, object] = {"rate_per_second": 1000.0, "burst": 1000}
        return Dispatcher(
            engine,
            make_sessionmaker(engine),
            sender,
            clock,
            config=DispatcherConfig(**{**defaults, **config}),  # type: ignore[arg-type]
            hooks=DeliveryHooks(),
        )

    yield make
    for sender in senders:
        await sender.close()


@pytest.fixture
async def make_replica(
    database_url: str, engine: AsyncEngine, standin: SlackStandIn, clock: FakeClock
) -> AsyncIterator[MakeReplica]:
    """Builds dispatchers that share the database, the stand-in and the clock, but nothing else:
    each has its own engine (its own connections) and its own Slack client."""
    engines: list[AsyncEngine] = []
    senders: list[SlackSender] = []

    async def make(
        *, url: str | None = None, on: Clock | None = None, **config: object
    ) -> Dispatcher:
        own = make_engine(url or database_url)
        engines.append(own)
        sender = SlackSender(standin.bot_token, standin.api_url)
        await sender.start()
        senders.append(sender)
        return Dispatcher(
            own,
            make_sessionmaker(own),
            sender,
            on or clock,
            config=DispatcherConfig(**{**FAST, **config}),  # type: ignore[arg-type]
            hooks=DeliveryHooks(),
        )

    yield make
    for sender in senders:
        await sender.close()
    for own in engines:
        await own.dispose()


async def put(
    engine: AsyncEngine, clock: FakeClock, count: int, *, prefix: str = "m", **fields: object
) -> list[str]:
    """Enqueue `count` messages, spread over the demo people, due now unless told otherwise."""
    keys = []
    sessionmaker = make_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        for i in range(count):
            key = f"{prefix}:{i}"
            values: dict[str, object] = {
                "team_id": TEAM,
                "dedup_key": key,
                "kind": "test",
                "text": f"message {key}",
                "channel": PEOPLE[i % len(PEOPLE)],
                **fields,
            }
            await enqueue(session, OutboundMessage(**values), clock.now())  # type: ignore[arg-type]
            keys.append(key)
    return keys


def sent_texts(standin: SlackStandIn) -> list[str]:
    return [
        str(call.args.get("text"))
        for call in standin.calls_to("chat.postMessage")
        if call.response.get("ok")
    ]


def later(clock: FakeClock, seconds: float) -> None:
    clock.advance(timedelta(seconds=seconds))
