"""The Home tab: drawn when someone opens it, and whenever a use case says it changed (those
refreshes go through the outbox, rendered when they are sent)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.domain.profile import USER_ID
from bot.features.home.blocks import home_view
from bot.features.home.service import home_page
from bot.features.summaries.service import Options
from bot.kit.blocks import Json
from bot.platform.context import AppContext
from bot.platform.outbox import HomeRenderer
from bot.platform.slack.listeners import Listeners, actor_for
from bot.platform.slack.requests import Request

log = logging.getLogger("bot.home")
GONE = {"user_not_found", "account_inactive", "user_disabled"}


def renderer(ctx: AppContext) -> HomeRenderer:
    figures = Options(k=ctx.settings.summary_min_group_size, cycle_weeks=ctx.settings.cycle_weeks)

    async def render(team_id: str, user_id: str) -> Json:
        actor = actor_for(ctx, team_id, user_id)
        page = await home_page(ctx.sessionmaker, ctx.clock, actor, figures)
        return home_view(
            page.user_id,
            page.profile,
            page.overview,
            page.pairings,
            page.sessions,
            page.items,
            page.briefings,
            page.progress,
            page.summary,
        )

    return render


def register(on: Listeners) -> None:
    ctx = on.ctx
    render = renderer(ctx)

    @on.event("app_home_opened", subscription="app_home_opened")
    async def home_opened(r: Request) -> None:
        event = r.body.get("event")
        if not isinstance(event, dict) or event.get("tab", "home") != "home":
            return
        user = event.get("user")
        if not isinstance(user, str) or not USER_ID.fullmatch(user) or not r.team_id:
            return
        try:
            await r.client.views_publish(user_id=user, view=await render(r.team_id, user))
        except SlackApiError as exc:
            if exc.response.get("error") not in GONE:
                raise
            # Someone Slack no longer knows (deactivated between the event and the answer).
            log.info("home not drawn", extra={"error": exc.response.get("error")})
