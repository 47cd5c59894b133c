"""The program's configuration (topics, seniority levels, departments, admins, rounds) and who
may administer it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotAllowed, UserFacingError
from bot.domain.program import DEFAULT_SENIORITY_LEVELS, DEFAULT_TOPICS
from bot.domain.settings import ProgramConfig, SettingsForm, validate_settings
from bot.platform.actor import Actor
from bot.platform.cache import TTLCache
from bot.platform.clock import Clock
from bot.platform.db.dialect import insert_ignore
from bot.platform.db.engine import SessionMaker
from bot.platform.db.models import Participant, Topic, WorkspaceSettings


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
    """The program in the caller's transaction, creating the workspace's row the first time."""
    if await session.get(WorkspaceSettings, team_id) is None:
        await ensure_workspace(session, team_id, now)
    return await _read(session, team_id)


async def _read(session: AsyncSession, team_id: str) -> ProgramConfig:
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
    """The program, read without writing: the workspace's row is created once, on the first
    read that finds none, never on every read."""
    async with sessionmaker() as session:
        if await session.get(WorkspaceSettings, team_id) is not None:
            return await _read(session, team_id)
    async with sessionmaker() as session, session.begin():
        return await read_program(session, team_id, clock.now())


ADMINS_ONLY = "Sorry, this is for the program team."


async def _listed_admins(sessionmaker: SessionMaker, team_id: str) -> tuple[str, ...]:
    async with sessionmaker() as session:
        found = await session.scalar(
            select(WorkspaceSettings.admin_user_ids).where(WorkspaceSettings.team_id == team_id)
        )
    return tuple(found or ())


async def is_admin(sessionmaker: SessionMaker, actor: Actor) -> bool:
    """A program admin: listed in the program's settings, or a workspace admin or owner."""
    if actor.is_system:
        return True
    if actor.user_id in await _listed_admins(sessionmaker, actor.team_id):
        return True
    return await actor.is_workspace_admin()


async def is_admin_now(
    sessionmaker: SessionMaker, actor: Actor, listed: TTLCache[str, tuple[str, ...]]
) -> bool | None:
    """The same answer without asking Slack, for an ack: what the people cache knows, and the
    listed admins read at most once per `listed`'s lifetime; None when only Slack can tell."""
    if actor.is_system or actor.workspace_admin_if_known():
        return True
    admins = listed.get(actor.team_id)
    if admins is None:
        admins = listed.put(actor.team_id, await _listed_admins(sessionmaker, actor.team_id))
    if actor.user_id in admins:
        return True
    return actor.workspace_admin_if_known()


async def require_admin(
    sessionmaker: SessionMaker, actor: Actor, refusal: str = ADMINS_ONLY
) -> None:
    """Every use case for admins calls this itself, so that no surface can forget it."""
    if not await is_admin(sessionmaker, actor):
        raise NotAllowed(refusal)


SETTINGS_ADMINS_ONLY = "Only program admins can change settings."


async def update_settings(
    sessionmaker: SessionMaker, clock: Clock, actor: Actor, form: SettingsForm
) -> ProgramConfig:
    """Save the admin's settings. Topics removed from the list are retired, not deleted, so that
    what people already chose keeps its meaning; a topic added back comes back."""
    await require_admin(sessionmaker, actor, SETTINGS_ADMINS_ONLY)
    if errors := validate_settings(form):
        field, message = next(iter(errors.items()))
        raise UserFacingError(message, field=field)
    team_id = actor.team_id
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
                f"{highest + 1} levels (rename them instead of removing them).",
                field="levels",
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
