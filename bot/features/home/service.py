"""What someone's Home tab shows, read in one go: their profile and partners, and for program
admins the program at a glance (counts only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.kits import NewBriefing, Progress
from bot.domain.lifecycle import ParticipantStatus
from bot.domain.notes import ActionItemInfo
from bot.domain.pairing import MyPairing
from bot.domain.profile import Profile
from bot.domain.program import Overview
from bot.domain.sessions import SessionInfo
from bot.domain.summary import Summary
from bot.features.feedback import records as answers
from bot.features.joining.records import find, to_profile
from bot.features.kits import service as kits
from bot.features.notes import records as notes
from bot.features.nudges import service as nudges
from bot.features.pairings.service import live_members, read_counts, read_my_pairings
from bot.features.program.service import is_admin, load_program
from bot.features.rounds.proposals import read_latest_round
from bot.features.sessions import records as sessions
from bot.features.summaries import service as summaries
from bot.features.summaries.service import Options
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import Participant


@dataclass(frozen=True)
class HomePage:
    user_id: str
    profile: Profile | None
    pairings: list[MyPairing]
    overview: Overview | None  # for program admins only
    # Each pairing's next session and its last one.
    sessions: dict[int, tuple[SessionInfo | None, SessionInfo | None]] = field(default_factory=dict)
    items: list[ActionItemInfo] = field(default_factory=list)  # their open action items
    briefings: list[NewBriefing] = field(default_factory=list)  # not yet "Got it"
    progress: Progress | None = None  # theirs alone
    summary: Summary | None = None  # the program's last 30 days, for program admins only


async def home_page(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, figures: Options | None = None
) -> HomePage:
    program = await load_program(sessionmaker, clock, actor.team_id)
    admin = await is_admin(sessionmaker, actor)
    glance = (
        await summaries.read_summary(sessionmaker, clock, actor, "30d", figures)
        if admin and figures
        else None
    )
    async with sessionmaker() as session:
        participant = await find(session, actor.team_id, actor.user_id)
        profile = to_profile(participant, program) if participant else None
        mine = await read_my_pairings(session, actor.team_id, actor.user_id) if profile else []
        overview = await read_overview(session, actor.team_id, clock.now()) if admin else None
        booked = await sessions.for_home(session, actor.team_id, actor.user_id, clock.now())
        items = await notes.open_items(session, actor.team_id, actor.user_id) if profile else []
        fresh = await kits.new_briefings(session, actor.team_id, actor.user_id) if profile else []
        briefed = [NewBriefing(b.id, partner_of_briefing(mine, b.pairing_id)) for b in fresh]
        mine_progress = await answers.progress(session, actor.team_id, actor.user_id)
    return HomePage(
        actor.user_id,
        profile,
        mine,
        overview,
        booked if mine else {},
        items,
        briefed,
        mine_progress if profile else None,
        glance,
    )


def partner_of_briefing(pairings: list[MyPairing], pairing_id: int) -> str:
    return next((p.partner_id for p in pairings if p.id == pairing_id), "")


async def read_overview(session: AsyncSession, team_id: str, now: datetime) -> Overview:
    roles = await session.execute(
        select(Participant.role, func.count())
        .where(Participant.team_id == team_id)
        .group_by(Participant.role)
    )
    statuses = await session.execute(
        select(Participant.status, func.count())
        .where(Participant.team_id == team_id)
        .group_by(Participant.status)
    )
    waiting = await session.scalars(
        select(Participant.slack_user_id)
        .where(
            Participant.team_id == team_id,
            Participant.status == ParticipantStatus.ACTIVE,
            Participant.slack_user_id.not_in(live_members(team_id)),
        )
        .order_by(Participant.joined_at)
    )
    return Overview(
        by_role={str(r): n for r, n in roles.all()},
        by_status={str(s): n for s, n in statuses.all()},
        waiting=tuple(waiting.all()),
        pairs=await read_counts(session, team_id),
        latest_round=await read_latest_round(session, team_id),
        at_risk=tuple(
            (r.mentor, r.leader, r.days_quiet) for r in await nudges.at_risk(session, team_id, now)
        ),
    )
