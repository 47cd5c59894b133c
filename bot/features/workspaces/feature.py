"""Workspaces that uninstall the app: sends stop at once, data is erased after a while."""

from __future__ import annotations

from datetime import timedelta

from bot.features.workspaces import service, slack
from bot.platform.context import AppContext
from bot.platform.feature import Feature, Job


async def _erase(ctx: AppContext) -> int:
    keep = timedelta(days=ctx.settings.uninstall_keep_days)
    return len(await service.erase_due(ctx.sessionmaker, ctx.clock, keep))


FEATURE = Feature(
    name="workspaces",
    listeners=slack.register,
    jobs=(Job("workspaces-erase", lambda ctx: ctx.settings.plan_interval, _erase),),
)
