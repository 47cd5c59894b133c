"""The vocabulary of a program: roles, statuses and the defaults an admin starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    SHARE = "share"  # a reverse mentor: teaches what they know
    LEARN = "learn"  # a leader: wants to learn
    BOTH = "both"


class TopicDirection(StrEnum):
    SHARE = "share"
    LEARN = "learn"


DEFAULT_SENIORITY_LEVELS: tuple[str, ...] = (
    "Early career",
    "Mid-level",
    "Senior",
    "Manager",
    "Director",
    "Executive",
)

DEFAULT_TOPICS: tuple[str, ...] = (
    "AI and new tools",
    "Digital trends",
    "Social media",
    "Diversity and inclusion",
    "Modern work culture",
    "Leadership and career insight",
)

MIN_CAPACITY = 1
MAX_CAPACITY = 3


def level_label(levels: tuple[str, ...] | list[str], level: int) -> str:
    """A seniority level's name; one beyond the list (renamed away) reads as its number."""
    return levels[level] if 0 <= level < len(levels) else f"Level {level + 1}"


@dataclass(frozen=True)
class Overview:
    """The admin's program panel: counts only, never anyone's private lists."""

    by_role: dict[str, int]
    by_status: dict[str, int]
    waiting: tuple[str, ...]  # active participants without a partner yet (user ids)
    pairs: dict[str, int] = field(default_factory=dict)  # pairings by status, counts only
    latest_round: tuple[int, str] | None = None  # (number, status)
    # Pairs at risk: (mentor, leader, days without a session); names and days, nothing else.
    at_risk: tuple[tuple[str, str, int], ...] = ()
