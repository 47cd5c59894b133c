"""Pairings: a pair's life after the introduction (book, end; pauses follow a partner's)."""

from bot.features.pairings import service, slack
from bot.platform.feature import Feature

FEATURE = Feature(
    name="pairings",
    listeners=slack.register,
    commands=slack.COMMANDS,
    on_sent=(service.on_sent,),
)
