"""Feedback: the after-session questions are planned from the sessions table by a job of its
own (it needs the settings' delays), sent through the outbox, answered privately."""

from __future__ import annotations

from bot.features.feedback import service, slack
from bot.platform.context import AppContext
from bot.platform.feature import Feature, Job


async def _plan(ctx: AppContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        settings = ctx.settings
        return await service.plan(
            session, ctx.clock.now(), settings.feedback_timing, settings.hours
        )


FEATURE = Feature(
    name="feedback",
    listeners=slack.register,
    on_sent=(service.on_sent,),
    jobs=(Job("feedback-plan", lambda ctx: ctx.settings.plan_interval, _plan),),
)
