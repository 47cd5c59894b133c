"""Matching rounds: computed for the whole group, reviewed and approved by an admin, then the
introductions; automatic rounds on the program's cadence."""

from bot.features.rounds import proposals, schedule, slack
from bot.platform.context import AppContext
from bot.platform.feature import Feature, Job

ROUNDS_JOB = "matching-rounds"


async def _run_queued(ctx: AppContext) -> int:
    return await schedule.run_queued_rounds(
        ctx.sessionmaker, ctx.clock, ctx.owner, ctx.settings.match_weights
    )


FEATURE = Feature(
    name="rounds",
    listeners=slack.register,
    commands=slack.COMMANDS,
    planners=(schedule.plan_rounds,),
    on_dead=(proposals.on_dead_letter,),
    jobs=(Job(ROUNDS_JOB, every=lambda ctx: ctx.settings.plan_interval, run=_run_queued),),
)
