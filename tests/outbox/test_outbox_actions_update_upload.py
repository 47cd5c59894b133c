"""UPDATE and UPLOAD rows against the stand-in: chat.update of a posted message, and the three
steps of an upload, whose retry after the bytes reached Slack only completes the share."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.delivery import Action
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import OutboundMessage, Upload, enqueue
from bot.sandbox import SlackStandIn
from tests.outbox.conftest import TEAM, MakeDispatcher, later, put

MAYA = "U01MAYA"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def _row(engine: AsyncEngine, key: str) -> OutboxMessage:
    async with make_sessionmaker(engine)() as session:
        return (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key == key))
        ).one()


async def _enqueue(engine: AsyncEngine, clock: FakeClock, message: OutboundMessage) -> None:
    async with make_sessionmaker(engine)() as session, session.begin():
        assert await enqueue(session, message, clock.now())


def _file_ids(args: dict[str, Any]) -> list[str]:
    """The ids a completion named (a JSON string when the stand-in failed before parsing it)."""
    files = args["files"]
    return [f["id"] for f in (json.loads(files) if isinstance(files, str) else files)]


def _update(key: str, channel: str, ts: str, text: str) -> OutboundMessage:
    return OutboundMessage(
        TEAM, key, "test", text, channel=channel, ts=ts, action=Action.UPDATE, owner="session:7"
    )


def _upload(key: str = "card:1", channel: str = MAYA) -> OutboundMessage:
    return OutboundMessage(
        TEAM,
        key,
        "card",
        "Here is your pairing card",
        channel=channel,
        action=Action.UPLOAD,
        file=Upload("card.png", PNG, title="Pairing card", alt_txt="Maya and Daniel"),
    )


# -- UPDATE -------------------------------------------------------------------------------------


async def test_a_posted_message_is_updated_in_place(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    (key,) = await put(engine, clock, 1, channel=MAYA)
    dispatcher = await make_dispatcher()
    assert (await dispatcher.tick()).sent == 1
    posted = await _row(engine, key)
    assert posted.sent_channel is not None and posted.sent_channel.startswith("D")
    assert posted.sent_ts
    assert standin.find_message(posted.sent_channel, posted.sent_ts) is not None

    await _enqueue(engine, clock, _update("m:0:edit", posted.sent_channel, posted.sent_ts, "new"))
    later(clock, 2)  # past the conversation's pace slot
    result = await dispatcher.tick()
    assert (result.claimed, result.sent, result.dead) == (1, 1, 0)

    (call,) = standin.calls_to("chat.update")
    assert call.response["ok"] is True
    assert (call.args["channel"], call.args["ts"]) == (posted.sent_channel, posted.sent_ts)
    message = standin.find_message(posted.sent_channel, posted.sent_ts)
    assert message is not None and message.updated and message.text == "new"
    assert len(standin.messages_in(posted.sent_channel)) == 1  # replaced, not posted again
    assert len(standin.calls_to("chat.postMessage")) == 1

    updated = await _row(engine, "m:0:edit")
    assert updated.status == "sent" and updated.action == Action.UPDATE
    assert (updated.sent_channel, updated.sent_ts) == (posted.sent_channel, posted.sent_ts)
    assert updated.attempts == 1 and updated.last_error is None


async def test_an_update_with_blocks_replaces_them(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    (key,) = await put(engine, clock, 1, channel="C0ADMINS")
    dispatcher = await make_dispatcher()
    await dispatcher.tick()
    posted = await _row(engine, key)
    assert posted.sent_channel == "C0ADMINS" and posted.sent_ts
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Round closed*"}}]
    message = OutboundMessage(
        TEAM,
        "edit:blocks",
        "test",
        "Round closed",
        blocks=blocks,
        channel="C0ADMINS",
        ts=posted.sent_ts,
        action=Action.UPDATE,
    )
    await _enqueue(engine, clock, message)
    later(clock, 2)
    assert (await dispatcher.tick()).sent == 1
    shown = standin.find_message("C0ADMINS", posted.sent_ts)
    assert shown is not None and shown.text == "Round closed"
    assert shown.blocks is not None and shown.blocks[0]["text"]["text"] == "*Round closed*"


async def test_an_update_of_an_unknown_message_ends_dead_with_slacks_error(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    """Retrying cannot make a missing message appear: dead at the first answer."""
    (key,) = await put(engine, clock, 1, channel=MAYA)
    dispatcher = await make_dispatcher()
    await dispatcher.tick()
    channel = (await _row(engine, key)).sent_channel
    assert channel is not None
    await _enqueue(engine, clock, _update("edit:ghost", channel, "1111111111.000100", "never"))
    await put(engine, clock, 1, prefix="after", channel="C0ADMINS")  # other rows still go
    later(clock, 2)
    result = await dispatcher.tick()
    assert (result.claimed, result.sent, result.dead) == (2, 1, 1)

    (call,) = standin.calls_to("chat.update")
    assert call.response == {"ok": False, "error": "message_not_found"}
    ghost = await _row(engine, "edit:ghost")
    assert (ghost.status, ghost.last_error, ghost.attempts) == ("dead", "message_not_found", 1)
    assert (await _row(engine, "after:0")).status == "sent"
    later(clock, 600)
    assert (await dispatcher.tick()).claimed == 0
    assert len(standin.calls_to("chat.update")) == 1


# -- UPLOAD -------------------------------------------------------------------------------------


async def test_an_upload_to_a_person_is_shared_in_their_dm(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await _enqueue(engine, clock, _upload())
    dispatcher = await make_dispatcher()
    assert (await dispatcher.tick()).sent == 1

    methods = [c.method for c in standin.calls]
    assert methods == [
        "conversations.open",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    dm = standin.dm_id(MAYA)
    assert standin.calls_to("conversations.open")[0].response["channel"]["id"] == dm
    (ticket,) = standin.calls_to("files.getUploadURLExternal")
    assert ticket.args["filename"] == "card.png"
    assert int(ticket.args["length"]) == len(PNG)
    assert ticket.args["alt_txt"] == "Maya and Daniel"
    file_id = ticket.response["file_id"]

    stored = standin.files[file_id]
    assert stored.content == PNG and stored.title == "Pairing card"
    assert stored.channels == [dm]
    (shared,) = standin.messages_in(dm)
    assert shared.files == [file_id] and shared.text == "Here is your pairing card"
    (complete,) = standin.calls_to("files.completeUploadExternal")
    assert complete.response["files"][0]["ims"] == [dm]

    row = await _row(engine, "card:1")
    assert (row.status, row.file_id, row.sent_channel) == ("sent", file_id, dm)
    assert row.attempts == 1


async def test_an_upload_to_a_channel_needs_no_open(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await _enqueue(engine, clock, _upload("card:admins", "C0ADMINS"))
    assert (await (await make_dispatcher()).tick()).sent == 1
    assert standin.calls_to("conversations.open") == []
    (file_id,) = standin.files
    assert standin.files[file_id].channels == ["C0ADMINS"]


async def test_a_failed_completion_is_retried_without_uploading_again(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await _enqueue(engine, clock, _upload())
    standin.faults.add("files.completeUploadExternal", "server_error", status=503)
    dispatcher = await make_dispatcher(backoff_base=2.0, backoff_cap=60.0)
    assert (await dispatcher.tick()).retried == 1

    (ticket,) = standin.calls_to("files.getUploadURLExternal")
    file_id = ticket.response["file_id"]
    assert standin.files[file_id].content == PNG  # the bytes reached Slack...
    assert standin.files[file_id].channels == []  # ...but were not shared
    row = await _row(engine, "card:1")
    assert (row.status, row.file_id, row.attempts) == ("pending", file_id, 1)
    assert row.last_error == "service_unavailable"
    assert row.lease_owner is None

    assert (await dispatcher.tick()).claimed == 0  # not before the backoff
    later(clock, 60)
    assert (await dispatcher.tick()).sent == 1

    assert len(standin.calls_to("files.getUploadURLExternal")) == 1  # no second upload
    assert len(standin.files) == 1
    completes = standin.calls_to("files.completeUploadExternal")
    assert [c.status for c in completes] == [503, 200]
    assert [_file_ids(c.args) for c in completes] == [[file_id], [file_id]]
    dm = standin.dm_id(MAYA)
    assert standin.files[file_id].channels == [dm]
    assert [m.files for m in standin.messages_in(dm)] == [[file_id]]
    row = await _row(engine, "card:1")
    assert (row.status, row.file_id, row.attempts) == ("sent", file_id, 2)


async def test_a_rate_limited_upload_waits_for_retry_after_without_using_an_attempt(
    engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn, make_dispatcher: MakeDispatcher
) -> None:
    await _enqueue(engine, clock, _upload())
    standin.faults.add("files.getUploadURLExternal", "rate_limited", retry_after=20)
    dispatcher = await make_dispatcher()
    began = clock.now()
    assert (await dispatcher.tick()).retried == 1

    row = await _row(engine, "card:1")
    assert (row.status, row.attempts, row.file_id) == ("pending", 0, None)
    assert row.last_error == "ratelimited"
    assert row.due_at.replace(tzinfo=None) == (began + timedelta(seconds=20)).replace(tzinfo=None)
    assert standin.files == {}

    later(clock, 19)
    assert (await dispatcher.tick()).claimed == 0
    later(clock, 1)
    assert (await dispatcher.tick()).sent == 1
    assert [c.status for c in standin.calls_to("files.getUploadURLExternal")] == [429, 200]
    assert len(standin.calls_to("files.completeUploadExternal")) == 1
    row = await _row(engine, "card:1")
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.file_id is not None and standin.files[row.file_id].content == PNG
