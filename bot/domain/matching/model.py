"""The matching vocabulary: who takes part, the program's rules, and what a round produces.

Everything here is a frozen dataclass so that a round's input and output can be compared, hashed
into caches and handed between layers without defensive copies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from bot.domain.program import MAX_CAPACITY, MIN_CAPACITY, Role

CrossDepartment = Literal["required", "preferred", "ignored"]
MIN_UTC_OFFSET, MAX_UTC_OFFSET = -12 * 60, 14 * 60


@dataclass(frozen=True, slots=True)
class Candidate:
    """One participant of a round, as the matcher sees them.

    `days` and `times` use the vocabulary of `bot.domain.profile` (DAYS, TIMES) in the person's
    own time zone; an empty set means "any", as in the opt-in form where they are optional.
    """

    id: str
    role: Role
    level: int  # 0 = most junior
    department: str
    utc_offset_minutes: int = 0
    share_topics: frozenset[int] = frozenset()
    learn_topics: frozenset[int] = frozenset()
    days: frozenset[str] = frozenset()
    times: frozenset[str] = frozenset()
    capacity: int = 1
    past_partners: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()
    name: str = ""

    def __post_init__(self) -> None:
        if not MIN_CAPACITY <= self.capacity <= MAX_CAPACITY:
            raise ValueError(
                f"{self.id}: capacity must be {MIN_CAPACITY}-{MAX_CAPACITY}, got {self.capacity}"
            )
        if self.level < 0:
            raise ValueError(f"{self.id}: level must be >= 0, got {self.level}")
        # Every real time zone lies within UTC-12 to UTC+14; the overlap tables rely on it.
        if not MIN_UTC_OFFSET <= self.utc_offset_minutes <= MAX_UTC_OFFSET:
            raise ValueError(f"{self.id}: utc_offset_minutes out of range")

    @property
    def display_name(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class MatchRules:
    """A program's hard limits and the weights of the soft preferences.

    A pair's score is `weight_pair` plus, for each preference, its weight times a fit in [0, 1]:
    teach (share of what the leader wants to learn that the mentor can teach), learn_back (share
    of what the mentor wants to learn that the leader can share, e.g. career insight), cross
    department, time overlap (share of the less available person's weekly time that both can
    meet, after time zones), and level gap (`level_gap_fit[gap]`, the last entry extending to
    larger gaps). `weight_pair` is what any allowed pair is worth on its own: it is what makes the
    optimiser prefer two decent pairs to one excellent pair, so raise it to favour coverage.
    """

    max_timezone_gap_hours: float = 6.0
    cross_department: CrossDepartment = "preferred"
    weight_pair: float = 2.0
    weight_teach: float = 3.0
    weight_learn_back: float = 1.0
    weight_cross_department: float = 0.5
    weight_time_overlap: float = 1.0
    weight_level_gap: float = 1.0
    # Index = leader level - mentor level. Ideal 2-3 levels: enough distance to have something to
    # learn, close enough that the junior is not talking to someone out of reach.
    level_gap_fit: tuple[float, ...] = (0.0, 0.4, 1.0, 1.0, 0.7, 0.3, 0.0)

    def __post_init__(self) -> None:
        weights = (
            self.weight_pair,
            self.weight_teach,
            self.weight_learn_back,
            self.weight_cross_department,
            self.weight_time_overlap,
            self.weight_level_gap,
        )
        if not all(math.isfinite(w) and w >= 0 for w in weights):
            raise ValueError("weights must be finite and >= 0")
        if self.weight_pair + self.weight_teach <= 0:
            raise ValueError("weight_pair or weight_teach must be positive: every pair must count")
        if not self.max_timezone_gap_hours >= 0:
            raise ValueError("max_timezone_gap_hours must be >= 0")
        if self.cross_department not in ("required", "preferred", "ignored"):
            raise ValueError(f"unknown cross_department setting {self.cross_department!r}")
        fit = self.level_gap_fit
        if len(fit) < 2 or not all(math.isfinite(f) and 0 <= f <= 1 for f in fit):
            raise ValueError("level_gap_fit needs at least 2 entries, each in [0, 1]")

    @property
    def max_timezone_gap_minutes(self) -> float:
        return self.max_timezone_gap_hours * 60


@dataclass(frozen=True, slots=True)
class Pair:
    mentor_id: str  # the junior, who shares
    leader_id: str  # the senior, who learns
    score: float
    reasons: tuple[str, ...]


class UnmatchedReason(StrEnum):
    """Why someone has no partner this round, from the first hard rule that left them alone.

    Blocking is deliberately absent: a person excluded by someone's block list (or their own)
    gets NO_COMPATIBLE_PARTNER, which also covers "everyone who fits is an earlier partner", so
    that neither the person nor an admin can tell a block from a repeat.
    """

    NO_ONE_TO_TEACH = "no_one_to_teach"
    NO_ONE_TO_LEARN_FROM = "no_one_to_learn_from"
    NO_COMPATIBLE_PARTNER_TIMEZONE = "no_compatible_partner_timezone"
    ONLY_SAME_DEPARTMENT = "only_same_department"
    NO_TOPIC_OVERLAP = "no_topic_overlap"
    NO_COMPATIBLE_PARTNER = "no_compatible_partner"
    CAPACITY_FULL_ON_OTHER_SIDE = "capacity_full_on_other_side"


@dataclass(frozen=True, slots=True)
class Unmatched:
    participant_id: str
    reason: UnmatchedReason
    text: str  # speaks to the person; safe to show to an admin too


@dataclass(frozen=True, slots=True)
class MatchResult:
    pairs: tuple[Pair, ...]  # sorted by (mentor_id, leader_id)
    unmatched: tuple[Unmatched, ...]  # sorted by participant_id
    roles: tuple[tuple[str, Role], ...]  # the role each "both" participant took, by id
    # No set of pairs could score more (certified by LP duality); equal to total_score when the
    # pairs are proven optimal.
    upper_bound: float

    @property
    def total_score(self) -> float:
        return math.fsum(p.score for p in self.pairs)

    @property
    def proven_optimal(self) -> bool:
        return self.total_score >= self.upper_bound * (1 - 1e-7) - 1e-9
