"""Admin summaries' listeners: `/mentor admin summary [30d|90d|cycle|all]`, `/mentor admin
export [period]`, and the admin Home's *Post a summary* and *Export CSV*.

The answer comes after the ack: counting and drawing take longer than Slack's 3 seconds may
allow on a big program. Asked in the admin channel, the summary is posted there for everyone in
it; asked anywhere else, it is the admin's own ephemeral answer, with the chart in their DM."""

from __future__ import annotations

import uuid
from typing import Any

from bot.domain.summary import parse_period, period
from bot.features.program.service import require_admin
from bot.features.summaries import chart, messages, service
from bot.features.summaries.service import ADMINS_ONLY, Options
from bot.kit.blocks import notice_modal
from bot.kit.ids import Action
from bot.platform.context import AppContext
from bot.platform.slack.listeners import Listeners
from bot.platform.slack.requests import CommandRequest, Request, log_failure, oops
from bot.platform.slack.router import Subcommand

WORKING = "Putting the summary together ({label})…"
POSTING = "The summary is on its way to <#{channel}>."
CHART_IN_DM = "The chart is in your DM with Flipside."
EXPORTING = "Your CSV ({label}) is on its way to your DM with Flipside."
NO_CHANNEL = (
    "No admin channel is set, so the summary comes to your DM. Set one in Program settings "
    "to post summaries and the weekly digest there."
)


def options(ctx: AppContext) -> Options:
    return Options(k=ctx.settings.summary_min_group_size, cycle_weeks=ctx.settings.cycle_weeks)


def _key(trigger_id: str | None) -> str:
    return trigger_id or uuid.uuid4().hex


async def _post(ctx: AppContext, r: Request | CommandRequest, name: str, channel: str) -> None:
    summary = await service.read_summary(ctx.sessionmaker, ctx.clock, r.actor, name, options(ctx))
    png = await chart.render(summary)
    await service.post(
        ctx.sessionmaker,
        ctx.clock,
        r.actor.team_id,
        summary,
        png,
        channel=channel,
        key=f"summary:{_key(r.trigger_id)}",
        asked_by=r.actor.user_id,
    )


async def _answer_alone(r: CommandRequest, name: str) -> None:
    ctx = r.ctx
    summary = await service.read_summary(ctx.sessionmaker, ctx.clock, r.actor, name, options(ctx))
    body = messages.summary_message(summary)
    await r.respond(
        text=body["text"],
        blocks=[*body["blocks"], *_note(CHART_IN_DM)],
        response_type="ephemeral",
        replace_original=False,
    )
    png = await chart.render(summary)
    key = f"summary:{_key(r.trigger_id)}"
    await service.chart_to_admin(ctx.sessionmaker, ctx.clock, r.actor, summary, png, key)


def _note(text: str) -> list[dict[str, Any]]:
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]


async def summary_command(r: CommandRequest) -> None:
    """Checked before the ack (a wrong period or a non-admin is the ack's own answer)."""
    name = parse_period(r.args)
    ctx = r.ctx
    await require_admin(ctx.sessionmaker, r.actor, ADMINS_ONLY)
    channel = await service.admin_channel(ctx.sessionmaker, ctx.clock, r.team_id)
    here = channel is not None and r.channel_id == channel
    label = period(name, ctx.clock.now(), ctx.settings.cycle_weeks).label
    await r.ack(text=WORKING.format(label=label), response_type="ephemeral")

    async def finish() -> None:
        try:
            if here and channel:
                await _post(ctx, r, name, channel)
            else:
                await _answer_alone(r, name)
        except Exception as exc:
            await r.say(oops(log_failure(exc, "command")))

    ctx.spawn(finish())


async def export_command(r: CommandRequest) -> None:
    name = parse_period(r.args or "all")
    ctx = r.ctx
    await require_admin(ctx.sessionmaker, r.actor, ADMINS_ONLY)
    label = period(name, ctx.clock.now(), ctx.settings.cycle_weeks).label
    await r.ack(text=EXPORTING.format(label=label), response_type="ephemeral")

    async def finish() -> None:
        try:
            opts = options(ctx)
            key = _key(r.trigger_id)
            await service.export(ctx.sessionmaker, ctx.clock, r.actor, name, opts, key)
        except Exception as exc:
            await r.say(oops(log_failure(exc, "command")))

    ctx.spawn(finish())


COMMANDS = (
    Subcommand(
        "admin summary",
        "the program in figures, with a chart (`30d`, `90d`, `cycle` or `all`)",
        summary_command,
        True,
    ),
    Subcommand(
        "admin export", "the program week by week as a CSV, in your DM", export_command, True
    ),
)


def register(on: Listeners) -> None:
    ctx = on.ctx

    @on.action(Action.POST_SUMMARY, title="Program summary")
    async def post_from_home(r: Request) -> None:
        await require_admin(ctx.sessionmaker, r.actor, ADMINS_ONLY)
        channel = await service.admin_channel(ctx.sessionmaker, ctx.clock, r.team_id)
        where = channel or r.user_id
        text = POSTING.format(channel=channel) if channel else NO_CHANNEL
        await r.open(notice_modal("Program summary", text))

        async def finish() -> None:
            try:
                await _post(ctx, r, "30d", where)
            except Exception as exc:  # the admin was already answered; the log keeps it
                log_failure(exc, "action")

        ctx.spawn(finish())

    @on.action(Action.EXPORT_CSV, title="Export CSV")
    async def export_from_home(r: Request) -> None:
        await require_admin(ctx.sessionmaker, r.actor, ADMINS_ONLY)
        label = period("all", ctx.clock.now(), ctx.settings.cycle_weeks).label
        await r.open(notice_modal("Export CSV", EXPORTING.format(label=label)))
        opts = options(ctx)

        async def finish() -> None:
            await service.export(ctx.sessionmaker, ctx.clock, r.actor, "all", opts, _key(None))

        ctx.spawn(finish())
