"""Admin summaries through the real bot: Priya asks in #flipside-admins and the channel gets the
summary and its chart; asked anywhere else it is hers alone; the CSV comes to her DM; the Home
shows the figures and the two buttons; people who are not admins get nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.privacy import TOO_FEW
from bot.domain.summary import UNKNOWN_PERIOD, Digest
from bot.features.summaries import chart, service
from bot.features.summaries.service import ADMINS_ONLY, Options
from bot.kit.ids import Action
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.records import PostedMessage
from tests.e2e.flows import button_ids, home, replies, text_of, wait_for_reply
from tests.e2e.rounds_setup import ADMIN, ADMIN_CHANNEL, outbox_keys, send_all
from tests.e2e.sessions_setup import GRACE, MAYA, dms

PNG = b"\x89PNG\r\n\x1a\n"


def posts_in(standin: SlackStandIn, channel: str) -> list[PostedMessage]:
    return [m for m in standin.messages_in(channel) if m.ephemeral_user is None]


def files_of(standin: SlackStandIn, messages: list[PostedMessage]) -> list[tuple[str, bytes]]:
    out = []
    for message in messages:
        for file_id in message.files:
            stored = standin.files[file_id]
            assert stored.content is not None
            out.append((stored.filename, stored.content))
    return out


async def ask(
    slack: SlackDriver, bot: LocalServer, clock: FakeClock, text: str, **where: str
) -> None:
    result = await slack.command(ADMIN, text, **where)
    assert result.status == 200, result.text
    await bot.runtime.settle()
    await send_all(bot, clock)


async def test_priya_asks_in_the_admin_channel_and_it_is_posted_there_with_its_chart(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer, clock: FakeClock, pair: Pairing
) -> None:
    before = len(posts_in(standin, ADMIN_CHANNEL))
    await ask(slack, bot, clock, "admin summary", channel_id=ADMIN_CHANNEL)
    assert any("Putting the summary together" in t for t in replies(standin, ADMIN))
    new = posts_in(standin, ADMIN_CHANNEL)[before:]
    summary = next(m for m in new if "Program summary: the last 30 days" in m.text)
    shown = text_of(summary.blocks or [])
    assert "Active pairs" in shown and "Sessions held" in shown
    # Two people in the program: nothing about what anyone answered can be shown.
    assert shown.count(TOO_FEW) >= 4
    for label in ("Value to leaders", "Value to reverse mentors", "Poll response rate"):
        line = next(f for f in shown.split("*") if label in f)
        assert label in line
    (chart_file,) = files_of(standin, new)
    name, content = chart_file
    assert name.endswith(".png") and content.startswith(PNG)
    stored = next(f for f in standin.files.values() if f.filename == name)
    assert "sessions held per week" in stored.alt_txt.lower()


async def test_asked_anywhere_else_the_summary_is_the_admins_alone_and_the_chart_in_her_dm(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer, clock: FakeClock, pair: Pairing
) -> None:
    before = len(posts_in(standin, ADMIN_CHANNEL))
    await ask(slack, bot, clock, "admin summary 90d")
    text = await wait_for_reply(standin, ADMIN, "Program summary: the last 90 days")
    assert text
    assert len(posts_in(standin, ADMIN_CHANNEL)) == before
    names = [name for name, _ in files_of(standin, dms(standin, ADMIN))]
    assert any(n.endswith(".png") for n in names)


async def test_people_who_are_not_admins_get_no_summary_and_a_wrong_period_is_explained(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer, clock: FakeClock, pair: Pairing
) -> None:
    before = len(posts_in(standin, ADMIN_CHANNEL))
    for who in (MAYA, GRACE):
        result = await slack.command(who, "admin summary", channel_id=ADMIN_CHANNEL)
        assert result.status == 200
        await wait_for_reply(standin, who, ADMINS_ONLY)
        result = await slack.command(who, "admin export")
        await wait_for_reply(standin, who, ADMINS_ONLY)
    await ask(slack, bot, clock, "admin summary last year")
    await wait_for_reply(standin, ADMIN, UNKNOWN_PERIOD)
    await bot.runtime.settle()
    await send_all(bot, clock)
    assert len(posts_in(standin, ADMIN_CHANNEL)) == before
    assert not any(f.filename.endswith((".png", ".csv")) for f in standin.files.values())


async def test_the_export_is_a_csv_of_weeks_in_the_admins_dm_and_holds_nobody(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer, clock: FakeClock, pair: Pairing
) -> None:
    await ask(slack, bot, clock, "admin export")
    await wait_for_reply(standin, ADMIN, "on its way to your DM")
    ((name, content),) = [
        f for f in files_of(standin, dms(standin, ADMIN)) if f[0].endswith(".csv")
    ]
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "week_starting" and rows[0][-1] == "hidden"
    assert len(rows) >= 2
    body = content.decode("utf-8-sig")
    for person in (MAYA, GRACE, ADMIN):
        assert person not in body
    # Two people: every figure about answers is an empty cell, named in the flag column.
    assert all(r[6] == "" and "poll_response_rate" in r[-1] for r in rows[1:])


async def test_the_admin_home_shows_the_figures_and_posts_a_summary_from_its_button(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer, clock: FakeClock, pair: Pairing
) -> None:
    view = await home(slack, standin, ADMIN)
    assert Action.POST_SUMMARY in button_ids(view) and Action.EXPORT_CSV in button_ids(view)
    assert "Program summary: the last 30 days" in text_of(view)
    mine = await home(slack, standin, MAYA)
    assert Action.POST_SUMMARY not in button_ids(mine)
    before = len(posts_in(standin, ADMIN_CHANNEL))
    result = await slack.click(ADMIN, Action.POST_SUMMARY, view_id=view["id"])
    assert result.status == 200
    await bot.runtime.settle()
    await send_all(bot, clock)
    new = posts_in(standin, ADMIN_CHANNEL)[before:]
    assert any("Program summary" in m.text for m in new)
    assert any(name.endswith(".png") for name, _ in files_of(standin, new))
    # The same button sent from Maya's Home (a forged click): refused, nothing posted.
    forged = {"type": "button", "action_id": Action.POST_SUMMARY, "block_id": "x", "value": ""}
    source = standin.views[mine["id"]]
    await slack._interact(slack._block_actions(MAYA, source, forged))
    await bot.runtime.settle()
    await send_all(bot, clock)
    assert len(posts_in(standin, ADMIN_CHANNEL)) == before + 2


async def test_the_weekly_digest_goes_out_once_on_monday_morning_in_the_programs_zone(
    standin: SlackStandIn, bot: LocalServer, engine: AsyncEngine, clock: FakeClock, pair: Pairing
) -> None:
    sessionmaker = make_sessionmaker(engine)
    opts = Options(k=5, cycle_weeks=12)
    berlin = Digest(enabled=True, zone="Europe/Berlin", late=timedelta(hours=48))
    monday = datetime(2026, 1, 12, 7, 59, tzinfo=UTC)  # 08:59 in Berlin
    clock.set(monday)
    assert await service.plan_digests(sessionmaker, clock, opts, berlin, chart.render) == 0
    clock.set(monday + timedelta(minutes=1))
    assert await service.plan_digests(sessionmaker, clock, opts, berlin, chart.render) == 1
    assert await service.plan_digests(sessionmaker, clock, opts, berlin, chart.render) == 0
    assert await outbox_keys(engine, "digest:") == [
        "digest:T0FLIPSIDE:2026-W03",
        "digest:T0FLIPSIDE:2026-W03:chart",
    ]
    await send_all(bot, clock)
    digest = [m for m in posts_in(standin, ADMIN_CHANNEL) if "Weekly digest" in m.text]
    assert len(digest) == 1
    # Off in the settings: nothing the next week.
    clock.set(monday + timedelta(days=7, hours=1))
    off = Digest(enabled=False, zone="Europe/Berlin")
    assert await service.plan_digests(sessionmaker, clock, opts, off, chart.render) == 0


async def test_a_bot_down_all_monday_sends_the_digest_late_once_and_skips_a_week_too_old(
    bot: LocalServer, engine: AsyncEngine, clock: FakeClock, pair: Pairing
) -> None:
    sessionmaker = make_sessionmaker(engine)
    opts = Options(k=5, cycle_weeks=12)
    digest = Digest(enabled=True, zone="UTC", late=timedelta(hours=48))
    clock.set(datetime(2026, 1, 13, 15, 0, tzinfo=UTC))  # Tuesday: still news
    assert await service.plan_digests(sessionmaker, clock, opts, digest, chart.render) == 1
    clock.set(datetime(2026, 1, 21, 10, 0, tzinfo=UTC))  # Wednesday after the next Monday
    assert await service.plan_digests(sessionmaker, clock, opts, digest, chart.render) == 0
    assert await outbox_keys(engine, "digest:") == [
        "digest:T0FLIPSIDE:2026-W03",
        "digest:T0FLIPSIDE:2026-W03:chart",
    ]


async def test_a_summary_the_admin_channel_refuses_is_explained_to_the_admin_by_dm(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer, clock: FakeClock, pair: Pairing
) -> None:
    members = standin.workspace.channels[ADMIN_CHANNEL].members
    members.remove(standin.workspace.bot_user_id)  # somebody removed the bot from the channel
    await ask(slack, bot, clock, "admin summary", channel_id=ADMIN_CHANNEL)
    assert not any("Program summary" in m.text for m in posts_in(standin, ADMIN_CHANNEL))
    (told,) = [m for m in dms(standin, ADMIN) if "couldn't post the program summary" in m.text]
    assert "/invite @Flipside" in told.text
