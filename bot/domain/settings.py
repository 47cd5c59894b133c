"""The program's configuration as admins set it, and the rules its settings follow. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from bot.domain.cadence import Cadence
from bot.domain.matching import CrossDepartment

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
