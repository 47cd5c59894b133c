"""Notes: written after a session (or any time), read by the pair alone; action items are
reminded on their due date through the outbox."""

from bot.features.notes import slack
from bot.platform.feature import Feature

FEATURE = Feature(name="notes", listeners=slack.register, commands=slack.COMMANDS)
