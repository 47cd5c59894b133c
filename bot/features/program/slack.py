"""Program settings' listeners: `/mentor admin settings`, the Home's *Program settings*, and the
settings modal."""

from __future__ import annotations

from bot.domain.settings import validate_settings
from bot.features.program.blocks import parse_settings, settings_modal
from bot.features.program.service import (
    SETTINGS_ADMINS_ONLY,
    is_admin,
    is_admin_now,
    load_program,
    update_settings,
)
from bot.kit.blocks import Json
from bot.kit.ids import Action, Field, View
from bot.kit.payloads import ModalMeta
from bot.platform.context import AppContext
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.requests import CommandRequest, Request, ViewRequest
from bot.platform.slack.router import Subcommand

SETTINGS_FOR_ADMINS = "Sorry, settings are for the program team."
ADMIN_COMMANDS_ONLY = (
    "Sorry, the admin commands are for the program team. If you think you should have "
    "access, ask a workspace admin to add you in Program settings."
)


async def _settings_view(ctx: AppContext, team_id: str, channel_id: str | None) -> Json:
    program = await load_program(ctx.sessionmaker, ctx.clock, team_id)
    return settings_modal(program, ModalMeta(channel_id=channel_id or None).dump())


async def settings(r: CommandRequest) -> None:
    """Opens a modal: the refusal is in the ack when the answer is known without Slack."""
    known = await is_admin_now(r.ctx.sessionmaker, r.actor, r.ctx.listed_admins)
    if known is False:
        await r.say(ADMIN_COMMANDS_ONLY)
        return
    await r.ack()
    if known is None and not await is_admin(r.ctx.sessionmaker, r.actor):
        await r.say(ADMIN_COMMANDS_ONLY)
        return
    await r.open(await _settings_view(r.ctx, r.team_id, r.channel_id))


COMMANDS = (
    Subcommand(
        "admin settings",
        "topics, levels, departments, admin channel, automatic rounds",
        settings,
        admin_only=True,
    ),
)


def register(on: Listeners) -> None:
    ctx = on.ctx

    @on.action(Action.HOME_SETTINGS, title="Program settings")
    async def settings_from_home(r: Request) -> None:
        if not await is_admin(ctx.sessionmaker, r.actor):
            await r.tell(SETTINGS_FOR_ADMINS)
            return
        await r.open(await _settings_view(ctx, r.team_id, None))

    @on.view(View.SETTINGS, errors_on=Field.TOPICS, title="Program settings")
    async def settings_submitted(r: ViewRequest) -> Answer:
        r.meta(ModalMeta)
        if not await is_admin(ctx.sessionmaker, r.actor):
            return Answer.inline({Field.TOPICS: SETTINGS_ADMINS_ONLY})
        form = parse_settings(r.values)
        if errors := validate_settings(form):
            return Answer.inline(errors)
        await update_settings(ctx.sessionmaker, ctx.clock, r.actor, form)
        ctx.listed_admins.forget(r.team_id)
        return Answer.close()
