"""Nudges: a job takes each stalled pair's next step, from what the bot itself saw."""

from __future__ import annotations

from bot.features.nudges import service, slack
from bot.platform.context import AppContext
from bot.platform.feature import Feature, Job


async def _plan(ctx: AppContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        return await service.plan(session, ctx.clock.now(), ctx.settings.ladder, ctx.settings.hours)


FEATURE = Feature(
    name="nudges",
    listeners=slack.register,
    jobs=(Job("nudges-plan", lambda ctx: ctx.settings.plan_interval, _plan),),
)
