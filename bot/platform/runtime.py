"""Assembles the bot from settings and the features: engine, Bolt app, ASGI app, scheduler,
and how each mode runs. The one place that knows every feature (`bot.features.FEATURES`)."""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from bot.features import FEATURES
from bot.platform.clock import Clock, SystemClock
from bot.platform.config import Settings
from bot.platform.context import AppContext
from bot.platform.db import migrate
from bot.platform.db.engine import SessionMaker, make_engine, make_sessionmaker
from bot.platform.feature import Feature
from bot.platform.outbox import DeliveryHooks, Dispatcher, DispatcherConfig, SlackSender
from bot.platform.outbox.enqueue import ENQUEUED
from bot.platform.scheduler import Intervals, ScheduledJob, Scheduler
from bot.platform.slack.app import build_app, build_client
from bot.platform.slack.installs import Tokens, installation_store, oauth_settings
from bot.platform.slack.people import Directory
from bot.platform.slack.socket_mode import CheckedSocketModeHandler
from bot.platform.web.asgi import FlipsideASGI
from bot.platform.web.server import make_server

log = logging.getLogger("bot.runtime")


# How long a shutdown waits for work listeners started after their ack (a round being computed);
# a round cut off is taken over by another replica once its claim lapses.
BACKGROUND_GRACE_SECONDS = 20.0
# How long a start waits to fill the people cache before it answers anyway.
WARM_SECONDS = 5.0


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: SessionMaker
    ctx: AppContext
    app: AsyncApp
    sender: SlackSender
    dispatcher: Dispatcher
    scheduler: Scheduler

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        features: Sequence[Feature] = FEATURES,
    ) -> Runtime:
        clock = clock or SystemClock()
        engine = make_engine(settings.database_url)
        wake = _Wake()
        sessionmaker = make_sessionmaker(engine, on_commit=wake.after_commit)
        hooks = DeliveryHooks(
            planners=[p for f in features for p in f.planners],
            on_sent=[h for f in features for h in f.on_sent],
            on_dead=[h for f in features for h in f.on_dead],
        )
        client = build_client(settings)
        installs = installation_store(settings, engine) if settings.oauth else None
        tokens = Tokens(fixed=settings.slack_bot_token, store=installs)
        people = Directory(client, tokens, fresh_seconds=settings.user_cache_seconds)
        ctx = AppContext(
            settings=settings,
            sessionmaker=sessionmaker,
            clock=clock,
            people=people,
            hooks=hooks,
            tokens=tokens,
        )
        ctx.commands = tuple(c for f in features for c in f.commands)
        home = next((f.home for f in features if f.home is not None), None)
        ctx.home = home(ctx) if home is not None else None
        oauth = oauth_settings(settings, engine) if settings.oauth else None
        app = build_app(ctx, client, features, oauth=oauth)
        sender = SlackSender(tokens, settings.slack_api_url, home=ctx.home)
        dispatcher = Dispatcher(
            engine,
            sessionmaker,
            sender,
            clock,
            config=dispatcher_config(settings),
            hooks=hooks,
            owner=ctx.owner,
        )
        intervals = Intervals(
            dispatch=settings.dispatch_interval,
            plan=settings.plan_interval,
            reap=settings.reap_interval,
            heartbeat=settings.lease_seconds / 3,
        )
        jobs = [
            ScheduledJob(job.id, job.every(ctx), functools.partial(job.run, ctx))
            for f in features
            for job in f.jobs
        ]
        scheduler = Scheduler(dispatcher, hooks, sessionmaker, clock, intervals, jobs)
        wake.target = scheduler
        ctx.wake_outbox = scheduler.wake
        return cls(settings, engine, sessionmaker, ctx, app, sender, dispatcher, scheduler)

    def asgi(self, *, events: bool = True, scheduler: bool = True) -> FlipsideASGI:
        """The HTTP app; with `scheduler`, its lifespan runs this replica's jobs."""
        return FlipsideASGI(
            self.app if events else None,
            self.engine,
            signing_secret=self.settings.slack_signing_secret,
            on_startup=[self.start_background] if scheduler else [],
            on_shutdown=[self.stop_background] if scheduler else [],
        )

    def socket_handler(self) -> CheckedSocketModeHandler:
        """Socket Mode's connection (SLACK_APP_TOKEN), its payloads checked like HTTP bodies."""
        return CheckedSocketModeHandler(self.app, self.settings.slack_app_token)

    async def start_background(self) -> None:
        await self.sender.start()
        await self.warm_people()
        # What start-up allocated (modules, the app, the caches) lives as long as the process:
        # out of the collector's way, so that full collections stay short under load.
        gc.freeze()
        self.scheduler.start()

    async def warm_people(self) -> None:
        """Fill the people cache, so that the first answers after a start need no users.info
        (one workspace; with many, each workspace's cache fills as its people come)."""
        if self.settings.oauth:
            return
        try:
            found = await asyncio.wait_for(self.ctx.people.default.warm(), WARM_SECONDS)
            log.info("people cache warmed", extra={"people": found})
        except Exception as exc:  # the bot answers without it, only a little slower
            log.warning("people cache not warmed", extra={"error": repr(exc)})

    async def stop_background(self) -> None:
        await self.ctx.settle(within=BACKGROUND_GRACE_SECONDS)
        await self.scheduler.stop()
        await self.sender.close()

    async def settle(self, within: float = 30.0) -> None:
        """Wait until listeners are done and the outbox has nothing due: for tests and the demo."""
        await self.ctx.settle(within)
        await self.scheduler.idle()
        await self.dispatcher.tick()

    async def migrate(self) -> None:
        await migrate.upgrade(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()


class _Wake:
    """Wakes the dispatcher after a commit that queued something (a session's ENQUEUED flag)."""

    def __init__(self) -> None:
        self.target: Scheduler | None = None

    def after_commit(self, session: Session) -> None:
        if session.info.pop(ENQUEUED, False) and self.target is not None:
            self.target.wake()


def dispatcher_config(settings: Settings) -> DispatcherConfig:
    return DispatcherConfig(
        batch_size=settings.batch_size,
        concurrency=settings.concurrency,
        rate_per_second=settings.rate_per_second,
        burst=max(1, int(settings.rate_per_second)),
        channel_interval=settings.channel_interval,
        lease_seconds=settings.lease_seconds,
        # Renewed every third of it while alive: a send must start with a third left.
        lease_margin_seconds=settings.lease_seconds / 3,
        max_attempts=settings.max_attempts,
    )


async def serve(settings: Settings) -> int:
    """`mentor-bot serve`: migrate, then answer Slack over HTTP or Socket Mode until SIGTERM."""
    runtime = Runtime.build(settings)
    try:
        try:
            await runtime.migrate()
        except (OSError, ConnectionError) as exc:
            log.error("database unreachable at start", extra={"error": str(exc)})
            return 1
        if settings.socket_mode:
            await _serve_socket_mode(runtime)
        else:
            log.info("serving HTTP", extra={"host": settings.host, "port": settings.port})
            await make_server(runtime.asgi(), host=settings.host, port=settings.port).serve()
        log.info("stopped")
        return 0
    finally:
        await runtime.close()


async def _serve_socket_mode(runtime: Runtime) -> None:
    """Events over the socket; HTTP only for /healthz. uvicorn's SIGTERM handling ends both."""
    settings = runtime.settings
    handler = runtime.socket_handler()
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("connected in Socket Mode", extra={"health_port": settings.port})
    health = runtime.asgi(events=False)
    try:
        await make_server(health, host=settings.host, port=settings.port).serve()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
