"""The program's configuration: topics, seniority levels, departments, admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import get_args

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.dialect import insert_ignore
from bot.db.engine import SessionMaker
from bot.db.models import Participant, Topic, WorkspaceSettings
from bot.domain.cadence import Cadence
from bot.domain.matching import CrossDepartment
from bot.domain.program import DEFAULT_SENIORITY_LEVELS, DEFAULT_TOPICS
from bot.services.errors import UserFacingError

TOPIC_MAX = 75
MAX_TOPICS = 100  # options in one select
MAX_DEPARTMENTS = 100
MAX_LEVELS = 12


@dataclass(frozen=True)
class ProgramConfig:
    team_id: str
    levels: tuple[str, ...]
    departments: tuple[str, ...]
    topics: tuple[tuple[int, str], ...]  # (id, name), active ones, in order
    admin_channel_id: str | None
    admin_user_ids: tuple[str, ...]
    cross_department: str = "preferred"
    max_timezone_gap_hours: int = 6
    round_cadence: str = "off"
    auto_approve: bool = False

    @property
    def topic_ids(self) -> set[int]:
        return {tid for tid, _ in self.topics}

    def topic_name(self, topic_id: int) -> str:
        return dict(self.topics).get(topic_id, "a retired topic")


@dataclass(frozen=True)
class SettingsForm:
    topics: tuple[str, ...]
    levels: tuple[str, ...]
    departments: tuple[str, ...]
    admin_channel_id: str | None
    admin_user_ids: tuple[str, ...]
    cross_department: str = "preferred"
    max_timezone_gap_hours: int = 6
    round_cadence: str = "off"
    auto_approve: bool = False


CROSS_DEPARTMENT: tuple[str, ...] = get_args(CrossDepartment)
MAX_TIMEZONE_GAP = 24


async def ensure_workspace(session: AsyncSession, team_id: str, now: datetime) -> None:
    """Create the workspace's settings and default topics the first time it is seen."""
    table = WorkspaceSettings.__table__
    created = await insert_ignore(
        session,
        table,  # type: ignore[arg-type]
        {
            "team_id": team_id,
            "admin_user_ids": [],
            "seniority_levels": list(DEFAULT_SENIORITY_LEVELS),
            "departments": [],
            "max_timezone_gap_hours": 6,
            "created_at": now,
            "updated_at": now,
        },
        conflict=["team_id"],
    )
    if created:
        for position, name in enumerate(DEFAULT_TOPICS):
            await insert_ignore(
                session,
                Topic.__table__,  # type: ignore[arg-type]
                {"team_id": team_id, "name": name, "position": position, "archived": False},
                conflict=["team_id", "name"],
            )


async def read_program(session: AsyncSession, team_id: str, now: datetime) -> ProgramConfig:
    await ensure_workspace(session, team_id, now)
    ws = await session.get_one(WorkspaceSettings, team_id)
    topics = await session.execute(
        select(Topic.id, Topic.name)
        .where(Topic.team_id == team_id, Topic.archived.is_(False))
        .order_by(Topic.position, Topic.id)
    )
    return ProgramConfig(
        team_id=team_id,
        levels=tuple(ws.seniority_levels),
        departments=tuple(ws.departments),
        topics=tuple((tid, name) for tid, name in topics.all()),
        admin_channel_id=ws.admin_channel_id,
        admin_user_ids=tuple(ws.admin_user_ids),
        cross_department=ws.cross_department,
        max_timezone_gap_hours=ws.max_timezone_gap_hours,
        round_cadence=ws.round_cadence,
        auto_approve=ws.auto_approve,
    )


async def load_program(sessionmaker: SessionMaker, clock: Clock, team_id: str) -> ProgramConfig:
    async with sessionmaker() as session, session.begin():
        return await read_program(session, team_id, clock.now())


