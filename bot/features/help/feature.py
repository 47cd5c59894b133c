"""Help: the list of commands, and a friendly answer to anything the bot does not know."""

from bot.features.help import slack
from bot.platform.feature import Feature

FEATURE = Feature(
    name="help",
    listeners=slack.register,
    commands=slack.COMMANDS,
    unknown_command=slack.unknown,
)
