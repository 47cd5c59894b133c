"""An upload whose database goes away between the bytes reaching Slack and the file id being
recorded: the tick does not raise, the share completes, and the outcome is recorded once the
database is back, with the file shared once."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.delivery import Action
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import (
    DeliveryHooks,
    Dispatcher,
    DispatcherConfig,
    OutboundMessage,
    SlackSender,
    Upload,
    enqueue,
)
from bot.sandbox import SlackStandIn
from tests.conftest import requires_postgres
from tests.outbox.conftest import TEAM
from tests.outbox.tcp_proxy import TcpProxy

MAYA = "U01MAYA"


async def _row(engine: AsyncEngine) -> OutboxMessage:
    async with make_sessionmaker(engine)() as session:
        return (await session.scalars(select(OutboxMessage))).one()


@requires_postgres
async def test_an_upload_survives_the_database_going_away_before_its_file_is_recorded(
    engine: AsyncEngine, database_url: str, clock: FakeClock, standin: SlackStandIn
) -> None:
    upload = OutboundMessage(
        TEAM,
        "card:1",
        "card",
        "Your card",
        channel=MAYA,
        action=Action.UPLOAD,
        file=Upload("card.txt", b"hello, Maya"),
    )
    async with make_sessionmaker(engine)() as session, session.begin():
        await enqueue(session, upload, clock.now())

    real = make_url(database_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    own = make_engine(real.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
    sender = SlackSender(standin.bot_token, standin.api_url)
    await sender.start()
    try:
        dispatcher = Dispatcher(
            own,
            make_sessionmaker(own),
            sender,
            clock,
            config=DispatcherConfig(rate_per_second=1000.0, burst=1000),
            hooks=DeliveryHooks(),
        )
        # Slack takes its time handing out the upload URL; the database goes away meanwhile.
        standin.faults.add("files.getUploadURLExternal", "latency", delay=0.5)
        tick = asyncio.create_task(dispatcher.tick())
        deadline = time.monotonic() + 10
        while (await _row(engine)).attempts == 0:
            assert time.monotonic() < deadline and not tick.done(), "the attempt never began"
            await asyncio.sleep(0.005)
        await proxy.cut()
        result = await tick  # must not raise
        assert result.claimed == 1

        (file_id,) = standin.files
        assert standin.files[file_id].content == b"hello, Maya"
        assert len(standin.calls_to("files.completeUploadExternal")) == 1  # shared anyway
        assert (await _row(engine)).status == "sending"  # nothing could be recorded yet

        await proxy.start()
        await dispatcher.tick()  # writes what it owed first
        row = await _row(engine)
        assert (row.status, row.file_id) == ("sent", file_id)
        assert (await dispatcher.tick()).claimed == 0
    finally:
        await proxy.cut()
        await sender.close()
        await own.dispose()

    assert len(standin.calls_to("files.getUploadURLExternal")) == 1
    assert len(standin.calls_to("files.completeUploadExternal")) == 1
    assert [m.files for m in standin.messages_in(standin.dm_id(MAYA))] == [[file_id]]
