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
