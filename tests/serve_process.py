"""A real `mentor-bot serve` process for tests, with its JSON log read as it comes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def free_ports(count: int) -> list[int]:
    """Distinct free ports, all held until every one is chosen."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


class ServeProcess:
    """`python -m bot serve` with its stderr (JSON log lines) read as it comes."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int) -> None:
        self.proc = proc
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            self.lines.append(line.decode(errors="replace").rstrip("\n"))

    @classmethod
    async def start(cls, env: dict[str, str], port: int, cwd: Path) -> ServeProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            env={**env, "PORT": str(port)},
            cwd=cwd,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(proc, port)

    async def healthy(self, within: float = 30.0) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient() as http:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    raise AssertionError(f"serve exited early: {self.tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(self.url + "/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise AssertionError(f"serve never became healthy: {self.tail()}")

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        await self._reader
        return code

    async def kill(self) -> None:
        """kill -9: no shutdown, nothing recorded, leases left to lapse."""
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()
        await self._reader

    def logs(self) -> list[dict[str, Any]]:
        entries = []
        for line in self.lines:
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict):
                    entries.append(entry)
        return entries

    def sent_keys(self) -> list[str]:
        return [
            str(e["key"])
            for e in self.logs()
            if e.get("msg") == "outbox send" and e.get("outcome") == "sent"
        ]

    def tail(self) -> str:
        return "\n".join(self.lines[-20:])
