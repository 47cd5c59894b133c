"""The package's topic kits (kits.toml, beside this module) and a workspace's own edits."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.kits import Kit
from bot.platform.db.models import Topic, TopicKit


@functools.cache
def _package() -> tuple[dict[str, Kit], dict[str, object]]:
    raw = tomllib.loads(resources.files(__package__).joinpath("kits.toml").read_text("utf-8"))
    kits = {str(k["topic"]): Kit.from_mapping(str(k["topic"]), k) for k in raw["kit"]}
    return kits, dict(raw["generic"])


def default_kit(topic: str) -> Kit:
    """The package's kit for a default topic; a plain generic one for any other."""
    kits, generic = _package()
    return kits.get(topic) or Kit.from_mapping(topic, generic)


async def kit_for(session: AsyncSession, team_id: str, topic: str) -> Kit:
    """The workspace's kit for a topic: an admin's edit if there is one, else the package's."""
    row = await session.scalar(
        select(TopicKit)
        .join(Topic, Topic.id == TopicKit.topic_id)
        .where(TopicKit.team_id == team_id, Topic.team_id == team_id, Topic.name == topic)
    )
    if row is None:
        return default_kit(topic)
    raw = {
        "why": row.why,
        "starters": row.starters,
        "exercise": row.exercise,
        "expertise": row.expertise,
    }
    return Kit.from_mapping(topic, raw, edited=True)
