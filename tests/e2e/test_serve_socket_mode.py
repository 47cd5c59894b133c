"""A real `mentor-bot serve` with SLACK_APP_TOKEN: it opens its Socket Mode connection to the
stand-in, and people join, pause, get matched and book a session through the socket, across a
`disconnect` and a dropped connection, while /healthz answers over HTTP."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.ids import Action, View
from bot.platform.clock import SystemClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import MentoringSession, Pairing
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import AI, CAREER, join, participant
from tests.e2e.rounds_setup import ADMIN, ADMIN_CHANNEL, proposals, set_admin_channel
from tests.e2e.sessions_setup import GRACE, MAYA, filled, top_modal
from tests.serve_process import ServeProcess, free_ports

HELEN = "U01HELEN"


async def test_serve_in_socket_mode_runs_the_program_through_the_socket(
    standin: SlackStandIn, database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    await set_admin_channel(engine, SystemClock())
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_APP_TOKEN": standin.socket.app_token,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "OUTBOX_DISPATCH_INTERVAL": "0.2",
        "OUTBOX_CHANNEL_INTERVAL": "0",
        "LOG_LEVEL": "INFO",
    }
    (port,) = free_ports(1)
    serve = await ServeProcess.start(env, port, tmp_path)
    slack = SlackDriver(standin, serve.url + "/slack/events", "unused", socket_mode=True)
    try:
        await serve.healthy()
        await standin.socket.wait_connected(within=20)
        await join(
            slack, standin, MAYA, role="share", level="Early career", share=[AI], learn=[CAREER]
        )
        await standin.socket.disconnect("refresh_requested")  # Slack rotates the connection
        await join(
            slack, standin, GRACE, role="learn", level="Executive", share=[CAREER], learn=[AI]
        )
        await join(
            slack, standin, HELEN, role="learn", level="Director", share=[CAREER], learn=[AI]
        )
        paused = await slack.command(HELEN, "pause for 3 weeks")
        assert paused.status == 200
        standin.socket.drop()  # the network drops; the next request waits for the reconnect
        assert (await slack.command(ADMIN, "admin match", channel_id=ADMIN_CHANNEL)).status == 200
        await standin.wait_for(lambda: len(proposals(standin)) == 1, within=30)
        (proposal,) = proposals(standin)
        approved = await slack.click(
            ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts
        )
        assert approved.status == 200
        async with make_sessionmaker(engine)() as session:
            deadline = time.monotonic() + 30
            while not (pairing := await session.scalar(select(Pairing))):
                assert time.monotonic() < deadline, serve.tail()
                await _pause()
        group = standin.dm_id([MAYA, GRACE])
        await standin.wait_for(lambda: bool(standin.messages_in(group)), within=30)
        intro = standin.messages_in(group)[0]
        await slack.click(MAYA, Action.BOOK_SESSION, channel_id=group, message_ts=intro.ts)
        modal = await top_modal(standin, MAYA, View.BOOK_SESSION)
        at = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
        booked = await slack.submit(MAYA, modal.id, values=filled(at))
        assert booked.status == 200 and not booked.errors
        async with httpx.AsyncClient() as http:
            assert (await http.get(serve.url + "/healthz")).status_code == 200
        async with make_sessionmaker(engine)() as session:
            deadline = time.monotonic() + 10
            while not (rows := (await session.scalars(select(MentoringSession))).all()):
                assert time.monotonic() < deadline, serve.tail()
                await _pause()
        assert len(rows) == 1 and rows[0].pairing_id == pairing.id
        helen = await participant(engine, HELEN)
        assert helen is not None and helen.status == "paused"
        assert standin.socket.opened >= 3  # the first, after the disconnect, after the drop
        # Nothing doubled: one introduction, one proposal, one card.
        assert len(proposals(standin)) == 1
        assert sum("Session booked" in m.text for m in standin.messages_in(group)) <= 1
    finally:
        await slack.aclose()
        assert await serve.stop() == 0, serve.tail()


async def _pause() -> None:
    await asyncio.sleep(0.1)
