"""Admin summaries' use cases: read a summary, post it with its chart, export its weeks as a
CSV, and plan the weekly digest. Each use case for a person checks they are a program admin;
what is sent goes through the outbox like every other message."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.delivery import UNREACHABLE_CHANNEL, Action
from bot.domain.summary import (
    CHART_WEEKS,
    DIGEST_PERIOD,
    Digest,
    Summary,
    period,
    summarise,
)
from bot.domain.summary_csv import weekly_csv
from bot.features.nudges import service as nudges
from bot.features.program.service import load_program, require_admin
from bot.features.summaries import figures, messages
from bot.features.summaries.chart import alt_text
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import OutboxMessage, Participant, WorkspaceSettings
from bot.platform.outbox import DeadLetter, OutboundMessage, Upload, enqueue, send_dm

log = logging.getLogger("bot.summaries")
UNREACHABLE = UNREACHABLE_CHANNEL
ADMINS_ONLY = "Sorry, summaries are for the program team."
MAX_EXPORT_WEEKS = 520
Render = Callable[[Summary], Awaitable[bytes]]


@dataclass(frozen=True)
class Options:
    """From the settings: the minimum group size K and the cycle's length (for `cycle`)."""

    k: int
    cycle_weeks: int


async def compute(
    sessionmaker: SessionMaker,
    clock: Clock,
    team_id: str,
    period_name: str,
    opts: Options,
    weeks_from: date | None = None,
    *,
    weekly_polls: bool = False,
) -> Summary:
    now = clock.now()
    program = await load_program(sessionmaker, clock, team_id)
    window = period(period_name, now, opts.cycle_weeks)
    first = weeks_from or (now - timedelta(weeks=CHART_WEEKS - 1)).date()
    async with sessionmaker() as session:
        risk = await nudges.at_risk(session, team_id, now)
        named = tuple((r.mentor, r.leader, r.days_quiet) for r in risk)
        found = await figures.aggregates(
            session, team_id, program, window, first, named, weekly_polls=weekly_polls
        )
    return summarise(found, opts.k)


async def read_summary(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, period_name: str, opts: Options
) -> Summary:
    await require_admin(sessionmaker, actor, ADMINS_ONLY)
    return await compute(sessionmaker, clock, actor.team_id, period_name, opts)


async def admin_channel(sessionmaker: SessionMaker, clock: Clock, team_id: str) -> str | None:
    return (await load_program(sessionmaker, clock, team_id)).admin_channel_id


def _chart(
    summary: Summary,
    png: bytes,
    team_id: str,
    key: str,
    channel: str,
    expires_at: datetime | None = None,
) -> OutboundMessage:
    return OutboundMessage(
        team_id,
        f"{key}:chart",
        "summary-chart",
        messages.chart_comment(summary),
        channel=channel,
        action=Action.UPLOAD,
        file=Upload(
            f"flipside-summary-{summary.period.end:%Y-%m-%d}.png",
            png,
            title=f"Flipside summary, {summary.period.label}",
            alt_txt=alt_text(summary),
        ),
        expires_at=expires_at,
    )


async def post(
    sessionmaker: SessionMaker,
    clock: Clock,
    team_id: str,
    summary: Summary,
    png: bytes,
    *,
    channel: str,
    key: str,
    weekly: bool = False,
    expires_at: datetime | None = None,
    asked_by: str | None = None,
) -> bool:
    """The summary, then its chart, in `channel`; once per key. True if this call queued it.
    `asked_by` is told by DM if the channel refuses it (see `on_dead_letter`)."""
    body = messages.summary_message(summary, weekly=weekly)
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        text, blocks = body["text"], body["blocks"]
        message = OutboundMessage(
            team_id,
            key,
            "summary",
            text,
            blocks,
            channel=channel,
            expires_at=expires_at,
            owner=f"admin:{asked_by}" if asked_by else None,
        )
        if not await enqueue(session, message, now):
            return False
        await enqueue(session, _chart(summary, png, team_id, key, channel, expires_at), now)
    return True


async def chart_to_admin(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, summary: Summary, png: bytes, key: str
) -> None:
    """The chart in the admin's own DM with the bot (the summary itself was their ephemeral
    answer): a file cannot be shared ephemerally."""
    async with sessionmaker() as session, session.begin():
        await enqueue(session, _chart(summary, png, actor.team_id, key, actor.user_id), clock.now())


