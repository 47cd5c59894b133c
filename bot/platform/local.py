"""The real ASGI app under uvicorn on 127.0.0.1 and a free port, for tests and the demo."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from types import TracebackType

import uvicorn

from bot.platform.runtime import Runtime
from bot.platform.web.asgi import EVENTS_PATH
from bot.platform.web.server import bind_loopback, make_server


class LocalServer:
    """With `socket_mode`, Slack's requests come over a Socket Mode connection the bot opens
    (SLACK_APP_TOKEN) and the HTTP side serves only /healthz, as `mentor-bot serve` does."""

    def __init__(
        self, runtime: Runtime, *, scheduler: bool = True, socket_mode: bool = False
    ) -> None:
        self.runtime = runtime
        self._sock: socket.socket = bind_loopback()
        self._server: uvicorn.Server = make_server(
            runtime.asgi(scheduler=scheduler, events=not socket_mode),
            host="127.0.0.1",
            port=0,
            handle_signals=False,
        )
        self._task: asyncio.Task[None] | None = None
        self.socket = runtime.socket_handler() if socket_mode else None

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
        if self.socket is not None:
            await self.socket.connect_async()  # type: ignore[no-untyped-call]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sock.close()
