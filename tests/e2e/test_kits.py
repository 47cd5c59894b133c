"""Preparing both sides, end to end: briefings timed by the pair's first session, a kit an
admin edited reaching the next briefing, `/mentor kit`, progress only its owner sees, and the
program's announcement."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.kits.service import plan_briefings
from bot.kit.ids import Action, Field, View
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.workspace import SandboxChannel
from tests.e2e.flows import home, replies, text_of
from tests.e2e.sessions_setup import (
    GRACE,
    MAYA,
    book,
    deliver,
    dms,
    later,
    plan_feedback,
    top_modal,
)

ADMIN = "U01PRIYA"


async def brief(bot: LocalServer, clock: FakeClock) -> int:
    async with make_sessionmaker(bot.runtime.engine)() as session, session.begin():
        sent = await plan_briefings(session, clock.now())
    await deliver(bot, clock)
    return sent


def briefings(standin: SlackStandIn, user: str) -> list[str]:
    return [text_of(m.blocks or []) for m in dms(standin, user) if "first session" in m.text]


async def test_a_session_three_days_ahead_is_briefed_the_day_before(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = later(clock, days=3)
    await book(slack, standin, bot, pair, GRACE, at)
    assert await brief(bot, clock) == 0
    clock.advance(at - timedelta(hours=24) - clock.now())
    assert await brief(bot, clock) == 2
    (maya,) = briefings(standin, MAYA)
    (grace,) = briefings(standin, GRACE)
    assert "you are the expert here" in maya and "a learner's guide" not in maya
    assert "a learner's guide" in grace and "No jokes about generations" in grace
    assert "Show me the kit" in maya and "Got it" in grace
    assert "AI assistants are changing" in maya  # the focus topic's kit
    assert await brief(bot, clock) == 0  # once


async def test_a_session_two_hours_ahead_is_briefed_at_booking(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    await book(slack, standin, bot, pair, MAYA, later(clock, hours=2))
    assert await brief(bot, clock) == 2
    assert briefings(standin, MAYA) and briefings(standin, GRACE)


async def test_a_kit_an_admin_edited_reaches_the_next_briefing(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    assert (await slack.command(ADMIN, "admin settings")).status == 200
    settings = await top_modal(standin, ADMIN, View.SETTINGS)
    picker = next(b for b in settings.view["blocks"] if b.get("type") == "actions")
    (select,) = [e for e in picker["elements"] if e["action_id"] == Action.EDIT_KIT]
    ai = next(o["value"] for o in select["options"] if o["text"]["text"] == "AI and new tools")
    await slack.click(ADMIN, Action.EDIT_KIT, view_id=settings.id, selected_option=ai)
    edit = await top_modal(standin, ADMIN, View.KIT_EDIT)
    why = "Our board asked every leader to try one AI tool this quarter."
    result = await slack.submit(ADMIN, edit.id, values={Field.WHY: why})
    assert result.outcome == "updated"
    await book(slack, standin, bot, pair, GRACE, later(clock, hours=3))
    await brief(bot, clock)
    assert why in briefings(standin, MAYA)[0]
    assert (await slack.command(MAYA, "kit AI")).status == 200
    await standin.wait_for(lambda: any(why in t for t in _answers(standin, MAYA)))


def _answers(standin: SlackStandIn, user: str) -> list[str]:
    return [text_of(m.blocks or []) for m in standin.messages_for(user) if m.ephemeral_user == user]


async def test_mentor_kit_lists_finds_and_forgives_a_typo(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await slack.command(MAYA, "kit")
    await standin.wait_for(
        lambda: any("/mentor kit Social media" in t for t in _answers(standin, MAYA))
    )
    await slack.command(MAYA, "kit socail media")
    await standin.wait_for(
        lambda: any("Topic kit: Social media" in t for t in _answers(standin, MAYA))
    )
    await slack.command(MAYA, "kit career")
    await standin.wait_for(
        lambda: any(
            "Topic kit: Leadership and career insight" in t for t in _answers(standin, MAYA)
        )
    )
    assert replies(standin, MAYA)


async def test_got_it_is_recorded_and_the_home_stops_showing_the_briefing(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    await book(slack, standin, bot, pair, MAYA, later(clock, hours=2))
    await brief(bot, clock)
    page = await home(slack, standin, GRACE)
    assert "Your briefing for your first session" in text_of(page["blocks"])
    message = [m for m in dms(standin, GRACE) if "first session" in m.text][-1]
    await slack.click(GRACE, Action.SHOW_KIT, channel_id=message.channel, message_ts=message.ts)
    assert (await top_modal(standin, GRACE, View.KIT)).view["blocks"]
    await slack.close(GRACE)
    await slack.click(GRACE, Action.GOT_IT, channel_id=message.channel, message_ts=message.ts)
    await deliver(bot, clock)
    page = await home(slack, standin, GRACE)
    assert "Your briefing for your first session" not in text_of(page["blocks"])


async def test_progress_is_on_its_owners_home_only(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
    pair: Pairing,
) -> None:
    at = later(clock, days=1)
    await book(slack, standin, bot, pair, GRACE, at)
    await deliver(bot, clock, until=at + timedelta(minutes=80))
    await plan_feedback(bot, clock)
    for user, values in (
        (MAYA, {Field.VALUE: "4", Field.CONFIDENCE: "2"}),
        (GRACE, {Field.VALUE: "5", Field.SHARED_BACK: "yes"}),
    ):
        message = [m for m in dms(standin, user) if Action.MET_YES in str(m.blocks)][-1]
        await slack.click(user, Action.MET_YES, channel_id=message.channel, message_ts=message.ts)
        poll = await top_modal(standin, user, View.POLL)
        await slack.submit(user, poll.id, values=dict(values))
    await deliver(bot, clock)
    mine = text_of((await home(slack, standin, MAYA))["blocks"])
    assert "Your progress" in mine and "Sessions held: 1" in mine
    assert "2 after your first session" in mine
    theirs = text_of((await home(slack, standin, GRACE))["blocks"])
    assert "Your progress" in theirs and "confidence" not in theirs.lower()
    admin = text_of((await home(slack, standin, ADMIN))["blocks"])
    assert "Your progress" not in admin and "after your first session" not in admin


async def test_announce_the_program_posts_once_per_click_and_says_when_it_cannot(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    standin.workspace.channels["C0GENERAL"] = SandboxChannel(
        "C0GENERAL", "general", members=[ADMIN, MAYA, standin.workspace.bot_user_id]
    )
    standin.workspace.channels["C0QUIET"] = SandboxChannel("C0QUIET", "quiet", members=[ADMIN])
    for channel in ("C0GENERAL", "C0QUIET"):
        await slack.command(ADMIN, "admin settings")
        settings = await top_modal(standin, ADMIN, View.SETTINGS)
        await slack.click(ADMIN, Action.ANNOUNCE, view_id=settings.id)
        modal = await top_modal(standin, ADMIN, View.ANNOUNCE)
        result = await slack.submit(ADMIN, modal.id, values={Field.ANNOUNCE_CHANNEL: channel})
        assert result.outcome == "updated"
        await deliver(bot, clock)
    (posted,) = standin.messages_in("C0GENERAL", include_ephemeral=False)
    assert "reverse mentoring is here" in posted.text
    assert Action.HOME_JOIN in str(posted.blocks)
    clicked = await slack.click(
        MAYA, Action.HOME_JOIN, channel_id="C0GENERAL", message_ts=posted.ts
    )
    assert clicked.status == 200
    await top_modal(standin, MAYA, "profile_modal")
    assert any(
        "not in that channel" in m.text + text_of(m.blocks or []) for m in dms(standin, ADMIN)
    )
