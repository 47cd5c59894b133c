"""Program settings: topics, levels, departments, admins, the admin channel, automatic rounds."""

from bot.features.program import slack
from bot.platform.feature import Feature

FEATURE = Feature(name="program", listeners=slack.register, commands=slack.COMMANDS)
