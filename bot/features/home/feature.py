"""The Home tab: each person's own page, and the program at a glance for admins."""

from bot.features.home import slack
from bot.platform.feature import Feature

FEATURE = Feature(name="home", listeners=slack.register, home=slack.renderer)
