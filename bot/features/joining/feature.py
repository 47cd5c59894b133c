"""Joining: opt in, change the profile, pause, resume, leave, export one's data."""

from bot.features.joining import service, slack
from bot.platform.feature import Feature

FEATURE = Feature(
    name="joining",
    listeners=slack.register,
    commands=slack.COMMANDS,
    planners=(service.resume_due,),
    on_dead=(service.on_dead_letter,),
)
