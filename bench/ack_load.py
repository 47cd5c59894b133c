"""The load generator of bench_ack: a child process that sends signed slash commands.

Run by bench_ack as `python bench/ack_load.py`; it reads one job (JSON) per line on stdin and
answers one result per line on stdout. Kept out of the servers' process so that the client's own
work does not run on their event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import sys
import time
from dataclasses import dataclass

import aiohttp

SCRIPT = os.path.abspath(__file__)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


async def load(
    http: aiohttp.ClientSession,
    url: str,
    secret: str,
    bodies: list[str],
    concurrency: int,
    expect: str | None,
) -> tuple[list[float], list[str]]:
    """POST every body, signed, at most `concurrency` at a time: (latencies in s, problems)."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    problems: list[str] = []

    async def one(body: str) -> None:
        raw = body.encode()
        async with gate:
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(timestamp),
                "X-Slack-Signature": sign(secret, raw, timestamp),
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            }
            began = time.perf_counter()
            try:
                async with http.post(url, data=raw, headers=headers) as response:
                    answer = await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                problems.append(f"transport error: {exc!r}")
                return
            latencies.append(time.perf_counter() - began)
        if response.status != 200:
            problems.append(f"HTTP {response.status}: {answer[:200]!r}")
        elif expect is not None and expect.encode() not in answer:
            problems.append(f"200 without {expect!r}: {answer[:200]!r}")

    await asyncio.gather(*(one(b) for b in bodies))
    return latencies, problems


async def client_main() -> None:
    """Reads one job (JSON) per line on stdin, answers one result (JSON) per line on stdout."""
    clients: dict[str, aiohttp.ClientSession] = {}
    try:
        while line := await asyncio.to_thread(sys.stdin.readline):
            job = json.loads(line)
            http = clients.get(job["target"])
            if http is None:
                # Idle connections are dropped before uvicorn's 5 s keep-alive timeout would.
                connector = aiohttp.TCPConnector(limit=job["concurrency"], keepalive_timeout=4)
                http = clients[job["target"]] = aiohttp.ClientSession(
                    connector=connector, timeout=aiohttp.ClientTimeout(total=30)
                )
            args = (http, job["url"], job["secret"])
            warm, measured = job["bodies"][: job["warmup"]], job["bodies"][job["warmup"] :]
            _, warm_problems = await load(*args, warm, job["concurrency"], job["expect"])
            began = time.perf_counter()
            latencies, problems = await load(*args, measured, job["concurrency"], job["expect"])
            result = {
                "latencies": latencies,
                "seconds": time.perf_counter() - began,
                "problems": warm_problems + problems,
            }
            sys.stdout.write(json.dumps(result) + "\n")
            sys.stdout.flush()
    finally:
        for http in clients.values():
            await http.close()


@dataclass
class LoadProcess:
    """The child process that sends the requests; `run` hands it one job and waits."""

    proc: asyncio.subprocess.Process

    @classmethod
    async def start(cls) -> LoadProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            SCRIPT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 24,
        )
        return cls(proc)

    async def run(
        self,
        target: str,
        url: str,
        bodies: list[str],
        expect: str | None,
        *,
        secret: str,
        warmup: int,
        concurrency: int,
        wait_seconds: float = 300.0,
    ) -> tuple[list[float], float, list[str]]:
        """(latencies in s, wall time of the measured part in s, problems)."""
        job = {
            "target": target,
            "url": url,
            "secret": secret,
            "bodies": bodies,
            "warmup": warmup,
            "concurrency": concurrency,
            "expect": expect,
        }
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(job).encode() + b"\n")
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), wait_seconds)
        if not line:
            raise RuntimeError(f"the load process died (exit code {await self.proc.wait()})")
        result = json.loads(line)
        return result["latencies"], result["seconds"], result["problems"]

    async def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


if __name__ == "__main__":
    asyncio.run(client_main())
