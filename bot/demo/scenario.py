"""The scripted scenario, in order. Each feature adds its scenes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.demo import scenes_after as after
from bot.demo import scenes_basics as basics
from bot.demo import scenes_delivery as delivery
from bot.demo import scenes_joining as joining
from bot.demo import scenes_kits as kits
from bot.demo import scenes_matching as matching
from bot.demo import scenes_nudges as nudges
from bot.demo import scenes_sessions as sessions
from bot.demo import scenes_summaries as summaries
from bot.demo.run import Demo

Scene = Callable[[Demo], Awaitable[None]]
SCENES: list[Scene] = [
    basics.asking_for_help,
    basics.a_mistyped_command,
    basics.the_home_tab,
    basics.a_direct_message,
    basics.forged_requests,
    basics.slack_rotates_the_connection,
    delivery.delivery_survives_a_restart,
    *joining.SCENES,
    *matching.SCENES,
    sessions.grace_books_a_session,
    sessions.the_reminder_arrives,
    *kits.SCENES,
    sessions.maya_reschedules,
    *after.SCENES,
    *nudges.SCENES,
    *summaries.SCENES,
]
