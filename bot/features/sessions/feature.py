"""Sessions: a pair books its sessions in Slack; the card, the calendar file and the reminders
go through the outbox."""

from bot.features.sessions import deliveries, slack
from bot.platform.feature import Feature

FEATURE = Feature(
    name="sessions",
    listeners=slack.register,
    commands=slack.COMMANDS,
    on_sent=(deliveries.on_sent,),
)
