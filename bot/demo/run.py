"""Sets up the stand-in, a throwaway database and the real app, then plays the scenario."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.demo.transcript import Transcript
from bot.platform.config import Settings, load_settings
from bot.platform.local import LocalServer
from bot.platform.logs import configure_logging
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn, demo_workspace

SIGNING_SECRET = "demo-signing-secret"


class ShiftedClock:
    """Real time, moved on by the scenes ("two days later") so that reminders come due while
    the bot runs on its own schedule."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def shift(self, delta: timedelta) -> None:
        self.offset += delta


class Demo:
    """What each scene works with: the stand-in, a driver playing Slack, the running bot."""

    def __init__(
        self,
        standin: SlackStandIn,
        settings: Settings,
        show: Transcript,
        *,
        socket_mode: bool = False,
    ) -> None:
        self.standin = standin
        self.settings = settings
        self.show = show
        self.socket_mode = socket_mode  # Slack's requests over the bot's own socket
        self.clock = ShiftedClock()
        self.runtime: Runtime | None = None
        self._server: LocalServer | None = None
        self._slack: SlackDriver | None = None

    @property
    def slack(self) -> SlackDriver:
        assert self._slack is not None, "the bot is not running"
        return self._slack

    @property
    def bot(self) -> Runtime:
        assert self.runtime is not None, "the bot is not running"
        return self.runtime

    async def start_bot(self) -> None:
        """Start a bot process's worth: engine, app, HTTP server, scheduler."""
        self.runtime = Runtime.build(self.settings, clock=self.clock)
        await self.runtime.migrate()
        self._server = await LocalServer(self.runtime, socket_mode=self.socket_mode).__aenter__()
        self._slack = await SlackDriver(
            self.standin, self._server.events_url, SIGNING_SECRET, socket_mode=self.socket_mode
        ).__aenter__()

    async def stop_bot(self) -> None:
        """Stop it the way SIGTERM does: finish in-flight sends, hand back the rest."""
        if self._slack is not None:
            await self._slack.aclose()
        if self._server is not None:
            await self._server.__aexit__(None, None, None)
        if self.runtime is not None:
            await self.runtime.close()
        self._slack, self._server, self.runtime = None, None, None


def demo_settings(standin: SlackStandIn, database: Path, *, socket_mode: bool = False) -> Settings:
    app_token = {"SLACK_APP_TOKEN": standin.socket.app_token} if socket_mode else {}
    return load_settings(
        {
            **app_token,
            "SLACK_BOT_TOKEN": standin.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            # Brisk ticks, and a modest pace so that a restart lands mid-delivery.
            "OUTBOX_DISPATCH_INTERVAL": "0.2",
            "OUTBOX_REAP_INTERVAL": "1",
            "OUTBOX_RATE_PER_SECOND": "6",
        },
        env_file=None,
    )


async def run_demo(*, quiet: bool = False, socket_mode: bool = False) -> int:
    from bot.demo.scenario import SCENES

    configure_logging("ERROR")
    lines: list[str] = []
    write = lines.append if quiet else print
    with tempfile.TemporaryDirectory(prefix="flipside-demo-") as tmp:
        async with SlackStandIn(demo_workspace()) as standin:
            show = Transcript(standin, write=write)
            settings = demo_settings(standin, Path(tmp) / "demo.db", socket_mode=socket_mode)
            demo = Demo(standin, settings, show, socket_mode=socket_mode)
            await demo.start_bot()
            try:
                how = " (Socket Mode)" if socket_mode else ""
                show.title(f"Flipside demo: Acme Corp's reverse-mentoring program{how}")
                for scene in SCENES:
                    await scene(demo)
                show.flush()
            finally:
                await demo.stop_bot()
            problems = _invalid_calls(standin)
    summary = (
        f"Demo finished: {len(standin.calls)} Slack Web API calls, "
        f"{len(standin.timeline)} things people saw, "
        f"{'no' if not problems else len(problems)} rejected payloads."
    )
    write("")
    print(summary)
    for problem in problems:
        print(f"  rejected: {problem}", file=sys.stderr)
    logging.shutdown()
    return 0 if not problems else 1


def _invalid_calls(standin: SlackStandIn) -> list[str]:
    """Every call Slack would have refused for its payload: the demo fails on any."""
    refused = {"invalid_blocks", "invalid_arguments", "no_text"}
    return [
        f"{call.method}: {call.response.get('error')}"
        for call in standin.calls
        if call.response.get("error") in refused
    ]
