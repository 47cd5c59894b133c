"""Run an ASGI app under uvicorn, on a host and port or on a socket we already bound."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Generator

import uvicorn

from bot.platform.web.asgi import FlipsideASGI


class _Server(uvicorn.Server):
    """uvicorn, but SIGTERM ends `serve()` gracefully instead of being re-raised afterwards,
    so the caller can close the database and exit 0; tests and the demo take no signals."""

    def __init__(self, config: uvicorn.Config, *, handle_signals: bool) -> None:
        super().__init__(config)
        self._handle_signals = handle_signals

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if not self._handle_signals:
            yield
            return
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT)
        for sig in signals:
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in signals:
                loop.remove_signal_handler(sig)


def make_server(
    app: FlipsideASGI, *, host: str, port: int, handle_signals: bool = True
) -> uvicorn.Server:
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # see logs.configure_logging
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        log_config=None,  # our JSON logging is already set up
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    return _Server(config, handle_signals=handle_signals)


def bind_loopback() -> socket.socket:
    """A listening socket on 127.0.0.1 with a port the OS chose (tests and the demo)."""
    # IPPROTO_TCP explicitly: asyncio turns Nagle off only for sockets that say they are TCP,
    # and with Nagle on every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock
