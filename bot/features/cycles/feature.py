"""Cycles: a job takes each pairing through its check-in, survey and choice."""

from __future__ import annotations

from bot.features.cycles import service, slack
from bot.platform.context import AppContext
from bot.platform.feature import Feature, Job


async def _plan(ctx: AppContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        return await service.plan(session, ctx.clock.now(), ctx.settings.cycle, ctx.settings.hours)


FEATURE = Feature(
    name="cycles",
    listeners=slack.register,
    jobs=(Job("cycles-plan", lambda ctx: ctx.settings.plan_interval, _plan),),
)
