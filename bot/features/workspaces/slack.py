"""Slack telling the bot a workspace is gone: `app_uninstalled`, or `tokens_revoked` naming
bot tokens. Sends stop at once (pending messages cancelled, the token forgotten), and its
installation is removed; the program data waits UNINSTALL_KEEP_DAYS before it is erased."""

from __future__ import annotations

from bot.features.workspaces import service
from bot.platform.slack.listeners import Listeners
from bot.platform.slack.requests import Request


def register(on: Listeners) -> None:
    ctx = on.ctx

    async def gone(team_id: str) -> None:
        await service.uninstalled(ctx.sessionmaker, ctx.clock, team_id)
        if ctx.tokens.store is not None:
            await ctx.tokens.store.async_delete_all(enterprise_id=None, team_id=team_id)
        ctx.tokens.forget(team_id)
        ctx.people.forget(team_id)

    @on.event("app_uninstalled", subscription="app_uninstalled")
    async def app_uninstalled(r: Request) -> None:
        if r.team_id:
            await gone(r.team_id)

    @on.event("tokens_revoked", subscription="tokens_revoked")
    async def tokens_revoked(r: Request) -> None:
        event = r.body.get("event")
        tokens = event.get("tokens") if isinstance(event, dict) else None
        bots = tokens.get("bot") if isinstance(tokens, dict) else None
        if r.team_id and bots:  # only user tokens revoked: the bot still works there
            await gone(r.team_id)
