"""Scenes: Priya asks for a summary in #flipside-admins and gets it with its chart; the small
program shows "too few to show" wherever fewer than 5 people are behind a figure; her CSV; and
Monday's weekly digest."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.demo.run import Demo
from bot.demo.steps import outbox_settled

PRIYA = "U01PRIYA"
ADMIN_CHANNEL = "C0ADMINS"


async def _settle(demo: Demo) -> None:
    await demo.bot.settle()
    await outbox_settled(demo)
    await demo.standin.settle()


async def priya_asks_for_a_summary(demo: Demo) -> None:
    demo.show.scene(
        "Priya asks for a summary in #flipside-admins",
        "Asked in the admin channel, the summary is posted there, with a chart of sessions per "
        "week and topics on offer against demand. The program is small: every figure about "
        "what fewer than 5 people answered (SUMMARY_MIN_GROUP_SIZE) reads “too few to show”, "
        "and a breakdown hides the next smallest cell too, so nothing can be worked out by "
        "subtraction. No admin ever sees one person's rating or notes.",
    )
    demo.show.action(PRIYA, "types `/mentor admin summary` in #flipside-admins")
    await demo.slack.command(PRIYA, "admin summary", channel_id=ADMIN_CHANNEL)
    await _settle(demo)


async def priya_exports_the_weeks(demo: Demo) -> None:
    demo.show.scene(
        "Priya exports the program week by week",
        "A CSV for her own analysis arrives in her DM: aggregates only (UTF-8 with a BOM so "
        "spreadsheets read it; a figure about too few people is an empty cell, named in the "
        "`hidden` column).",
    )
    demo.show.action(PRIYA, "types `/mentor admin export`")
    await demo.slack.command(PRIYA, "admin export")
    await _settle(demo)


async def the_weekly_digest(demo: Demo) -> None:
    demo.show.scene(
        "Monday morning: the weekly digest",
        "Every Monday at 09:00 in the program's time zone (PROGRAM_TIMEZONE), the admin "
        "channel gets the week's digest, once, through the outbox (`digest:{team}:{week}`).",
    )
    now = demo.clock.now()
    monday = now.date() + timedelta(days=(7 - now.weekday()) % 7 or 7)
    demo.clock.shift(datetime.combine(monday, time(9, 5), UTC) - now)
    demo.show.note("(The clock moves on to the next Monday, 09:05.)")
    await demo.bot.scheduler.run("digest-plan")
    await _settle(demo)


SCENES = [priya_asks_for_a_summary, priya_exports_the_weeks, the_weekly_digest]
