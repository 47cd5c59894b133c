"""The vocabulary of a program: roles, statuses and the defaults an admin starts from."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SHARE = "share"  # a reverse mentor: teaches what they know
    LEARN = "learn"  # a leader: wants to learn
    BOTH = "both"


class ParticipantStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


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
