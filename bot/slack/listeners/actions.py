"""Buttons: the Home tab's actions. The acting user always comes from the signed payload."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import participants
from bot.services.errors import UserFacingError
from bot.services.program import load_program
from bot.slack.context import AppContext
from bot.slack.ids import Action
from bot.slack.listeners.commands import HELP
from bot.slack.metadata import ModalMeta
from bot.slack.people import is_program_admin
from bot.slack.surfaces import open_profile, publish_home, team_of, user_of
from bot.slack.ui.help import help_modal, notice_modal
from bot.slack.ui.modals import leave_modal, pause_modal, settings_modal


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.action(Action.HOME_HELP)
    async def show_help(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=help_modal(HELP))

    async def edit_profile(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await open_profile(client, ctx, body["trigger_id"], team_of(body), user_of(body))

    app.action(Action.HOME_JOIN)(edit_profile)
    app.action(Action.HOME_EDIT)(edit_profile)

    @app.action(Action.HOME_PAUSE)
    async def pause(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        view = pause_modal(ctx.clock.now().date(), ModalMeta().dump())
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.HOME_RESUME)
    async def resume(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        team_id, user_id = team_of(body), user_of(body)
        try:
            await participants.resume(ctx.sessionmaker, ctx.clock, team_id, user_id)
        except UserFacingError:
            pass  # a double click: the first one resumed; the Home below shows it
        await publish_home(client, ctx, team_id, user_id)

    @app.action(Action.HOME_LEAVE)
    async def leave(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=leave_modal(ModalMeta().dump()))

    @app.action(Action.HOME_SETTINGS)
    async def settings(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        program = await load_program(ctx.sessionmaker, ctx.clock, team_of(body))
        if not await is_program_admin(client, program, user_of(body)):
            view = notice_modal("Program settings", "Sorry, settings are for the program team.")
        else:
            view = settings_modal(program, ModalMeta().dump())
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    ctx.subscriptions.add("interactivity")
