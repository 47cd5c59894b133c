"""`/mentor` and its subcommands."""

from __future__ import annotations

import difflib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.profile import PauseError, parse_pause
from bot.messages.proposal import proposal_computing
from bot.services import pairings, participants, rounds
from bot.services.errors import UserFacingError
from bot.services.program import load_program
from bot.slack.context import AppContext
from bot.slack.listeners.pairing import start_round
from bot.slack.metadata import ModalMeta
from bot.slack.people import is_program_admin
from bot.slack.surfaces import open_profile, publish_home
from bot.slack.ui.help import CommandHelp, help_message
from bot.slack.ui.modals import leave_modal, pause_modal, settings_modal
from bot.slack.ui.pairing_modal import end_pairing_modal

COMMAND = "/mentor"

HELP: list[CommandHelp] = [
    CommandHelp("join", "opt in: say what you can share and what you want to learn"),
    CommandHelp("profile", "see and change your profile"),
    CommandHelp("pause", "take a break (`pause until 2026-12-01`, `pause for 3 weeks`)"),
    CommandHelp("resume", "end your break early"),
    CommandHelp("end", "end a pairing, privately and without blame"),
    CommandHelp("leave", "leave the program and erase your data"),
    CommandHelp("export", "get a file with everything Flipside holds about you"),
    CommandHelp("help", "show this list"),
    CommandHelp("admin match", "run a matching round and review the proposal", admin_only=True),
    CommandHelp(
        "admin settings",
        "topics, levels, departments, admin channel, automatic rounds",
        admin_only=True,
    ),
]


@dataclass(frozen=True)
class Request:
    """One `/mentor` invocation, as every subcommand needs it."""

    ctx: AppContext
    client: AsyncWebClient
    ack: AsyncAck
    respond: AsyncRespond
    team_id: str
    user_id: str
    channel_id: str
    trigger_id: str
    args: str  # what follows the subcommand word

    async def say(self, text: str) -> None:
        """An ephemeral answer only the person sees."""
        await self.respond(text=text, response_type="ephemeral", replace_original=False)


Handler = Callable[[Request], Awaitable[None]]


