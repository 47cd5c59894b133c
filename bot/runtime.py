"""Assembles the bot from settings: engine, Bolt app, ASGI app, and how each mode runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass
from types import TracebackType

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import migrate
from bot.db.engine import SessionMaker, make_engine, make_sessionmaker
from bot.scheduler import Intervals, Scheduler
from bot.services import participants, proposals, round_schedule
from bot.services.outbox import DeliveryHooks, Dispatcher, DispatcherConfig, SlackSender
from bot.slack.app import build_app
from bot.slack.context import AppContext
from bot.web.asgi import EVENTS_PATH, FlipsideASGI
from bot.web.server import bind_loopback, make_server

log = logging.getLogger("bot.runtime")


# How long a shutdown waits for work listeners started after their ack (a round being computed);
# a round cut off is taken over by another replica once its claim lapses.
BACKGROUND_GRACE_SECONDS = 20.0


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
    def build(cls, settings: Settings, *, clock: Clock | None = None) -> Runtime:
        clock = clock or SystemClock()
        engine = make_engine(settings.database_url)
        sessionmaker = make_sessionmaker(engine)
        hooks = DeliveryHooks(
            planners=[participants.resume_due, round_schedule.plan_rounds],
            on_dead=[participants.on_dead_letter, proposals.on_dead_letter],
        )
        ctx = AppContext(settings=settings, sessionmaker=sessionmaker, clock=clock, hooks=hooks)
        app = build_app(ctx)
        sender = SlackSender(settings.slack_bot_token, settings.slack_api_url)
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
            rounds=settings.plan_interval,
        )

        async def run_rounds() -> int:
            return await round_schedule.run_queued_rounds(
                sessionmaker, clock, ctx.owner, settings.match_weights
            )

        scheduler = Scheduler(dispatcher, hooks, sessionmaker, clock, intervals, run_rounds)
        return cls(settings, engine, sessionmaker, ctx, app, sender, dispatcher, scheduler)

    def asgi(self, *, events: bool = True, scheduler: bool = True) -> FlipsideASGI:
        """The HTTP app; with `scheduler`, its lifespan runs this replica's jobs."""
        return FlipsideASGI(
            self.app if events else None,
            self.engine,
            on_startup=[self.start_background] if scheduler else [],
            on_shutdown=[self.stop_background] if scheduler else [],
        )

    async def start_background(self) -> None:
        await self.sender.start()
        self.scheduler.start()

    async def stop_background(self) -> None:
        await self.ctx.settle(within=BACKGROUND_GRACE_SECONDS)
        await self.scheduler.stop()
        await self.sender.close()

    async def migrate(self) -> None:
        await migrate.upgrade(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()


def dispatcher_config(settings: Settings) -> DispatcherConfig:
    return DispatcherConfig(
        batch_size=settings.batch_size,
        concurrency=settings.concurrency,
        rate_per_second=settings.rate_per_second,
        burst=max(1, int(settings.rate_per_second)),
        channel_interval=settings.channel_interval,
        lease_seconds=settings.lease_seconds,
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
    handler = AsyncSocketModeHandler(runtime.app, settings.slack_app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("connected in Socket Mode", extra={"health_port": settings.port})
    health = runtime.asgi(events=False)
    try:
        await make_server(health, host=settings.host, port=settings.port).serve()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


class LocalServer:
    """The real ASGI app under uvicorn on 127.0.0.1 and a free port, for tests and the demo."""

    def __init__(self, runtime: Runtime, *, scheduler: bool = True) -> None:
        self.runtime = runtime
        self._sock: socket.socket = bind_loopback()
        self._server: uvicorn.Server = make_server(
            runtime.asgi(scheduler=scheduler), host="127.0.0.1", port=0, handle_signals=False
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def events_url(self) -> str:
        return self.url + EVENTS_PATH

    async def __aenter__(self) -> LocalServer:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sock.close()
