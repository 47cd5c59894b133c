"""A participant's profile as submitted, and the rules it must follow. Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain.program import MAX_CAPACITY, MIN_CAPACITY, Role

GOALS_MAX = 1000
DEPARTMENT_MAX = 100
MAX_BLOCKED = 20
MAX_PAUSE_DAYS = 365
# A Slack user id as a users select returns it; anything else could not be shown again.
USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")

DAYS = ("mon", "tue", "wed", "thu", "fri")
DAY_LABELS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
}
TIMES = ("morning", "midday", "afternoon")
# Local meeting windows, minutes after midnight. TIMES names them; the hours are ours.
TIME_WINDOWS: dict[str, tuple[int, int]] = {
    "morning": (9 * 60, 12 * 60),
    "midday": (12 * 60, 14 * 60),
    "afternoon": (14 * 60, 17 * 60),
}
TIME_LABELS = {"morning": "Mornings", "midday": "Around lunch", "afternoon": "Afternoons"}


@dataclass(frozen=True)
class ProfileForm:
    """What a person entered in the opt-in modal, already parsed from Slack's state."""

    role: str | None
    level: int | None
    department: str
    share_topics: tuple[int, ...]
    learn_topics: tuple[int, ...]
    goals: str = ""
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    capacity: int | None = 1
    blocked: tuple[str, ...] = field(default_factory=tuple)


def validate_profile(
    form: ProfileForm,
    *,
    user_id: str,
    topic_ids: set[int],
    level_count: int,
    departments: list[str],
) -> dict[str, str]:
    """Problems by field name (empty when valid). Messages speak to the person."""
    errors: dict[str, str] = {}
    roles = {r.value for r in Role}
    if form.role not in roles:
        errors["role"] = "Choose whether you want to share, learn, or both."
    if form.level is None or not 0 <= form.level < level_count:
        errors["level"] = "Choose your seniority level."
    department = form.department.strip()
    if not department:
        errors["department"] = "Tell us your department."
    elif departments and department not in departments:
        errors["department"] = "Choose one of the listed departments."
    elif len(department) > DEPARTMENT_MAX:
        errors["department"] = f"Keep it under {DEPARTMENT_MAX} characters."
    gone = "One of those topics no longer exists; please choose again."
    if set(form.share_topics) - topic_ids:
        errors["share_topics"] = gone
    if set(form.learn_topics) - topic_ids:
        errors["learn_topics"] = gone
    if form.role in (Role.SHARE, Role.BOTH) and not form.share_topics:
        errors["share_topics"] = "Pick at least one topic you can share."
    if form.role in (Role.LEARN, Role.BOTH) and not form.learn_topics:
        errors["learn_topics"] = "Pick at least one topic you want to learn."
    if len(form.goals) > GOALS_MAX:
        errors["goals"] = (
            f"Keep your goals under {GOALS_MAX:,} characters ({len(form.goals):,} now)."
        )
    if set(form.days) - set(DAYS):
        errors["days"] = "Choose days from the list."
    if set(form.times) - set(TIMES):
        errors["times"] = "Choose times from the list."
    if form.capacity is None or not MIN_CAPACITY <= form.capacity <= MAX_CAPACITY:
        errors["capacity"] = f"Choose between {MIN_CAPACITY} and {MAX_CAPACITY} partners."
    if not all(USER_ID.fullmatch(u) for u in form.blocked):
        errors["blocked"] = "Pick people from the list."
    elif user_id in form.blocked:
        errors["blocked"] = "You can't block yourself. Remove your own name from the list."
    elif len(form.blocked) > MAX_BLOCKED:
        errors["blocked"] = f"List at most {MAX_BLOCKED} people."
    return errors


class PauseError(ValueError):
    """The pause request cannot be understood; the message says how to write it."""


_UNTIL = re.compile(r"^until\s+(\d{4}-\d{2}-\d{2})$")
_FOR = re.compile(r"^for\s+(\d{1,2})\s+(day|days|week|weeks|month|months)$")


def parse_pause(text: str, today: date) -> date:
    """`until 2026-12-01`, `for 3 weeks`, `for 10 days`, `for 2 months` -> the resume date."""
    words = " ".join(text.lower().split())
    if match := _UNTIL.match(words):
        try:
            resume = date.fromisoformat(match.group(1))
        except ValueError:
            raise PauseError(f"{match.group(1)} is not a date. Write it as YYYY-MM-DD.") from None
    elif match := _FOR.match(words):
        n, unit = int(match.group(1)), match.group(2)
        days = n * {"day": 1, "week": 7, "month": 30}[unit.rstrip("s")]
        resume = today + timedelta(days=days)
    else:
        raise PauseError(
            "Try `/mentor pause until 2026-12-01` or `/mentor pause for 3 weeks`, "
            "or just `/mentor pause` to pick a date."
        )
    check_resume_date(resume, today)
    return resume


def check_resume_date(resume: date, today: date) -> None:
    if resume <= today:
        raise PauseError("Pick a date after today.")
    if resume > today + timedelta(days=MAX_PAUSE_DAYS):
        raise PauseError("You can pause for up to a year. Pick an earlier date, or leave instead.")


@dataclass(frozen=True)
class ProfileSummary:
    """What the person told us, in words, for messages and the Home tab."""

    role: str
    level: str
    department: str
    share: tuple[str, ...]
    learn: tuple[str, ...]
    goals: str
    days: tuple[str, ...]
    times: tuple[str, ...]
    capacity: int
    blocked_count: int
    status: str
    paused_until: date | None


@dataclass(frozen=True)
class Profile:
    """A participant as the person themselves may see it (their blocked list included)."""

    user_id: str
    display_name: str
    title: str
    timezone: str
    form: ProfileForm
    status: str
    paused_until: date | None
    joined_at: datetime
    summary: ProfileSummary