def register(app: AsyncApp, ctx: AppContext) -> None:
    subcommands: dict[str, Handler] = {
        "join": _join,
        "profile": _join,
        "pause": _pause,
        "resume": _resume,
        "leave": _leave,
        "end": _end,
        "export": _export,
        "help": _help,
        "admin": _admin,
    }

    @app.command(COMMAND)
    async def mentor(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        text = " ".join((command.get("text") or "").split())
        word, _, rest = text.partition(" ")
        word = word.lower() or "join"
        request = Request(
            ctx,
            client,
            ack,
            respond,
            str(command["team_id"]),
            str(command["user_id"]),
            str(command.get("channel_id") or ""),
            str(command.get("trigger_id") or ""),
            rest,
        )
        handler = subcommands.get(word)
        if handler is None:
            close = difflib.get_close_matches(word, list(subcommands), n=1, cutoff=0.6)
            await ack(**help_message(HELP, unknown=text, suggestion=close[0] if close else None))
            return
        try:
            await handler(request)
        except UserFacingError as exc:
            # Answered here rather than by the app's error handler: when a listener raises just
            # after ack(), Bolt drops the ack and Slack is told the command failed.
            if ack.response is None:
                await ack(text=str(exc), response_type="ephemeral")
            else:
                await request.say(str(exc))

    ctx.subscriptions.add(f"command:{COMMAND}")


async def _help(r: Request) -> None:
    program = await load_program(r.ctx.sessionmaker, r.ctx.clock, r.team_id)
    admin = await is_program_admin(r.client, program, r.user_id)
    await r.ack(**help_message(HELP, is_admin=admin))


async def _join(r: Request) -> None:
    await r.ack()
    await open_profile(r.client, r.ctx, r.trigger_id, r.team_id, r.user_id, r.channel_id)


async def _pause(r: Request) -> None:
    await r.ack()
    if not r.args:
        _, profile = await participants.get_profile(
            r.ctx.sessionmaker, r.ctx.clock, r.team_id, r.user_id
        )
        if profile is None:
            raise participants.not_joined()
        meta = ModalMeta(channel_id=r.channel_id or None).dump()
        view = pause_modal(r.ctx.clock.now().date(), meta)
        await r.client.views_open(trigger_id=r.trigger_id, view=view)
        return
    try:
        resume_on = parse_pause(r.args, r.ctx.clock.now().date())
    except PauseError as exc:
        raise UserFacingError(str(exc)) from None
    await participants.pause(r.ctx.sessionmaker, r.ctx.clock, r.team_id, r.user_id, resume_on)
    await r.say(
        f":double_vertical_bar: Paused until {resume_on:%A} {resume_on.day} {resume_on:%B %Y}. "
        "You won't be matched or nudged until then; `/mentor resume` ends it sooner."
    )
    await publish_home(r.client, r.ctx, r.team_id, r.user_id)


async def _resume(r: Request) -> None:
    await r.ack()
    await participants.resume(r.ctx.sessionmaker, r.ctx.clock, r.team_id, r.user_id)
    await r.say(":wave: Welcome back! You'll be included in the next matching round.")
    await publish_home(r.client, r.ctx, r.team_id, r.user_id)


async def _leave(r: Request) -> None:
    await r.ack()
    _, profile = await participants.get_profile(
        r.ctx.sessionmaker, r.ctx.clock, r.team_id, r.user_id
    )
    if profile is None:
        raise participants.not_joined()
    meta = ModalMeta(channel_id=r.channel_id or None).dump()
    await r.client.views_open(trigger_id=r.trigger_id, view=leave_modal(meta))


async def _export(r: Request) -> None:
    await r.ack(text=":hourglass_flowing_sand: Gathering your data…", response_type="ephemeral")
    data = await participants.export(r.ctx.sessionmaker, r.ctx.clock, r.team_id, r.user_id)
    opened = await r.client.conversations_open(users=r.user_id)
    await r.client.files_upload_v2(
        channel=opened["channel"]["id"],
        content=json.dumps(data, indent=2, ensure_ascii=False),
        filename="flipside-my-data.json",
        title="Everything Flipside holds about you",
        initial_comment="Here is everything Flipside holds about you, as JSON. Only you got it.",
    )
    await r.say(":inbox_tray: I've sent you a file with your data in our direct messages.")


async def _admin(r: Request) -> None:
    program = await load_program(r.ctx.sessionmaker, r.ctx.clock, r.team_id)
    if not await is_program_admin(r.client, program, r.user_id):
        await r.ack(
            text="Sorry, the admin commands are for the program team. If you think you should "
            "have access, ask a workspace admin to add you in Program settings.",
            response_type="ephemeral",
        )
        return
    if r.args.lower() == "match":
        await _match(r)
        return
    if r.args.lower() != "settings":
        await r.ack(
            **help_message(
                [c for c in HELP if c.admin_only], unknown=f"admin {r.args}", is_admin=True
            )
        )
        return
    await r.ack()
    meta = ModalMeta(channel_id=r.channel_id or None).dump()
    await r.client.views_open(trigger_id=r.trigger_id, view=settings_modal(program, meta))


async def _match(r: Request) -> None:
    try:
        round_id, where = await start_round(r.client, r.ctx, r.team_id, r.user_id)
    except UserFacingError as exc:
        await r.ack(text=str(exc), response_type="ephemeral")
        return
    await r.ack(text=proposal_computing(where), response_type="ephemeral")
    r.ctx.spawn(
        rounds.compute_round(
            r.ctx.sessionmaker, r.ctx.clock, round_id, r.ctx.owner, r.ctx.settings.match_weights
        )
    )


async def _end(r: Request) -> None:
    mine = await pairings.my_pairings(r.ctx.sessionmaker, r.team_id, r.user_id)
    if not mine:
        await r.ack(
            text="You don't have a partner right now, so there's nothing to end. "
            "If you want a break from the program, `/mentor pause` is there.",
            response_type="ephemeral",
        )
        return
    await r.ack()
    meta = ModalMeta(pairing_id=mine[0].id if len(mine) == 1 else None).dump()
    await r.client.views_open(trigger_id=r.trigger_id, view=end_pairing_modal(mine, meta))
