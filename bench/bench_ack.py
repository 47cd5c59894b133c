"""Ack latency: how fast the real app answers a signed `/mentor help`, against a bare Bolt app.

`python bench/bench_ack.py` (BENCH_SHORT=1 for the short CI mode). Runs on a temporary SQLite
file and, when TEST_DATABASE_URL is set, again on a fresh PostgreSQL database (created and dropped
here). Per database, both servers run at once in this process, each a real uvicorn on 127.0.0.1
with a port the OS chose, both against the Slack stand-in:

- flipside: the real app (Runtime + LocalServer, migrated database, scheduler on, people cache
  warmed from users.list), so the help is the ack's own body: Bolt's middleware, Flipside's
  actor middleware, the `/mentor` router and one database read of the program's admins;
- bare bolt (the baseline): an AsyncApp with one `/mentor` listener that only acks, behind
  Bolt's AsyncSlackRequestHandler, with a client pointed at the stand-in.

Neither calls Slack at start; Bolt's single-team authorization asks auth.test on the first
requests (every request of the first concurrent burst, in the warm-up) and caches the answer, and
the stand-in answers it. The Web API calls the stand-in saw are printed, as a check that an ack
costs none.

The load comes from a child process, one aiohttp ClientSession per target (keep-alive, one
connection per request in flight), so that the client's own work does not run on the servers'
event loop. Not httpx: at 50 requests in flight an httpx.AsyncClient spends about 5 ms of CPU
per request in its connection pool (encode/httpx#3215), saturates its core at ~200 requests/s
and measures itself; aiohttp sends the same load at a fraction of a core. Each request is a
form-encoded slash command from U01MAYA in the stand-in's team, signed as Slack signs it (v0
HMAC-SHA256 over `v0:{timestamp}:{body}`); its latency is the time from sending it to having read
the whole answer (time.perf_counter). Every answer must be a 200, and the real app's must contain
the help (`/mentor help`).

Bolt waits for a listener's ack in 10 ms sleeps (its AsyncioListenerRunner), so neither app
answers in much under 10 ms; what the ratio shows at this concurrency is how much more work per
request the real app does, queued behind the 50 in flight.

Each round runs N requests at a concurrency of CONCURRENCY against each target, after WARMUP
unmeasured ones; rounds alternate which target goes first, so the machine's noise falls on
both. Prints per round and over all rounds the p50 and p99 (nearest rank) per target and the
ratios flipside/bare for both. Exits 0 whatever the ratios (they are the output), 1 on a wrong
answer (non-200, no help in the body, a transport error).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from urllib.parse import urlencode

import uvicorn
from ack_load import LoadProcess
from databases import fresh_postgres
from databases import temp_sqlite as temp_sqlite_in
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform.config import load_settings
from bot.platform.local import LocalServer
from bot.platform.logs import configure_logging
from bot.platform.runtime import Runtime
from bot.platform.web.server import bind_loopback
from bot.sandbox import SlackStandIn, demo_workspace

SHORT = os.environ.get("BENCH_SHORT", "") not in ("", "0")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
N = 150 if SHORT else 600
CONCURRENCY = 50
ROUNDS = 2 if SHORT else 3
WARMUP = 50  # unmeasured requests before each measured run (connections, caches, auth.test)
TARGET_RATIO = 1.3

SIGNING_SECRET = "bench-signing-secret"
VERIFICATION_TOKEN = "sandbox-verification-token"
USER = "U01MAYA"  # in the demo workspace; not an admin, so the help lists no admin commands
HELP_MARK = "/mentor help"  # what the real app's ack must contain
REAL, BARE = "flipside", "bare bolt"
CHILD_TIMEOUT = 300.0  # seconds for one run of the load generator
SHOWN_PROBLEMS = 5


# -- the servers ----------------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """uvicorn without signal handlers: this script, not the server, decides when it stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def bare_bolt(standin: SlackStandIn) -> AsyncIterator[str]:
    """The baseline: a Bolt app whose `/mentor` only acks, under uvicorn; yields its URL."""
    # The client carries the token (AsyncApp takes it from there; a `token=` beside a `client=`
    # is ignored with a warning) and the stand-in's URL, so nothing ever reaches real Slack.
    client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)
    app = AsyncApp(signing_secret=SIGNING_SECRET, client=client)

    @app.command("/mentor")
    async def mentor(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)
    sock = bind_loopback()
    config = uvicorn.Config(
        handler,
        host="127.0.0.1",
        port=0,
        lifespan="on",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        host, port = sock.getsockname()[:2]
        yield f"http://{host}:{port}{handler.path}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()


def fresh_database() -> contextlib.AbstractAsyncContextManager[tuple[str, str]]:
    return fresh_postgres(PG_URL, "bench_ack")


def temp_sqlite() -> contextlib.AbstractAsyncContextManager[tuple[str, str]]:
    return temp_sqlite_in("bench_ack")


def command_bodies(standin: SlackStandIn, count: int) -> list[str]:
    """`/mentor help` as Slack posts it, each with its own response URL and trigger id."""
    ws = standin.workspace
    channel = standin.open_dm(USER)
    return [
        urlencode(
            {
                "token": VERIFICATION_TOKEN,
                "team_id": ws.team_id,
                "team_domain": ws.domain,
                "channel_id": channel,
                "channel_name": "directmessage",
                "user_id": USER,
                "user_name": ws.user(USER).name,
                "command": "/mentor",
                "text": "help",
                "api_app_id": ws.app_id,
                "is_enterprise_install": "false",
                "response_url": standin.new_response_url(USER, channel),
                "trigger_id": standin.issue_trigger_id(USER),
            }
        )
        for _ in range(count)
    ]


# -- measuring and reporting ----------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


@dataclass
class Runs:
    """Latencies (s) per target and round, and the wall time of its measured runs (s)."""

    rounds: dict[str, list[list[float]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def all(self, target: str) -> list[float]:
        return [x for r in self.rounds.get(target, []) for x in r]


def stats_ms(latencies: list[float]) -> tuple[float, float]:
    return percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000


def ratio_line(real: list[float], bare: list[float]) -> tuple[float, float]:
    (r50, r99), (b50, b99) = stats_ms(real), stats_ms(bare)
    return (r50 / b50 if b50 else float("inf")), (r99 / b99 if b99 else float("inf"))


async def bench_database(url: str, described: str) -> list[str]:
    """Both servers on one database, ROUNDS interleaved rounds; prints, returns the problems."""
    began = time.perf_counter()
    print(f"\n== {described} ==")
    problems: list[str] = []
    runs = Runs()
    async with SlackStandIn(demo_workspace()) as standin:
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": standin.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": standin.api_url,
                "DATABASE_URL": url,
            },
            env_file=None,
        )
        runtime = Runtime.build(settings)
        loader = await LoadProcess.start()
        try:
            await runtime.migrate()
            async with LocalServer(runtime) as real, bare_bolt(standin) as bare_url:
                targets = {REAL: (real.events_url, HELP_MARK), BARE: (bare_url, None)}
                for r in range(ROUNDS):
                    order = [REAL, BARE] if r % 2 == 0 else [BARE, REAL]
                    for name in order:
                        target_url, expect = targets[name]
                        bodies = command_bodies(standin, WARMUP + N)
                        latencies, seconds, found = await loader.run(
                            name,
                            target_url,
                            bodies,
                            expect,
                            secret=SIGNING_SECRET,
                            warmup=WARMUP,
                            concurrency=CONCURRENCY,
                            wait_seconds=CHILD_TIMEOUT,
                        )
                        runs.seconds[name] = runs.seconds.get(name, 0.0) + seconds
                        runs.rounds.setdefault(name, []).append(latencies)
                        problems += [f"{described}, {name}, round {r + 1}: {p}" for p in found]
                    real_l, bare_l = runs.rounds[REAL][r], runs.rounds[BARE][r]
                    (r50, r99), (b50, b99) = stats_ms(real_l), stats_ms(bare_l)
                    q50, q99 = ratio_line(real_l, bare_l)
                    print(
                        f"  round {r + 1} ({' then '.join(order)}): {REAL} p50 {r50:6.1f} "
                        f"p99 {r99:6.1f} ms | {BARE} p50 {b50:6.1f} p99 {b99:6.1f} ms | "
                        f"ratio p50 {q50:.2f} p99 {q99:.2f}"
                    )
            calls = Counter(c.method for c in standin.calls)
        finally:
            await loader.stop()
            await runtime.close()
    seen = ", ".join(f"{method} x{n}" for method, n in sorted(calls.items())) or "none"
    print(f"  Web API calls the stand-in answered (both apps, whole run): {seen}")
    print(f"  {'target':10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'answers':>8} {'req/s':>7}")
    for name in (REAL, BARE):
        latencies = runs.all(name)
        p50, p99 = stats_ms(latencies)
        worst = max(latencies, default=0.0) * 1000
        rate = len(latencies) / runs.seconds[name] if runs.seconds.get(name) else 0.0
        print(f"  {name:10} {p50:8.1f} {p99:8.1f} {worst:8.1f} {len(latencies):8} {rate:7.0f}")
    q50, q99 = ratio_line(runs.all(REAL), runs.all(BARE))
    met = "met" if max(q50, q99) <= TARGET_RATIO else "MISSED"
    print(f"  ratio p50 {q50:.2f}  ratio p99 {q99:.2f}  (target <= {TARGET_RATIO:g}: {met})")
    for p in problems[:SHOWN_PROBLEMS]:
        print(f"  !! {p}")
    if len(problems) > SHOWN_PROBLEMS:
        print(f"  !! ... {len(problems)} problems in all")
    print(f"  {described.split()[0]} time {time.perf_counter() - began:.1f} s")
    return problems


async def main() -> int:
    configure_logging("ERROR")
    wall = time.perf_counter()
    databases = ["SQLite"] + (["PostgreSQL"] if PG_URL else [])
    print(
        f"bench_ack: {'SHORT' if SHORT else 'FULL'} mode, {N} signed `/mentor help` per target "
        f"per round, concurrency {CONCURRENCY}, {ROUNDS} rounds (each run after {WARMUP} "
        f"unmeasured); databases: {', '.join(databases)}"
    )
    print(
        f"  python {sys.version.split()[0]}, {os.cpu_count()} CPUs; uvicorn {version('uvicorn')}, "
        f"slack_bolt {version('slack_bolt')}, aiohttp {version('aiohttp')}"
    )
    print(
        f"  {REAL}: Runtime + LocalServer, help in the ack; {BARE} (baseline): AsyncApp whose "
        "/mentor only acks; both on uvicorn in this process, against the Slack stand-in"
    )
    print(
        f"  user {USER} of the stand-in's team; load from a child process, one aiohttp session "
        "per target; latency = send to full answer; p50/p99 nearest rank"
    )
    problems: list[str] = []
    sources = [temp_sqlite] + ([fresh_database] if PG_URL else [])
    for source in sources:
        async with source() as (url, described):
            problems += await bench_database(url, described)
    print(f"\n{len(problems)} wrong answers" if problems else "\nevery answer was right")
    print(f"total time {time.perf_counter() - wall:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
