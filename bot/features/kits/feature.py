"""Kits: topic kits on demand and in briefings, planned by a job from the sessions table."""

from __future__ import annotations

from bot.features.kits import service, slack
from bot.platform.context import AppContext
from bot.platform.feature import Feature, Job


async def _plan(ctx: AppContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        return await service.plan_briefings(session, ctx.clock.now(), ctx.settings.hours)


FEATURE = Feature(
    name="kits",
    listeners=slack.register,
    commands=slack.COMMANDS,
    on_dead=(service.on_dead,),
    jobs=(Job("kits-plan", lambda ctx: ctx.settings.plan_interval, _plan),),
)