def validate_settings(form: SettingsForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.topics:
        errors["topics"] = "List at least one topic, one per line."
    elif len(form.topics) > MAX_TOPICS:
        errors["topics"] = f"List at most {MAX_TOPICS} topics."
    elif too_long := [t for t in form.topics if len(t) > TOPIC_MAX]:
        errors["topics"] = f"Keep each topic under {TOPIC_MAX} characters: “{too_long[0][:30]}…”."
    elif len({t.casefold() for t in form.topics}) != len(form.topics):
        errors["topics"] = "Each topic once, please: there is a repeat."
    if len(form.levels) < 2:
        errors["levels"] = "List at least two seniority levels, most junior first."
    elif len(form.levels) > MAX_LEVELS:
        errors["levels"] = f"List at most {MAX_LEVELS} levels."
    elif len({lv.casefold() for lv in form.levels}) != len(form.levels):
        errors["levels"] = "Each level once, please: there is a repeat."
    elif any(len(lv) > TOPIC_MAX for lv in form.levels):
        errors["levels"] = f"Keep each level under {TOPIC_MAX} characters."
    if len(form.departments) > MAX_DEPARTMENTS:
        errors["departments"] = f"List at most {MAX_DEPARTMENTS} departments."
    elif any(len(d) > 100 for d in form.departments):
        errors["departments"] = "Keep each department under 100 characters."
    elif len({d.casefold() for d in form.departments}) != len(form.departments):
        errors["departments"] = "Each department once, please: there is a repeat."
    if form.cross_department not in CROSS_DEPARTMENT:
        errors["cross_department"] = "Choose one of the options."
    if not 0 <= form.max_timezone_gap_hours <= MAX_TIMEZONE_GAP:
        errors["timezone_gap"] = f"Give a whole number of hours from 0 to {MAX_TIMEZONE_GAP}."
    if Cadence.parse(form.round_cadence).dump() != form.round_cadence:
        errors["cadence"] = "Choose one of the options."
    elif form.round_cadence != "off" and not (form.admin_channel_id or form.admin_user_ids):
        errors["cadence"] = "Automatic rounds post their proposals to the admin channel: pick one."
    elif form.auto_approve and form.round_cadence == "off":
        errors["auto_approve"] = "Automatic approval needs automatic rounds: pick a schedule."
    return errors


async def update_settings(
    sessionmaker: SessionMaker, clock: Clock, team_id: str, form: SettingsForm
) -> ProgramConfig:
    """Save the admin's settings. Topics removed from the list are retired, not deleted, so that
    what people already chose keeps its meaning; a topic added back comes back."""
    if errors := validate_settings(form):
        raise UserFacingError(next(iter(errors.values())))
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        await ensure_workspace(session, team_id, now)
        ws = await session.get_one(WorkspaceSettings, team_id, with_for_update=True)
        highest = await session.scalar(
            select(func.max(Participant.level)).where(Participant.team_id == team_id)
        )
        if highest is not None and highest >= len(form.levels):
            raise UserFacingError(
                f"Someone is at level “{ws.seniority_levels[highest]}”; keep at least "
                f"{highest + 1} levels (rename them instead of removing them)."
            )
        ws.seniority_levels = list(form.levels)
        ws.departments = list(form.departments)
        ws.admin_channel_id = form.admin_channel_id
        ws.admin_user_ids = list(form.admin_user_ids)
        ws.cross_department = form.cross_department
        ws.max_timezone_gap_hours = form.max_timezone_gap_hours
        ws.round_cadence = form.round_cadence
        ws.auto_approve = form.auto_approve
        ws.updated_at = now
        existing = {
            t.name.casefold(): t
            for t in await session.scalars(select(Topic).where(Topic.team_id == team_id))
        }
        wanted = {name.casefold() for name in form.topics}
        for old in existing.values():
            old.archived = old.name.casefold() not in wanted
        for position, name in enumerate(form.topics):
            if (kept := existing.get(name.casefold())) is None:
                session.add(Topic(team_id=team_id, name=name, position=position, archived=False))
            else:
                kept.name, kept.position = name, position
        await session.flush()
        return await read_program(session, team_id, now)