async def _first_week(sessionmaker: SessionMaker, team_id: str, now: datetime) -> date:
    async with sessionmaker() as session:
        first = await session.scalar(
            select(func.min(Participant.joined_at)).where(Participant.team_id == team_id)
        )
    oldest = (now - timedelta(weeks=MAX_EXPORT_WEEKS)).date()
    return max(first.date(), oldest) if first else now.date()


async def export(
    sessionmaker: SessionMaker,
    clock: Clock,
    actor: Actor,
    period_name: str,
    opts: Options,
    key: str,
) -> int:
    """The period's weeks as a CSV in the admin's DM; returns how many weeks it holds."""
    await require_admin(sessionmaker, actor, ADMINS_ONLY)
    now = clock.now()
    window = period(period_name, now, opts.cycle_weeks)
    first = (
        window.start.date() if window.start else await _first_week(sessionmaker, actor.team_id, now)
    )
    summary = await compute(
        sessionmaker, clock, actor.team_id, period_name, opts, first, weekly_polls=True
    )
    data = weekly_csv(summary.weeks, opts.k)
    name = f"flipside-weeks-{period_name}-{now:%Y-%m-%d}.csv"
    message = OutboundMessage(
        actor.team_id,
        f"export:{key}",
        "summary-export",
        f"Your export: the program week by week, {summary.period.label} (aggregates only).",
        channel=actor.user_id,
        action=Action.UPLOAD,
        file=Upload(name, data, title=f"Flipside, week by week ({summary.period.label})"),
    )
    async with sessionmaker() as session, session.begin():
        await enqueue(session, message, now)
    return len(summary.weeks)


async def plan_digests(
    sessionmaker: SessionMaker, clock: Clock, opts: Options, digest: Digest, render: Render
) -> int:
    """Each workspace's digest for this ISO week, once (`digest:{team}:{week}`), from Monday
    09:00 in the program's zone until it is `late`; a bot down all that time skips the week."""
    now = clock.now()
    due = digest.due(now)
    if due is None:
        return 0
    week, at = due
    async with sessionmaker() as session:
        teams = (
            await session.execute(
                select(WorkspaceSettings.team_id, WorkspaceSettings.admin_channel_id).where(
                    WorkspaceSettings.admin_channel_id.is_not(None)
                )
            )
        ).all()
        keys = {f"digest:{team}:{week}": (team, str(channel)) for team, channel in teams}
        done = set(
            await session.scalars(
                select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(list(keys)))
            )
        )
    queued = 0
    for key, (team, channel) in keys.items():
        if key in done:
            continue
        summary = await compute(sessionmaker, clock, team, DIGEST_PERIOD, opts)
        png = await render(summary)
        late = at + digest.late
        if await post(
            sessionmaker,
            clock,
            team,
            summary,
            png,
            channel=channel,
            key=key,
            weekly=True,
            expires_at=late,
        ):
            log.info("weekly digest queued", extra={"team": team, "week": week})
            queued += 1
    return queued


async def on_dead_letter(session: AsyncSession, dead: DeadLetter) -> None:
    """Dead-letter hook: a summary or digest the admin channel refused (the bot was never
    invited, or the channel is gone) is not lost in silence: whoever asked, or else the listed
    admins, get a DM saying why and how to fix it."""
    if dead.kind != "summary" or dead.error not in UNREACHABLE or not dead.channel:
        return
    owner = dead.owner or ""
    asked = owner.removeprefix("admin:") if owner.startswith("admin:") else ""
    ws = await session.get(WorkspaceSettings, dead.team_id)
    admins = [asked] if asked else list(ws.admin_user_ids if ws else [])
    if dead.error == "not_in_channel":
        fix = "I'm not a member: type `/invite @Flipside` there."
    else:
        fix = "that channel is archived or gone: pick another in `/mentor admin settings`."
    text = f"I couldn't post the program summary in <#{dead.channel}>: {fix}"
    for admin in admins:
        if admin and admin != dead.channel:
            key = f"summary-refused:{dead.dedup_key}"
            await send_dm(session, dead.team_id, admin, key, {"text": text}, dead.at)
