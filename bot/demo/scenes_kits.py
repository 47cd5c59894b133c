"""Scenes: the briefings before Maya and Grace's first session, and `/mentor kit AI`."""

from __future__ import annotations

from bot.demo.run import Demo
from bot.demo.scenes_sessions import MAYA
from bot.demo.steps import outbox_settled


async def briefings_before_the_first_session(demo: Demo) -> None:
    demo.show.scene(
        "Briefings before the first session",
        "A day before a pair's first session (at once when it is sooner), each side gets a "
        "briefing against the two ways reverse mentoring fails: Maya, that what she knows "
        "daily is expertise; Grace, how to be the learner. Both get the focus topic's kit.",
    )
    await demo.bot.scheduler.run("kits-plan")
    await outbox_settled(demo)
    await demo.standin.settle()


async def maya_asks_for_a_kit(demo: Demo) -> None:
    demo.show.scene(
        "Any kit, on demand",
        "Three conversation starters and an exercise to do together, for any topic.",
    )
    demo.show.action(MAYA, "types `/mentor kit AI`")
    await demo.slack.command(MAYA, "kit AI")
    await demo.standin.settle()


SCENES = [briefings_before_the_first_session, maya_asks_for_a_kit]
