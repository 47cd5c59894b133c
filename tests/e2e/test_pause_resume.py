"""Pausing with a date picker or in words, resuming by hand, and the automatic welcome back on
the pause's end date (the plan job), each confirmed by DM and shown on the Home tab."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import (
    AI,
    JAMAL,
    MAYA,
    SOCIAL,
    answered,
    assert_slack_accepted_everything,
    block,
    delivered_dms,
    home,
    join,
    open_modal,
    participant,
    replies,
    text_of,
    wait_for_reply,
)

TODAY = date(2026, 1, 5)  # the FakeClock's first day


async def status(engine: AsyncEngine, user: str) -> tuple[str, date | None]:
    found = await participant(engine, user)
    assert found is not None
    return found.status, found.paused_until


async def test_pause_without_a_date_opens_a_date_picker(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    modal = await open_modal(slack, standin, MAYA, "pause")
    assert modal.view["callback_id"] == "pause_modal"
    picker = block(modal, "resume_on")["element"]
    assert picker["type"] == "datepicker" and picker["initial_date"] == "2026-01-19"
    result = await slack.submit(MAYA, values={"resume_on": "2026-02-02"})
    assert result.closed
    assert await status(engine, MAYA) == ("paused", date(2026, 2, 2))
    dms = await delivered_dms(bot, standin, MAYA)
    assert "paused until Monday 2 February 2026" in dms[-1]
    await standin.wait_for(lambda: "Paused" in text_of(standin.home_views.get(MAYA, {})))
    assert_slack_accepted_everything(standin)


@pytest.mark.parametrize("picked", ["2026-01-05", "2025-12-24", "2027-03-01"])
async def test_the_date_picker_refuses_today_the_past_and_over_a_year(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, picked: str
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await open_modal(slack, standin, MAYA, "pause")
    result = await slack.submit(MAYA, values={"resume_on": picked})
    assert result.outcome == "errors" and set(result.errors) == {"resume_on"}
    assert await status(engine, MAYA) == ("active", None)


async def test_the_pause_modal_refuses_tampered_metadata(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    modal = await open_modal(slack, standin, MAYA, "pause")
    modal.view["private_metadata"] = '{"user_id": "U01JAMAL"}'
    result = await slack.submit(MAYA, values={"resume_on": "2026-02-02"})
    assert result.outcome == "errors" and "out of date" in result.errors["resume_on"]
    assert await status(engine, MAYA) == ("active", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pause until 2026-03-01", date(2026, 3, 1)),
        ("pause for 3 weeks", TODAY + timedelta(weeks=3)),
        ("PAUSE For 10 Days", TODAY + timedelta(days=10)),
    ],
)
async def test_pause_in_words(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    text: str,
    expected: date,
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await slack.command(MAYA, text)
    reply = await wait_for_reply(standin, MAYA, "Paused until")
    assert f"{expected.day} {expected:%B %Y}" in reply
    assert await status(engine, MAYA) == ("paused", expected)
    assert standin.open_views(MAYA) == []  # no modal when the date is given
    assert "You're paused until" in (await delivered_dms(bot, standin, MAYA))[-1]
    await standin.wait_for(lambda: "Resume now" in text_of(standin.home_views.get(MAYA, {})))


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("pause until tomorrow", "Try `/mentor pause until"),
        ("pause for 60 weeks", "up to a year"),
        ("pause until 2026-01-01", "after today"),
        ("pause until 2026-02-30", "is not a date"),
    ],
)
async def test_a_pause_that_cannot_be_understood_is_explained(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, text: str, answer: str
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await answered(slack, standin, MAYA, text, answer)
    assert await status(engine, MAYA) == ("active", None)
    assert_slack_accepted_everything(standin)


@pytest.mark.parametrize("text", ["pause", "pause for 2 weeks", "resume"])
async def test_someone_who_has_not_joined_is_told_how_to(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, text: str
) -> None:
    # The command is acknowledged (not shown as failed by Slack) and answered.
    await answered(slack, standin, MAYA, text, "haven't joined")
    assert standin.open_views(MAYA) == []
    assert await participant(engine, MAYA) is None


async def test_resume_ends_the_pause_early(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    clock: FakeClock,
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await slack.command(MAYA, "pause for 4 weeks")
    await wait_for_reply(standin, MAYA, "Paused until")
    clock.advance(timedelta(days=3))
    await slack.command(MAYA, "resume")
    await wait_for_reply(standin, MAYA, "Welcome back")
    assert await status(engine, MAYA) == ("active", None)
    dms = await delivered_dms(bot, standin, MAYA)
    assert "Welcome back!" in dms[-1] and "pause is over" not in dms[-1]
    await standin.wait_for(lambda: "*Active*" in text_of(standin.home_views.get(MAYA, {})))


async def test_resume_when_not_paused_says_so(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await answered(slack, standin, MAYA, "resume", "You're not paused")
    assert await status(engine, MAYA) == ("active", None)


async def test_paused_people_resume_on_their_date_with_a_dm(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    clock: FakeClock,
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await join(slack, standin, JAMAL, share=[SOCIAL])
    await slack.command(MAYA, "pause for 1 week")
    await slack.command(JAMAL, "pause for 3 weeks")
    await wait_for_reply(standin, JAMAL, "Paused until")
    await delivered_dms(bot, standin, MAYA)

    clock.advance(timedelta(days=6, hours=14))  # the evening before: not yet
    await bot.runtime.scheduler.plan()
    assert await status(engine, MAYA) == ("paused", TODAY + timedelta(weeks=1))

    clock.advance(timedelta(hours=10))  # Monday 12 January, early morning
    await bot.runtime.scheduler.plan()
    assert await status(engine, MAYA) == ("active", None)
    assert await status(engine, JAMAL) == ("paused", TODAY + timedelta(weeks=3))
    dms = await delivered_dms(bot, standin, MAYA)
    assert "Your pause is over: welcome back!" in dms[-1]
    assert not any("pause is over" in t for t in await delivered_dms(bot, standin, JAMAL))

    await bot.runtime.scheduler.plan()  # running again welcomes nobody twice
    again = await delivered_dms(bot, standin, MAYA)
    assert sum("pause is over" in t for t in again) == 1
    page = await home(slack, standin, MAYA)
    assert "*Active*" in text_of(page)


async def test_a_late_plan_run_still_resumes(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    """A replica that was down on the day resumes the person as soon as it plans again."""
    await join(slack, standin, MAYA, share=[AI])
    await slack.command(MAYA, "pause until 2026-01-10")
    await wait_for_reply(standin, MAYA, "Paused until")
    clock.advance(timedelta(days=30))
    await bot.runtime.scheduler.plan()
    assert await status(engine, MAYA) == ("active", None)


async def test_pausing_again_to_the_same_date_is_confirmed_again(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    clock: FakeClock,
) -> None:
    """Pause, resume, pause again to the same day: each step gets its DM, and the automatic
    welcome back comes on the day."""
    await join(slack, standin, MAYA, share=[AI])
    for _ in range(2):
        await slack.command(MAYA, "pause until 2026-02-01")
        await standin.wait_for(lambda: "Resume now" in text_of(standin.home_views.get(MAYA, {})))
        await delivered_dms(bot, standin, MAYA)
        clock.advance(timedelta(hours=1))
        await slack.command(MAYA, "resume")
        await standin.wait_for(lambda: "*Active*" in text_of(standin.home_views.get(MAYA, {})))
        await delivered_dms(bot, standin, MAYA)
        clock.advance(timedelta(hours=1))
    await slack.command(MAYA, "pause until 2026-02-01")
    await standin.wait_for(lambda: "Resume now" in text_of(standin.home_views.get(MAYA, {})))
    await delivered_dms(bot, standin, MAYA)
    clock.set(clock.now().replace(month=2, day=1, hour=6))
    await bot.runtime.scheduler.plan()
    assert await status(engine, MAYA) == ("active", None)
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("You're paused until" in t for t in dms) == 3
    assert sum(":wave: Welcome back!" in t for t in dms) == 2
    assert sum("pause is over" in t for t in dms) == 1
    assert len(replies(standin, MAYA)) == 5


async def test_repeating_the_same_pause_changes_nothing_and_sends_one_dm(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    clock: FakeClock,
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    for _ in range(2):
        await slack.command(MAYA, "pause for 2 weeks")
        await standin.wait_for(lambda: "Resume now" in text_of(standin.home_views.get(MAYA, {})))
        clock.advance(timedelta(minutes=1))
    assert await status(engine, MAYA) == ("paused", TODAY + timedelta(weeks=2))
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("You're paused until" in t for t in dms) == 1
    # A new date is a change, and is confirmed.
    await slack.command(MAYA, "pause for 3 weeks")
    await wait_for_reply(standin, MAYA, "Paused until Monday 26 January")
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("You're paused until" in t for t in dms) == 2


async def test_the_home_buttons_pause_and_resume(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    page = await home(slack, standin, MAYA)
    await slack.click(MAYA, "home_pause", view_id=page["id"])
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    assert (await slack.submit(MAYA)).closed  # the suggested date: two weeks from today
    assert await status(engine, MAYA) == ("paused", TODAY + timedelta(weeks=2))
    await standin.wait_for(lambda: "Resume now" in text_of(standin.home_views[MAYA]))
    await slack.click(MAYA, "home_resume", view_id=standin.home_views[MAYA]["id"])
    await standin.wait_for(lambda: "*Active*" in text_of(standin.home_views[MAYA]))
    assert await status(engine, MAYA) == ("active", None)
    assert_slack_accepted_everything(standin)
