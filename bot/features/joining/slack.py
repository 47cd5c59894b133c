"""Joining's listeners: `/mentor join|profile|pause|resume|leave|export`, the Home buttons that
do the same, and the profile, pause and leave modals."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from bot.domain.errors import UserFacingError
from bot.domain.profile import PauseError, check_resume_date, parse_pause
from bot.features.joining import service
from bot.features.joining.blocks import (
    leave_modal,
    parse_profile,
    parse_resume_on,
    pause_modal,
    profile_modal,
)
from bot.features.joining.export import export
from bot.features.joining.records import not_joined
from bot.features.program.service import load_program
from bot.kit.blocks import Json
from bot.kit.ids import Action, Field, View
from bot.kit.payloads import ModalMeta
from bot.kit.text import day
from bot.platform.context import AppContext
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.requests import CommandRequest, Request, ViewRequest
from bot.platform.slack.router import Subcommand


async def open_profile(
    ctx: AppContext,
    team_id: str,
    user_id: str,
    open_view: Callable[[Json], Awaitable[None]],
    channel_id: str | None,
) -> None:
    program, profile = await service.get_profile(ctx.sessionmaker, ctx.clock, team_id, user_id)
    meta = ModalMeta(channel_id=channel_id or None, edit=profile is not None).dump()
    await open_view(profile_modal(program, profile.form if profile else None, meta))


async def _joined(ctx: AppContext, team_id: str, user_id: str) -> None:
    _, profile = await service.get_profile(ctx.sessionmaker, ctx.clock, team_id, user_id)
    if profile is None:
        raise not_joined()


async def join(r: CommandRequest) -> None:
    await r.ack()
    await open_profile(r.ctx, r.team_id, r.user_id, r.open, r.channel_id)


async def pause(r: CommandRequest) -> None:
    await r.ack()
    if not r.args:
        await _joined(r.ctx, r.team_id, r.user_id)
        meta = ModalMeta(channel_id=r.channel_id or None).dump()
        await r.open(pause_modal(r.ctx.clock.now().date(), meta))
        return
    try:
        resume_on = parse_pause(r.args, r.ctx.clock.now().date())
    except PauseError as exc:
        raise UserFacingError(str(exc)) from None
    await service.pause(r.ctx.sessionmaker, r.ctx.clock, r.actor, resume_on)
    await r.say(
        f":double_vertical_bar: Paused until {day(resume_on)}. "
        "You won't be matched or nudged until then; `/mentor resume` ends it sooner."
    )


async def resume(r: CommandRequest) -> None:
    await r.ack()
    await service.resume(r.ctx.sessionmaker, r.ctx.clock, r.actor)
    await r.say(":wave: Welcome back! You'll be included in the next matching round.")


async def leave(r: CommandRequest) -> None:
    await r.ack()
    await _joined(r.ctx, r.team_id, r.user_id)
    meta = ModalMeta(channel_id=r.channel_id or None).dump()
    await r.open(leave_modal(meta))


async def export_data(r: CommandRequest) -> None:
    await r.ack(text=":hourglass_flowing_sand: Gathering your data…", response_type="ephemeral")
    data = await export(r.ctx.sessionmaker, r.ctx.clock, r.actor)
    opened = await r.client.conversations_open(users=r.user_id)
    await r.client.files_upload_v2(
        channel=opened["channel"]["id"],
        content=json.dumps(data, indent=2, ensure_ascii=False),
        filename="flipside-my-data.json",
        title="Everything Flipside holds about you",
        initial_comment="Here is everything Flipside holds about you, as JSON. Only you got it.",
    )
    await r.say(":inbox_tray: I've sent you a file with your data in our direct messages.")


COMMANDS = (
    Subcommand("join", "opt in: say what you can share and what you want to learn", join),
    Subcommand("profile", "see and change your profile", join),
    Subcommand("pause", "take a break (`pause until 2026-12-01`, `pause for 3 weeks`)", pause),
    Subcommand("resume", "end your break early", resume),
    Subcommand("leave", "leave the program and erase your data", leave),
    Subcommand("export", "get a file with everything Flipside holds about you", export_data),
)


def register(on: Listeners) -> None:
    ctx = on.ctx

    async def edit_profile(r: Request) -> None:
        await open_profile(ctx, r.team_id, r.user_id, r.open, None)

    on.action(Action.HOME_JOIN, title="Join Flipside")(edit_profile)
    on.action(Action.HOME_EDIT, title="Your profile")(edit_profile)

    @on.action(Action.HOME_PAUSE, title="Take a break")
    async def pause_from_home(r: Request) -> None:
        await r.open(pause_modal(ctx.clock.now().date(), ModalMeta().dump()))

    @on.action(Action.HOME_RESUME, title="Welcome back")
    async def resume_from_home(r: Request) -> None:
        try:
            await service.resume(ctx.sessionmaker, ctx.clock, r.actor)
        except UserFacingError:
            pass  # a double click: the first one resumed; the Home shows it

    @on.action(Action.HOME_LEAVE, title="Leave Flipside")
    async def leave_from_home(r: Request) -> None:
        await r.open(leave_modal(ModalMeta().dump()))

    @on.view(View.PROFILE, errors_on=Field.ROLE, title="Your profile")
    async def profile_submitted(r: ViewRequest) -> Answer:
        r.meta(ModalMeta)
        form = parse_profile(r.values)
        program = await load_program(ctx.sessionmaker, ctx.clock, r.team_id)
        if errors := service.check_profile(form, r.user_id, program):
            return Answer.inline(errors)
        # Name, title and time zone come from Slack, as it says them now.
        person = await ctx.people.of(r.team_id).get(r.user_id, fresh=True)
        await service.save_profile(ctx.sessionmaker, ctx.clock, r.team_id, person, form)
        return Answer.close()

    @on.view(View.PAUSE, errors_on=Field.RESUME_ON, title="Take a break")
    async def pause_submitted(r: ViewRequest) -> Answer:
        r.meta(ModalMeta)
        resume_on = parse_resume_on(r.values)
        try:
            if resume_on is None:
                raise PauseError("Pick the date you want to come back.")
            check_resume_date(resume_on, ctx.clock.now().date())
        except PauseError as exc:
            return Answer.inline({Field.RESUME_ON: str(exc)})
        await service.pause(ctx.sessionmaker, ctx.clock, r.actor, resume_on)
        return Answer.close()

    @on.view(View.LEAVE, title="Leave Flipside")
    async def leave_submitted(r: ViewRequest) -> Answer:
        # Left already (a double submit): the refusal says so, as a notice, nothing fails.
        await service.leave(ctx.sessionmaker, ctx.clock, r.actor)
        return Answer.close(then=r.publish_home)
