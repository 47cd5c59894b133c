"""Admin summaries: on request in the admin channel or privately, a CSV export, the admin
Home's figures, and the weekly digest (a job: Monday 09:00 in the program's zone)."""

from __future__ import annotations

from bot.features.summaries import chart, service, slack
from bot.platform.context import AppContext
from bot.platform.feature import Feature, Job

DIGEST_JOB = "digest-plan"


async def _plan(ctx: AppContext) -> int:
    return await service.plan_digests(
        ctx.sessionmaker, ctx.clock, slack.options(ctx), ctx.settings.digest, chart.render
    )


FEATURE = Feature(
    name="summaries",
    listeners=slack.register,
    commands=slack.COMMANDS,
    on_dead=(service.on_dead_letter,),
    jobs=(Job(DIGEST_JOB, lambda ctx: ctx.settings.plan_interval, _plan),),
)
